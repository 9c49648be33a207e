import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appPath } from '../../electron/paths';
import { tempDir } from '../helpers/workstation';

let dir: ReturnType<typeof tempDir>;
beforeAll(() => (dir = tempDir()));
afterAll(() => dir.remove());

function onewindow(args: string[], dataDir = join(dir.path, 'data')) {
  const r = spawnSync(process.execPath, [appPath('bin', 'onewindow.js'), ...args, '--data-dir', dataDir], {
    encoding: 'utf8',
    env: { ...process.env, ONEWINDOW_CONFIG: join(dir.path, 'no-config.json') },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout.trim().split('\n').at(-1)!) };
}

describe('onewindow CLI', () => {
  // Each step is a fresh `onewindow` process (tsx start-up), so give the whole sequence time.
  it('manages users with exit codes 0 / 1 / 2 and JSON output', { timeout: 120_000 }, () => {
    const added = onewindow(['user', 'add', 'liwei', '--role', 'clerk', '--name', '李伟', '--json']);
    expect(added.code).toBe(0);
    expect(added.json()).toMatchObject({ ok: true, user: { username: 'liwei', role: 'clerk', displayName: '李伟' } });
    expect(added.json().oneTimePassword).toMatch(/^\S{12}$/);

    const again = onewindow(['user', 'add', 'liwei', '--role', 'clerk', '--json']);
    expect(again.code).toBe(1);
    expect(again.json()).toMatchObject({ ok: false, error: 'CONFLICT' });

    expect(onewindow(['user', 'add', 'wangfang', '--role', 'boss']).code).toBe(2);
    expect(onewindow(['user', 'frobnicate', 'x']).code).toBe(2);
    expect(onewindow(['user', 'add', 'x', '--role', 'clerk', '--no-such-flag']).code).toBe(2);
    expect(onewindow(['no-such-command']).code).toBe(2);

    const locked = onewindow(['user', 'lock', 'liwei', '--json']);
    expect(locked.json()).toMatchObject({ ok: true, locked: true });
    const reset = onewindow(['user', 'reset-password', 'liwei']);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain('一次性密码');
    expect(onewindow(['user', 'reset-password', 'nobody']).code).toBe(1);
  });

  it('doctor reports a healthy workstation and a corrupt database without touching it', { timeout: 120_000 }, () => {
    const healthy = onewindow(['doctor', '--json']);
    expect(healthy.code).toBe(0);
    const report = healthy.json();
    expect(report.ok).toBe(true);
    expect(report.checks.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['配置', '数据库完整性', '事项目录', '版本']));

    const broken = join(dir.path, 'broken');
    onewindow(['user', 'add', 'zhaolei', '--role', 'clerk'], broken);
    writeFileSync(join(broken, 'onewindow.db'), 'not a database');
    const sick = onewindow(['doctor'], broken);
    expect(sick.code).toBe(1);
    expect(sick.stdout).toContain('✗');

    const badConfig = spawnSync(process.execPath, [appPath('bin', 'onewindow.js'), 'doctor', '--window-no', 'xx', '--data-dir', join(dir.path, 'data')], { encoding: 'utf8', env: { ...process.env, ONEWINDOW_CONFIG: join(dir.path, 'no-config.json') } });
    expect(badConfig.status).toBe(1);
    expect(badConfig.stdout).toContain('windowNo');
  });
});
