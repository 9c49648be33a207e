import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackofficeAdminCommand, runBackofficeServeCommand } from '../../backoffice/main';
import { seedPgliteDataDir, TestDevice } from '../../backoffice/testing';

function capture(signal?: AbortSignal) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, env: {}, signal },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

describe('onewindow backoffice serve / admin', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onewindow-backoffice-cli-'));
    await seedPgliteDataDir(join(dir, 'pgdata'));
  }, 60_000);
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('serves until stopped, printing its URL, and admin commands work on the same data', async () => {
    const code = capture();
    expect(await runBackofficeAdminCommand(['enrol-code', '--center', '320113001', '--window', '03', '--data', dir], code.io)).toBe(0);
    const enrolmentCode = code.out().trim();
    expect(enrolmentCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

    const stop = new AbortController();
    const serve = capture(stop.signal);
    const exit = runBackofficeServeCommand(['--port', '0', '--data', dir], serve.io);
    let url: string | undefined;
    for (let i = 0; i < 200 && !url; i++) {
      url = /后台服务已启动：(\S+)/.exec(serve.out())?.[1];
      if (!url) await new Promise((r) => setTimeout(r, 50));
    }
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const device = await TestDevice.enrol(url!, enrolmentCode);

    // The embedded database is single-process: admin commands must wait for the server to stop.
    const busy = capture();
    expect(await runBackofficeAdminCommand(['list-devices', '--data', dir], busy.io)).toBe(1);
    expect(busy.err()).toMatch(/数据目录.*(正被另一个后台进程|已在本进程中打开)/);

    // Stopping answers a pending long-poll at once instead of waiting out its 20 s.
    const polling = device.changes(0, 20);
    await new Promise((r) => setTimeout(r, 200));
    const stoppedAt = Date.now();
    stop.abort();
    expect(await exit).toBe(0);
    expect(await polling).toEqual({ events: [], cursor: 0, hasMore: false });
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    const list = capture();
    expect(await runBackofficeAdminCommand(['list-devices', '--data', dir], list.io)).toBe(0);
    expect(list.out()).toContain(device.id);
    expect(await runBackofficeAdminCommand(['revoke-device', '--device', device.id, '--data', dir], capture().io)).toBe(0);
    const after = capture();
    await runBackofficeAdminCommand(['list-devices', '--data', dir], after.io);
    expect(after.out()).toContain('已停用');
  }, 60_000);

  it('explains bad arguments in Chinese', async () => {
    const bad = capture();
    expect(await runBackofficeServeCommand(['--port', 'abc'], bad.io)).toBe(2);
    expect(bad.err()).toContain('端口无效');
    const unknown = capture();
    expect(await runBackofficeServeCommand(['--bogus'], unknown.io)).toBe(2);
    expect(unknown.err()).toContain('参数错误');
    const missing = capture();
    expect(await runBackofficeAdminCommand(['enrol-code', '--center', '320113001', '--data', dir], missing.io)).toBe(2);
    expect(missing.err()).toContain('缺少参数 --window');
    const help = capture();
    expect(await runBackofficeServeCommand(['--help'], help.io)).toBe(0);
    expect(help.out()).toContain('DATABASE_URL');
  });
});
