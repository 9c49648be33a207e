/**
 * Tables of the case lifecycle at the window (issue 7). Several capabilities add tables here;
 * append new ones at the end. Timestamps are ISO-8601 strings in UTC, like db/schema.ts.
 */
import { sql } from 'drizzle-orm';
import { blob, check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { cases } from './schema';

export const SIGNATURE_PURPOSES = ['application', 'commitment'] as const;
export const SIGNATURE_SOURCES = ['applicant-screen', 'clerk-screen'] as const;

/**
 * The applicant's handwritten signatures (electron/applicant-display): on the application form
 * and the 告知承诺书. Signed on a draft, moved to the case when it is accepted. The PNG is the
 * core's re-encoded copy (no foreign chunks); one row per owner and purpose (a new one replaces).
 */
export const caseSignatures = sqliteTable(
  'case_signatures',
  {
    id: text('id').primaryKey(),
    caseId: text('case_id').references(() => cases.id),
    draftId: text('draft_id'),
    purpose: text('purpose', { enum: SIGNATURE_PURPOSES }).notNull(),
    png: blob('png', { mode: 'buffer' }).notNull(),
    sha256: text('sha256').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    /** Where it was drawn: the citizen's screen, or the clerk's screen as a fallback. */
    source: text('source', { enum: SIGNATURE_SOURCES }).notNull(),
    windowNo: text('window_no').notNull(),
    /** The clerk whose session asked for it. */
    clerk: text('clerk').notNull(),
    signedAt: text('signed_at').notNull(),
  },
  (t) => [
    index('case_signatures_case').on(t.caseId),
    index('case_signatures_draft').on(t.draftId),
    check('case_signatures_one_owner', sql`(${t.draftId} IS NULL) <> (${t.caseId} IS NULL)`),
  ],
);

/**
 * 好差评 (GB/T 39734): one rating per case, level 5 非常满意 … 1 非常不满意. The center
 * dashboard reads this table for satisfaction figures: keep its shape.
 */
export const caseRatings = sqliteTable(
  'case_ratings',
  {
    caseId: text('case_id')
      .primaryKey()
      .references(() => cases.id),
    level: integer('level').notNull(),
    comment: text('comment'),
    ratedAt: text('rated_at').notNull(),
    window: text('window').notNull(),
  },
  (t) => [check('case_ratings_level', sql`${t.level} BETWEEN 1 AND 5`), index('case_ratings_rated_at').on(t.ratedAt)],
);

export const CASE_DOCUMENT_KINDS = ['acceptance-receipt', 'non-acceptance-notice', 'supplement-notice', 'commitment-letter', 'handout-receipt'] as const;

/**
 * Every PDF a case got (electron/cases/documents.ts), rendered by the core from stored data and
 * kept as issued: a reprint serves these bytes, never a new rendering. Documents are 30–60 KB,
 * so the bytes live in the row (one transaction with the timeline and audit entries, nothing for
 * the blob sweeper to race). `ref` ties a document to what caused it (e.g. the change-feed
 * event of a 补正 request), so each cause gets exactly one document.
 */
export const caseDocuments = sqliteTable(
  'case_documents',
  {
    id: text('id').primaryKey(),
    caseId: text('case_id')
      .notNull()
      .references(() => cases.id),
    kind: text('kind', { enum: CASE_DOCUMENT_KINDS }).notNull(),
    /** What caused it: '' for a case's one-off documents, an event id for a 补正 notice. */
    ref: text('ref').notNull().default(''),
    /** The document's own number (文书编号) when it has one, else the case number. */
    documentNo: text('document_no').notNull(),
    fileName: text('file_name').notNull(),
    pdf: blob('pdf', { mode: 'buffer' }).notNull(),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    pages: integer('pages').notNull(),
    /** JSON list of characters the font could not show. */
    missingCharacters: text('missing_characters').notNull().default('[]'),
    createdBy: text('created_by').notNull(),
    createdByRole: text('created_by_role').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('case_documents_case').on(t.caseId, t.createdAt), uniqueIndex('case_documents_cause').on(t.caseId, t.kind, t.ref)],
);

export const HANDOUT_METHODS = ['pickup', 'express'] as const;
export const COLLECTOR_KINDS = ['applicant', 'agent'] as const;

/** 出件 / 寄递: how the result left the window. One row per case (both are final states). */
export const caseHandouts = sqliteTable('case_handouts', {
  caseId: text('case_id')
    .primaryKey()
    .references(() => cases.id),
  method: text('method', { enum: HANDOUT_METHODS }).notNull(),
  /** Pickup: the applicant in person, or an authorised agent. */
  collectorKind: text('collector_kind', { enum: COLLECTOR_KINDS }),
  collectorName: text('collector_name'),
  collectorIdNo: text('collector_id_no'),
  /** The 人证核验 of the person collecting, when one was made. */
  identityCheckId: text('identity_check_id'),
  authorization: text('authorization'),
  /** Express: recipient and consignment. */
  recipientName: text('recipient_name'),
  recipientPhone: text('recipient_phone'),
  address: text('address'),
  carrier: text('carrier'),
  trackingNo: text('tracking_no'),
  handedOutBy: text('handed_out_by').notNull(),
  handedOutAt: text('handed_out_at').notNull(),
});
