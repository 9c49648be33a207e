/**
 * The back office's PostgreSQL schema (PGlite embedded, or a real server). All state lives
 * here, so several stateless instances can share one database. Timestamps are timestamptz;
 * ids are ULIDs made by whoever creates the row (the workstation for cases).
 */
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** One-time enrolment codes; only a hash of the code is kept. */
export const enrolmentCodes = pgTable('enrolment_codes', {
  codeHash: text('code_hash').primaryKey(),
  centerCode: text('center_code').notNull(),
  windowNo: text('window_no').notNull(),
  label: text('label'),
  createdAt: ts('created_at').notNull(),
  expiresAt: ts('expires_at').notNull(),
  usedAt: ts('used_at'),
  usedByDevice: text('used_by_device'),
});

export const devices = pgTable('devices', {
  id: text('id').primaryKey(),
  /** SHA-256 of the device secret (a 256-bit random value, so no slow hash is needed). */
  secretHash: text('secret_hash').notNull(),
  name: text('name').notNull(),
  centerCode: text('center_code').notNull(),
  windowNo: text('window_no').notNull(),
  label: text('label'),
  enrolledAt: ts('enrolled_at').notNull(),
  lastSeenAt: ts('last_seen_at'),
  revokedAt: ts('revoked_at'),
  /** What the workstation last reported in its status headers (shared/sync/device-status.ts). */
  appVersion: text('app_version'),
  backlog: integer('backlog'),
  oldestPendingAt: ts('oldest_pending_at'),
  deadLetters: integer('dead_letters'),
  statusAt: ts('status_at'),
});

/** Every final push result, per device, forever: the idempotency memory. */
export const appliedMutations = pgTable(
  'applied_mutations',
  {
    deviceId: text('device_id')
      .notNull()
      .references(() => devices.id),
    mutationId: text('mutation_id').notNull(),
    kind: text('kind').notNull(),
    /** The stored result: { status: 'applied' } or { status: 'rejected', code, reason }. */
    result: jsonb('result').notNull(),
    appliedAt: ts('applied_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.mutationId] })],
);

/** Complete, verified blobs. The bytes live in the blob store under their hash. */
export const blobs = pgTable('blobs', {
  sha256: text('sha256').primaryKey(),
  size: bigint('size', { mode: 'number' }).notNull(),
  mediaType: text('media_type').notNull(),
  createdAt: ts('created_at').notNull(),
});

/**
 * Uploads in progress. `received` is the durable offset; the lease makes one request at a
 * time write a given partial, across instances.
 */
export const blobUploads = pgTable('blob_uploads', {
  sha256: text('sha256').primaryKey(),
  total: bigint('total', { mode: 'number' }).notNull(),
  received: bigint('received', { mode: 'number' }).notNull(),
  leaseOwner: text('lease_owner'),
  leaseUntil: ts('lease_until'),
  startedAt: ts('started_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

/** Blobs published to every device (catalogue bundles, restriction lists). */
export const broadcastBlobs = pgTable('broadcast_blobs', {
  sha256: text('sha256')
    .primaryKey()
    .references(() => blobs.sha256),
  kind: text('kind').notNull(),
  createdAt: ts('created_at').notNull(),
});

export const cases = pgTable(
  'cases',
  {
    id: text('id').primaryKey(),
    caseNo: text('case_no').notNull().unique(),
    /** The device that submitted it: it receives the case's events. */
    deviceId: text('device_id')
      .notNull()
      .references(() => devices.id),
    centerCode: text('center_code').notNull(),
    windowNo: text('window_no').notNull(),
    itemCode: text('item_code').notNull(),
    itemVersion: integer('item_version').notNull(),
    itemName: text('item_name').notNull(),
    acceptedAt: ts('accepted_at').notNull(),
    acceptedBy: text('accepted_by').notNull(),
    promisedDate: text('promised_date'),
    applicant: jsonb('applicant').notNull(),
    formData: jsonb('form_data').notNull(),
    /** Current materials (supplements replace by materialId). */
    materials: jsonb('materials').notNull(),
    approval: jsonb('approval').notNull(),
    /** 人证核验 result as the window sent it (decision, distance, model, hashes): never images. */
    identityCheck: jsonb('identity_check'),
    status: text('status').notNull(),
    receivedAt: ts('received_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    closedAt: ts('closed_at'),
  },
  (t) => [index('cases_device_idx').on(t.deviceId), index('cases_status_idx').on(t.status)],
);

/** Which blobs a case names (materials, certificate): drives download permissions. */
export const caseBlobs = pgTable(
  'case_blobs',
  {
    caseId: text('case_id')
      .notNull()
      .references(() => cases.id),
    sha256: text('sha256')
      .notNull()
      .references(() => blobs.sha256),
    role: text('role').notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.sha256, t.role] }), index('case_blobs_sha_idx').on(t.sha256)],
);

export const caseSupplements = pgTable(
  'case_supplements',
  {
    id: text('id').primaryKey(),
    caseId: text('case_id')
      .notNull()
      .references(() => cases.id),
    submittedAt: ts('submitted_at').notNull(),
    submittedBy: text('submitted_by').notNull(),
    note: text('note'),
    materials: jsonb('materials').notNull(),
    receivedAt: ts('received_at').notNull(),
  },
  (t) => [index('case_supplements_case_idx').on(t.caseId)],
);

/** One task per department on the route (并联审批). */
export const reviewTasks = pgTable(
  'review_tasks',
  {
    id: text('id').primaryKey(),
    caseId: text('case_id')
      .notNull()
      .references(() => cases.id),
    department: text('department').notNull(),
    role: text('role').notNull(),
    status: text('status').notNull(),
    deadline: ts('deadline').notNull(),
    createdAt: ts('created_at').notNull(),
    decision: text('decision'),
    reason: text('reason'),
    materialsWanted: jsonb('materials_wanted'),
    decidedBy: text('decided_by'),
    decidedByName: text('decided_by_name'),
    decidedAt: ts('decided_at'),
    supplementRequestedAt: ts('supplement_requested_at'),
  },
  (t) => [
    index('review_tasks_queue_idx').on(t.department, t.status, t.deadline),
    index('review_tasks_case_idx').on(t.caseId),
  ],
);

export const certificates = pgTable('certificates', {
  caseId: text('case_id')
    .primaryKey()
    .references(() => cases.id),
  certificateNo: text('certificate_no').notNull().unique(),
  sha256: text('sha256')
    .notNull()
    .references(() => blobs.sha256),
  issuedAt: ts('issued_at').notNull(),
  /** Random code in the certificate's QR link (GET /verify/<code>); not guessable from the number. */
  verifyCode: text('verify_code').unique(),
  /** Last day of validity (Beijing date); null = 长期有效. */
  validUntil: text('valid_until'),
});

export const reviewers = pgTable('reviewers', {
  id: text('id').primaryKey(),
  username: text('username').notNull().unique(),
  /** scrypt$N$r$p$salt$hash (base64). */
  passwordHash: text('password_hash').notNull(),
  department: text('department').notNull(),
  displayName: text('display_name').notNull(),
  createdAt: ts('created_at').notNull(),
  disabledAt: ts('disabled_at'),
  failedLogins: integer('failed_logins').notNull().default(0),
  lockedUntil: ts('locked_until'),
  /** May see IT's pages (window status) besides the department's queue. */
  itAdmin: boolean('it_admin').notNull().default(false),
});

export const reviewerSessions = pgTable(
  'reviewer_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    reviewerId: text('reviewer_id')
      .notNull()
      .references(() => reviewers.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('reviewer_sessions_reviewer_idx').on(t.reviewerId)],
);

/** Who opened which case or file (PIPL: access to personal information is logged). */
export const reviewAccessLog = pgTable('review_access_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  reviewerId: text('reviewer_id').notNull(),
  caseId: text('case_id'),
  action: text('action').notNull(),
  target: text('target'),
  at: ts('at').notNull(),
});

/**
 * The change feed. `seq` is the cursor: rows are inserted under a transaction-scoped advisory
 * lock, so seq order is commit order and a reader never skips a row committed later.
 * device_id null = broadcast to every device.
 */
export const changes = pgTable(
  'changes',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    eventId: text('event_id').notNull().unique(),
    type: text('type').notNull(),
    deviceId: text('device_id'),
    caseId: text('case_id'),
    data: jsonb('data').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [index('changes_device_seq_idx').on(t.deviceId, t.seq)],
);

/** Audit entries pushed by workstations (audit.append). */
export const deviceAuditEntries = pgTable(
  'device_audit_entries',
  {
    deviceId: text('device_id')
      .notNull()
      .references(() => devices.id),
    entryId: text('entry_id').notNull(),
    at: ts('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    caseId: text('case_id'),
    detail: jsonb('detail'),
    receivedAt: ts('received_at').notNull(),
    /** The workstation's hash chain: entry number and hashes (null for entries sent without them). */
    seq: bigint('seq', { mode: 'number' }),
    role: text('role'),
    prevHash: text('prev_hash'),
    hash: text('hash'),
  },
  (t) => [
    primaryKey({ columns: [t.deviceId, t.entryId] }),
    index('device_audit_case_idx').on(t.caseId),
    index('device_audit_seq_idx').on(t.deviceId, t.seq),
  ],
);

/** The highest audit chain head each device has shown (witnessed with its pushes); never lowered. */
export const deviceAuditHeads = pgTable('device_audit_heads', {
  deviceId: text('device_id')
    .primaryKey()
    .references(() => devices.id),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
  witnessedAt: ts('witnessed_at').notNull(),
});

/** Evidence of a tampered audit trail at a window: a head going backwards, a rewritten entry. */
export const deviceAuditFlags = pgTable(
  'device_audit_flags',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deviceId: text('device_id')
      .notNull()
      .references(() => devices.id),
    code: text('code').notNull(),
    reason: text('reason').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    detail: jsonb('detail').notNull(),
    at: ts('at').notNull(),
  },
  (t) => [index('device_audit_flags_device_idx').on(t.deviceId, t.at)],
);
