/**
 * Opens the workstation's SQLite file: WAL, foreign keys, busy timeout, synchronous=FULL (a case
 * the clerk accepted survives a power cut), then applies the committed drizzle migrations.
 * A corrupt file or one written by a newer app version is refused with a clear message and
 * left exactly as it was: recovering data is IT's decision, never ours to make silently.
 */
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as schema from '../../db/schema';
import { appPath } from '../paths';

export type WorkstationDb = BetterSQLite3Database<typeof schema>;

export interface OpenedDatabase {
  db: WorkstationDb;
  sqlite: Database.Database;
  file: string;
  close(): void;
}

export class DatabaseOpenError extends Error {
  readonly code: 'DB_CORRUPT' | 'DB_TOO_NEW' | 'DB_UNREADABLE';
  constructor(code: DatabaseOpenError['code'], message: string) {
    super(message);
    this.name = 'DatabaseOpenError';
    this.code = code;
  }
}

const SQLITE_MAGIC = 'SQLite format 3\u0000';

export function migrationsFolder(): string {
  return appPath('db', 'migrations');
}

/** How many migrations this build knows: stored in PRAGMA user_version after migrating. */
export function knownSchemaVersion(folder = migrationsFolder()): number {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}

function checkHeader(file: string): void {
  if (!existsSync(file) || statSync(file).size === 0) return;
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    if (n < 16 || buf.toString('latin1') !== SQLITE_MAGIC) {
      throw new DatabaseOpenError(
        'DB_CORRUPT',
        `本地数据库文件已损坏（不是 SQLite 数据库）：${file}。文件已原样保留，请联系信息技术人员从备份恢复，切勿删除。`,
      );
    }
  } finally {
    closeSync(fd);
  }
}

export function openDatabase(file: string, options: { migrations?: string } = {}): OpenedDatabase {
  mkdirSync(dirname(file), { recursive: true });
  checkHeader(file);
  let sqlite: Database.Database;
  try {
    sqlite = new Database(file);
  } catch (err) {
    throw new DatabaseOpenError('DB_UNREADABLE', `无法打开本地数据库 ${file}：${(err as Error).message}`);
  }
  try {
    const check = sqlite.pragma('quick_check', { simple: true });
    if (check !== 'ok') {
      throw new DatabaseOpenError(
        'DB_CORRUPT',
        `本地数据库完整性检查未通过（${String(check)}）：${file}。文件已原样保留，请联系信息技术人员从备份恢复。`,
      );
    }
    const folder = options.migrations ?? migrationsFolder();
    const known = knownSchemaVersion(folder);
    const current = sqlite.pragma('user_version', { simple: true }) as number;
    if (current > known) {
      throw new DatabaseOpenError(
        'DB_TOO_NEW',
        `本地数据库由更新版本的 OneWindow 创建（结构版本 ${current}，本程序支持 ${known}）。请升级程序后再打开；数据未做任何改动。`,
      );
    }
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = drizzle(sqlite, { schema });
    if (current < known) {
      migrate(db, { migrationsFolder: folder });
      sqlite.pragma(`user_version = ${known}`);
    }
    return { db, sqlite, file, close: () => sqlite.close() };
  } catch (err) {
    sqlite.close();
    if (err instanceof DatabaseOpenError) throw err;
    const message = (err as Error).message;
    if (/malformed|not a database|corrupt/i.test(message)) {
      throw new DatabaseOpenError('DB_CORRUPT', `本地数据库文件已损坏：${file}（${message}）。文件已原样保留，请联系信息技术人员从备份恢复。`);
    }
    throw err;
  }
}

export { schema };
