/**
 * Tables of 人证核验 and 信用审查 (electron/identity, docs/IDENTITY.md). Kept apart from
 * db/schema.ts; drizzle.config.ts lists both files so one migration covers them.
 *
 * What is kept and for how long (PIPL):
 * - face images (the live capture and the ID photo) only as AES-256-GCM files, each named by a
 *   row of identity_face_images, deleted after the retention period; the row and its SHA-256 stay;
 * - the decision, distance, thresholds and model of every attempt, for good;
 * - ID numbers never in plain: masked for reading, HMAC-SHA256 with a local key for matching.
 * Timestamps are ISO-8601 strings in UTC, like db/schema.ts.
 */
import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const IDENTITY_CHECK_STATUSES = ['card-read', 'consented', 'consent-declined', 'failed', 'passed', 'overridden', 'refused'] as const;
export const ID_CARD_DRIVERS = ['reader', 'manual', 'training'] as const;
export const FACE_DECISIONS = ['match', 'review', 'no-match'] as const;

/** One 人证核验 of one applicant at the window: from reading the card to the final outcome. */
export const identityChecks = sqliteTable(
  'identity_checks',
  {
    id: text('id').primaryKey(),
    status: text('status', { enum: IDENTITY_CHECK_STATUSES }).notNull(),
    driver: text('driver', { enum: ID_CARD_DRIVERS }).notNull(),
    /** Read with the training driver: practice data, never a real applicant. */
    training: integer('training', { mode: 'boolean' }).notNull().default(false),
    applicantName: text('applicant_name').notNull(),
    /** 3201**********1234 */
    idNumberMasked: text('id_number_masked').notNull(),
    /** HMAC-SHA256 (local key) of the normalised number: finds earlier checks without the plain value. */
    idNumberHash: text('id_number_hash').notNull(),
    cardValidFrom: text('card_valid_from'),
    /** null: 长期 (no end date). */
    cardValidTo: text('card_valid_to'),
    cardExpired: integer('card_expired', { mode: 'boolean' }).notNull().default(false),
    /** Failed attempts so far (liveness or face), and the limit before a supervisor must decide. */
    failedAttempts: integer('failed_attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    /** The last face comparison. */
    decision: text('decision', { enum: FACE_DECISIONS }),
    distance: real('distance'),
    thresholdMatch: real('threshold_match'),
    thresholdNoMatch: real('threshold_no_match'),
    modelName: text('model_name'),
    modelVersion: text('model_version'),
    ms: integer('ms'),
    liveSha256: text('live_sha256'),
    idPhotoSha256: text('id_photo_sha256'),
    /** The face service could not use the ID photo (no face, unreadable): only a supervisor can decide. */
    idPhotoUnusable: integer('id_photo_unusable', { mode: 'boolean' }).notNull().default(false),
    /** Supervisor override (人工核验) or the refusal. */
    decidedBy: text('decided_by'),
    reason: text('reason'),
    decidedAt: text('decided_at'),
    caseId: text('case_id'),
    draftId: text('draft_id'),
    operator: text('operator').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    index('identity_checks_id_hash').on(t.idNumberHash),
    index('identity_checks_case').on(t.caseId),
    index('identity_checks_created').on(t.createdAt),
  ],
);

/** Every try: a liveness challenge and, when it passed, the face comparison that followed. */
export const identityAttempts = sqliteTable(
  'identity_attempts',
  {
    id: text('id').primaryKey(),
    checkId: text('check_id')
      .notNull()
      .references(() => identityChecks.id),
    attempt: integer('attempt').notNull(),
    /** JSON list of the challenge steps asked, in order, e.g. ["turn-left","blink"]. */
    challenges: text('challenges').notNull(),
    liveness: text('liveness', { enum: ['passed', 'failed'] }).notNull(),
    /** JSON: why the challenge failed, frames seen, measured eye ratio / head turn (numbers only). */
    livenessDetail: text('liveness_detail').notNull().default('{}'),
    decision: text('decision', { enum: FACE_DECISIONS }),
    distance: real('distance'),
    thresholdMatch: real('threshold_match'),
    thresholdNoMatch: real('threshold_no_match'),
    modelName: text('model_name'),
    modelVersion: text('model_version'),
    ms: integer('ms'),
    liveSha256: text('live_sha256'),
    idPhotoSha256: text('id_photo_sha256'),
    operator: text('operator').notNull(),
    at: text('at').notNull(),
  },
  (t) => [index('identity_attempts_check').on(t.checkId, t.attempt)],
);

/** The applicant's answer to the face-recognition notice, recorded before any capture. */
export const identityConsents = sqliteTable(
  'identity_consents',
  {
    id: text('id').primaryKey(),
    checkId: text('check_id')
      .notNull()
      .references(() => identityChecks.id),
    given: integer('given', { mode: 'boolean' }).notNull(),
    /** How it was given: read on screen, read out by the clerk, signed on paper. */
    method: text('method', { enum: ['screen', 'verbal', 'paper'] }).notNull(),
    noticeVersion: text('notice_version').notNull(),
    /** SHA-256 of the exact notice text shown. */
    noticeSha256: text('notice_sha256').notNull(),
    operator: text('operator').notNull(),
    at: text('at').notNull(),
  },
  (t) => [index('identity_consents_check').on(t.checkId)],
);

/**
 * Face images, encrypted at rest in `<dataDir>/identity/faces/<id>.owf`. After `purge_after`
 * the file is deleted and `purged_at` set; the row keeps the hash as proof of what was compared.
 */
export const identityFaceImages = sqliteTable(
  'identity_face_images',
  {
    id: text('id').primaryKey(),
    checkId: text('check_id')
      .notNull()
      .references(() => identityChecks.id),
    attemptId: text('attempt_id'),
    kind: text('kind', { enum: ['live', 'id-photo'] }).notNull(),
    /** SHA-256 of the plain image bytes. */
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    /** File name under the faces folder; null once purged. */
    file: text('file'),
    createdAt: text('created_at').notNull(),
    purgeAfter: text('purge_after').notNull(),
    purgedAt: text('purged_at'),
  },
  (t) => [index('identity_face_images_purge').on(t.purgedAt, t.purgeAfter), index('identity_face_images_check').on(t.checkId)],
);

/** 失信名单: keyed hashes only (HMAC-SHA256 with the local key), never the plain numbers. */
export const identityRestrictedList = sqliteTable('identity_restricted_list', {
  keyHash: text('key_hash').primaryKey(),
  kind: text('kind', { enum: ['person', 'enterprise'] }).notNull(),
  /** e.g. 失信被执行人, 严重违法失信企业名单. */
  category: text('category').notNull(),
});

/** The one loaded list (id = 1): where it came from and how old it is. */
export const identityRestrictedListMeta = sqliteTable('identity_restricted_list_meta', {
  id: integer('id').primaryKey(),
  source: text('source').notNull(),
  version: text('version').notNull(),
  /** When the issuer produced the list (its age is counted from here). */
  generatedAt: text('generated_at').notNull(),
  importedAt: text('imported_at').notNull(),
  importedBy: text('imported_by').notNull(),
  entries: integer('entries').notNull(),
  skipped: integer('skipped').notNull(),
  fileSha256: text('file_sha256').notNull(),
});

/** A credit check that found the applicant on the list (audited as well). */
export const identityCreditHits = sqliteTable(
  'identity_credit_hits',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['person', 'enterprise'] }).notNull(),
    keyHash: text('key_hash').notNull(),
    valueMasked: text('value_masked').notNull(),
    category: text('category').notNull(),
    listVersion: text('list_version').notNull(),
    checkId: text('check_id'),
    draftId: text('draft_id'),
    caseId: text('case_id'),
    operator: text('operator').notNull(),
    at: text('at').notNull(),
  },
  (t) => [index('identity_credit_hits_key').on(t.keyHash), index('identity_credit_hits_draft').on(t.draftId)],
);
