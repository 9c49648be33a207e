/**
 * The sync engine's pull side: decisions taken by real reviewers in a real back office come
 * back over the change feed and move the local cases; applying an event twice changes nothing;
 * the cursor lives in SQLite and survives a restart.
 */
import { asc, eq } from 'drizzle-orm';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestBackoffice, TestReviewer, type TestBackoffice } from '../../backoffice/testing';
import { appliedEvents, caseCertificates, caseEvents, cases, syncState } from '../../db/schema';
import { createSyncEngine, type CaseMaterial, type SyncEngine, type SyncEngineEvent } from '../../electron/sync';
import { applyPage } from '../../electron/sync/pull';
import type { Workstation } from '../../electron/workstation';
import { orgCodeCheckChar, usccCheckChar } from '../../shared/validators';
import { memoryBlobs, memoryCredentials, pageBytes, sha256Hex, waitFor } from '../chaos/sync-fixture';
import { COMPANY_ITEM, personalFormData, writeCatalogFixture } from '../helpers/catalog-fixture';
import { openTestWorkstation, signInAdmin, tempDir } from '../helpers/workstation';

const PASSWORD = 'Qixia#2025review';
const FAST = { backoffBaseMs: 20, backoffCapMs: 300, probeCapMs: 100, idlePollMs: 100, longPollSeconds: 2, requestTimeoutMs: 5_000 };

let bo: TestBackoffice;
let scjg: TestReviewer;
let sw: TestReviewer;

beforeAll(async () => {
  bo = await startTestBackoffice();
  await bo.backoffice.admin.createReviewer({ username: 'scjg.wang', password: PASSWORD, department: 'SCJG', displayName: '王审批' });
  await bo.backoffice.admin.createReviewer({ username: 'sw.li', password: PASSWORD, department: 'SW', displayName: '李审批' });
  [scjg, sw] = await Promise.all([TestReviewer.login(bo.baseUrl, 'scjg.wang', PASSWORD), TestReviewer.login(bo.baseUrl, 'sw.li', PASSWORD)]);
}, 60_000);
afterAll(async () => {
  // A streamed blob download leaves its keep-alive connection open and backoffice.close() then
  // waits for the 72 s keep-alive timeout (a back-office issue, reported): cut them first.
  bo?.backoffice.app.server.closeAllConnections();
  await bo?.close();
});

let dir: ReturnType<typeof tempDir>;
let dataDir: string;
let catalogDir: string;
let ws: Workstation;
let session: string;
let engine: SyncEngine;
let events: SyncEngineEvent[];
const credentials = memoryCredentials();
const blobs = memoryBlobs();
let windowNo = 40;

function makeEngine(): SyncEngine {
  return createSyncEngine({
    db: ws.database.db,
    baseUrl: bo.baseUrl,
    credentials,
    blobs,
    materialsForCase: (id): CaseMaterial[] => [{ materialId: 'articles', name: '公司章程', status: 'received', blobs: [blobs.put(pageBytes(id, 4096))] }],
    approvalFor: (code, version) => ws.catalog.get(code, version).approval,
    now: () => new Date(),
    onEvent: (e) => events.push(e),
    tuning: FAST,
  });
}

beforeEach(async () => {
  dir = tempDir();
  windowNo++;
  dataDir = join(dir.path, 'data');
  catalogDir = writeCatalogFixture(join(dir.path, 'catalog'));
  ws = await openTestWorkstation(dataDir, { catalogDir, flags: { windowNo: String(windowNo) } });
  session = await signInAdmin(ws);
  events = [];
  engine = makeEngine();
  await engine.enrol(await bo.backoffice.admin.createEnrolmentCode({ centerCode: '32011300', windowNo: String(windowNo) }), 'pull-test-pc');
});
afterEach(async () => {
  await engine.stop();
  ws.close();
  dir.remove();
});

let companies = 0;
function validUscc(): string {
  const body = `MA1QX${String(companies++).padStart(3, '0')}`;
  const first17 = `91320113${body}${orgCodeCheckChar(body)}`;
  return first17 + usccCheckChar(first17);
}

/** Accepts a company case (SCJG leads, SW co-reviews) and pushes it. */
async function submitCompanyCase(): Promise<string> {
  const formData = { company: { name: '南京栖霞仙林科技有限公司', creditCode: validUscc(), legalRepresentative: '陈明' }, applicant: personalFormData().applicant };
  const result = await ws.dispatch('cases.accept', { itemCode: COMPANY_ITEM.code, itemVersion: COMPANY_ITEM.version, formData, materials: [] }, { sessionId: session });
  if (!result.envelope.ok) throw new Error(JSON.stringify(result.envelope));
  const id = (result.envelope.data as { id: string }).id;
  await engine.syncOnce();
  return id;
}

const statusOf = (id: string) => ws.database.db.select({ s: cases.status }).from(cases).where(eq(cases.id, id)).get()!.s;
const timeline = (id: string) => ws.database.db.select().from(caseEvents).where(eq(caseEvents.caseId, id)).orderBy(asc(caseEvents.id)).all();

function taskOf(caseId: string, department: string): string {
  const received = timeline(caseId).find((e) => e.type === 'received');
  if (!received) throw new Error('case-received not applied');
  return (JSON.parse(received.detail) as { tasks: { taskId: string; department: string }[] }).tasks.find((t) => t.department === department)!.taskId;
}

async function decide(reviewer: TestReviewer, taskId: string, body: unknown) {
  const response = await reviewer.decide(taskId, body);
  expect(response.status).toBe(200);
}

function snapshot() {
  const db = ws.database.db;
  return JSON.stringify({
    cases: db.select().from(cases).orderBy(asc(cases.id)).all(),
    events: db.select().from(caseEvents).orderBy(asc(caseEvents.id)).all(),
    certificates: db.select().from(caseCertificates).all(),
    applied: db.select().from(appliedEvents).orderBy(asc(appliedEvents.seq)).all(),
  });
}

describe('pull', () => {
  it('brings back the decisions of two departments, the outcome and the certificate', async () => {
    const id = await submitCompanyCase();
    expect(statusOf(id)).toBe('in-review'); // the push round's pull already saw case-received
    await decide(scjg, taskOf(id, 'SCJG'), { decision: 'approve' });
    await engine.syncOnce();
    expect(statusOf(id)).toBe('in-review');
    const first = timeline(id).filter((e) => e.type === 'department-decision');
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ actor: '王审批', fromStatus: 'in-review', toStatus: 'in-review' });
    expect(JSON.parse(first[0].detail)).toMatchObject({ department: 'SCJG', decision: 'approve', role: 'lead' });

    await decide(sw, taskOf(id, 'SW'), { decision: 'approve' });
    await engine.syncOnce();
    expect(statusOf(id)).toBe('certificate-ready');
    const types = timeline(id).map((e) => `${e.type}:${e.toStatus}`);
    expect(types).toEqual([
      'accepted:accepted',
      'submitted:submitted',
      'received:in-review',
      'department-decision:in-review',
      'department-decision:in-review',
      'decision:approved',
      'certificate-issued:certificate-ready',
    ]);
    const certificate = ws.database.db.select().from(caseCertificates).where(eq(caseCertificates.caseId, id)).get()!;
    expect(certificate.mediaType).toBe('application/pdf');
    const pdf = await engine.fetchBlob(certificate.sha256);
    expect(sha256Hex(pdf)).toBe(certificate.sha256);
    expect(new TextDecoder().decode(pdf.subarray(0, 5))).toBe('%PDF-');
    expect(events).toContainEqual({ type: 'case.changed', caseId: id });
  });

  it('records a refusal with its reason and a 补正 request with the materials wanted', async () => {
    const refused = await submitCompanyCase();
    const waiting = await submitCompanyCase();
    await decide(sw, taskOf(refused, 'SW'), { decision: 'refuse', reason: '存在欠税记录' });
    await decide(scjg, taskOf(waiting, 'SCJG'), { decision: 'supplement', materialsWanted: [{ name: '股东会决议', note: '须全体股东签字' }] });
    // Another department's opinion must not end the wait for the supplement.
    await decide(sw, taskOf(waiting, 'SW'), { decision: 'approve' });
    await engine.syncOnce();
    expect(statusOf(refused)).toBe('refused');
    const outcome = timeline(refused).find((e) => e.type === 'decision')!;
    expect(JSON.parse(outcome.detail)).toMatchObject({ outcome: 'refused', reasons: [{ department: 'SW', reason: '存在欠税记录' }] });
    expect(statusOf(waiting)).toBe('supplement-requested');
    const request = timeline(waiting).find((e) => e.type === 'supplement-requested')!;
    expect(JSON.parse(request.detail)).toMatchObject({ department: 'SCJG', materialsWanted: [{ name: '股东会决议', note: '须全体股东签字' }] });
  });

  it('changes nothing when the same events are applied again', async () => {
    const id = await submitCompanyCase();
    await decide(scjg, taskOf(id, 'SCJG'), { decision: 'approve' });
    await decide(sw, taskOf(id, 'SW'), { decision: 'approve' });
    await engine.syncOnce();
    const before = snapshot();
    const cursor = engine.status().cursor;
    expect(cursor).toBeGreaterThan(0);

    // As after a back-office restore: the cursor goes back to 0 and the whole feed comes again.
    ws.database.db.update(syncState).set({ value: '0' }).where(eq(syncState.key, 'feed.cursor')).run();
    const again = await engine.syncOnce();
    expect(again.pulled).toBe(0);
    expect(snapshot()).toBe(before);
    expect(engine.status().cursor).toBe(cursor);

    // And the same page handed to the applier twice.
    const device = credentials.current()!;
    const feed = (await (await fetch(`${bo.baseUrl}/v1/changes?since=0&wait=0`, { headers: { authorization: `Bearer ${device.deviceId}.${device.deviceSecret}` } })).json()) as { events: unknown[]; cursor: number };
    applyPage({ db: ws.database.db, now: () => new Date() }, feed.events, feed.cursor);
    applyPage({ db: ws.database.db, now: () => new Date() }, feed.events, feed.cursor);
    expect(snapshot()).toBe(before);
  });

  it('keeps the cursor across a restart and applies only what is new', async () => {
    const id = await submitCompanyCase();
    await decide(scjg, taskOf(id, 'SCJG'), { decision: 'approve' });
    await engine.syncOnce();
    const cursor = engine.status().cursor;
    const applied = ws.database.db.select().from(appliedEvents).all().length;
    await engine.stop();
    ws.close();

    ws = await openTestWorkstation(dataDir, { catalogDir, flags: { windowNo: String(windowNo) } });
    engine = makeEngine();
    expect(engine.status()).toMatchObject({ cursor, enrolled: true });
    await decide(sw, taskOf(id, 'SW'), { decision: 'approve' });
    engine.start(); // the long-poll loop, not syncOnce
    await waitFor('the outcome to arrive', () => statusOf(id) === 'certificate-ready', 10_000);
    const after = ws.database.db.select().from(appliedEvents).orderBy(asc(appliedEvents.seq)).all();
    expect(after).toHaveLength(applied + 3); // SW's decision, the outcome, the certificate
    expect(after.slice(applied).every((e) => e.seq > cursor)).toBe(true);
    expect(timeline(id).filter((e) => e.type === 'department-decision')).toHaveLength(2);
  });

  it('forwards broadcasts to later capabilities and remembers the latest', async () => {
    await bo.backoffice.admin.publishCatalogUpdate({ version: '2026.11.1', note: '新增事项 3 项', bundle: new TextEncoder().encode('{"items":[]}') });
    await engine.syncOnce();
    const forwarded = events.find((e) => e.type === 'catalog-updated');
    expect(forwarded).toMatchObject({ event: { type: 'catalog-updated', data: { version: '2026.11.1', note: '新增事项 3 项' } } });
    const latest = engine.latestPublication('catalog-updated')!;
    expect(latest.data.version).toBe('2026.11.1');
    const bundle = await engine.fetchBlob(latest.data.bundle!.sha256);
    expect(new TextDecoder().decode(bundle)).toBe('{"items":[]}');
    expect(engine.latestPublication('restricted-list-updated')).toBeNull();
  });
});
