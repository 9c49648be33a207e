/**
 * Upgrades keep data: a database created by the previous schema version (only the first
 * migration applied, with real rows in it) is opened by this build and nothing is lost.
 */
// Without a key this build writes a plain SQLite file, exactly what an earlier version left behind.
import Database from 'better-sqlite3-multiple-ciphers';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { isPlaintextDatabase, knownSchemaVersion, migrationsFolder, openDatabase, openEncrypted } from '../../electron/database';
import { keysForDataDir } from '../../electron/keys';
import { tempDir } from '../helpers/workstation';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir()));
afterEach(() => dir.remove());

/** A migrations folder holding only the first `n` migrations, as an older build shipped it. */
function olderMigrations(n: number): string {
  const folder = join(dir.path, `migrations-${n}`);
  mkdirSync(join(folder, 'meta'), { recursive: true });
  const journal = JSON.parse(readFileSync(join(migrationsFolder(), 'meta', '_journal.json'), 'utf8'));
  journal.entries = journal.entries.slice(0, n);
  writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify(journal));
  for (const e of journal.entries) cpSync(join(migrationsFolder(), `${e.tag}.sql`), join(folder, `${e.tag}.sql`));
  return folder;
}

describe('schema upgrades', () => {
  // Version 1 predates encryption at rest: its file is plaintext, encrypted on this first open.
  it('upgrades a (plaintext) version-1 database with cases in it without losing any', () => {
    expect(knownSchemaVersion()).toBeGreaterThan(1);
    const file = join(dir.path, 'old.db');
    const old = new Database(file);
    migrate(drizzle(old), { migrationsFolder: olderMigrations(1) });
    old.pragma('user_version = 1');
    const now = '2026-11-20T02:00:00.000Z';
    old.prepare(`insert into cases (id, case_no, item_code, item_version, item_name, department, applicant_name, applicant_id_type, applicant_id_no, form_data, status, promised_date, center_code, window_no, created_by, created_at, updated_at)
      values (?, ?, 'QX-WJ-GG-002', 1, '老年人优待证办理', 'WJ', '王秀英', 'id-card', '11010519491231002X', '{"applicant":{"name":"王秀英"}}', 'accepted', '2026-11-25', '32011300', '01', 'admin', ?, ?)`).run('01JOLDCASE0000000000000001', '32011300-20261120-01-0001', now, now);
    old.prepare(`insert into case_events (case_id, type, to_status, actor, device, at) values (?, 'accepted', 'accepted', 'admin', 'ws-32011300-01', ?)`).run('01JOLDCASE0000000000000001', now);
    old.close();

    const upgraded = openDatabase(file);
    expect(upgraded.sqlite.pragma('user_version', { simple: true })).toBe(knownSchemaVersion());
    const row = upgraded.sqlite.prepare('select case_no, applicant_name, form_data, materials from cases').get() as Record<string, string>;
    expect(row).toEqual({ case_no: '32011300-20261120-01-0001', applicant_name: '王秀英', form_data: '{"applicant":{"name":"王秀英"}}', materials: '[]' });
    expect(upgraded.sqlite.prepare('select count(*) from case_events').pluck().get()).toBe(1);
    expect(upgraded.sqlite.prepare("select count(*) from sqlite_master where name = 'drafts'").pluck().get()).toBe(1);
    upgraded.close();
    expect(isPlaintextDatabase(file)).toBe(false);
    expect(readFileSync(file).includes(Buffer.from('11010519491231002X'))).toBe(false);
  });

  it('upgrades an encrypted database of an older schema with its key', () => {
    const file = join(dir.path, 'onewindow.db');
    const old = openEncrypted(file, keysForDataDir(dir.path).current()!.database);
    migrate(drizzle(old), { migrationsFolder: olderMigrations(1) });
    old.pragma('user_version = 1');
    old.prepare("insert into settings (key, value, updated_at, updated_by) values ('centerName', '\"栖霞区政务服务中心\"', 'now', 'admin')").run();
    old.close();
    const upgraded = openDatabase(file);
    expect(upgraded.sqlite.pragma('user_version', { simple: true })).toBe(knownSchemaVersion());
    expect(upgraded.sqlite.prepare("select value from settings where key = 'centerName'").pluck().get()).toBe('"栖霞区政务服务中心"');
    upgraded.close();
  });
});
