/**
 * 补正 round trip: a department asks for more materials in the back office; the request reaches
 * the window as a to-do; the clerk captures new pages on the case and submits; the new blobs
 * and the `case.supplement` travel through the outbox to the back office, which puts the case
 * back into review for the department that asked. Real back office over real HTTP, real
 * workstation core (materials service, state machine, audit), real image files.
 */
import { asc, eq } from 'drizzle-orm';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestBackoffice, TestReviewer, type TestBackoffice } from '../../backoffice/testing';
import { auditLog, caseEvents, cases, outbox } from '../../db/schema';
import { createSyncEngine, materialsFromChecklist, type SyncEngine } from '../../electron/sync';
import type { Workstation } from '../../electron/workstation';
import type { SupplementTodo } from '../../shared/contract/supplements';
import { reviewCaseResponseSchema, SYNC_ROUTES } from '../../shared/sync';
import { acceptCase, memoryCredentials, sha256Hex } from '../chaos/sync-fixture';
import { writeCatalogFixture } from '../helpers/catalog-fixture';
import { openTestWorkstation, signInAdmin, tempDir } from '../helpers/workstation';

const PASSWORD = 'Qixia#2025review';
const FAST = { backoffBaseMs: 20, backoffCapMs: 300, probeCapMs: 100, idlePollMs: 100, longPollSeconds: 1, requestTimeoutMs: 10_000 };

let bo: TestBackoffice;
let mz: TestReviewer;

beforeAll(async () => {
  bo = await startTestBackoffice();
  await bo.backoffice.admin.createReviewer({ username: 'mz.zhou', password: PASSWORD, department: 'MZ', displayName: '周审批' });
  mz = await TestReviewer.login(bo.baseUrl, 'mz.zhou', PASSWORD);
}, 60_000);
afterAll(async () => {
  bo?.backoffice.app.server.closeAllConnections();
  await bo?.close();
});

let dir: ReturnType<typeof tempDir>;
let ws: Workstation;
let admin: string;
let clerk: string;
let engine: SyncEngine;
let windowNo = 60;

/** A clerk account (the state machine lets clerks, not admins, take supplements). */
async function signInClerk(): Promise<string> {
  const added = await ws.dispatch('users.add', { username: 'clerk.li', displayName: '李窗口', role: 'clerk' }, { sessionId: admin });
  if (!added.envelope.ok) throw new Error(JSON.stringify(added.envelope));
  const otp = (added.envelope.data as { oneTimePassword: string }).oneTimePassword;
  const signIn = await ws.dispatch('auth.signIn', { username: 'clerk.li', password: otp }, {});
  const sessionId = signIn.session as string;
  const changed = await ws.dispatch('auth.changePassword', { currentPassword: otp, newPassword: 'Window2026pass!' }, { sessionId });
  if (!changed.envelope.ok) throw new Error(JSON.stringify(changed.envelope));
  return sessionId;
}

beforeEach(async () => {
  dir = tempDir();
  windowNo++;
  ws = await openTestWorkstation(join(dir.path, 'data'), { catalogDir: writeCatalogFixture(join(dir.path, 'catalog')), flags: { windowNo: String(windowNo) } });
  admin = await signInAdmin(ws);
  clerk = await signInClerk();
  engine = createSyncEngine({
    db: ws.database.db,
    baseUrl: bo.baseUrl,
    credentials: memoryCredentials(),
    // The workstation's own blob store and pages, as in electron/sync/runtime.ts.
    blobs: { read: (sha) => ws.materials.blobs.get(sha) },
    materialsForCase: materialsFromChecklist(ws.database.db, (id) => ws.materials.materialsForSync(id)),
    approvalFor: (code, version) => ws.catalog.get(code, version).approval,
    now: () => new Date(),
    onEvent: () => undefined,
    tuning: FAST,
  });
  await engine.enrol(await bo.backoffice.admin.createEnrolmentCode({ centerCode: '32011300', windowNo: String(windowNo) }), 'supplement-test-pc');
}, 30_000);
afterEach(async () => {
  await engine.stop();
  await ws.close();
  dir.remove();
});

async function call<T>(channel: string, input: unknown, sessionId = clerk): Promise<T> {
  const result = await ws.dispatch(channel as never, input as never, { sessionId });
  if (!result.envelope.ok) throw Object.assign(new Error(result.envelope.error.message), { error: result.envelope.error });
  return result.envelope.data as T;
}

async function refusal(channel: string, input: unknown, sessionId = clerk) {
  const result = await ws.dispatch(channel as never, input as never, { sessionId });
  if (result.envelope.ok) throw new Error(`${channel} should have been refused`);
  return result.envelope.error;
}

/** A real scanned page: a JPEG with some structure, different per seed. */
async function scan(seed: number): Promise<string> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="1200"><rect width="900" height="1200" fill="#fdfdf8"/><text x="80" y="200" font-size="64">补正材料 ${seed}</text><rect x="80" y="300" width="${300 + seed * 40}" height="400" fill="#333"/></svg>`;
  return (await sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer()).toString('base64');
}

const statusOf = (id: string) => ws.database.db.select({ s: cases.status }).from(cases).where(eq(cases.id, id)).get()!.s;
const timeline = (id: string) => ws.database.db.select().from(caseEvents).where(eq(caseEvents.caseId, id)).orderBy(asc(caseEvents.id)).all();

async function reviewCase(caseId: string) {
  const response = await mz.fetch(SYNC_ROUTES.reviewCase(caseId));
  expect(response.status).toBe(200);
  return reviewCaseResponseSchema.parse(await response.json());
}

async function pushAndPull() {
  await engine.syncOnce();
  await engine.syncOnce();
}

describe('supplement (补正) round trip', () => {
  it('turns a request into a to-do, sends the new pages through the outbox and puts the case back into review', async () => {
    const { id } = await acceptCase(ws, admin, 1);
    await pushAndPull();
    expect(statusOf(id)).toBe('in-review');
    const before = await reviewCase(id);
    const task = before.tasks.find((t) => t.department === 'MZ')!;

    // The department asks for two materials: one of the item's own, one it names freely.
    const decided = await mz.decide(task.taskId, {
      decision: 'supplement',
      reason: '户口簿复印件不清晰，另需情况说明',
      materialsWanted: [{ name: '户口簿', materialId: 'hukou', note: '请提供户主页和本人页' }, { name: '情况说明' }],
    });
    expect(decided.status).toBe(200);
    await pushAndPull();
    expect(statusOf(id)).toBe('supplement-requested');

    // The to-do at the window: materials wanted, the department's reason.
    const { todos } = await call<{ todos: SupplementTodo[] }>('supplements.list', {});
    expect(todos).toHaveLength(1);
    const todo = todos[0];
    expect(todo).toMatchObject({ caseId: id, requests: [{ department: 'MZ', reason: '户口簿复印件不清晰，另需情况说明' }] });
    expect(todo.requests[0].departmentName).not.toBe('');
    expect(todo.slots.map((s) => s.name)).toEqual(['户口簿', '情况说明']);
    const [hukou, note] = todo.slots;
    expect(hukou.materialId).toBe('hukou');
    expect(hukou.note).toBe('请提供户主页和本人页');
    expect(note.materialId).toMatch(/^bz-[a-z0-9]+-2$/);

    // Nothing captured yet: refused with the missing materials named.
    const early = await refusal('supplements.submit', { caseId: id });
    expect(early.code).toBe('VALIDATION_FAILED');
    expect(early.message).toContain('户口簿');

    // The clerk captures two pages for 户口簿 and imports one for 情况说明, on the case itself.
    for (const [slot, seed] of [[hukou, 1], [hukou, 2], [note, 3]] as const) {
      await call('materials.addPage', { owner: { caseId: id }, materialId: slot.materialId, dataBase64: await scan(seed), source: 'camera' });
    }
    const ready = await call<SupplementTodo>('supplements.get', { caseId: id });
    expect(ready.slots.map((s) => s.newPageIds.length)).toEqual([2, 1]);

    const submitted = await call<{ supplementId: string; status: string; materials: { materialId: string; pages: number }[] }>('supplements.submit', { caseId: id, note: '申请人当场补交' });
    expect(submitted.status).toBe('in-review');
    expect(submitted.materials).toEqual([
      { materialId: 'hukou', name: '户口簿', pages: 2 },
      { materialId: note.materialId, name: '情况说明', pages: 1 },
    ]);
    // One transaction: the outbox entry, the move through the state machine, its timeline entry and audit entry.
    expect(statusOf(id)).toBe('in-review');
    const entry = ws.database.db.select().from(outbox).where(eq(outbox.kind, 'case.supplement')).get()!;
    expect(entry).toMatchObject({ caseId: id, status: 'pending' });
    const sent = JSON.parse(entry.payload) as { supplementId: string; materials: { materialId: string; blobs: string[] }[] };
    expect(sent.supplementId).toBe(submitted.supplementId);
    expect(timeline(id).at(-1)).toMatchObject({ type: 'supplement', fromStatus: 'supplement-requested', toStatus: 'in-review', actor: 'clerk.li' });
    const audit = ws.database.db.select().from(auditLog).where(eq(auditLog.action, 'case.supplement')).all();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ caseId: id, actor: 'clerk.li' });
    // The to-do is gone; submitting again is refused.
    expect((await call<{ todos: SupplementTodo[] }>('supplements.list', {})).todos).toEqual([]);
    expect((await refusal('supplements.submit', { caseId: id })).code).toBe('CONFLICT');

    // The engine uploads the new blobs and pushes the supplement; the feed confirms it.
    await pushAndPull();
    expect(ws.database.db.select().from(outbox).where(eq(outbox.id, entry.id)).get()!.status).toBe('done');
    const after = await reviewCase(id);
    expect(after.case.status).toBe('in-review');
    expect(after.tasks.find((t) => t.department === 'MZ')!.status).toBe('open');
    expect(after.supplements).toEqual([expect.objectContaining({ supplementId: submitted.supplementId, submittedBy: 'clerk.li', note: '申请人当场补交', materialIds: ['hukou', note.materialId] })]);
    const hukouAtBo = after.materials.find((m) => m.materialId === 'hukou')!;
    expect(hukouAtBo.blobs.map((b) => b.sha256)).toEqual(sent.materials[0].blobs);
    // The reviewer reads the very bytes the window captured.
    const page = await mz.fetch(hukouAtBo.blobs[0].url);
    expect(sha256Hex(new Uint8Array(await page.arrayBuffer()))).toBe(sent.materials[0].blobs[0]);
    // The queue shows the case again for the department that asked.
    const queue = (await (await mz.fetch(SYNC_ROUTES.reviewQueue)).json()) as { tasks: { caseId: string }[] };
    expect(queue.tasks.map((t) => t.caseId)).toContain(id);
    const types = timeline(id).map((e) => e.type);
    expect(types).toContain('supplement-submitted');
    expect(types).toContain('supplement-received');
    expect(statusOf(id)).toBe('in-review');

    // The department approves now: the case completes as usual.
    expect((await mz.decide(task.taskId, { decision: 'approve' })).status).toBe(200);
    await pushAndPull();
    expect(['approved', 'certificate-ready']).toContain(statusOf(id));
  }, 60_000);

  it('a second request after a supplement opens a new to-do that asks only for new pages', async () => {
    const { id } = await acceptCase(ws, admin, 2);
    await pushAndPull();
    const taskId = (await reviewCase(id)).tasks[0].taskId;
    await mz.decide(taskId, { decision: 'supplement', reason: '缺户口簿', materialsWanted: [{ name: '户口簿', materialId: 'hukou' }] });
    await pushAndPull();
    await call('materials.addPage', { owner: { caseId: id }, materialId: 'hukou', dataBase64: await scan(5), source: 'import', fileName: 'hukou.jpg' });
    await call('supplements.submit', { caseId: id });
    await pushAndPull();
    expect(statusOf(id)).toBe('in-review');

    await mz.decide(taskId, { decision: 'supplement', reason: '户口簿缺本人页', materialsWanted: [{ name: '户口簿', materialId: 'hukou' }] });
    await pushAndPull();
    const todo = await call<SupplementTodo>('supplements.get', { caseId: id });
    expect(todo.requests.map((r) => r.reason)).toEqual(['户口簿缺本人页']);
    // The page sent the first time does not count again.
    expect(todo.slots[0].newPageIds).toEqual([]);
    expect((await refusal('supplements.submit', { caseId: id })).code).toBe('VALIDATION_FAILED');
    await call('materials.addPage', { owner: { caseId: id }, materialId: 'hukou', dataBase64: await scan(6), source: 'camera' });
    await call('supplements.submit', { caseId: id });
    await pushAndPull();
    const bo2 = await reviewCase(id);
    expect(bo2.supplements).toHaveLength(2);
    expect(bo2.case.status).toBe('in-review');
  }, 60_000);

  it('is refused for a case that is not waiting for a supplement, and to an admin', async () => {
    const { id } = await acceptCase(ws, admin, 3);
    expect((await refusal('supplements.submit', { caseId: id })).code).toBe('CONFLICT');
    expect((await refusal('supplements.get', { caseId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' })).code).toBe('NOT_FOUND');
    expect((await refusal('supplements.list', {}, admin)).code).toBe('FORBIDDEN');
  }, 30_000);
});
