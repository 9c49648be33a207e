/** The audit trail is tamper-evident: editing, deleting or reordering rows in the raw SQLite file is caught. */
import type Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRawDatabase } from '../../electron/database';
import { appPath } from '../../electron/paths';
import { openTestWorkstation, signInAdmin, tempDir } from '../helpers/workstation';

let dir: ReturnType<typeof tempDir>;
let pristine: string;

beforeAll(async () => {
  dir = tempDir();
  const ws = await openTestWorkstation(join(dir.path, 'data'));
  const session = await signInAdmin(ws);
  for (let i = 0; i < 5; i++) await ws.dispatch('auth.signIn', { username: 'admin', password: `wrong-${i}-password` }, {});
  await ws.dispatch('users.add', { username: 'wanglei', displayName: '王磊', role: 'clerk' }, { sessionId: session });
  ws.close();
  pristine = join(dir.path, 'pristine.db');
  // The file is encrypted at rest: the tamperer must hold the key (a stolen disk without it cannot even read the rows).
  const db = openRawDatabase(join(dir.path, 'data'));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  copyFileSync(join(dir.path, 'data', 'onewindow.db'), pristine);
});
afterAll(() => dir.remove());

/** A copy of the database with `tamper` applied to the raw file, then `onewindow audit verify --json`. */
function verifyAfter(name: string, tamper: (db: Database.Database) => void) {
  const data = join(dir.path, name);
  const file = join(data, 'onewindow.db');
  mkdirSync(data, { recursive: true });
  copyFileSync(pristine, file);
  cpSync(join(dir.path, 'data', 'keys'), join(data, 'keys'), { recursive: true });
  const db = openRawDatabase(data);
  tamper(db);
  db.close();
  const r = spawnSync(process.execPath, [appPath('bin', 'onewindow.js'), 'audit', 'verify', '--json', '--data-dir', data], {
    encoding: 'utf8',
    env: { ...process.env, ONEWINDOW_CONFIG: join(dir.path, 'none.json') },
  });
  return { code: r.status, result: JSON.parse(r.stdout.trim()) };
}

describe('onewindow audit verify', () => {
  it('passes on an untouched trail', () => {
    const { code, result } = verifyAfter('untouched', () => {});
    expect(code).toBe(0);
    expect(result.ok).toBe(true);
    expect(result.entries).toBeGreaterThanOrEqual(9);
  });

  it('names the first edited entry', () => {
    const { code, result } = verifyAfter('edited', (db) => db.prepare("update audit_log set actor = 'someone-else' where id = 4").run());
    expect(code).toBe(1);
    expect(result).toMatchObject({ ok: false, firstBrokenId: 4 });
    expect(result.reason).toContain('改动');
  });

  it('catches a deleted entry', () => {
    const { result } = verifyAfter('deleted', (db) => db.prepare('delete from audit_log where id = 3').run());
    expect(result).toMatchObject({ ok: false, firstBrokenId: 4 });
  });

  it('catches reordered entries', () => {
    const { result } = verifyAfter('reordered', (db) => {
      const a = db.prepare('select * from audit_log where id = 2').get() as Record<string, unknown>;
      const b = db.prepare('select * from audit_log where id = 5').get() as Record<string, unknown>;
      const put = db.prepare('update audit_log set at=@at, actor=@actor, role=@role, device=@device, action=@action, case_id=@case_id, detail=@detail, prev_hash=@prev_hash, hash=@hash where id=@id');
      db.prepare('drop index audit_log_hash').run();
      put.run({ ...b, id: 2 });
      put.run({ ...a, id: 5 });
    });
    expect(result).toMatchObject({ ok: false, firstBrokenId: 2 });
  });

  it('catches a forged entry whose hash was recomputed without the chain', () => {
    const { result } = verifyAfter('forged', (db) => {
      db.prepare("insert into audit_log (at, actor, role, device, action, detail, prev_hash, hash) values ('2026-01-01T00:00:00.000Z', 'x', 'admin', 'd', 'case.accept', '{}', ?, ?)").run('0'.repeat(64), 'f'.repeat(64));
    });
    expect(result.ok).toBe(false);
  });
});
