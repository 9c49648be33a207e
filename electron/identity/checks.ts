/**
 * The 人证核验 flow of one applicant, enforced in the core (the renderer only shows it):
 *
 *   read card → consent (recorded, before any capture) → liveness challenge → face check
 *     match → passed
 *     review / no-match / failed challenge → retry, up to maxAttempts
 *     then (or at once on 'review', a declined consent, an unusable ID photo):
 *       supervisor override with a written reason (their own password, on the spot) → overridden
 *     or refuse → refused
 *
 * The ID photo waits in memory until the first face check; from then on both images are kept
 * only as encrypted files (face-images.ts). Every step is audited without images or full ID
 * numbers.
 */
import { randomInt } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { ulid } from 'ulid';
import { identityAttempts, identityChecks, identityConsents } from '../../db/identity-schema';
import type { CardView, CheckView, ChallengeKind, ManualCardFields } from '../../shared/contract/identity';
import { CHALLENGE_PROMPTS } from '../../shared/contract/identity';
import { ContractError } from '../../shared/contract/errors';
import { isFaceError, type FaceError } from './face/errors';
import { decodeImage } from './face/image';
import type { FaceCompareResult, FaceService } from './face/types';
import { checkCard, type CardValidity } from './id-card/check';
import { createManualReader } from './id-card/manual';
import { createTrainingReader, listTrainingCards, readTrainingCard } from './id-card/training';
import { IdCardError, type IdCardReader } from './id-card/types';
import { consentNotice, noticeHash } from './consent';
import type { IdentityDb } from './db';
import type { FaceImageStore } from './face-images';
import { keyedHash, sha256Hex, type IdentityKeys } from './keys';
import {
  DEFAULT_LIVENESS,
  advanceLiveness,
  expireLiveness,
  pickChallenge,
  startLiveness,
  stepPrompt,
  type LivenessSettings,
  type LivenessState,
} from './liveness';

export interface IdentityActor {
  username: string;
  role: string;
}

export interface IdentityAuditEntry {
  actor: string;
  role: string;
  action: string;
  caseId?: string;
  detail: Record<string, unknown>;
}

export interface IdentityAudit {
  append(entry: IdentityAuditEntry): void;
}

/**
 * Checks a supervisor's own credentials without touching the clerk's session. Throws a
 * ContractError (BAD_CREDENTIALS, ACCOUNT_LOCKED) when they do not hold.
 */
export type SupervisorVerifier = (username: string, password: string) => { username: string; role: string } | Promise<{ username: string; role: string }>;

export interface FlowSettings {
  maxAttempts: number;
  /** The face check must follow the passed challenge within this. */
  captureMaxAgeMs: number;
  /** A card read but not checked is forgotten (with its photo) after this. */
  pendingTtlMs: number;
  liveness: LivenessSettings;
  frameIntervalMs: number;
  frameWidth: number;
}

export const DEFAULT_FLOW: FlowSettings = {
  maxAttempts: 3,
  captureMaxAgeMs: 60_000,
  pendingTtlMs: 30 * 60_000,
  liveness: DEFAULT_LIVENESS,
  frameIntervalMs: 250,
  frameWidth: 640,
};

export interface FlowDeps {
  db: IdentityDb;
  face: FaceService;
  audit: IdentityAudit;
  images: FaceImageStore;
  keys: () => IdentityKeys;
  now: () => Date;
  settings: FlowSettings;
  retentionDays: number;
  verifySupervisor?: SupervisorVerifier;
  training: { enabled: () => boolean; dir: string };
  randomInt?: (n: number) => number;
}

export type ReadCardInput =
  | { driver: 'manual'; fields: ManualCardFields; cardImage: Uint8Array; draftId?: string }
  | { driver: 'training'; card: string; draftId?: string };

export interface ReadCardResult {
  check: CheckView;
  card: CardView;
  validity: CardValidity;
  warnings: string[];
  photoDataUrl: string;
}

export interface FrameResult {
  status: 'in-progress' | 'passed' | 'failed';
  step: number;
  stepKind: ChallengeKind;
  prompt: string;
  hint: string;
  faces: number;
  captureSha256: string | null;
  check: CheckView | null;
}

export interface FaceCheckResult {
  decision: FaceCompareResult['decision'];
  match: boolean;
  distance: number;
  thresholds: FaceCompareResult['thresholds'];
  model: FaceCompareResult['model'];
  ms: number;
  attempt: number;
  check: CheckView;
}

/** What the back office gets about a check: no image, no descriptor, no full ID number. */
export interface IdentitySyncRecord {
  checkId: string;
  caseId: string | null;
  training: boolean;
  result: CheckView['status'];
  decision: CheckView['decision'];
  score: number | null;
  thresholds: CheckView['thresholds'];
  model: CheckView['model'];
  attempts: number;
  imageSha256: { live: string | null; idPhoto: string | null };
  operator: string;
  supervisor: string | null;
  decidedAt: string | null;
  checkedAt: string;
}

type CheckRow = typeof identityChecks.$inferSelect;

interface Pending {
  photo: Buffer;
  photoSha256: string;
  storedImageId?: string;
  expiresAt: number;
}

interface Challenge {
  id: string;
  checkId: string;
  operator: string;
  attempt: number;
  state: LivenessState;
  busy: boolean;
  captureSha256?: string;
  passedAt?: number;
  settled: boolean;
}

const FINAL: readonly CheckRow['status'][] = ['passed', 'overridden', 'refused'];

const conflict = (code: string, message: string) => new ContractError('CONFLICT', message, { code });
const invalid = (code: string, message: string, extra: Record<string, unknown> = {}) => new ContractError('VALIDATION_FAILED', message, { code, ...extra });

export function createIdentityFlow(deps: FlowDeps) {
  const { db, face, audit, images, settings } = deps;
  const pick = deps.randomInt ?? ((n: number) => randomInt(n));
  const pending = new Map<string, Pending>();
  const challenges = new Map<string, Challenge>();
  const activeChallenge = new Map<string, string>();
  const notice = consentNotice(deps.retentionDays);
  const nowMs = () => deps.now().getTime();
  const iso = () => deps.now().toISOString();

  // --- views -------------------------------------------------------------------------

  function overrideAllowed(row: CheckRow): boolean {
    if (FINAL.includes(row.status)) return false;
    return row.status === 'failed' || row.status === 'consent-declined' || row.idPhotoUnusable || (row.status === 'consented' && row.decision === 'review');
  }

  function view(row: CheckRow): CheckView {
    const consent = db
      .select()
      .from(identityConsents)
      .where(eq(identityConsents.checkId, row.id))
      .orderBy(desc(identityConsents.at))
      .limit(1)
      .get();
    const attemptsLeft = Math.max(0, row.maxAttempts - row.failedAttempts);
    return {
      checkId: row.id,
      status: row.status,
      driver: row.driver,
      training: row.training,
      applicantName: row.applicantName,
      idNumberMasked: row.idNumberMasked,
      cardExpired: row.cardExpired,
      consent: consent ? { given: consent.given, method: consent.method, at: consent.at } : null,
      failedAttempts: row.failedAttempts,
      maxAttempts: row.maxAttempts,
      attemptsLeft,
      canRetry: row.status === 'consented' && attemptsLeft > 0 && !row.idPhotoUnusable,
      overrideAllowed: overrideAllowed(row),
      decision: row.decision,
      distance: row.distance,
      thresholds: row.thresholdMatch !== null && row.thresholdNoMatch !== null ? { match: row.thresholdMatch, noMatch: row.thresholdNoMatch } : null,
      model: row.modelName !== null && row.modelVersion !== null ? { name: row.modelName, version: row.modelVersion } : null,
      decidedBy: row.decidedBy,
      reason: row.reason,
      decidedAt: row.decidedAt,
      createdAt: row.createdAt,
    };
  }

  function row(checkId: string): CheckRow {
    const r = db.select().from(identityChecks).where(eq(identityChecks.id, checkId)).get();
    if (!r) throw new ContractError('NOT_FOUND', '找不到该人证核验记录，请重新读取身份证');
    return r;
  }

  /** The check, if it is this clerk's (others' checks do not exist for them). */
  function own(checkId: string, actor: IdentityActor): CheckRow {
    const r = row(checkId);
    if (r.operator !== actor.username) throw new ContractError('NOT_FOUND', '找不到该人证核验记录，请重新读取身份证');
    return r;
  }

  function notFinal(r: CheckRow): void {
    if (FINAL.includes(r.status)) throw conflict('FINISHED', `该人证核验已结束（${r.status === 'refused' ? '已拒绝' : '已通过'}），如需再次核验请重新读取身份证`);
  }

  const auditCheck = (actor: IdentityActor, action: string, r: CheckRow, detail: Record<string, unknown>) =>
    audit.append({
      actor: actor.username,
      role: actor.role,
      action,
      ...(r.caseId ? { caseId: r.caseId } : {}),
      detail: { checkId: r.id, idNumber: r.idNumberMasked, ...(r.training ? { training: true } : {}), ...detail },
    });

  function prunePending(): void {
    const t = nowMs();
    for (const [id, p] of pending) if (p.expiresAt < t) pending.delete(id);
  }

  // --- card ----------------------------------------------------------------------------

  async function previewJpeg(photo: Uint8Array): Promise<string> {
    try {
      const img = await decodeImage(photo);
      const jpeg = await sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
      return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
    } catch (e) {
      if (isFaceError(e)) throw invalid('CARD_IMAGE_INVALID', `证件照片无法读取：${e.message}`);
      throw e;
    }
  }

  async function readWith(reader: IdCardReader, actor: IdentityActor, draftId?: string): Promise<ReadCardResult> {
    let data;
    try {
      data = await reader.read();
    } catch (e) {
      if (e instanceof IdCardError) throw invalid(e.code, e.message);
      throw e;
    }
    let checked;
    try {
      checked = checkCard(data, deps.now());
    } catch (e) {
      if (e instanceof IdCardError) throw invalid(e.code, e.message);
      throw e;
    }
    const photo = Buffer.from(data.photo.buffer, data.photo.byteOffset, data.photo.byteLength);
    const photoDataUrl = await previewJpeg(photo);
    const at = iso();
    const training = reader.driver === 'training';
    const r: CheckRow = {
      id: ulid(),
      status: 'card-read',
      driver: reader.driver,
      training,
      applicantName: data.name,
      idNumberMasked: checked.idNumberMasked,
      idNumberHash: keyedHash(deps.keys().idNumbers, 'person', checked.idNumber),
      cardValidFrom: data.validFrom,
      cardValidTo: data.validTo,
      cardExpired: checked.validity.status === 'expired',
      failedAttempts: 0,
      maxAttempts: settings.maxAttempts,
      decision: null,
      distance: null,
      thresholdMatch: null,
      thresholdNoMatch: null,
      modelName: null,
      modelVersion: null,
      ms: null,
      liveSha256: null,
      idPhotoSha256: null,
      idPhotoUnusable: false,
      decidedBy: null,
      reason: null,
      decidedAt: null,
      caseId: null,
      draftId: draftId ?? null,
      operator: actor.username,
      createdAt: at,
      updatedAt: at,
    };
    db.transaction((tx) => {
      tx.insert(identityChecks).values(r).run();
      auditCheck(actor, 'identity.card.read', r, { driver: r.driver, validity: checked.validity.status, warnings: checked.warnings.length });
    });
    prunePending();
    pending.set(r.id, { photo, photoSha256: sha256Hex(photo), expiresAt: nowMs() + settings.pendingTtlMs });
    return {
      check: view(r),
      card: {
        name: data.name,
        sex: data.sex,
        ...(data.nation ? { nation: data.nation } : {}),
        birthDate: data.birthDate,
        address: data.address,
        idNumber: checked.idNumber,
        idNumberMasked: checked.idNumberMasked,
        issuer: data.issuer,
        validFrom: data.validFrom,
        validTo: data.validTo,
      },
      validity: checked.validity,
      warnings: checked.warnings,
      photoDataUrl,
    };
  }

  function readCard(input: ReadCardInput, actor: IdentityActor): Promise<ReadCardResult> {
    if (input.driver === 'manual') {
      return readWith(createManualReader({ fields: input.fields, cardImage: input.cardImage, face }), actor, input.draftId);
    }
    if (!deps.training.enabled()) throw conflict('TRAINING_ONLY', '培训读卡仅在培训模式下可用：正式环境请使用读卡器或手工录入');
    return readWith(createTrainingReader(deps.training.dir, input.card), actor, input.draftId);
  }

  function trainingCards(): { enabled: boolean; cards: { card: string; name: string; idNumberMasked: string }[] } {
    if (!deps.training.enabled()) return { enabled: false, cards: [] };
    const cards = [];
    for (const card of listTrainingCards(deps.training.dir)) {
      try {
        const data = readTrainingCard(deps.training.dir, card);
        cards.push({ card, name: data.name, idNumberMasked: checkCard(data, deps.now()).idNumberMasked });
      } catch {
        // A broken practice card is reported when it is read, not here.
      }
    }
    return { enabled: true, cards };
  }

  // --- consent -------------------------------------------------------------------------

  function recordConsent(checkId: string, given: boolean, method: 'screen' | 'verbal' | 'paper', actor: IdentityActor) {
    const r = own(checkId, actor);
    notFinal(r);
    if (r.status !== 'card-read' && r.status !== 'consent-declined') {
      throw conflict('CONSENT_ALREADY_GIVEN', '办事人已同意人脸识别，无需再次记录');
    }
    const consentId = ulid();
    const at = iso();
    const status = given ? 'consented' : 'consent-declined';
    db.transaction((tx) => {
      tx.insert(identityConsents)
        .values({ id: consentId, checkId, given, method, noticeVersion: notice.version, noticeSha256: noticeHash(notice), operator: actor.username, at })
        .run();
      tx.update(identityChecks).set({ status, updatedAt: at }).where(eq(identityChecks.id, checkId)).run();
      auditCheck(actor, 'identity.consent', r, { given, method, noticeVersion: notice.version });
    });
    if (!given) pending.delete(checkId); // no biometric processing without consent
    return { consentId, check: view(row(checkId)) };
  }

  function requireConsented(r: CheckRow): void {
    notFinal(r);
    if (r.status === 'card-read') throw conflict('CONSENT_REQUIRED', '请先向办事人告知并记录其同意，再进行人脸识别');
    if (r.status === 'consent-declined') throw conflict('CONSENT_DECLINED', '办事人不同意人脸识别：请由值班负责人人工核验');
    if (r.status === 'failed' || r.failedAttempts >= r.maxAttempts) {
      throw conflict('ATTEMPTS_EXHAUSTED', `已核验 ${r.failedAttempts} 次未通过，不能再试：请由值班负责人人工核验或拒绝办理`);
    }
    if (r.idPhotoUnusable) throw conflict('OVERRIDE_REQUIRED', '证件照片无法用于比对：请由值班负责人人工核验');
  }

  // --- attempts ------------------------------------------------------------------------

  /** Counts one failed attempt (in the caller's transaction); returns the new status. */
  function failAttempt(tx: IdentityDb, r: CheckRow, at: string): CheckRow['status'] {
    const failed = r.failedAttempts + 1;
    const status = failed >= r.maxAttempts ? 'failed' : r.status;
    tx.update(identityChecks).set({ failedAttempts: failed, status, updatedAt: at }).where(eq(identityChecks.id, r.id)).run();
    return status;
  }

  function settleFailedChallenge(c: Challenge, actor: IdentityActor): void {
    if (c.settled) return;
    c.settled = true;
    activeChallenge.delete(c.checkId);
    const r = row(c.checkId);
    if (FINAL.includes(r.status) || r.status === 'failed') return;
    const at = iso();
    const detail = { failure: c.state.failure ?? 'abandoned', framesSeen: c.state.framesSeen, restarts: c.state.restarts, stepReached: c.state.index, ...c.state.measures };
    db.transaction((tx) => {
      tx.insert(identityAttempts)
        .values({
          id: ulid(),
          checkId: c.checkId,
          attempt: c.attempt,
          challenges: JSON.stringify(c.state.steps),
          liveness: 'failed',
          livenessDetail: JSON.stringify(detail),
          operator: actor.username,
          at,
        })
        .run();
      const status = failAttempt(tx, r, at);
      auditCheck(actor, 'identity.liveness.failed', r, { attempt: c.attempt, challenges: c.state.steps, failure: detail.failure, status });
    });
  }

  function attemptNo(r: CheckRow): number {
    const last = db.select({ attempt: identityAttempts.attempt }).from(identityAttempts).where(eq(identityAttempts.checkId, r.id)).orderBy(desc(identityAttempts.attempt)).limit(1).get();
    return (last?.attempt ?? 0) + 1;
  }

  function startChallenge(checkId: string, actor: IdentityActor) {
    expireChallenges();
    const r = own(checkId, actor);
    requireConsented(r);
    if (!pending.has(checkId)) throw conflict('CARD_READ_AGAIN', '工作台已重启或等待时间过长，证件照片已清除：请重新读取身份证');
    const previous = activeChallenge.get(checkId);
    if (previous) {
      const c = challenges.get(previous)!;
      challenges.delete(previous);
      // An abandoned challenge that saw frames counts: otherwise it could be restarted until lucky.
      // A passed one whose capture was not compared does not (retaking a blurred capture is fine).
      if (c.state.status === 'in-progress' && c.state.framesSeen > 0) settleFailedChallenge({ ...c, state: { ...c.state, status: 'failed' } }, actor);
      else activeChallenge.delete(checkId);
      requireConsented(row(checkId));
    }
    const steps = pickChallenge(pick);
    const c: Challenge = { id: ulid(), checkId, operator: actor.username, attempt: attemptNo(r), state: startLiveness(steps, nowMs()), busy: false, settled: false };
    challenges.set(c.id, c);
    activeChallenge.set(checkId, c.id);
    return {
      challengeId: c.id,
      steps: steps.map((kind) => ({ kind, prompt: CHALLENGE_PROMPTS[kind] })),
      stepTimeoutMs: settings.liveness.stepTimeoutMs,
      frameIntervalMs: settings.frameIntervalMs,
      frameWidth: settings.frameWidth,
      attempt: c.attempt,
    };
  }

  function ownChallenge(challengeId: string, actor: IdentityActor): Challenge {
    const c = challenges.get(challengeId);
    if (!c || c.operator !== actor.username) throw new ContractError('NOT_FOUND', '活体检测已失效，请重新开始');
    return c;
  }

  function faceProblem(e: FaceError, image: 'live' | 'id-photo' | 'frame'): ContractError {
    if (e.code === 'WORKER_FAILED') return new ContractError('INTERNAL', e.message, { code: e.code });
    const label = image === 'id-photo' ? '证件照片' : image === 'live' ? '现场照片' : '视频帧';
    return invalid(e.code, `${label}：${e.message}`, { image });
  }

  async function frame(challengeId: string, bytes: Uint8Array, actor: IdentityActor): Promise<FrameResult> {
    const c = ownChallenge(challengeId, actor);
    if (c.busy) throw conflict('FRAME_BUSY', '上一帧仍在处理，请逐帧发送');
    if (c.state.status === 'in-progress') {
      c.busy = true;
      try {
        let found;
        try {
          found = await face.detect(bytes, { landmarks: true });
        } catch (e) {
          if (isFaceError(e)) throw faceProblem(e, 'frame');
          throw e;
        }
        const one = found.faces === 1;
        const advanced = advanceLiveness(
          c.state,
          { t: nowMs(), faces: found.faces, ...(one ? { box: found.boxes[0], landmarks: found.landmarks?.[0] } : {}) },
          settings.liveness,
        );
        c.state = advanced.state;
        if (c.state.status === 'passed') {
          c.captureSha256 = sha256Hex(bytes);
          c.passedAt = nowMs();
        }
        return finishFrame(c, actor, advanced.hint, found.faces);
      } finally {
        c.busy = false;
      }
    }
    return finishFrame(c, actor, '', 0);
  }

  function finishFrame(c: Challenge, actor: IdentityActor, hint: string, faces: number): FrameResult {
    const kind = c.state.steps[Math.min(c.state.index, c.state.steps.length - 1)];
    let check: CheckView | null = null;
    if (c.state.status === 'failed') {
      settleFailedChallenge(c, actor);
      challenges.delete(c.id);
      check = view(row(c.checkId));
      hint = `${hint || '活体检测未通过'}。${check.canRetry ? `还可重试 ${check.attemptsLeft} 次` : '请由值班负责人人工核验或拒绝办理'}`;
    }
    return {
      status: c.state.status,
      step: c.state.index,
      stepKind: kind,
      prompt: stepPrompt(kind),
      hint,
      faces,
      captureSha256: c.captureSha256 ?? null,
      check,
    };
  }

  /**
   * Settles challenges that stopped receiving frames (the page was closed, the camera failed):
   * counted when they had seen frames, like an abandoned one; passed ones whose capture was
   * never compared are dropped after captureMaxAgeMs.
   */
  function expireChallenges(): void {
    const t = nowMs();
    for (const c of [...challenges.values()]) {
      if (c.busy) continue;
      const drop = () => {
        challenges.delete(c.id);
        if (activeChallenge.get(c.checkId) === c.id) activeChallenge.delete(c.checkId);
      };
      if (c.state.status === 'passed' && t - (c.passedAt ?? 0) > settings.captureMaxAgeMs) drop();
      if (c.state.status !== 'in-progress') continue;
      const next = expireLiveness(c.state, t, settings.liveness);
      if (next.status !== 'failed') continue;
      c.state = next;
      if (next.framesSeen > 0) settleFailedChallenge(c, { username: c.operator, role: 'clerk' });
      drop();
    }
  }

  async function checkFace(checkId: string, challengeId: string, live: Uint8Array, actor: IdentityActor): Promise<FaceCheckResult> {
    const r = own(checkId, actor);
    requireConsented(r);
    const c = challenges.get(challengeId);
    if (!c || c.checkId !== checkId || c.operator !== actor.username || c.state.status !== 'passed' || c.settled) {
      throw conflict('LIVENESS_REQUIRED', '请先完成活体检测（眨眼、转头）再比对');
    }
    if (nowMs() - (c.passedAt ?? 0) > settings.captureMaxAgeMs) {
      challenges.delete(c.id);
      activeChallenge.delete(checkId);
      throw conflict('CHALLENGE_EXPIRED', '活体检测已超过 1 分钟，请重新进行活体检测');
    }
    if (sha256Hex(live) !== c.captureSha256) throw conflict('CAPTURE_MISMATCH', '比对照片不是活体检测时拍摄的画面，请重新进行活体检测');
    const p = pending.get(checkId);
    if (!p) throw conflict('CARD_READ_AGAIN', '工作台已重启或等待时间过长，证件照片已清除：请重新读取身份证');

    let result: FaceCompareResult;
    try {
      result = await face.compare(live, p.photo);
    } catch (e) {
      if (!isFaceError(e)) throw e;
      if (e.image === 1 && e.code !== 'WORKER_FAILED') {
        // The ID photo will never compare: only a supervisor can decide now.
        db.transaction((tx) => {
          tx.update(identityChecks).set({ idPhotoUnusable: true, updatedAt: iso() }).where(eq(identityChecks.id, checkId)).run();
          auditCheck(actor, 'identity.face.idPhotoUnusable', r, { code: e.code });
        });
        throw faceProblem(e, 'id-photo');
      }
      throw faceProblem(e, e.image === 1 ? 'id-photo' : 'live');
    }
    c.settled = true;
    challenges.delete(c.id);
    activeChallenge.delete(checkId);

    const attemptId = ulid();
    if (!p.storedImageId) p.storedImageId = images.put({ checkId, kind: 'id-photo', bytes: p.photo }).id;
    const liveImage = images.put({ checkId, attemptId, kind: 'live', bytes: live });
    const at = iso();
    const scores = {
      decision: result.decision,
      distance: result.distance,
      thresholdMatch: result.thresholds.match,
      thresholdNoMatch: result.thresholds.noMatch,
      modelName: result.model.name,
      modelVersion: result.model.version,
      ms: Math.round(result.ms),
      liveSha256: liveImage.sha256,
      idPhotoSha256: p.photoSha256,
    };
    db.transaction((tx) => {
      tx.insert(identityAttempts)
        .values({
          id: attemptId,
          checkId,
          attempt: c.attempt,
          challenges: JSON.stringify(c.state.steps),
          liveness: 'passed',
          livenessDetail: JSON.stringify({ framesSeen: c.state.framesSeen, restarts: c.state.restarts, ...c.state.measures }),
          ...scores,
          operator: actor.username,
          at,
        })
        .run();
      tx.update(identityChecks).set({ ...scores, updatedAt: at }).where(eq(identityChecks.id, checkId)).run();
      let status: CheckRow['status'];
      if (result.decision === 'match') {
        status = 'passed';
        tx.update(identityChecks).set({ status, decidedAt: at }).where(eq(identityChecks.id, checkId)).run();
      } else {
        status = failAttempt(tx, r, at);
      }
      auditCheck(actor, 'identity.face.check', r, {
        attempt: c.attempt,
        challenges: c.state.steps,
        decision: result.decision,
        distance: result.distance,
        thresholds: result.thresholds,
        model: result.model.name,
        ms: scores.ms,
        liveSha256: liveImage.sha256,
        idPhotoSha256: p.photoSha256,
        status,
      });
    });
    const after = row(checkId);
    if (FINAL.includes(after.status)) pending.delete(checkId);
    return {
      decision: result.decision,
      match: result.match,
      distance: result.distance,
      thresholds: result.thresholds,
      model: result.model,
      ms: result.ms,
      attempt: c.attempt,
      check: view(after),
    };
  }

  // --- decisions -----------------------------------------------------------------------

  async function override(checkId: string, input: { supervisorUsername: string; supervisorPassword: string; reason: string }, actor: IdentityActor): Promise<CheckView> {
    const r = own(checkId, actor);
    notFinal(r);
    if (!overrideAllowed(r)) {
      throw conflict('OVERRIDE_NOT_ALLOWED', `尚可重试（还剩 ${r.maxAttempts - r.failedAttempts} 次）：请先完成核验，未通过后再由值班负责人决定`);
    }
    if (!deps.verifySupervisor) throw new ContractError('INTERNAL', '工作台未配置负责人身份验证，无法人工核验');
    const refused = (reason: string) =>
      auditCheck(actor, 'identity.override.refused', r, { supervisor: input.supervisorUsername, reason });
    let supervisor: { username: string; role: string };
    try {
      supervisor = await deps.verifySupervisor(input.supervisorUsername, input.supervisorPassword);
    } catch (e) {
      refused(e instanceof ContractError ? e.code : 'error');
      throw e;
    }
    if (supervisor.role !== 'supervisor') {
      refused('not-supervisor');
      throw new ContractError('FORBIDDEN', `只有值班主管可以人工核验放行（账户 ${supervisor.username} 不是值班主管）`);
    }
    if (supervisor.username === r.operator) {
      refused('same-as-operator');
      throw new ContractError('FORBIDDEN', '人工核验须由经办人以外的值班主管确认');
    }
    const at = iso();
    db.transaction((tx) => {
      tx.update(identityChecks)
        .set({ status: 'overridden', decidedBy: supervisor.username, reason: input.reason, decidedAt: at, updatedAt: at })
        .where(eq(identityChecks.id, checkId))
        .run();
      audit.append({
        actor: supervisor.username,
        role: supervisor.role,
        action: 'identity.override',
        ...(r.caseId ? { caseId: r.caseId } : {}),
        detail: {
          checkId,
          idNumber: r.idNumberMasked,
          operator: actor.username,
          reason: input.reason,
          previousStatus: r.status,
          decision: r.decision,
          distance: r.distance,
          failedAttempts: r.failedAttempts,
          ...(r.training ? { training: true } : {}),
        },
      });
    });
    pending.delete(checkId);
    return view(row(checkId));
  }

  function refuse(checkId: string, reason: string, actor: IdentityActor): CheckView {
    const r = own(checkId, actor);
    notFinal(r);
    const at = iso();
    db.transaction((tx) => {
      tx.update(identityChecks).set({ status: 'refused', decidedBy: actor.username, reason, decidedAt: at, updatedAt: at }).where(eq(identityChecks.id, checkId)).run();
      auditCheck(actor, 'identity.refuse', r, { reason, previousStatus: r.status, failedAttempts: r.failedAttempts });
    });
    pending.delete(checkId);
    const c = activeChallenge.get(checkId);
    if (c) challenges.delete(c);
    activeChallenge.delete(checkId);
    return view(row(checkId));
  }

  // --- for intake and sync -------------------------------------------------------------

  /** Links the check to the accepted case. Synchronous: call it inside the acceptance transaction. */
  function attachToCase(tx: IdentityDb, checkId: string, caseId: string): void {
    tx.update(identityChecks).set({ caseId, updatedAt: iso() }).where(eq(identityChecks.id, checkId)).run();
  }

  function syncRecord(checkId: string): IdentitySyncRecord {
    const r = row(checkId);
    const v = view(r);
    return {
      checkId: r.id,
      caseId: r.caseId,
      training: r.training,
      result: r.status,
      decision: r.decision,
      score: r.distance,
      thresholds: v.thresholds,
      model: v.model,
      attempts: db.select({ id: identityAttempts.id }).from(identityAttempts).where(eq(identityAttempts.checkId, r.id)).all().length,
      imageSha256: { live: r.liveSha256, idPhoto: r.idPhotoSha256 },
      operator: r.operator,
      supervisor: r.status === 'overridden' ? r.decidedBy : null,
      decidedAt: r.decidedAt,
      checkedAt: r.updatedAt,
    };
  }

  /**
   * For intake (cases.accept): the check must have ended in 'passed' or 'overridden' and be of
   * this ID number (compared by keyed hash). CONFLICT IDENTITY_NOT_VERIFIED / IDENTITY_MISMATCH otherwise.
   */
  function requireVerified(checkId: string, idNumber: string): CheckView {
    const r = row(checkId);
    if (r.status !== 'passed' && r.status !== 'overridden') {
      throw conflict('IDENTITY_NOT_VERIFIED', `人证核验尚未通过（${r.status === 'refused' ? '已拒绝办理' : '未完成'}），不能受理`);
    }
    if (keyedHash(deps.keys().idNumbers, 'person', idNumber.trim().toUpperCase()) !== r.idNumberHash) {
      throw conflict('IDENTITY_MISMATCH', '申请人的公民身份号码与人证核验时读取的证件不一致');
    }
    return view(r);
  }

  /** Earlier checks of this number (by keyed hash), newest first: e.g. to show "已于…核验". */
  function checksOfIdNumber(idNumber: string): CheckView[] {
    const hash = keyedHash(deps.keys().idNumbers, 'person', idNumber.trim().toUpperCase());
    return db.select().from(identityChecks).where(and(eq(identityChecks.idNumberHash, hash))).orderBy(desc(identityChecks.createdAt)).all().map(view);
  }

  return {
    notice: () => notice,
    readCard,
    readWith,
    trainingCards,
    recordConsent,
    startChallenge,
    frame,
    checkFace,
    override,
    refuse,
    getCheck: (checkId: string, actor?: IdentityActor) => view(actor ? own(checkId, actor) : row(checkId)),
    attachToCase,
    requireVerified,
    syncRecord,
    checksOfIdNumber,
    expireChallenges,
    /** Drops the photos in memory (on close). */
    clear() {
      pending.clear();
      challenges.clear();
      activeChallenge.clear();
    },
  };
}

export type IdentityFlow = ReturnType<typeof createIdentityFlow>;
