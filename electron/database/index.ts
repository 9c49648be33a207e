/**
 * Opens the workstation's SQLite file, encrypted at rest with SQLCipher's format
 * (better-sqlite3-multiple-ciphers: the same API as better-sqlite3, and drizzle drives it
 * unchanged). Then WAL, foreign keys, busy timeout, synchronous=FULL (a case the clerk
 * accepted survives a power cut), and the committed drizzle migrations.
 *
 * The whole file is encrypted, not chosen columns: ID numbers also live in form data, outbox
 * payloads, drafts and audit details (docs/SECURITY.md "Encryption at rest").
 *
 * A corrupt file, one this key cannot open, or one written by a newer app version is refused
 * with a clear message and left exactly as it was: recovering data is IT's decision, never ours
 * to make silently. A plaintext file of an earlier version is encrypted once (see migratePlaintext).
 */
import Database from 'better-sqlite3-multiple-ciphers';
import type BetterSqlite3 from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as schema from '../../db/schema';
import { DATABASE_KEY, keysForDataDir, NEXT_DATABASE_KEY, type WorkstationKeys } from '../keys';
import { appPath } from '../paths';

export type WorkstationDb = BetterSQLite3Database<typeof schema>;
/** The raw connection. Typed as better-sqlite3's (the same API) so callers need not know the build. */
export type RawSqlite = BetterSqlite3.Database;

export interface OpenedDatabase {
  db: WorkstationDb;
  sqlite: RawSqlite;
  file: string;
  close(): void;
}

export class DatabaseOpenError extends Error {
  readonly code: 'DB_CORRUPT' | 'DB_TOO_NEW' | 'DB_UNREADABLE' | 'DB_KEY_MISSING';
  constructor(code: DatabaseOpenError['code'], message: string) {
    super(message);
    this.name = 'DatabaseOpenError';
    this.code = code;
  }
}

const SQLITE_MAGIC = 'SQLite format 3\u0000';
/** Suffix of the plaintext file kept (as a hard link) while an earlier version's database is encrypted. */
export const PLAINTEXT_OLD_SUFFIX = '.plaintext-old';
const ENCRYPTING_SUFFIX = '.encrypting';

export function migrationsFolder(): string {
  return appPath('db', 'migrations');
}

/** How many migrations this build knows: stored in PRAGMA user_version after migrating. */
export function knownSchemaVersion(folder = migrationsFolder()): number {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}

/** True when the file starts with SQLite's plaintext header (an encrypted file starts with random salt). */
export function isPlaintextDatabase(file: string): boolean {
  if (!existsSync(file) || statSync(file).size === 0) return false;
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(16);
    return readSync(fd, buf, 0, 16, 0) === 16 && buf.toString('latin1') === SQLITE_MAGIC;
  } finally {
    closeSync(fd);
  }
}

/** Opens `file` with a raw 256-bit SQLCipher key. The key is set before any other statement. */
export function openEncrypted(file: string, key: Buffer, options: BetterSqlite3.Options = {}): RawSqlite {
  const sqlite = new Database(file, options);
  try {
    sqlite.pragma(`cipher='sqlcipher'`);
    sqlite.key(key);
  } catch (err) {
    sqlite.close();
    throw err;
  }
  return sqlite as unknown as RawSqlite;
}

const isNotADatabase = (err: unknown) => (err as { code?: string })?.code === 'SQLITE_NOTADB' || /not a database/i.test((err as Error)?.message ?? '');

/** Opens with `key` and reads the schema: null when this key does not decrypt the file. */
function tryKey(file: string, key: Buffer, options: BetterSqlite3.Options = {}): RawSqlite | null {
  const sqlite = openEncrypted(file, key, options);
  try {
    sqlite.prepare('SELECT count(*) FROM sqlite_master').pluck().get();
    return sqlite;
  } catch (err) {
    sqlite.close();
    if (isNotADatabase(err)) return null;
    throw err;
  }
}

const undecryptable = (file: string, keyFile: string) =>
  new DatabaseOpenError(
    'DB_CORRUPT',
    `无法读取本地数据库 ${file}：文件已损坏，或与本机密钥（${keyFile}）不符。文件已原样保留，请联系信息技术人员核对密钥或从备份恢复，切勿删除。`,
  );

/**
 * Opens an existing encrypted file with the current key, or with the key of an unfinished
 * rotation (whose database step had committed: that key then becomes the current one).
 */
function openWithKeys(file: string, keys: WorkstationKeys, options: BetterSqlite3.Options = {}): RawSqlite {
  const current = keys.current(false);
  const next = keys.next();
  if (!current && !next) {
    throw new DatabaseOpenError(
      'DB_KEY_MISSING',
      `找不到本地数据库的密钥（${keys.store.location(DATABASE_KEY)}）。没有它无法读取 ${file}。文件已原样保留，请信息技术人员从备份恢复密钥文件，切勿删除数据库。`,
    );
  }
  if (current) {
    const sqlite = tryKey(file, current.database, options);
    if (sqlite) return sqlite;
  }
  if (next) {
    const sqlite = tryKey(file, next.database, options);
    if (sqlite) {
      if (!options.readonly) {
        keys.store.promote(NEXT_DATABASE_KEY, DATABASE_KEY);
        keys.reload();
      }
      return sqlite;
    }
  }
  throw undecryptable(file, keys.store.location(DATABASE_KEY));
}

function removeIfExists(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

function fsyncPath(path: string): void {
  if (process.platform === 'win32' && statSync(path).isDirectory()) return;
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

function tableCounts(sqlite: RawSqlite): Record<string, number> {
  const names = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
  return Object.fromEntries(names.map((n) => [n, sqlite.prepare(`SELECT count(*) FROM "${n.replace(/"/g, '""')}"`).pluck().get() as number]));
}

/**
 * Encrypts a plaintext database of an earlier version, once. A consistent plaintext copy is
 * taken (VACUUM INTO), encrypted in place with SQLite3MultipleCiphers' rekey, verified (opens
 * with the key, integrity, the same rows in every table, no plaintext header), and only then
 * renamed over the original; the original stays as a hard link until the swap is durable.
 */
function migratePlaintext(file: string, keys: WorkstationKeys, known: number): void {
  const plain = new Database(file, { fileMustExist: true }) as unknown as RawSqlite;
  let counts: Record<string, number>;
  let version: number;
  const tmp = file + ENCRYPTING_SUFFIX;
  try {
    const check = plain.pragma('quick_check', { simple: true });
    if (check !== 'ok') {
      throw new DatabaseOpenError('DB_CORRUPT', `本地数据库完整性检查未通过（${String(check)}）：${file}。文件已原样保留，请联系信息技术人员从备份恢复。`);
    }
    version = plain.pragma('user_version', { simple: true }) as number;
    if (version > known) {
      throw new DatabaseOpenError('DB_TOO_NEW', `本地数据库由更新版本的 OneWindow 创建（结构版本 ${version}，本程序支持 ${known}）。请升级程序后再打开；数据未做任何改动。`);
    }
    counts = tableCounts(plain);
    for (const stale of [tmp, `${tmp}-journal`, `${tmp}-wal`, `${tmp}-shm`]) removeIfExists(stale);
    plain.exec(`VACUUM INTO ${sqlString(tmp)}`);
  } finally {
    plain.close();
  }
  const key = keys.current(true)!.database;
  const enc = new Database(tmp, { fileMustExist: true });
  try {
    enc.pragma('journal_mode = DELETE');
    enc.pragma(`cipher='sqlcipher'`);
    enc.rekey(key);
  } finally {
    enc.close();
  }
  const check = tryKey(tmp, key);
  if (!check || isPlaintextDatabase(tmp)) throw new DatabaseOpenError('DB_UNREADABLE', `本地数据库加密后无法校验：${file}。原文件未做改动，请联系信息技术人员。`);
  try {
    const same = JSON.stringify(tableCounts(check)) === JSON.stringify(counts) && check.pragma('user_version', { simple: true }) === version && check.pragma('quick_check', { simple: true }) === 'ok';
    if (!same) throw new DatabaseOpenError('DB_UNREADABLE', `本地数据库加密后的内容与原文件不一致：${file}。原文件未做改动，请联系信息技术人员。`);
  } finally {
    check.close();
  }
  fsyncPath(tmp);
  const old = file + PLAINTEXT_OLD_SUFFIX;
  removeIfExists(old);
  linkSync(file, old);
  renameSync(tmp, file);
  fsyncPath(dirname(file));
  for (const f of [old, `${file}-wal`, `${file}-shm`]) removeIfExists(f);
}

export interface OpenDatabaseOptions {
  migrations?: string;
  /** Default: the key file in `<folder of file>/keys/` (browser mode, CLI, tests). The Electron shell passes OS-sealed keys. */
  keys?: WorkstationKeys;
}

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): OpenedDatabase {
  mkdirSync(dirname(file), { recursive: true });
  const keys = options.keys ?? keysForDataDir(dirname(file));
  const folder = options.migrations ?? migrationsFolder();
  const known = knownSchemaVersion(folder);
  let sqlite: RawSqlite;
  try {
    if (!existsSync(file) || statSync(file).size === 0) {
      sqlite = openEncrypted(file, keys.current(true)!.database);
    } else {
      if (isPlaintextDatabase(file)) migratePlaintext(file, keys, known);
      sqlite = openWithKeys(file, keys);
    }
  } catch (err) {
    if (err instanceof DatabaseOpenError) throw err;
    throw new DatabaseOpenError('DB_UNREADABLE', `无法打开本地数据库 ${file}：${(err as Error).message}`);
  }
  // A swap that was interrupted after the encrypted file took the name: the plaintext link goes.
  removeIfExists(file + PLAINTEXT_OLD_SUFFIX);
  try {
    const check = sqlite.pragma('quick_check', { simple: true });
    if (check !== 'ok') {
      throw new DatabaseOpenError(
        'DB_CORRUPT',
        `本地数据库完整性检查未通过（${String(check)}）：${file}。文件已原样保留，请联系信息技术人员从备份恢复。`,
      );
    }
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
      // Upgrading an existing database: a backup first, so a failed or faulty migration loses nothing.
      if (current > 0) backupBeforeMigrate(sqlite, file, current, known);
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

/**
 * The data folder's database opened with its key, no pragmas, no migrations: for IT commands
 * (audit verify, doctor), tests and benchmarks. Never creates a key.
 */
export function openRawDatabase(dataDir: string, options: { readonly?: boolean; file?: string; keys?: WorkstationKeys } = {}): RawSqlite {
  const file = options.file ?? join(dataDir, 'onewindow.db');
  if (!existsSync(file)) throw new DatabaseOpenError('DB_UNREADABLE', `找不到本地数据库 ${file}`);
  if (isPlaintextDatabase(file)) return new Database(file, { readonly: !!options.readonly, fileMustExist: true }) as unknown as RawSqlite;
  return openWithKeys(file, options.keys ?? keysForDataDir(dataDir), { readonly: !!options.readonly, fileMustExist: true });
}

/** Changes the key of an open database (journal mode DELETE during the rewrite: rekey cannot run in WAL). */
export function rekeyDatabase(sqlite: RawSqlite, key: Buffer): void {
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.pragma('journal_mode = DELETE');
  (sqlite as unknown as Database.Database).rekey(key);
  sqlite.pragma('journal_mode = WAL');
}

/**
 * An encrypted, consistent copy of the live database at `targetPath`, with the same key, taken
 * while the workstation keeps working. SQLite's backup API cannot be used: better-sqlite3 opens
 * the destination itself, without a key, and SQLite3MultipleCiphers refuses a backup into an
 * unkeyed file; `VACUUM INTO` from the keyed connection writes an encrypted copy instead.
 * Written to a temp name, fsynced, then renamed; refused if the result is not encrypted.
 */
export async function backupDatabase(db: OpenedDatabase | RawSqlite, targetPath: string): Promise<{ file: string; bytes: number }> {
  const sqlite = 'sqlite' in db ? db.sqlite : db;
  mkdirSync(dirname(targetPath), { recursive: true });
  const tmp = `${targetPath}.partial`;
  removeIfExists(tmp);
  try {
    sqlite.exec(`VACUUM INTO ${sqlString(tmp)}`);
    if (isPlaintextDatabase(tmp)) throw new Error('备份文件未加密（源数据库为明文），已删除该备份');
    fsyncPath(tmp);
    renameSync(tmp, targetPath);
    fsyncPath(dirname(targetPath));
  } catch (err) {
    removeIfExists(tmp);
    throw err;
  }
  return { file: targetPath, bytes: statSync(targetPath).size };
}

/** Where pre-upgrade backups go: `<data folder>/backups/`. */
export function upgradeBackupDir(file: string): string {
  return join(dirname(file), 'backups');
}

/**
 * The encrypted copy taken before migrations run on an existing database:
 * `backups/onewindow-v<from>-to-v<to>-<time>.db` (same key as the database). The newest three
 * are kept. backupDatabase does its work synchronously (VACUUM INTO) and only reports through
 * its promise, so success is checked by the file being there; no file, no migration.
 */
export function backupBeforeMigrate(sqlite: RawSqlite, file: string, from: number, to: number): string {
  const dir = upgradeBackupDir(file);
  const target = join(dir, `onewindow-v${from}-to-v${to}-${new Date().toISOString().replace(/[:.]/g, '-')}.db`);
  backupDatabase(sqlite, target).catch(() => undefined);
  if (!existsSync(target)) {
    throw new DatabaseOpenError('DB_UNREADABLE', `升级数据库结构前的备份未能完成（${target}），数据库未做任何改动。请检查磁盘空间后重新启动。`);
  }
  const stamp = (f: string) => f.replace(/^onewindow-v\d+-to-v\d+-/, '');
  const old = readdirSync(dir)
    .filter((f) => /^onewindow-v\d+-to-v\d+-.*\.db$/.test(f))
    .sort((a, b) => stamp(a).localeCompare(stamp(b)));
  for (const f of old.slice(0, Math.max(0, old.length - 3))) removeIfExists(join(dir, f));
  return target;
}

export { schema };
