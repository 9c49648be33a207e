/**
 * Tables of the security capability (electron/auth, electron/retention; docs/SECURITY.md).
 * Timestamps are ISO-8601 strings in UTC, like db/schema.ts.
 */
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { cases, users } from './schema';

/** Earlier password hashes of an account: a new password may not reuse the last few. */
export const passwordHistory = sqliteTable(
  'password_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    passwordHash: text('password_hash').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('password_history_user').on(t.userId, t.id)],
);

/**
 * A closed case whose personal data was removed after the retention period. The case row keeps
 * its number, item, status and dates; this row keeps the SHA-256 of what was removed, so the
 * record still proves what was there without holding it.
 */
export const caseRedactions = sqliteTable('case_redactions', {
  caseId: text('case_id')
    .primaryKey()
    .references(() => cases.id),
  redactedAt: text('redacted_at').notNull(),
  /** SHA-256 of the form data, name and ID number as they were (JSON). */
  personalDataSha256: text('personal_data_sha256').notNull(),
  /** JSON list of the page and PDF blob hashes that were released. */
  blobSha256s: text('blob_sha256s').notNull().default('[]'),
  policyDays: integer('policy_days').notNull(),
});
