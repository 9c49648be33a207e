// Unattended set-up from the system config file: the device enrols itself with the code once,
// the first admin comes from the file (one-time password or scrypt hash), and secrets never
// reach the settings page or the log.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBackoffice, type TestBackoffice } from '../../backoffice/testing';
import { hashPassword, verifyPassword } from '../../electron/auth/passwords';
import { runHashPasswordCommand } from '../../electron/cli/hash-password';
import { loadConfig } from '../../electron/config';
import { createWorkstation, type Workstation } from '../../electron/workstation';
import { writeCatalogFixture } from '../helpers/catalog-fixture';
import { tempDir } from '../helpers/workstation';

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('unattended set-up from the system config file', () => {
  let bo: TestBackoffice;
  const dirs: { remove(): void }[] = [];
  const open: Workstation[] = [];
  beforeAll(async () => {
    bo = await startTestBackoffice({});
  }, 60_000);
  afterAll(async () => bo?.close());
  afterEach(async () => {
    for (const ws of open.splice(0)) await ws.close();
    dirs.splice(0).forEach((d) => d.remove());
  });

  async function start(dir: string, file: Record<string, unknown>, logs: string[] = []) {
    const systemFile = join(dir, 'config.json');
    writeFileSync(systemFile, JSON.stringify(file));
    const ws = await createWorkstation({
      transport: 'browser',
      sync: true,
      catalogDir: writeCatalogFixture(join(dir, 'catalog')),
      log: (l) => logs.push(l),
      config: { env: {}, systemFile, flags: { dataDir: join(dir, 'data') } },
    });
    open.push(ws);
    return ws;
  }

  it('enrols once with the code, creates the first admin with a one-time password, and keeps both out of view', async () => {
    const dir = tempDir('onewindow-setup-');
    dirs.push(dir);
    const code = await bo.backoffice.admin.createEnrolmentCode({ centerCode: '32011300', windowNo: '07', label: '7号窗口' });
    const file = {
      mode: 'production',
      centerCode: '32011300',
      windowNo: '07',
      backofficeUrl: bo.baseUrl,
      enrolmentCode: code,
      firstAdminUsername: 'itadmin',
      firstAdminPassword: 'Install2026once',
    };
    const logs: string[] = [];
    let ws = await start(dir.path, file, logs);
    expect(ws.firstAdmin).toBeUndefined();
    await until(() => ws.sync!.engine.status().enrolled);
    const deviceId = ws.sync!.engine.status().deviceId;
    const devices = await bo.backoffice.admin.listDevices();
    expect(devices.find((d) => d.id === deviceId)).toBeTruthy();

    // The configured admin signs in with the file's password and must change it.
    const signIn = await ws.dispatch('auth.signIn', { username: 'itadmin', password: 'Install2026once' }, {});
    expect(signIn.envelope).toMatchObject({ ok: true, data: { mustChangePassword: true, user: { role: 'admin' } } });
    expect(ws.auth.listUsers().map((u) => u.username)).toEqual(['itadmin']);
    const settings = await ws.dispatch('settings.get', {}, { sessionId: signIn.session as string });
    expect(JSON.stringify(settings.envelope)).not.toContain(code);
    expect(JSON.stringify(settings.envelope)).not.toContain('Install2026once');
    expect(logs.join('\n')).not.toContain(code);
    expect(logs.join('\n')).toContain('注册码不再使用');
    await ws.close();
    open.length = 0;

    // Second start with the same (now used) code in the file: no second enrolment, no complaint.
    const logs2: string[] = [];
    ws = await start(dir.path, file, logs2);
    await new Promise((r) => setTimeout(r, 300));
    expect(ws.sync!.engine.status()).toMatchObject({ enrolled: true, deviceId });
    expect(logs2.join('\n')).not.toMatch(/注册/);
    expect(ws.auth.listUsers()).toHaveLength(1);
  }, 60_000);

  it('takes the first admin as a scrypt hash (no change required) and reports a refused code without retrying it', async () => {
    const dir = tempDir('onewindow-setup-');
    dirs.push(dir);
    const logs: string[] = [];
    const ws = await start(
      dir.path,
      { backofficeUrl: bo.baseUrl, windowNo: '08', enrolmentCode: 'AAAA-BBBB-CCCC', firstAdminPasswordHash: hashPassword('Hashed2026pass') },
      logs,
    );
    await until(() => logs.some((l) => l.includes('设备注册')));
    expect(logs.join('\n')).toContain('被区级后台拒绝');
    expect(ws.sync!.engine.status().enrolled).toBe(false);
    const signIn = await ws.dispatch('auth.signIn', { username: 'admin', password: 'Hashed2026pass' }, {});
    expect(signIn.envelope).toMatchObject({ ok: true, data: { mustChangePassword: false } });
    expect(ws.audit.recent(20).some((e) => e.action === 'user.add' && e.detail.includes('system-config'))).toBe(true);
  }, 60_000);

  it('makes the hash with onewindow hash-password, refusing a weak password', async () => {
    const out: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: () => undefined };
    expect(await runHashPasswordCommand([], io, async () => 'Window2026admin\n')).toBe(0);
    expect(out[0]).toMatch(/^scrypt\$/);
    expect(verifyPassword('Window2026admin', out[0]!)).toBe(true);
    // The printed hash is what the config key accepts.
    expect(loadConfig({ env: {}, systemFile: '/nonexistent', flags: { firstAdminPasswordHash: out[0] } }).values.firstAdminPasswordHash).toBe(out[0]);
    await expect(runHashPasswordCommand([], io, async () => 'short')).rejects.toThrow(/密码不符合要求/);
  });

  it('refuses a malformed hash in the file, naming the key', async () => {
    const dir = tempDir('onewindow-setup-');
    dirs.push(dir);
    await expect(start(dir.path, { firstAdminPasswordHash: 'plaintext' })).rejects.toThrow(/firstAdminPasswordHash/);
  });
});
