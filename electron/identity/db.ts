/**
 * The database handle the identity capability uses: any better-sqlite3 drizzle instance on the
 * workstation's file (it uses the query builder only, never relational queries, so the schema
 * it was opened with does not matter).
 */
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';

export type IdentityDb = BetterSQLite3Database<Record<string, unknown>>;
