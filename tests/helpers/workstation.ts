/** Test helpers: a real workstation core over a real SQLite file in a fresh temp folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkstation, type Workstation, type WorkstationOptions } from '../../electron/workstation';

export function tempDir(prefix = 'onewindow-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Config isolated from the machine: no system file, no ONEWINDOW_* environment. */
export function isolatedConfig(dataDir: string, flags: Record<string, unknown> = {}) {
  return { flags: { dataDir, ...flags }, env: {}, systemFile: join(dataDir, 'no-system-config.json') };
}

export function openTestWorkstation(dataDir: string, options: Partial<WorkstationOptions> & { flags?: Record<string, unknown> } = {}): Promise<Workstation> {
  const { flags, ...rest } = options;
  return createWorkstation({ transport: 'browser', log: () => {}, ...rest, config: isolatedConfig(dataDir, flags) });
}

/** Signs in the first admin and replaces its one-time password; returns the session id. */
export async function signInAdmin(ws: Workstation, newPassword = 'Counter2026pass'): Promise<string> {
  if (!ws.firstAdmin) throw new Error('no first admin on this workstation');
  const signIn = await ws.dispatch('auth.signIn', { username: 'admin', password: ws.firstAdmin.oneTimePassword }, {});
  if (!signIn.envelope.ok || typeof signIn.session !== 'string') throw new Error('admin sign-in failed');
  const sessionId = signIn.session;
  const changed = await ws.dispatch('auth.changePassword', { currentPassword: ws.firstAdmin.oneTimePassword, newPassword }, { sessionId });
  if (!changed.envelope.ok) throw new Error('password change failed');
  return sessionId;
}
