/**
 * 人证核验 and 信用审查: the calls the window makes to read an ID card, record the applicant's
 * consent, run the liveness challenge, compare the live face with the ID photo, let a supervisor
 * decide (人工核验) and check the restricted list. Spread `identityChannels` into the contract
 * in channels.ts. Every refusal is a ContractError with a Chinese message:
 * - INVALID_INPUT: the dispatcher's input check;
 * - NOT_FOUND: no such check or challenge, or not this clerk's;
 * - CONFLICT (`details.code`): the step is not allowed now — CONSENT_REQUIRED (no consent
 *   recorded: nothing biometric is captured before it), CONSENT_DECLINED, CONSENT_ALREADY_GIVEN,
 *   LIVENESS_REQUIRED, CHALLENGE_EXPIRED, CAPTURE_MISMATCH, FRAME_BUSY (frames must be sent one
 *   at a time), ATTEMPTS_EXHAUSTED, OVERRIDE_REQUIRED (the ID photo cannot be compared),
 *   OVERRIDE_NOT_ALLOWED, FINISHED, CARD_READ_AGAIN (the workstation restarted: read the card
 *   again), TRAINING_ONLY;
 * - VALIDATION_FAILED (`details.code`): the card or image cannot be used — ID_NUMBER_INVALID,
 *   FIELDS_INVALID, NO_FACE_ON_CARD, MULTIPLE_FACES_ON_CARD, CARD_IMAGE_INVALID,
 *   TRAINING_CARD_NOT_FOUND, TRAINING_CARD_INVALID, a face-check code (NO_FACE, MULTIPLE_FACES,
 *   FACE_TOO_SMALL, NOT_AN_IMAGE, …, with `details.image` 'live' or 'id-photo'), CREDIT_VALUE_INVALID;
 * - BAD_CREDENTIALS / ACCOUNT_LOCKED: the supervisor's password on an override;
 * - FORBIDDEN: the override was signed by someone who is not a supervisor, or by the operator;
 * - INTERNAL: the face service failed (nothing was decided, retry).
 */
import { z } from 'zod';
import { ALL_ROLES, channel } from './define';

/** Sizes the renderer keeps to (browser mode accepts request bodies up to 2 MB). */
export const IDENTITY_LIMITS = {
  /** A live capture or liveness frame, base64 (≈ 1.4 MB of JPEG). */
  maxImageBase64Chars: 1_900_000,
  /** One liveness frame, base64 (≈ 380 KB): 640×480 JPEG is 40–80 KB. */
  maxFrameBase64Chars: 512_000,
  /** The card image from the document camera, base64; the renderer shrinks it to ≤ 1600 px first. */
  maxCardImageBase64Chars: 1_900_000,
} as const;

export const CHALLENGE_KINDS = ['blink', 'turn-left', 'turn-right', 'front'] as const;
export type ChallengeKind = (typeof CHALLENGE_KINDS)[number];

export const CHALLENGE_PROMPTS: Record<ChallengeKind, string> = {
  blink: '请眨眼：闭眼约半秒再睁开',
  'turn-left': '请慢慢向左转头，再转回正面',
  'turn-right': '请慢慢向右转头，再转回正面',
  front: '请正对摄像头，保持不动',
};

export const CHECK_STATUSES = ['card-read', 'consented', 'consent-declined', 'failed', 'passed', 'overridden', 'refused'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export const CHECK_STATUS_NAMES: Record<CheckStatus, string> = {
  'card-read': '已读证，待告知同意',
  consented: '已同意，待核验',
  'consent-declined': '办事人不同意人脸识别，待人工核验',
  failed: '核验未通过，待负责人决定',
  passed: '人证核验通过',
  overridden: '负责人人工核验通过',
  refused: '已拒绝办理',
};

const base64 = (max: number, what: string) =>
  z
    .string()
    .min(1, `${what}为空`)
    .max(max, `${what}过大`)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, `${what}编码无效`);

const id = z.string().trim().min(1).max(40);
const text = (max: number) => z.string().trim().min(1).max(max);
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');

/** Fields of a 居民身份证 as typed by the clerk (manual driver). */
export const manualCardFieldsSchema = z
  .object({
    name: text(30),
    sex: z.enum(['male', 'female']),
    nation: z.string().trim().max(10).optional(),
    birthDate: isoDay,
    address: text(70),
    idNumber: z.string().trim().min(15).max(20),
    issuer: text(30),
    validFrom: isoDay,
    /** null: 长期. */
    validTo: isoDay.nullable(),
  })
  .strict();
export type ManualCardFields = z.infer<typeof manualCardFieldsSchema>;

export const cardViewSchema = z.object({
  name: z.string(),
  sex: z.enum(['male', 'female']),
  nation: z.string().optional(),
  birthDate: z.string(),
  address: z.string(),
  /** Full number, for the form's prefill; lists and logs show it masked. */
  idNumber: z.string(),
  idNumberMasked: z.string(),
  issuer: z.string(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
});
export type CardView = z.infer<typeof cardViewSchema>;

export const cardValiditySchema = z.object({
  status: z.enum(['valid', 'expired', 'not-yet-valid']),
  /** Chinese, for the clerk. */
  message: z.string(),
});

export const thresholdsSchema = z.object({ match: z.number(), noMatch: z.number() });
export const modelSchema = z.object({ name: z.string(), version: z.string() });

export const checkViewSchema = z.object({
  checkId: z.string(),
  status: z.enum(CHECK_STATUSES),
  driver: z.enum(['reader', 'manual', 'training']),
  training: z.boolean(),
  applicantName: z.string(),
  idNumberMasked: z.string(),
  cardExpired: z.boolean(),
  consent: z.object({ given: z.boolean(), method: z.string(), at: z.string() }).nullable(),
  failedAttempts: z.number().int(),
  maxAttempts: z.number().int(),
  attemptsLeft: z.number().int(),
  /** Another liveness challenge may be started. */
  canRetry: z.boolean(),
  /** A supervisor may decide now (attempts exhausted, a 'review' result, declined consent, unusable ID photo). */
  overrideAllowed: z.boolean(),
  decision: z.enum(['match', 'review', 'no-match']).nullable(),
  distance: z.number().nullable(),
  thresholds: thresholdsSchema.nullable(),
  model: modelSchema.nullable(),
  decidedBy: z.string().nullable(),
  reason: z.string().nullable(),
  decidedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type CheckView = z.infer<typeof checkViewSchema>;

export const restrictedListStatusSchema = z.object({
  loaded: z.boolean(),
  source: z.string().nullable(),
  version: z.string().nullable(),
  generatedAt: z.string().nullable(),
  importedAt: z.string().nullable(),
  /** Whole days since the issuer produced the list. */
  ageDays: z.number().int().nullable(),
  /** Older than the configured number of days: it may miss recent entries. */
  stale: z.boolean(),
  entries: z.number().int(),
  /** Chinese, for the clerk, e.g. 失信名单版本 2026-03-01（3 天前更新，共 1200 条）. */
  message: z.string(),
});
export type RestrictedListStatus = z.infer<typeof restrictedListStatusSchema>;

export const creditResultSchema = z.object({
  kind: z.enum(['person', 'enterprise']),
  valueMasked: z.string(),
  /** 'unknown': no list is loaded, the applicant could not be checked. */
  standing: z.enum(['clear', 'hit', 'unknown']),
  hit: z.boolean(),
  category: z.string().nullable(),
  /** false on a hit: 告知承诺 may not replace any material of this applicant. */
  commitmentAllowed: z.boolean(),
  message: z.string(),
  list: restrictedListStatusSchema,
});
export type CreditResult = z.infer<typeof creditResultSchema>;

export const livenessStepSchema = z.object({ kind: z.enum(CHALLENGE_KINDS), prompt: z.string() });

export const identityChannels = {
  /** The face-recognition notice (告知书) to show and read out before asking for consent. */
  'identity.consent.notice': channel({
    input: z.object({}).strict(),
    output: z.object({ version: z.string(), title: z.string(), text: z.string(), retentionDays: z.number().int() }),
    access: ALL_ROLES,
  }),
  /**
   * Reads an ID card and opens a check. `manual`: fields typed by the clerk plus the card's
   * portrait side from the document camera (the ID photo is cut from it). `training`: a practice
   * card from the training folder (TRAINING_ONLY outside training mode). The number is checked
   * (VALIDATION_FAILED ID_NUMBER_INVALID); an expired card is not refused but flagged in `validity`.
   */
  'identity.idcard.read': channel({
    input: z.discriminatedUnion('driver', [
      z
        .object({
          driver: z.literal('manual'),
          fields: manualCardFieldsSchema,
          cardImageBase64: base64(IDENTITY_LIMITS.maxCardImageBase64Chars, '证件图像'),
          draftId: id.optional(),
        })
        .strict(),
      z.object({ driver: z.literal('training'), card: text(64), draftId: id.optional() }).strict(),
    ]),
    output: z.object({
      check: checkViewSchema,
      card: cardViewSchema,
      validity: cardValiditySchema,
      /** Problems between the fields and the number (birth date, sex), Chinese; empty when consistent. */
      warnings: z.array(z.string()),
      /** The ID photo as a JPEG data URL, for the clerk and the supervisor to look at. */
      photoDataUrl: z.string(),
    }),
    access: ALL_ROLES,
  }),
  /** Practice cards in the training folder (empty outside training mode). */
  'identity.idcard.trainingCards': channel({
    input: z.object({}).strict(),
    output: z.object({ enabled: z.boolean(), cards: z.array(z.object({ card: z.string(), name: z.string(), idNumberMasked: z.string() })) }),
    access: ALL_ROLES,
  }),
  /**
   * Records the applicant's answer to the notice, before any capture. `given: false` ends the
   * biometric path: the check waits for a supervisor's 人工核验 (service is not refused for it).
   */
  'identity.consent.record': channel({
    input: z.object({ checkId: id, given: z.boolean(), method: z.enum(['screen', 'verbal', 'paper']) }).strict(),
    output: z.object({ consentId: z.string(), check: checkViewSchema }),
    access: ALL_ROLES,
  }),
  /**
   * Starts a liveness challenge (random steps, then a frontal capture). CONSENT_REQUIRED without
   * consent; ATTEMPTS_EXHAUSTED after the limit. A challenge still running is abandoned (and
   * counts as a failed attempt if it had seen frames).
   */
  'identity.liveness.start': channel({
    input: z.object({ checkId: id }).strict(),
    output: z.object({
      challengeId: z.string(),
      steps: z.array(livenessStepSchema),
      stepTimeoutMs: z.number().int(),
      /** Send frames about this often (the core takes ≈ 0.25 s per frame). */
      frameIntervalMs: z.number().int(),
      /** Suggested frame width in pixels (JPEG). */
      frameWidth: z.number().int(),
      attempt: z.number().int(),
    }),
    access: ALL_ROLES,
  }),
  /**
   * One frame of the live video, in order, one at a time. The core finds the face and its 68
   * landmarks and advances the challenge. On 'passed', `captureSha256` names the frame that
   * must be sent to identity.face.check; on 'failed' the attempt is counted.
   */
  'identity.liveness.frame': channel({
    input: z.object({ challengeId: id, frameBase64: base64(IDENTITY_LIMITS.maxFrameBase64Chars, '视频帧') }).strict(),
    output: z.object({
      status: z.enum(['in-progress', 'passed', 'failed']),
      step: z.number().int(),
      stepKind: z.enum(CHALLENGE_KINDS),
      prompt: z.string(),
      /** What the clerk should tell the applicant now, Chinese. */
      hint: z.string(),
      faces: z.number().int(),
      captureSha256: z.string().nullable(),
      check: checkViewSchema.nullable(),
    }),
    access: ALL_ROLES,
  }),
  /**
   * Compares the live capture (the frame that completed the challenge, as base64) with the ID
   * photo. LIVENESS_REQUIRED without a passed challenge, CAPTURE_MISMATCH when the image is not
   * that frame, CHALLENGE_EXPIRED when it passed more than a minute ago. A 'review' or
   * 'no-match' counts as a failed attempt.
   */
  'identity.face.check': channel({
    input: z
      .object({
        checkId: id,
        challengeId: id,
        liveImageBase64: base64(IDENTITY_LIMITS.maxImageBase64Chars, '现场照片'),
      })
      .strict(),
    output: z.object({
      decision: z.enum(['match', 'review', 'no-match']),
      match: z.boolean(),
      distance: z.number(),
      thresholds: thresholdsSchema,
      model: modelSchema,
      ms: z.number(),
      attempt: z.number().int(),
      check: checkViewSchema,
    }),
    access: ALL_ROLES,
  }),
  /**
   * 人工核验: a supervisor, present at the window, signs with their own username and password
   * (never the clerk's session) and writes the reason. Audited with both names.
   */
  'identity.face.override': channel({
    input: z
      .object({
        checkId: id,
        supervisorUsername: text(64),
        supervisorPassword: z.string().min(1).max(256),
        reason: z.string().trim().min(4, '请写明人工核验的理由（至少 4 个字）').max(500),
      })
      .strict(),
    output: checkViewSchema,
    access: ALL_ROLES,
  }),
  /** The clerk refuses the application on identity grounds (written reason, audited). */
  'identity.check.refuse': channel({
    input: z.object({ checkId: id, reason: z.string().trim().min(2, '请写明拒绝理由').max(500) }).strict(),
    output: checkViewSchema,
    access: ALL_ROLES,
  }),
  'identity.check.get': channel({
    input: z.object({ checkId: id }).strict(),
    output: checkViewSchema,
    access: ALL_ROLES,
  }),
  /**
   * 信用审查 against the local restricted list (works offline; the list's age is in `list`).
   * A hit is recorded and audited and makes `commitmentAllowed` false.
   */
  'identity.credit.check': channel({
    input: z
      .object({
        idNumber: z.string().trim().max(20).optional(),
        creditCode: z.string().trim().max(20).optional(),
        checkId: id.optional(),
        draftId: id.optional(),
      })
      .strict()
      .refine((v) => !!v.idNumber !== !!v.creditCode, '请提供公民身份号码或统一社会信用代码之一'),
    output: creditResultSchema,
    access: ALL_ROLES,
  }),
  'identity.restrictedList.status': channel({
    input: z.object({}).strict(),
    output: restrictedListStatusSchema,
    access: ALL_ROLES,
  }),
} as const;

export type IdentityChannels = typeof identityChannels;
export type IdentityChannel = keyof IdentityChannels;
export type IdentityInput<C extends IdentityChannel> = z.input<IdentityChannels[C]['input']>;
export type IdentityOutput<C extends IdentityChannel> = z.output<IdentityChannels[C]['output']>;
/** What the identity components need: the contract client's `call`, narrowed. */
export type IdentityCall = <C extends IdentityChannel>(channel: C, input: IdentityInput<C>) => Promise<IdentityOutput<C>>;
