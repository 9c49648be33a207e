/**
 * The workstation's local SQLite schema (drizzle). Migrations are generated from this file
 * with `npm run db:generate` into db/migrations and applied at start by electron/database.
 * Timestamps are ISO-8601 strings in UTC: readable in the raw file, sortable as text.
 */
import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  role: text('role', { enum: ['clerk', 'supervisor', 'admin'] }).notNull(),
  passwordHash: text('password_hash').notNull(),
  /** A one-time password (first admin, reset) must be replaced at the next sign-in. */
  mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(false),
  failedAttempts: integer('failed_attempts').notNull().default(0),
  /** Set by repeated failures: sign-in refused until then. */
  lockedUntil: text('locked_until'),
  /** Set by an administrator (`onewindow user lock`): refused until unlocked by a reset. */
  disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
});

/** Runtime settings an admin changes on the settings page (the lowest configuration layer above defaults). */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: text('updated_at').notNull(),
  updatedBy: text('updated_by').notNull(),
});

export const cases = sqliteTable(
  'cases',
  {
    /** ULID generated at the window: no round trip to the back office. */
    id: text('id').primaryKey(),
    caseNo: text('case_no').notNull().unique(),
    itemCode: text('item_code').notNull(),
    itemVersion: integer('item_version').notNull(),
    itemName: text('item_name').notNull(),
    department: text('department').notNull(),
    applicantName: text('applicant_name').notNull(),
    /** 'id-card' for a 公民身份号码, 'uscc' for a 统一社会信用代码. */
    applicantIdType: text('applicant_id_type').notNull(),
    applicantIdNo: text('applicant_id_no').notNull(),
    formData: text('form_data').notNull(),
    /** The materials checklist at acceptance: [{ materialId, status, reusedFrom?, deferUntil? }]. */
    materials: text('materials').notNull().default('[]'),
    status: text('status').notNull(),
    promisedDate: text('promised_date'),
    centerCode: text('center_code').notNull(),
    windowNo: text('window_no').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    /** When the clerk opened the item (its draft's creation), for the dashboard's handling time; null without a draft. */
    startedAt: text('started_at'),
  },
  (t) => [
    index('cases_created_at').on(t.createdAt),
    index('cases_status').on(t.status),
    // The case list filters by status and shows the newest first.
    index('cases_status_created_at').on(t.status, t.createdAt),
    index('cases_applicant_id_no').on(t.applicantIdNo),
    // The center dashboard (electron/dashboard): intake and handling time read only this index
    // over a created_at range; due-soon/overdue counts read open statuses by promised date.
    index('cases_dashboard_intake').on(t.createdAt, t.windowNo, t.itemCode, t.itemName, t.status, t.startedAt),
    index('cases_status_promised_date').on(t.status, t.promisedDate),
    // Quick search by a part of the case number or the name scans this narrow index, not the
    // table (the file is encrypted: every table page read is a page decrypted); it also holds
    // the list's order, so only the page of hits shown is read from the table.
    index('cases_search').on(t.caseNo, t.applicantName, t.createdAt, t.id),
  ],
);

/** The case timeline: every transition with who, when and from where. */
export const caseEvents = sqliteTable(
  'case_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    caseId: text('case_id')
      .notNull()
      .references(() => cases.id),
    type: text('type').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    actor: text('actor').notNull(),
    /** The actor's role ('clerk', 'supervisor', 'system'); null on entries written before it was kept. */
    actorRole: text('actor_role'),
    device: text('device').notNull(),
    /** Where: the center and window the entry was written at (null on older entries). */
    centerCode: text('center_code'),
    windowNo: text('window_no'),
    at: text('at').notNull(),
    detail: text('detail').notNull().default('{}'),
  },
  (t) => [index('case_events_case').on(t.caseId, t.id)],
);

/** Per center/day/window sequence for case numbers, so numbers are unique without the server. */
export const caseNumberSequences = sqliteTable(
  'case_number_sequences',
  {
    prefix: text('prefix').primaryKey(),
    lastValue: integer('last_value').notNull(),
  },
);

/**
 * Transactional outbox: written in the same transaction as the case change it carries.
 * Never deleted on failure: a refused operation goes to 'dead' with the server's reason.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    caseId: text('case_id').references(() => cases.id),
    kind: text('kind').notNull(),
    payload: text('payload').notNull(),
    status: text('status', { enum: ['pending', 'done', 'dead'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at'),
    lastError: text('last_error'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('outbox_status').on(t.status, t.createdAt)],
);

/** Append-only audit trail; each row's hash chains it to the previous row (tamper evidence). */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull(),
    actor: text('actor').notNull(),
    role: text('role').notNull(),
    device: text('device').notNull(),
    action: text('action').notNull(),
    caseId: text('case_id'),
    detail: text('detail').notNull().default('{}'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('audit_log_action').on(t.action), uniqueIndex('audit_log_hash').on(t.hash)],
);

/**
 * Drafts autosaved while the clerk types (crash-safe: synchronous=FULL). Each draft keeps a
 * snapshot of the item definition it was started on, so a catalogue update never breaks it:
 * it opens on its own version and is offered the upgrade.
 */
export const drafts = sqliteTable(
  'drafts',
  {
    id: text('id').primaryKey(),
    itemCode: text('item_code').notNull(),
    itemVersion: integer('item_version').notNull(),
    itemName: text('item_name').notNull(),
    definition: text('definition').notNull(),
    formData: text('form_data').notNull(),
    materials: text('materials').notNull().default('[]'),
    applicantName: text('applicant_name'),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('drafts_created_by').on(t.createdBy, t.updatedAt)],
);

/**
 * Sync engine state (electron/sync), one value per key: the change-feed cursor, the enrolled
 * device (id, center, window — never its secret, which lives in the credential store) and the
 * last successful exchange. The cursor is written in the same transaction as the events it covers.
 */
export const syncState = sqliteTable('sync_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: text('updated_at').notNull(),
});

/**
 * Change-feed events already applied, by the back office's eventId: an event seen twice (a
 * retried long-poll, a cursor reset after a back-office restore) changes nothing the second time.
 */
export const appliedEvents = sqliteTable(
  'applied_events',
  {
    eventId: text('event_id').primaryKey(),
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    caseId: text('case_id'),
    /** 'applied', or 'ignored' (a case this database does not hold, an unknown event type). */
    outcome: text('outcome').notNull(),
    appliedAt: text('applied_at').notNull(),
  },
  (t) => [index('applied_events_case').on(t.caseId)],
);

/** Certificates (证照) the back office issued for local cases: the blob to fetch and hand out. */
export const caseCertificates = sqliteTable('case_certificates', {
  caseId: text('case_id')
    .primaryKey()
    .references(() => cases.id),
  certificateNo: text('certificate_no').notNull(),
  sha256: text('sha256').notNull(),
  size: integer('size').notNull(),
  mediaType: text('media_type').notNull(),
  fileName: text('file_name'),
  issuedAt: text('issued_at').notNull(),
  recordedAt: text('recorded_at').notNull(),
});

/**
 * Files in the content-addressed blob store (electron/materials/blob-store.ts,
 * `<dataDir>/blobs/ab/cd/<sha256>`) that the database knows about. The file is written and
 * fsynced before its row: a row always names a complete file.
 */
export const blobs = sqliteTable('blobs', {
  sha256: text('sha256').primaryKey(),
  size: integer('size').notNull(),
  mime: text('mime').notNull(),
  createdAt: text('created_at').notNull(),
});

/**
 * Captured or imported pages of a material (electron/materials), owned by a draft while the
 * clerk fills the form and re-pointed to the case in the acceptance transaction. `sha256` is
 * the page as shown and sent; `source_sha256` the page as first stored, from which the
 * `edits` (rotations, crops) are re-applied so edits never stack JPEG generations.
 */
export const materialPages = sqliteTable(
  'material_pages',
  {
    id: text('id').primaryKey(),
    /** No foreign key: a discarded draft leaves its pages to removeAbandonedDraftPages(). */
    draftId: text('draft_id'),
    caseId: text('case_id').references(() => cases.id),
    materialId: text('material_id').notNull(),
    pageOrder: integer('page_order').notNull(),
    sha256: text('sha256')
      .notNull()
      .references(() => blobs.sha256),
    sourceSha256: text('source_sha256')
      .notNull()
      .references(() => blobs.sha256),
    /** JSON list of edits applied to the source, in order: [{ op: 'rotate', degrees } | { op: 'crop', rect }]. */
    edits: text('edits').notNull().default('[]'),
    size: integer('size').notNull(),
    mime: text('mime').notNull(),
    width: integer('width'),
    height: integer('height'),
    source: text('source', { enum: ['camera', 'import', 'reuse'] }).notNull(),
    fileName: text('file_name'),
    /** For reused pages: the earlier case they come from. */
    originCaseNo: text('origin_case_no'),
    createdBy: text('created_by'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    index('material_pages_draft').on(t.draftId, t.materialId, t.pageOrder),
    index('material_pages_case').on(t.caseId, t.materialId, t.pageOrder),
    index('material_pages_sha256').on(t.sha256),
    check('material_pages_one_owner', sql`(${t.draftId} IS NULL) <> (${t.caseId} IS NULL)`),
  ],
);

/** The per-material PDF assembled for a case (buildMaterialPdf), kept so its blob is not swept. */
export const materialPdfs = sqliteTable(
  'material_pdfs',
  {
    caseId: text('case_id')
      .notNull()
      .references(() => cases.id),
    materialId: text('material_id').notNull(),
    sha256: text('sha256')
      .notNull()
      .references(() => blobs.sha256),
    pageCount: integer('page_count').notNull(),
    builtAt: text('built_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.materialId] })],
);

/** Items a clerk starred: search ranks them right after the recent ones. */
export const userFavourites = sqliteTable(
  'user_favourites',
  {
    username: text('username').notNull(),
    itemCode: text('item_code').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('user_favourites_pk').on(t.username, t.itemCode)],
);
