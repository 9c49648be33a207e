/**
 * Test database for the identity capability: a real SQLite file in a temp folder with the
 * workstation's committed migrations, identity tables included.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditLog, type AuditLog } from '../../electron/audit';
import { createAuthService, type AuthService } from '../../electron/auth';
import { openDatabase, type OpenedDatabase } from '../../electron/database';
import type { Role } from '../../shared/auth/roles';


export interface IdentityTestDb {
  dir: string;
  dataDir: string;
  database: OpenedDatabase;
  audit: AuditLog;
  auth: AuthService;
  /** Moves the clock used by audit and auth (tests pass the same `now` to the service). */
  now: () => Date;
  setNow(d: Date): void;
  close(): void;
}

export function openIdentityTestDb(start = new Date('2026-03-10T02:00:00Z')): IdentityTestDb {
  const dir = mkdtempSync(join(tmpdir(), 'onewindow-identity-'));
  const dataDir = join(dir, 'data');
  const database = openDatabase(join(dataDir, 'onewindow.db'));
  let current = start;
  const now = () => current;
  const audit = createAuditLog(database.db, 'ws-32011300-01', now);
  const auth = createAuthService({
    db: database.db,
    audit,
    now: () => current.getTime(),
    policy: () => ({ idleLockMinutes: 60, lockoutThreshold: 5, lockoutMinutes: 15 }),
  });
  return {
    dir,
    dataDir,
    database,
    audit,
    auth,
    now,
    setNow: (d) => {
      current = d;
    },
    close() {
      database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A user who has already replaced the one-time password with `password`. */
export function addUser(t: IdentityTestDb, username: string, role: Role, password: string): void {
  const by = { actor: 'test', role: 'admin' };
  const { oneTimePassword } = t.auth.addUser({ username, displayName: username, role }, by);
  const s = t.auth.signIn(username, oneTimePassword);
  t.auth.changePassword(s.id, oneTimePassword, password);
  t.auth.signOut(s.id);
}

/** Parsed audit entries, oldest first. */
export function auditEntries(t: IdentityTestDb): { actor: string; role: string; action: string; detail: Record<string, unknown> }[] {
  return t.audit
    .recent(10_000)
    .reverse()
    .map((r) => ({ actor: r.actor, role: r.role, action: r.action, detail: JSON.parse(r.detail) as Record<string, unknown> }));
}
