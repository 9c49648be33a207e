/**
 * The identity check (人证核验) travels with the case to the back office — decision, distance,
 * thresholds, model and version, time, operator, override (who and why), the images' SHA-256 —
 * and the images never do. Real back office over real HTTP, real workstation core with the
 * training ID-card driver and the supervisor override flow.
 */
import { eq } from 'drizzle-orm';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sampleCase, startTestBackoffice, TestDevice, TestReviewer, type TestBackoffice } from '../../backoffice/testing';
import { identityChecks } from '../../db/identity-schema';
import { createSyncEngine, materialsFromChecklist, type SyncEngine } from '../../electron/sync';
import { trainingCardData, writeTrainingCard } from '../../electron/identity/testing';
import { appPath } from '../../electron/paths';
import type { Workstation } from '../../electron/workstation';
import { reviewCaseResponseSchema, SYNC_ROUTES } from '../../shared/sync';
import { memoryCredentials } from '../chaos/sync-fixture';
import { COMPLETE_MATERIALS, idNumber, PERSONAL_ITEM, personalFormData, writeCatalogFixture } from '../helpers/catalog-fixture';
import { openTestWorkstation, signInAdmin, tempDir } from '../helpers/workstation';

const PASSWORD = 'Qixia#2025review';
const FAST = { backoffBaseMs: 20, backoffCapMs: 300, probeCapMs: 100, idlePollMs: 100, longPollSeconds: 1, requestTimeoutMs: 10_000 };

let bo: TestBackoffice;
let mz: TestReviewer;
beforeAll(async () => {
  bo = await startTestBackoffice();
  await bo.backoffice.admin.createReviewer({ username: 'mz.wu', password: PASSWORD, department: 'MZ', displayName: '吴审批' });
  mz = await TestReviewer.login(bo.baseUrl, 'mz.wu', PASSWORD);
}, 60_000);
afterAll(async () => {
  bo?.backoffice.app.server.closeAllConnections();
  await bo?.close();
});

let dir: ReturnType<typeof tempDir>;
let ws: Workstation;
let admin: string;
let engine: SyncEngine;
let chip: Buffer;
/** Every request the engine made: method, path and body text. */
const sent: { method: string; path: string; body: string }[] = [];
let windowNo = 70;

beforeEach(async () => {
  dir = tempDir();
  windowNo++;
  sent.length = 0;
  ws = await openTestWorkstation(join(dir.path, 'data'), { catalogDir: writeCatalogFixture(join(dir.path, 'catalog')), flags: { windowNo: String(windowNo) } });
  admin = await signInAdmin(ws);
  // A training card whose holder is the applicant; its photo is a real face from face-api's demo images.
  chip = await sharp(appPath('node_modules', '@vladmandic', 'face-api', 'demo', 'sample1.jpg')).resize(102, 126).jpeg().toBuffer();
  writeTrainingCard(join(dir.path, 'data', 'training-cards'), 'wang', trainingCardData({ name: '王秀英', idNumber: idNumber() }), chip);
  engine = createSyncEngine({
    db: ws.database.db,
    baseUrl: bo.baseUrl,
    credentials: memoryCredentials(),
    blobs: { read: (sha) => ws.materials.blobs.get(sha) },
    materialsForCase: materialsFromChecklist(ws.database.db, (id) => ws.materials.materialsForSync(id)),
    approvalFor: (code, version) => ws.catalog.get(code, version).approval,
    now: () => new Date(),
    onEvent: () => undefined,
    tuning: FAST,
    fetch: async (input, init) => {
      const url = new URL(String(input));
      const body = init?.body;
      sent.push({ method: init?.method ?? 'GET', path: url.pathname, body: typeof body === 'string' ? body : body ? Buffer.from(body as Uint8Array).toString('latin1') : '' });
      return fetch(input, init);
    },
  });
  await engine.enrol(await bo.backoffice.admin.createEnrolmentCode({ centerCode: '32011300', windowNo: String(windowNo) }), 'identity-test-pc');
}, 30_000);
afterEach(async () => {
  await engine.stop();
  await ws.close();
  dir.remove();
});

async function call<T>(channel: string, input: unknown, sessionId = admin): Promise<T> {
  const result = await ws.dispatch(channel as never, input as never, { sessionId });
  if (!result.envelope.ok) throw new Error(result.envelope.error.message);
  return result.envelope.data as T;
}

async function addSupervisor(): Promise<void> {
  const { oneTimePassword } = await call<{ oneTimePassword: string }>('users.add', { username: 'zhangjun', displayName: '张军', role: 'supervisor' });
  const s = await ws.dispatch('auth.signIn', { username: 'zhangjun', password: oneTimePassword }, {});
  const changed = await ws.dispatch('auth.changePassword', { currentPassword: oneTimePassword, newPassword: 'Qixia#Super2026' }, { sessionId: s.session! });
  if (!changed.envelope.ok) throw new Error(`supervisor password: ${changed.envelope.error.message}`);
}

/** Reads the training card; returns the check id. */
async function readCard(): Promise<string> {
  const read = await call<{ check: { checkId: string } }>('identity.idcard.read', { driver: 'training', card: 'wang' });
  return read.check.checkId;
}

async function acceptWith(checkId: string): Promise<string> {
  const row = await call<{ id: string }>('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData(), materials: [...COMPLETE_MATERIALS], identityCheckId: checkId });
  return row.id;
}

async function reviewCase(caseId: string) {
  const response = await mz.fetch(SYNC_ROUTES.reviewCase(caseId));
  expect(response.status).toBe(200);
  return reviewCaseResponseSchema.parse(await response.json());
}

/** The images must never leave: no upload of their hashes, no image bytes in any request. */
function expectNoImagesSent(hashes: (string | null)[]) {
  const chipBase64 = chip.toString('base64').slice(0, 200);
  for (const r of sent) {
    for (const h of hashes) if (h) expect(r.method === 'PUT' && r.path.endsWith(h)).toBe(false);
    expect(r.body.includes(chipBase64)).toBe(false);
    expect(r.body.includes(chip.subarray(0, 64).toString('latin1'))).toBe(false);
  }
}

describe('identity result in the case payload', () => {
  it('carries a supervisor override with who and why, the operator and the image hashes — not the images', async () => {
    await addSupervisor();
    const checkId = await readCard();
    await call('identity.consent.record', { checkId, given: false, method: 'verbal' });
    await call('identity.face.override', { checkId, supervisorUsername: 'zhangjun', supervisorPassword: 'Qixia#Super2026', reason: '本人拒绝人脸识别，主管当面核对证件' });
    const caseId = await acceptWith(checkId);
    await engine.syncOnce();

    const local = ws.database.db.select().from(identityChecks).where(eq(identityChecks.id, checkId)).get()!;
    const c = await reviewCase(caseId);
    expect(c.case.identityCheck).toMatchObject({
      checkId,
      result: 'overridden',
      operator: 'admin',
      override: { by: 'zhangjun', reason: '本人拒绝人脸识别，主管当面核对证件', at: local.decidedAt },
      imageSha256: { live: local.liveSha256, idPhoto: local.idPhotoSha256 },
      training: true,
    });
    expect(c.case.identityCheck!.checkedAt).toBe(local.decidedAt);
    expectNoImagesSent([local.liveSha256, local.idPhotoSha256]);
    const push = sent.find((r) => r.path === SYNC_ROUTES.push)!;
    expect(push.body).toContain('"identityCheck"');
  }, 60_000);

  it('carries a face comparison: decision, distance, thresholds, model and version', async () => {
    const checkId = await readCard();
    // What a passed comparison leaves in the identity record (the face flow is tested in identity-flow.test.ts).
    ws.database.db
      .update(identityChecks)
      .set({
        status: 'passed',
        decision: 'match',
        distance: 0.3125,
        thresholdMatch: 0.45,
        thresholdNoMatch: 0.6,
        modelName: 'face-api faceRecognitionNet',
        modelVersion: '1.7.15',
        liveSha256: 'a'.repeat(64),
        decidedAt: '2026-03-10T02:03:04.000Z',
      })
      .where(eq(identityChecks.id, checkId))
      .run();
    const caseId = await acceptWith(checkId);
    await engine.syncOnce();
    const c = await reviewCase(caseId);
    expect(c.case.identityCheck).toMatchObject({
      result: 'passed',
      decision: 'match',
      distance: 0.3125,
      thresholds: { match: 0.45, noMatch: 0.6 },
      model: { name: 'face-api faceRecognitionNet', version: '1.7.15' },
      checkedAt: '2026-03-10T02:03:04.000Z',
      override: null,
      imageSha256: { live: 'a'.repeat(64) },
    });
    expectNoImagesSent(['a'.repeat(64)]);
  }, 60_000);

  it('a case without a check carries none, and the back office refuses anything more than the result', async () => {
    const row = await call<{ id: string }>('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData('李四'), materials: [...COMPLETE_MATERIALS] });
    await engine.syncOnce();
    expect((await reviewCase(row.id)).case.identityCheck).toBeUndefined();

    // The back office's case schema is strict: an image smuggled into the identity record is refused.
    const device = await TestDevice.enrol(bo.baseUrl, await bo.backoffice.admin.createEnrolmentCode({ centerCode: '32011300', windowNo: '99' }));
    const check = {
      checkId: 'CHK1',
      result: 'passed',
      decision: 'match',
      distance: 0.3,
      thresholds: { match: 0.45, noMatch: 0.6 },
      model: { name: 'm', version: '1' },
      checkedAt: new Date().toISOString(),
      operator: 'clerk01',
      override: null,
      imageSha256: { live: null, idPhoto: null },
      training: false,
      attempts: 1,
    };
    const base = sampleCase(device.credentials, { approval: { lead: 'MZ', co: [] } });
    const smuggled = await device.push([{ mutationId: ulidLike(1), kind: 'case.create', payload: { ...base, identityCheck: { ...check, liveImage: chip.toString('base64') } } as never }]);
    expect(smuggled.results[0]).toMatchObject({ status: 'rejected', code: 'INVALID_PAYLOAD' });
    // An override without who and why is refused too.
    const bare = await device.push([{ mutationId: ulidLike(2), kind: 'case.create', payload: { ...base, identityCheck: { ...check, result: 'overridden' } } as never }]);
    expect(bare.results[0]).toMatchObject({ status: 'rejected', code: 'INVALID_PAYLOAD' });
    const ok = await device.push([{ mutationId: ulidLike(3), kind: 'case.create', payload: { ...base, identityCheck: check } as never }]);
    expect(ok.results[0]).toMatchObject({ status: 'applied' });
  }, 60_000);
});

function ulidLike(n: number): string {
  return `01J${String(Date.now()).slice(-8)}${String(n).padStart(15, '0')}`.slice(0, 26).replace(/[ILOU]/g, '0');
}
