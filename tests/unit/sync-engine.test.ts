/**
 * The sync engine's push side against a real back office over real HTTP (through the chaos
 * proxy where the network has to misbehave) and a real workstation database with real cases.
 */
import { eq } from 'drizzle-orm';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestBackoffice, TestReviewer, type TestBackoffice } from '../../backoffice/testing';
import { caseEvents, cases, outbox, syncState } from '../../db/schema';
import { SYNC_ROUTES, reviewCaseResponseSchema } from '../../shared/sync';
import { PDFDocument } from 'pdf-lib';
import { createSyncEngine, materialsFromChecklist, type SyncEngine, type SyncEngineEvent, type SyncTuning } from '../../electron/sync';
import { fullJitterDelay } from '../../electron/sync/backoff';
import type { Workstation } from '../../electron/workstation';
import { startChaosProxy, type ChaosProxy, type RequestInfo } from '../chaos/proxy';
import { acceptCase, casePages, materialsFromPlan, memoryBlobs, memoryCredentials, sha256Hex, waitFor, type MemoryBlobs } from '../chaos/sync-fixture';
import { writeCatalogFixture } from '../helpers/catalog-fixture';
import { openTestWorkstation, signInAdmin, tempDir } from '../helpers/workstation';

const PASSWORD = 'Qixia#2025review';
const FAST: Partial<SyncTuning> = { backoffBaseMs: 20, backoffCapMs: 300, probeCapMs: 100, idlePollMs: 100, longPollSeconds: 1, requestTimeoutMs: 5_000 };
const PLAN = { pageSize: 6 * 1024, pages: 2, shared: true };

let bo: TestBackoffice;
let mz: TestReviewer;

beforeAll(async () => {
  bo = await startTestBackoffice();
  await bo.backoffice.admin.createReviewer({ username: 'mz.chen', password: PASSWORD, department: 'MZ', displayName: '陈审批' });
  mz = await TestReviewer.login(bo.baseUrl, 'mz.chen', PASSWORD);
}, 60_000);
afterAll(async () => {
  // Streamed blob downloads leave keep-alive connections the back office's close() waits on.
  bo?.backoffice.app.server.closeAllConnections();
  await bo?.close();
});

let dir: ReturnType<typeof tempDir>;
let ws: Workstation;
let session: string;
let proxy: ChaosProxy;
let blobs: MemoryBlobs;
let engine: SyncEngine;
let events: SyncEngineEvent[];
let credentials: ReturnType<typeof memoryCredentials>;
const requests: RequestInfo[] = [];
// Each test is its own window: case numbers (center-day-window-seq) never collide in the shared back office.
let windowNo = 10;

beforeEach(async () => {
  dir = tempDir();
  windowNo++;
  ws = await openTestWorkstation(join(dir.path, 'data'), { catalogDir: writeCatalogFixture(join(dir.path, 'catalog')), flags: { windowNo: String(windowNo) } });
  session = await signInAdmin(ws);
  requests.length = 0;
  proxy = await startChaosProxy({
    targetPort: Number(new URL(bo.baseUrl).port),
    decide: (r) => {
      requests.push(r);
      return 'pass';
    },
  });
  blobs = memoryBlobs();
  events = [];
  credentials = memoryCredentials();
  engine = makeEngine();
});
afterEach(async () => {
  await engine.stop();
  await proxy.close();
  ws.close();
  dir.remove();
});

function makeEngine(tuning: Partial<SyncTuning> = {}): SyncEngine {
  return createSyncEngine({
    db: ws.database.db,
    baseUrl: proxy.url,
    credentials,
    blobs,
    materialsForCase: materialsFromPlan(blobs, PLAN),
    approvalFor: (code, version) => ws.catalog.get(code, version).approval,
    now: () => new Date(),
    onEvent: (e) => events.push(e),
    deviceLabel: 'ws-32011300-01',
    tuning: { ...FAST, ...tuning },
  });
}

async function enrol(window = String(windowNo)) {
  const code = await bo.backoffice.admin.createEnrolmentCode({ centerCode: '32011300', windowNo: window });
  return engine.enrol(code.toLowerCase(), 'qixia-window-pc');
}

const caseRow = (id: string) => ws.database.db.select().from(cases).where(eq(cases.id, id)).get()!;
const outboxOf = (id: string) => ws.database.db.select().from(outbox).where(eq(outbox.caseId, id)).get()!;

async function backofficeCase(caseId: string) {
  const response = await mz.fetch(SYNC_ROUTES.reviewCase(caseId));
  return response.status === 200 ? reviewCaseResponseSchema.parse(await response.json()) : null;
}

describe('enrolment', () => {
  it('trades a one-time code for credentials kept only in the credential store', async () => {
    expect(engine.status()).toMatchObject({ enrolled: false, deviceId: null });
    const result = await enrol();
    expect(result).toMatchObject({ centerCode: '32011300', windowNo: String(windowNo) });
    const stored = credentials.current()!;
    expect(stored.deviceId).toBe(result.deviceId);
    expect(stored.deviceSecret.length).toBeGreaterThanOrEqual(32);
    expect(engine.status()).toMatchObject({ enrolled: true, deviceId: result.deviceId, online: true });
    // The database knows the device, never its secret.
    const state = ws.database.db.select().from(syncState).all();
    expect(state.map((r) => r.key)).toContain('device');
    expect(JSON.stringify(state)).not.toContain(stored.deviceSecret);
    // A spent code is refused with the back office's Chinese message.
    const code = await bo.backoffice.admin.createEnrolmentCode({ centerCode: '32011300', windowNo: String(windowNo) });
    await engine.enrol(code, 'pc');
    await expect(engine.enrol(code, 'pc')).rejects.toThrow(/登记码已被使用/);
  });
});

describe('push', () => {
  it('keeps accepting while the back office is unreachable and drains everything when it returns', async () => {
    await enrol();
    proxy.setMode('refuse');
    engine.start();
    const accepted: { id: string; caseNo: string }[] = [];
    for (let i = 0; i < 5; i++) {
      accepted.push(await acceptCase(ws, session, i));
      engine.poke();
    }
    await waitFor('retries to be counted', () => accepted.every((c) => outboxOf(c.id).attempts >= 2));
    const during = engine.status();
    expect(during).toMatchObject({ online: false, backlog: 5, dead: 0 });
    expect(during.lastError).toMatch(/无法连接区级后台/);
    expect(during.oldestPendingAt).toBe(outboxOf(accepted[0].id).createdAt);
    for (const c of accepted) {
      expect(caseRow(c.id).status).toBe('accepted');
      const row = outboxOf(c.id);
      expect(row.status).toBe('pending');
      expect(row.nextAttemptAt).not.toBeNull();
      expect(engine.caseSyncState(c.id)).toMatchObject({ state: 'pending', lastError: expect.stringMatching(/区级后台/) });
    }

    proxy.setMode('normal');
    await waitFor('the backlog to drain', () => engine.status().backlog === 0, 15_000);
    expect(engine.status()).toMatchObject({ online: true, dead: 0, lastError: null });
    for (const c of accepted) {
      expect(['submitted', 'in-review']).toContain(caseRow(c.id).status);
      expect(engine.caseSyncState(c.id).state).toBe('submitted');
      const timeline = ws.database.db.select().from(caseEvents).where(eq(caseEvents.caseId, c.id)).all();
      expect(timeline.filter((e) => e.type === 'submitted')).toHaveLength(1);
      // The back office holds the case with every page intact.
      const remote = (await backofficeCase(c.id))!;
      expect(remote.case.caseNo).toBe(c.caseNo);
      const expected = casePages(c.id, PLAN);
      for (const m of expected) {
        const got = remote.materials.find((x) => x.materialId === m.materialId)!;
        expect(got.blobs.map((b) => b.sha256)).toEqual(m.pages.map(sha256Hex));
        for (const b of got.blobs) {
          const bytes = new Uint8Array(await (await mz.fetch(SYNC_ROUTES.reviewBlob(b.sha256))).arrayBuffer());
          expect(sha256Hex(bytes)).toBe(b.sha256);
        }
      }
    }
    expect(events.some((e) => e.type === 'sync.status' && !e.status.online)).toBe(true);
    expect(events.filter((e) => e.type === 'case.changed').map((e) => (e as { caseId: string }).caseId)).toEqual(expect.arrayContaining(accepted.map((c) => c.id)));
    // The shared page was uploaded once for all five cases.
    const sharedPuts = requests.filter((r) => r.method === 'PUT' && r.path.startsWith(SYNC_ROUTES.blob(sha256Hex(casePages(accepted[0].id, PLAN)[0].pages.at(-1)!))));
    expect(sharedPuts).toHaveLength(1);
  });

  it('applies a push exactly once when its answer is lost and it is sent again', async () => {
    await enrol();
    const c = await acceptCase(ws, session, 1);
    // Blob HEADs and PUTs pass; the first push reaches the server, its answer is cut off.
    let dropped = false;
    proxy.setDecide((r) => {
      requests.push(r);
      if (dropped || r.method !== 'POST' || r.path !== SYNC_ROUTES.push) return 'pass';
      dropped = true;
      return 'drop-response';
    });
    await engine.syncOnce();
    expect(outboxOf(c.id)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(outboxOf(c.id).lastError).toMatch(/区级后台/);
    expect((await backofficeCase(c.id))?.case.caseNo).toBe(c.caseNo); // it was applied
    await engine.syncOnce();
    expect(outboxOf(c.id)).toMatchObject({ status: 'done', lastError: null });
    expect(caseRow(c.id).status).not.toBe('accepted');
    const submitted = ws.database.db.select().from(caseEvents).where(eq(caseEvents.caseId, c.id)).all().filter((e) => e.type === 'submitted');
    expect(submitted).toHaveLength(1);
    expect(JSON.parse(submitted[0].detail)).toMatchObject({ result: 'duplicate', mutationId: outboxOf(c.id).id });
    const queue = (await (await mz.fetch(SYNC_ROUTES.reviewQueue)).json()) as { tasks: { caseId: string }[] };
    expect(queue.tasks.filter((t) => t.caseId === c.id)).toHaveLength(1);
  });

  it('resumes a cut upload from the offset the back office acknowledged', async () => {
    const big = new Uint8Array(64 * 1024).map((_, i) => (i * 7) % 251);
    const sha = blobs.put(big);
    const materials = materialsFromPlan(blobs, PLAN);
    engine = createSyncEngine({
      db: ws.database.db,
      baseUrl: proxy.url,
      credentials,
      blobs,
      materialsForCase: (id) => materials(id).map((m, i) => (i === 0 ? { ...m, blobs: [sha, ...m.blobs] } : m)),
      approvalFor: (code, version) => ws.catalog.get(code, version).approval,
      now: () => new Date(),
      onEvent: () => undefined,
      tuning: { ...FAST, chunkBytes: 16 * 1024, uploadConcurrency: 1 },
    });
    await enrol();
    const c = await acceptCase(ws, session, 2);
    // Chunk 2 is stored but its answer is lost; the last chunk is cut half-way.
    const ours = (r: RequestInfo) => r.path.startsWith(SYNC_ROUTES.blob(sha));
    let puts = 0;
    proxy.setDecide((r) => {
      requests.push(r);
      if (!ours(r) || r.method !== 'PUT') return 'pass';
      puts++;
      return puts === 2 ? 'drop-response' : puts === 4 ? 'reset' : 'pass';
    });
    await engine.syncOnce();
    expect(outboxOf(c.id).status).toBe('done');
    const trail = requests.filter(ours).map((r) => (r.method === 'HEAD' ? 'HEAD' : `PUT@${new URL(r.path, 'http://x').searchParams.get('offset')}`));
    // The client never heard that 32 KiB were stored: it asked (HEAD) and went on from there;
    // half a chunk that was cut off is not acknowledged, so it resends that chunk whole.
    expect(trail).toEqual(['HEAD', 'PUT@0', 'PUT@16384', 'HEAD', 'PUT@32768', 'PUT@49152', 'HEAD', 'PUT@49152']);
    const remote = (await backofficeCase(c.id))!;
    const blob = remote.materials[0].blobs.find((b) => b.sha256 === sha)!;
    expect(blob.size).toBe(big.byteLength);
    const bytes = new Uint8Array(await (await mz.fetch(SYNC_ROUTES.reviewBlob(sha))).arrayBuffer());
    expect(sha256Hex(bytes)).toBe(sha);
  });

  it('retries 5xx answers with back-off until the back office takes the case, once', async () => {
    await enrol();
    const c = await acceptCase(ws, session, 3);
    const isPush = (r: RequestInfo) => r.method === 'POST' && r.path === SYNC_ROUTES.push;
    proxy.setDecide((r) => (requests.push(r), isPush(r) ? 'error-503' : 'pass'));
    await engine.syncOnce(); // the push is answered 503 (the server never saw it)
    expect(outboxOf(c.id)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(outboxOf(c.id).lastError).toMatch(/暂不可用/);
    proxy.setDecide((r) => (requests.push(r), isPush(r) ? 'error-500-after' : 'pass'));
    await new Promise((r) => setTimeout(r, 350));
    await engine.syncOnce(); // applied by the server, but the client hears 500
    expect(outboxOf(c.id)).toMatchObject({ status: 'pending', attempts: 2 });
    proxy.setDecide((r) => (requests.push(r), 'pass'));
    await new Promise((r) => setTimeout(r, 350));
    await engine.syncOnce();
    expect(outboxOf(c.id)).toMatchObject({ status: 'done' });
    const queue = (await (await mz.fetch(SYNC_ROUTES.reviewQueue)).json()) as { tasks: { caseId: string }[] };
    expect(queue.tasks.filter((t) => t.caseId === c.id)).toHaveLength(1);
  });

  it('dead-letters a refused case with the back office reason, keeps it visible and can retry it', async () => {
    await enrol('99'); // this PC is configured as another window: the back office refuses its cases
    const c = await acceptCase(ws, session, 4);
    await engine.syncOnce();
    const row = outboxOf(c.id);
    expect(row.status).toBe('dead');
    expect(row.lastError).toMatch(/与本设备登记的.*不一致/);
    expect(caseRow(c.id).status).toBe('accepted');
    expect(engine.status()).toMatchObject({ dead: 1, backlog: 0 });
    expect(engine.caseSyncState(c.id)).toMatchObject({ state: 'dead', lastError: row.lastError });
    expect(events).toContainEqual({ type: 'sync.dead', outboxId: row.id, caseId: c.id, reason: row.lastError });
    const exported = engine.exportDead();
    expect(exported).toHaveLength(1);
    expect(exported[0]).toMatchObject({ id: row.id, caseNo: c.caseNo, applicantName: '申请人4', lastError: row.lastError });

    // A retry goes out under a new mutation id (the refusal is remembered per id) and is refused again.
    engine.retryDead(row.id);
    expect(outboxOf(c.id)).toMatchObject({ status: 'pending', attempts: 0, lastError: null });
    const retried = JSON.parse(outboxOf(c.id).payload);
    expect(retried._sync.mutationId).not.toBe(row.id);
    await engine.syncOnce();
    const again = outboxOf(c.id);
    expect(again.status).toBe('dead');
    expect(JSON.parse(again.payload)._sync.refusals.map((r: { mutationId: string }) => r.mutationId)).toEqual([row.id, retried._sync.mutationId]);
    expect(() => engine.retryDead('01NOTHERE00000000000000000')).toThrow(/不存在/);
  });

  it('dead-letters an entry whose scan is missing on this PC instead of sending it', async () => {
    const materials = materialsFromPlan(blobs, PLAN);
    const lost = sha256Hex(new TextEncoder().encode('a scan that never reached the disk'));
    engine = createSyncEngine({
      db: ws.database.db,
      baseUrl: proxy.url,
      credentials,
      blobs,
      materialsForCase: (id) => materials(id).map((m, i) => (i === 1 ? { ...m, blobs: [...m.blobs, lost] } : m)),
      approvalFor: (code, version) => ws.catalog.get(code, version).approval,
      now: () => new Date(),
      onEvent: () => undefined,
      tuning: FAST,
    });
    await enrol();
    const c = await acceptCase(ws, session, 5);
    await engine.syncOnce();
    expect(outboxOf(c.id)).toMatchObject({ status: 'dead' });
    expect(outboxOf(c.id).lastError).toMatch(/本地找不到材料文件/);
    expect(requests.some((r) => r.path === SYNC_ROUTES.push)).toBe(false);
    expect(await backofficeCase(c.id)).toBeNull();
  });

  it('stops and says so when the device is revoked', async () => {
    const { deviceId } = await enrol();
    await bo.backoffice.admin.revokeDevice(deviceId);
    const c = await acceptCase(ws, session, 6);
    await engine.syncOnce();
    expect(outboxOf(c.id)).toMatchObject({ status: 'pending' });
    expect(engine.status().authProblem).toMatch(/重新登记/);
    const before = requests.length;
    await engine.syncOnce();
    expect(requests.length).toBe(before); // nothing sent until enrolled again
    await enrol();
    expect(engine.status().authProblem).toBeNull();
    await engine.syncOnce();
    expect(outboxOf(c.id)).toMatchObject({ status: 'done' });
  });
});

describe('wiring to the materials capability', () => {
  it('sends the pages the materials store holds for the case, with the checklist statuses', async () => {
    const pdf = await PDFDocument.create();
    pdf.addPage([200, 200]).drawText('ID card scan');
    const bytes = await pdf.save();
    engine = createSyncEngine({
      db: ws.database.db,
      baseUrl: proxy.url,
      credentials,
      blobs: { read: (sha) => ws.materials.blobs.get(sha) },
      materialsForCase: materialsFromChecklist(ws.database.db, (id) => ws.materials.materialsForSync(id)),
      approvalFor: (code, version) => ws.catalog.get(code, version).approval,
      now: () => new Date(),
      onEvent: () => undefined,
      tuning: FAST,
    });
    await enrol();
    const c = await acceptCase(ws, session, 7);
    const added = await ws.materials.addPage({ owner: { caseId: c.id }, materialId: 'id-card', bytes, source: 'import', fileName: 'id.pdf' });
    const sha = added.added[0].sha256;
    await engine.syncOnce();
    expect(outboxOf(c.id).status).toBe('done');
    const remote = (await backofficeCase(c.id))!;
    expect(remote.materials.map((m) => [m.materialId, m.status, m.blobs.map((b) => b.sha256)])).toEqual([
      ['id-card', 'received', [sha]],
      ['photo', 'received', []],
      ['hukou-book', 'received', []],
    ]);
    const stored = new Uint8Array(await (await mz.fetch(SYNC_ROUTES.reviewBlob(sha))).arrayBuffer());
    expect(sha256Hex(stored)).toBe(sha);
  });
});

describe('back-off', () => {
  it('draws full-jitter delays below the exponential ceiling and the cap', () => {
    expect(fullJitterDelay(0, 1000, 60_000, () => 0.999)).toBe(999);
    expect(fullJitterDelay(3, 1000, 60_000, () => 0.5)).toBe(4000);
    expect(fullJitterDelay(30, 1000, 60_000, () => 0.999)).toBe(59_940);
    expect(fullJitterDelay(5, 1000, 60_000, () => 0)).toBe(0);
    const draws = Array.from({ length: 200 }, () => fullJitterDelay(4, 1000, 60_000, Math.random));
    expect(Math.max(...draws)).toBeLessThan(16_000);
    expect(new Set(draws).size).toBeGreaterThan(150);
  });
});
