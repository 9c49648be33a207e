import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseOpenError, knownSchemaVersion, openDatabase } from '../../electron/database';
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
    const raw = new Database(file);
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
});
