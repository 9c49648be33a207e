import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase, DatabaseOpenError, knownSchemaVersion, openDatabase, openEncrypted, openRawDatabase } from '../../electron/database';
import { createFileKeyStore, deriveDataKeys } from '../../electron/keys';
import { tempDir } from '../helpers/workstation';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir()));
afterEach(() => dir.remove());

describe('local database', () => {
  it('applies migrations with durable settings', () => {
    const file = join(dir.path, 'a.db');
    const opened = openDatabase(file);
    expect(opened.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(opened.sqlite.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(opened.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(opened.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(opened.sqlite.pragma('user_version', { simple: true })).toBe(knownSchemaVersion());
    const tables = opened.sqlite.prepare("select name from sqlite_master where type='table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['users', 'cases', 'case_events', 'outbox', 'audit_log', 'settings']));
    opened.close();
    // Reopening an up-to-date database is a no-op.
    openDatabase(file).close();
  });

  it('refuses a corrupt file with a clear message and leaves it untouched', () => {
    const file = join(dir.path, 'corrupt.db');
    openDatabase(join(dir.path, 'other.db')).close(); // the folder has a key: the file is just not ours
    const garbage = Buffer.from('this is not a database at all, just bytes '.repeat(200));
    writeFileSync(file, garbage);
    expect(() => openDatabase(file)).toThrowError(DatabaseOpenError);
    try {
      openDatabase(file);
    } catch (err) {
      expect((err as DatabaseOpenError).code).toBe('DB_CORRUPT');
      expect((err as Error).message).toContain('已损坏');
    }
    expect(readFileSync(file).equals(garbage)).toBe(true);
  });

  it('refuses a database whose pages were damaged after the header', () => {
    const file = join(dir.path, 'damaged.db');
    const opened = openDatabase(file);
    const insert = opened.sqlite.prepare("insert into settings(key, value, updated_at, updated_by) values (?, '\"x\"', 'now', 'test')");
    for (let i = 0; i < 2000; i++) insert.run(`key-${i}-${'x'.repeat(50)}`);
    opened.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    opened.close();
    const bytes = readFileSync(file);
    // Overwrite a few pages in the middle, keeping the header intact.
    bytes.fill(0xa5, 4096 * 3, 4096 * 6);
    writeFileSync(file, bytes);
    const before = readFileSync(file);
    expect(() => openDatabase(file)).toThrowError(/损坏|完整性/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a database from a newer app version without changing it', () => {
    const file = join(dir.path, 'newer.db');
    openDatabase(file).close();
    const raw = openRawDatabase(dir.path, { file });
    raw.pragma(`user_version = ${knownSchemaVersion() + 5}`);
    raw.close();
    const before = readFileSync(file);
    try {
      openDatabase(file);
      expect.unreachable();
    } catch (err) {
      expect((err as DatabaseOpenError).code).toBe('DB_TOO_NEW');
      expect((err as Error).message).toContain('请升级程序');
    }
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a database under another key, and one whose key is gone, leaving it byte-for-byte', () => {
    const file = join(dir.path, 'onewindow.db');
    const opened = openDatabase(file);
    opened.sqlite.prepare("insert into settings(key, value, updated_at, updated_by) values ('k', '\"v\"', 'now', 'test')").run();
    opened.close();
    const before = readFileSync(file);
    const keyFile = createFileKeyStore(dir.path).location('database');
    const realKey = readFileSync(keyFile);
    writeFileSync(keyFile, randomBytes(32), { mode: 0o600 });
    const wrong = (() => {
      try {
        openDatabase(file);
      } catch (e) {
        return e as DatabaseOpenError;
      }
    })();
    expect(wrong).toBeInstanceOf(DatabaseOpenError);
    expect(wrong!.code).toBe('DB_CORRUPT');
    expect(wrong!.message).toMatch(/密钥.*不符|不符.*密钥/);
    expect(readFileSync(file).equals(before)).toBe(true);

    rmSync(keyFile);
    expect(() => openDatabase(file)).toThrowError(expect.objectContaining({ code: 'DB_KEY_MISSING', message: expect.stringContaining('找不到本地数据库的密钥') }));
    expect(existsSync(keyFile)).toBe(false); // no fresh key is made up for an existing database
    expect(readFileSync(file).equals(before)).toBe(true);

    writeFileSync(keyFile, realKey, { mode: 0o600 });
    const again = openDatabase(file);
    expect(again.sqlite.prepare("select value from settings where key = 'k'").pluck().get()).toBe('"v"');
    again.close();
  });

  it('backupDatabase writes an encrypted copy with the same key while the database is open', async () => {
    const file = join(dir.path, 'onewindow.db');
    const opened = openDatabase(file);
    const marker = '32011319800101123X';
    const insert = opened.sqlite.prepare("insert into settings(key, value, updated_at, updated_by) values (?, ?, 'now', 'test')");
    for (let i = 0; i < 200; i++) insert.run(`id-${i}`, JSON.stringify(marker));
    const target = join(dir.path, 'backups', 'onewindow-backup.db');
    const result = await backupDatabase(opened, target);
    insert.run('after-backup', '"x"'); // the live database keeps working
    opened.close();
    expect(result.bytes).toBeGreaterThan(0);
    const raw = readFileSync(target);
    expect(raw.subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\u0000');
    expect(raw.includes(Buffer.from(marker))).toBe(false);
    expect(raw.includes(Buffer.from(marker, 'utf16le'))).toBe(false);
    const key = deriveDataKeys(readFileSync(createFileKeyStore(dir.path).location('database'))).database;
    const copy = openEncrypted(target, key, { readonly: true });
    expect(copy.prepare("select count(*) from settings where key like 'id-%'").pluck().get()).toBe(200);
    expect(copy.prepare("select count(*) from settings where key = 'after-backup'").pluck().get()).toBe(0);
    expect(copy.pragma('user_version', { simple: true })).toBe(knownSchemaVersion());
    copy.close();
    expect(() => openEncrypted(target, randomBytes(32)).prepare('select count(*) from sqlite_master').get()).toThrow(/not a database/);
    expect(existsSync(`${target}.partial`)).toBe(false);
  });
});
