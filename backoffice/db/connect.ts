/**
 * Opens the back office's database — embedded PGlite (default) or a real PostgreSQL through
 * `pg` — and applies the drizzle migrations. Both drivers give the same drizzle API.
 */
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema';

export type DatabaseConfig = { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };
export type BackofficeDb = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle; it has the same query API as the database. */
export type Tx = Parameters<Parameters<BackofficeDb['transaction']>[0]>[0];

export interface OpenDatabase {
  kind: DatabaseConfig['kind'];
  db: BackofficeDb;
  /** PostgreSQL connection string, for a LISTEN connection (postgres only). */
  url?: string;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));
/** Any constant works; it only has to be the same in every instance. */
const MIGRATION_LOCK_KEY = 7_301_130_001;

export async function openDatabase(config: DatabaseConfig): Promise<OpenDatabase> {
  return config.kind === 'pglite' ? openPglite(config.dataDir) : openPostgres(config.url);
}

async function openPglite(dataDir: string): Promise<OpenDatabase> {
  const dir = resolve(dataDir);
  await mkdir(dirname(dir), { recursive: true });
  // PGlite is single-process: a second process opening the folder would corrupt it.
  const releaseLock = await lockDataDir(dir);
  let client: PGlite | undefined;
  try {
    client = await PGlite.create(dir);
    const db = drizzlePglite(client, { schema });
    await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER });
    const opened = client;
    return {
      kind: 'pglite',
      db: db as unknown as BackofficeDb,
      async close() {
        await opened.close();
        await releaseLock();
      },
    };
  } catch (error) {
    await client?.close().catch(() => undefined);
    await releaseLock();
    throw error;
  }
}

async function openPostgres(url: string): Promise<OpenDatabase> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => undefined); // an idle client died; the pool replaces it
  try {
    const db = drizzlePg(pool, { schema });
    // Instances starting together must not migrate at the same time.
    const lockClient = await pool.connect();
    try {
      await lockClient.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      await migratePg(db, { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await lockClient.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
      lockClient.release();
    }
    return { kind: 'postgres', db: db as unknown as BackofficeDb, url, close: () => pool.end() };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}

async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const lockPath = `${dir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new Error(`数据目录 ${dir} 正被另一个后台进程（pid ${pid}）使用`, { cause: error });
      }
      if (pid === process.pid) throw new Error(`数据目录 ${dir} 已在本进程中打开`, { cause: error });
      await rm(lockPath, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`无法锁定数据目录 ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A cheap round trip, for health checks. */
export async function ping(db: BackofficeDb): Promise<void> {
  await db.execute(sql`select 1`);
}
