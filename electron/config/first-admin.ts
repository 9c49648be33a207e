/**
 * Unattended set-up: the first administrator from the system config file instead of a password
 * printed on the counter PC's screen. `firstAdminPassword` is a one-time password (changed at
 * the first sign-in); `firstAdminPasswordHash` is a scrypt hash made with `onewindow
 * hash-password`, so the file never holds a usable password. Only on a database with no
 * account at all: the file never resets an existing account.
 */
import { ulid } from 'ulid';
import { users } from '../../db/schema';
import type { AuditLog } from '../audit';
import { hashPassword } from '../auth/passwords';
import type { WorkstationDb } from '../database';
import type { WorkstationConfig } from './index';

export type FirstAdminResult = { created: false } | { created: true; username: string; mustChangePassword: boolean };

type FirstAdminConfig = Pick<WorkstationConfig, 'firstAdminUsername' | 'firstAdminPassword' | 'firstAdminPasswordHash'>;

/** Whether the config carries a first admin (a password or a hash is what makes it one). */
export function hasConfiguredFirstAdmin(values: FirstAdminConfig): boolean {
  return values.firstAdminPassword !== '' || values.firstAdminPasswordHash !== '';
}

export function provisionFirstAdmin(deps: { db: WorkstationDb; audit: AuditLog; values: FirstAdminConfig; now: () => Date }): FirstAdminResult {
  const { db, audit, values } = deps;
  if (!hasConfiguredFirstAdmin(values)) return { created: false };
  if (db.select({ id: users.id }).from(users).limit(1).get()) return { created: false };
  const username = values.firstAdminUsername || 'admin';
  const fromHash = values.firstAdminPasswordHash !== '';
  const at = deps.now().toISOString();
  db.transaction((tx) => {
    tx.insert(users)
      .values({
        id: ulid(),
        username,
        displayName: '系统管理员',
        role: 'admin',
        passwordHash: fromHash ? values.firstAdminPasswordHash : hashPassword(values.firstAdminPassword),
        mustChangePassword: !fromHash,
        failedAttempts: 0,
        lockedUntil: null,
        disabled: false,
        createdAt: at,
        updatedAt: at,
      })
      .run();
    audit.append({ actor: 'system', role: 'admin', action: 'user.add', detail: { username, role: 'admin', source: 'system-config' } });
  });
  return { created: true, username, mustChangePassword: !fromHash };
}
