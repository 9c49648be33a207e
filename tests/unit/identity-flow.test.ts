/**
 * The 人证核验 flow through the contract handlers, on a real SQLite file (with the real audit
 * log and auth service) and the real face comparison; only the liveness frames' landmarks are
 * scripted (a camera cannot blink in a test). Inputs and outputs are parsed with the channel
 * schemas, as the dispatcher does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractError } from '../../shared/contract/errors';
import { identityChannels, type IdentityChannel, type IdentityInput, type IdentityOutput } from '../../shared/contract/identity';
import type { HandlerContext } from '../../electron/api/dispatcher';
import { createFaceService } from '../../electron/identity/face';
import { cropFace, demoImagePath, idPhotoFrom } from '../../electron/identity/face/testing';
import type { FaceDetectResult, FaceService } from '../../electron/identity/face/types';
import { createIdentityHandlers } from '../../electron/identity/handlers';
import { createIdentityService, supervisorVerifierFromAuth, type IdentityService } from '../../electron/identity';
import { sha256Hex } from '../../electron/identity/keys';
import { makeCardImage, makeIdNumber, scriptedFaceService, syntheticDetection, trainingCardData, writeTrainingCard, type SyntheticFace } from '../../electron/identity/testing';
import { addUser, auditEntries, openIdentityTestDb, type IdentityTestDb } from '../helpers/identity-db';

const CLERK = { username: 'clerk1', role: 'clerk' };
const CLERK2 = { username: 'clerk2', role: 'clerk' };
const SUP = { username: 'sup1', role: 'supervisor' };
const PASSWORDS = { clerk1: 'Counter2026pass', clerk2: 'Counter2026pass2', sup1: 'Super2026pass' };

let real: FaceService;
let t: IdentityTestDb;
let service: IdentityService;
let handlers: ReturnType<typeof createIdentityHandlers>;
const script: FaceDetectResult[] = [];
let liveA: Buffer; // the card holder
let liveB: Buffer; // someone else

beforeAll(async () => {
  real = createFaceService();
  const sample = readFileSync(demoImagePath(2));
  const boxes = (await real.detect(sample)).boxes;
  liveA = await cropFace(sample, boxes[0]);
  liveB = await cropFace(sample, boxes[2]);
  const chip = await idPhotoFrom(sample, boxes[0]);

  t = openIdentityTestDb();
  addUser(t, 'clerk1', 'clerk', PASSWORDS.clerk1);
  addUser(t, 'clerk2', 'clerk', PASSWORDS.clerk2);
  addUser(t, 'sup1', 'supervisor', PASSWORDS.sup1);
  const cards = join(t.dataDir, 'training-cards');
  writeTrainingCard(cards, 'holder', trainingCardData(), chip);
  writeTrainingCard(cards, 'expired', trainingCardData({ name: '过期', validFrom: '2006-01-01', validTo: '2026-01-01' }), chip);

  service = createIdentityService({
    db: t.database.db,
    dataDir: t.dataDir,
    faceService: scriptedFaceService(real, () => script.shift()),
    audit: t.audit,
    now: t.now,
    verifySupervisor: supervisorVerifierFromAuth(t.auth),
    trainingEnabled: () => true,
    purgeIntervalMs: 0,
    randomInt: () => 0, // blink, turn-left, front
  });
  handlers = createIdentityHandlers({
    service,
    actor: (ctx) => {
      const s = ctx.session as unknown as { username: string; role: string } | undefined;
      if (!s) throw new ContractError('UNAUTHENTICATED', '请先登录');
      return s;
    },
  });
}, 90_000);

afterAll(async () => {
  service?.close();
  await real?.close();
  t?.close();
});

/** As the dispatcher: parse the input, run the handler, parse the output. */
async function call<C extends IdentityChannel>(channel: C, input: IdentityInput<C>, as = CLERK): Promise<IdentityOutput<C>> {
  const spec = identityChannels[channel];
  const parsed = spec.input.parse(input);
  const ctx = { session: as, setSession: () => undefined } as unknown as HandlerContext;
  const out = await (handlers[channel] as (i: unknown, c: HandlerContext) => unknown)(parsed, ctx);
  return spec.output.parse(out) as IdentityOutput<C>;
}

async function refused(p: Promise<unknown>, code: string, detailsCode?: string): Promise<ContractError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ContractError);
    const err = e as ContractError;
    expect(err.code).toBe(code);
    if (detailsCode) expect((err.details as { code?: string })?.code).toBe(detailsCode);
    expect(err.message).toMatch(/[\u4e00-\u9fa5]/);
    return err;
  }
  throw new Error(`expected ${code}`);
}

const b64 = (b: Buffer) => b.toString('base64');
const face = (f: Partial<SyntheticFace>) => syntheticDetection({ cx: 320, cy: 240, width: 180, yaw: 0.02, ear: 0.3, ...f });
/** Blink, turn left, look straight: what randomInt () => 0 asks. */
const PASSING = [{}, { ear: 0.31 }, { ear: 0.1 }, { ear: 0.3 }, { yaw: 0.02 }, { yaw: 0.3 }, { yaw: 0.01 }];

async function readCard(card = 'holder', as = CLERK) {
  return call('identity.idcard.read', { driver: 'training', card }, as);
}

async function consented(as = CLERK): Promise<string> {
  const r = await readCard('holder', as);
  await call('identity.consent.record', { checkId: r.check.checkId, given: true, method: 'screen' }, as);
  return r.check.checkId;
}

/** Runs a passing challenge whose frames are all `capture`; returns the challenge id. */
async function passLiveness(checkId: string, capture: Buffer, as = CLERK): Promise<string> {
  const start = await call('identity.liveness.start', { checkId }, as);
  expect(start.steps.map((s) => s.kind)).toEqual(['blink', 'turn-left', 'front']);
  script.push(...PASSING.map(face));
  let last;
  for (let i = 0; i < PASSING.length; i++) last = await call('identity.liveness.frame', { challengeId: start.challengeId, frameBase64: b64(capture) }, as);
  expect(last!.status).toBe('passed');
  expect(last!.captureSha256).toBe(sha256Hex(capture));
  return start.challengeId;
}

describe('consent before any biometric capture', () => {
  it('refuses the liveness challenge and the face check without a recorded consent', async () => {
    const r = await readCard();
    expect(r.check.status).toBe('card-read');
    expect(r.check.training).toBe(true);
    expect(r.photoDataUrl).toMatch(/^data:image\/jpeg;base64,/);
    await refused(call('identity.liveness.start', { checkId: r.check.checkId }), 'CONFLICT', 'CONSENT_REQUIRED');
    await refused(
      call('identity.face.check', { checkId: r.check.checkId, challengeId: 'x', liveImageBase64: b64(liveA) }),
      'CONFLICT',
      'CONSENT_REQUIRED',
    );
    const c = await call('identity.consent.record', { checkId: r.check.checkId, given: true, method: 'verbal' });
    expect(c.check.status).toBe('consented');
    expect(c.check.consent).toMatchObject({ given: true, method: 'verbal' });
    await call('identity.liveness.start', { checkId: r.check.checkId });
    const row = t.database.sqlite.prepare('SELECT notice_version, notice_sha256, operator FROM identity_consents WHERE check_id = ?').get(r.check.checkId) as Record<string, string>;
    expect(row.notice_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(row.operator).toBe('clerk1');
  });

  it('a declined consent goes straight to a supervisor (人工核验), no capture', async () => {
    const r = await readCard();
    const c = await call('identity.consent.record', { checkId: r.check.checkId, given: false, method: 'screen' });
    expect(c.check.status).toBe('consent-declined');
    expect(c.check.overrideAllowed).toBe(true);
    await refused(call('identity.liveness.start', { checkId: r.check.checkId }), 'CONFLICT', 'CONSENT_DECLINED');
    const v = await call('identity.face.override', {
      checkId: r.check.checkId,
      supervisorUsername: 'sup1',
      supervisorPassword: PASSWORDS.sup1,
      reason: '办事人不同意人脸识别，已当面核对证件与本人',
    });
    expect(v.status).toBe('overridden');
  });
});

describe('a passing check', () => {
  it('blink + turn + capture, then a match: passed, recorded, audited without images or full numbers', async () => {
    const checkId = await consented();
    const challengeId = await passLiveness(checkId, liveA);
    const r = await call('identity.face.check', { checkId, challengeId, liveImageBase64: b64(liveA) });
    expect(r.decision).toBe('match');
    expect(r.match).toBe(true);
    expect(r.distance).toBeLessThanOrEqual(r.thresholds.match);
    expect(r.model.name).toContain('face-api');
    expect(r.check.status).toBe('passed');
    expect(r.check.failedAttempts).toBe(0);

    const attempt = t.database.sqlite.prepare('SELECT * FROM identity_attempts WHERE check_id = ?').get(checkId) as Record<string, unknown>;
    expect(attempt).toMatchObject({ attempt: 1, liveness: 'passed', decision: 'match', live_sha256: sha256Hex(liveA) });
    expect(JSON.parse(attempt.challenges as string)).toEqual(['blink', 'turn-left', 'front']);
    const images = t.database.sqlite.prepare('SELECT kind, sha256 FROM identity_face_images WHERE check_id = ? ORDER BY kind').all(checkId);
    expect(images).toEqual([
      { kind: 'id-photo', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      { kind: 'live', sha256: sha256Hex(liveA) },
    ]);

    const sync = service.syncRecord(checkId);
    expect(sync).toMatchObject({ result: 'passed', decision: 'match', score: r.distance, operator: 'clerk1', supervisor: null, training: true });
    expect(sync.imageSha256.live).toBe(sha256Hex(liveA));
    const syncText = JSON.stringify(sync);
    expect(syncText.length).toBeLessThan(2000);
    expect(syncText).not.toContain(makeIdNumber());

    const mine = auditEntries(t).filter((e) => e.detail.checkId === checkId);
    expect(mine.map((e) => e.action)).toEqual(['identity.card.read', 'identity.consent', 'identity.face.check']);
    const auditText = JSON.stringify(t.audit.recent(10_000));
    expect(auditText).not.toContain(makeIdNumber());
    expect(auditText).not.toContain(b64(liveA).slice(0, 200));
    expect(t.audit.verify().ok).toBe(true);

    await refused(call('identity.liveness.start', { checkId }), 'CONFLICT', 'FINISHED');

    // What intake asks before accepting, and the link to the case.
    expect(service.requireVerified(checkId, makeIdNumber()).status).toBe('passed');
    expect(() => service.requireVerified(checkId, makeIdNumber('320113', '19900307', '125'))).toThrow(/不一致/);
    service.attachToCase(t.database.db, checkId, 'case-1');
    expect(service.syncRecord(checkId).caseId).toBe('case-1');
    expect(service.checksOfIdNumber(makeIdNumber()).some((c) => c.checkId === checkId)).toBe(true);
  });

  it('refuses a capture that is not the frame that completed the challenge', async () => {
    const checkId = await consented();
    const challengeId = await passLiveness(checkId, liveA);
    await refused(call('identity.face.check', { checkId, challengeId, liveImageBase64: b64(liveB) }), 'CONFLICT', 'CAPTURE_MISMATCH');
    await refused(call('identity.face.check', { checkId, challengeId: 'nope', liveImageBase64: b64(liveA) }), 'CONFLICT', 'LIVENESS_REQUIRED');
  });
});

describe('retries, then a supervisor', () => {
  it('three failed attempts, then only a supervisor can decide; wrong password and a clerk are refused; all audited', async () => {
    const checkId = await consented();
    let r = await call('identity.face.check', { checkId, challengeId: await passLiveness(checkId, liveB), liveImageBase64: b64(liveB) });
    expect(r.decision).not.toBe('match');
    expect(r.check).toMatchObject({ status: 'consented', failedAttempts: 1, attemptsLeft: 2, canRetry: true });
    if (r.decision === 'no-match') {
      await refused(
        call('identity.face.override', { checkId, supervisorUsername: 'sup1', supervisorPassword: PASSWORDS.sup1, reason: '提前放行试试' }),
        'CONFLICT',
        'OVERRIDE_NOT_ALLOWED',
      );
    }

    // A still face (a photo held up): the step times out and counts as the second failure.
    const start = await call('identity.liveness.start', { checkId });
    let frame;
    let frames = 0;
    do {
      script.push(face({}));
      t.setNow(new Date(t.now().getTime() + 3000));
      frame = await call('identity.liveness.frame', { challengeId: start.challengeId, frameBase64: b64(liveB) });
      frames++;
    } while (frame.status === 'in-progress' && frames < 10);
    expect(frame.status).toBe('failed');
    expect(frames).toBe(3); // 9 s > the 8 s step limit
    // The failed challenge is gone.
    await refused(call('identity.liveness.frame', { challengeId: start.challengeId, frameBase64: b64(liveB) }), 'NOT_FOUND');
    expect(frame.check).toMatchObject({ failedAttempts: 2, attemptsLeft: 1 });
    expect(frame.hint).toContain('还可重试 1 次');

    r = await call('identity.face.check', { checkId, challengeId: await passLiveness(checkId, liveB), liveImageBase64: b64(liveB) });
    expect(r.check).toMatchObject({ status: 'failed', failedAttempts: 3, attemptsLeft: 0, canRetry: false, overrideAllowed: true });
    await refused(call('identity.liveness.start', { checkId }), 'CONFLICT', 'ATTEMPTS_EXHAUSTED');

    const override = (username: string, password: string) =>
      call('identity.face.override', { checkId, supervisorUsername: username, supervisorPassword: password, reason: '证件照片为十年前拍摄，已当面核对本人与户口簿' });
    await refused(override('sup1', 'wrong-password-1'), 'BAD_CREDENTIALS');
    await refused(override('clerk2', PASSWORDS.clerk2), 'FORBIDDEN');
    const v = await override('sup1', PASSWORDS.sup1);
    expect(v).toMatchObject({ status: 'overridden', decidedBy: 'sup1', overrideAllowed: false });
    expect(v.reason).toContain('户口簿');
    expect(service.syncRecord(checkId)).toMatchObject({ result: 'overridden', supervisor: 'sup1', attempts: 3 });

    const entries = auditEntries(t).filter((e) => e.detail.checkId === checkId);
    expect(entries.map((e) => e.action)).toEqual([
      'identity.card.read',
      'identity.consent',
      'identity.face.check',
      ...(r.decision === 'no-match' ? ['identity.override.refused'] : []),
      'identity.liveness.failed',
      'identity.face.check',
      'identity.override.refused',
      'identity.override.refused',
      'identity.override',
    ]);
    const refusals = entries.filter((e) => e.action === 'identity.override.refused').slice(-2);
    expect(refusals.map((e) => e.detail.reason)).toEqual(['BAD_CREDENTIALS', 'not-supervisor']);
    const done = entries.at(-1)!;
    expect(done).toMatchObject({ actor: 'sup1', role: 'supervisor' });
    expect(done.detail).toMatchObject({ operator: 'clerk1', failedAttempts: 3 });
    // The auth service audited the supervisor's failed sign-in too.
    expect(auditEntries(t).some((e) => e.action === 'auth.signIn.failed' && e.actor === 'sup1')).toBe(true);
  });

  it('the operator cannot approve their own check, even as a supervisor', async () => {
    const r = await readCard('holder', SUP);
    await call('identity.consent.record', { checkId: r.check.checkId, given: false, method: 'screen' }, SUP);
    await refused(
      call('identity.face.override', { checkId: r.check.checkId, supervisorUsername: 'sup1', supervisorPassword: PASSWORDS.sup1, reason: '自己给自己放行' }, SUP),
      'FORBIDDEN',
    );
  });

  it('refusing ends the check', async () => {
    const checkId = await consented();
    expect(() => service.requireVerified(checkId, makeIdNumber())).toThrow(/尚未通过/);
    const v = await call('identity.check.refuse', { checkId, reason: '办事人拒绝配合核验' });
    expect(v.status).toBe('refused');
    await refused(call('identity.liveness.start', { checkId }), 'CONFLICT', 'FINISHED');
  });
});

describe('cards and ownership', () => {
  it('flags an expired card in the result and the record', async () => {
    const r = await readCard('expired');
    expect(r.validity.status).toBe('expired');
    expect(r.validity.message).toContain('过期');
    expect(r.check.cardExpired).toBe(true);
    expect(r.card.idNumber).toBe(makeIdNumber());
    expect(r.card.idNumberMasked).not.toContain(makeIdNumber().slice(6, 14));
  });

  it('reads a card by hand: fields typed, the photo cut from the card image', async () => {
    const fields = { name: '王手工', sex: 'male' as const, birthDate: '1990-03-07', address: '江苏省南京市栖霞区', idNumber: makeIdNumber(), issuer: '南京市公安局栖霞分局', validFrom: '2020-01-01', validTo: null };
    const r = await call('identity.idcard.read', { driver: 'manual', fields, cardImageBase64: b64(await makeCardImage(liveA)) });
    expect(r.check).toMatchObject({ driver: 'manual', training: false, status: 'card-read' });
    expect(r.card.validTo).toBeNull();
    expect(r.photoDataUrl).toMatch(/^data:image\/jpeg;base64,/);
    await refused(
      call('identity.idcard.read', { driver: 'manual', fields: { ...fields, idNumber: '320113199003071230' }, cardImageBase64: b64(await makeCardImage(liveA)) }),
      'VALIDATION_FAILED',
      'ID_NUMBER_INVALID',
    );
  });

  it("another clerk cannot see or act on someone's check", async () => {
    const r = await readCard();
    await refused(call('identity.check.get', { checkId: r.check.checkId }, CLERK2), 'NOT_FOUND');
    await refused(call('identity.consent.record', { checkId: r.check.checkId, given: true, method: 'screen' }, CLERK2), 'NOT_FOUND');
  });

  it('lists practice cards, and refuses the training driver outside training mode', async () => {
    const list = await call('identity.idcard.trainingCards', {});
    expect(list.enabled).toBe(true);
    expect(list.cards.map((c) => c.card)).toEqual(['expired', 'holder']);
    const prod = createIdentityService({ db: t.database.db, dataDir: t.dataDir, faceService: real, audit: t.audit, now: t.now, purgeIntervalMs: 0 });
    await refused(Promise.resolve().then(() => prod.readCard({ driver: 'training', card: 'holder' }, CLERK)), 'CONFLICT', 'TRAINING_ONLY');
    expect(prod.trainingCards()).toEqual({ enabled: false, cards: [] });
    prod.close();
  });

  it('the notice names the retention period', async () => {
    const n = await call('identity.consent.notice', {});
    expect(n.retentionDays).toBe(30);
    expect(n.text).toContain('30 天');
    expect(n.text).toContain('不影响');
  });
});
