/**
 * Password policy (length, complexity, history), lockout (failed unlocks count like failed
 * sign-ins), idle lock, and browser mode's sign-in throttling, on a real workstation.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPasswordStrength, PASSWORD_POLICY } from '../../shared/auth/password-policy';
import { createSignInLimiter } from '../../electron/auth/rate-limit';
import { startBrowserMode, type BrowserModeServer } from '../../electron/browser-mode/server';
import type { Workstation } from '../../electron/workstation';
import { openTestWorkstation, signInAdmin, tempDir } from '../helpers/workstation';

describe('password strength', () => {
  it('refuses short, long, single-class, repetitive and username-bearing passwords, in Chinese', () => {
    expect(checkPasswordStrength('Ab1')).toMatch(/至少 10 位/);
    expect(checkPasswordStrength('Ab1' + 'x'.repeat(200))).toMatch(/不能超过/);
    expect(checkPasswordStrength('abcdefghijk')).toMatch(/字母和数字/);
    expect(checkPasswordStrength('abcdefgh12')).toMatch(/至少三类/);
    expect(checkPasswordStrength('Abcd11112345')).toMatch(/连续出现/);
    expect(checkPasswordStrength('Zhangsan2026', 'zhangsan')).toMatch(/用户名/);
    expect(checkPasswordStrength('Counter2026pass')).toBeNull();
    expect(checkPasswordStrength('counter-2026-pass')).toBeNull();
  });
});

describe('accounts on a real workstation', () => {
  let dir: ReturnType<typeof tempDir>;
  let ws: Workstation;
  let clock = Date.parse('2026-11-27T02:00:00Z');

  beforeAll(async () => {
    dir = tempDir();
    ws = await openTestWorkstation(join(dir.path, 'data'), { now: () => new Date(clock), flags: { lockoutThreshold: 3, lockoutMinutes: 15, idleLockMinutes: 5 } });
  });
  afterAll(async () => {
    await ws.close();
    dir.remove();
  });

  const call = async (channel: string, input: unknown, sessionId?: string) => (await ws.dispatch(channel, input, { sessionId })).envelope;
  const actions = () => ws.database.sqlite.prepare('select action from audit_log order by id').all().map((r) => (r as { action: string }).action);

  it(`refuses any of the last ${PASSWORD_POLICY.historySize} passwords`, async () => {
    const admin = await signInAdmin(ws, 'Counter2026pass');
    const { oneTimePassword } = ws.auth.addUser({ username: 'wang', displayName: '王', role: 'clerk' }, { actor: 'test', role: 'admin' });
    const s = (await ws.dispatch('auth.signIn', { username: 'wang', password: oneTimePassword }, {})).session as string;
    const used = ['Window01pass', 'Window02pass', 'Window03pass', 'Window04pass'];
    let current = oneTimePassword;
    for (const next of used) {
      expect(await call('auth.changePassword', { currentPassword: current, newPassword: next }, s)).toMatchObject({ ok: true });
      current = next;
    }
    // The current one, and each of the earlier ones within the history, is refused.
    for (const old of [current, ...used.slice(0, -1), oneTimePassword]) {
      expect(await call('auth.changePassword', { currentPassword: current, newPassword: old }, s), old).toMatchObject({ ok: false, error: { code: 'WEAK_PASSWORD' } });
    }
    expect(await call('auth.changePassword', { currentPassword: current, newPassword: 'Window05pass' }, s)).toMatchObject({ ok: true });
    const kept = ws.database.sqlite.prepare("select count(*) as n from password_history h join users u on u.id = h.user_id where u.username = 'wang'").get() as { n: number };
    expect(kept.n).toBe(PASSWORD_POLICY.historySize);
    // Window01pass is still the fifth most recent; one change later it has left the history.
    expect(await call('auth.changePassword', { currentPassword: 'Window05pass', newPassword: 'Window01pass' }, s)).toMatchObject({ ok: false, error: { code: 'WEAK_PASSWORD' } });
    expect(await call('auth.changePassword', { currentPassword: 'Window05pass', newPassword: 'Window06pass' }, s)).toMatchObject({ ok: true });
    expect(await call('auth.changePassword', { currentPassword: 'Window06pass', newPassword: 'Window01pass' }, s)).toMatchObject({ ok: true });
    expect(actions()).toContain('auth.changePassword.refused');
    expect(await call('auth.changePassword', { currentPassword: 'Window01pass', newPassword: 'window' }, s)).toMatchObject({ ok: false, error: { code: 'WEAK_PASSWORD', message: expect.stringMatching(/密码/) } });
    await call('auth.signOut', {}, admin);
  });

  it('locks the screen when idle and counts failed unlocks toward the account lockout', async () => {
    const s = (await ws.dispatch('auth.signIn', { username: 'wang', password: 'Window01pass' }, {})).session as string;
    expect(await call('cases.list', {}, s)).toMatchObject({ ok: true });
    clock += 6 * 60_000;
    expect(await call('cases.list', {}, s)).toMatchObject({ ok: false, error: { code: 'SESSION_LOCKED' } });
    expect(await call('auth.unlock', { password: 'wrong-one-1' }, s)).toMatchObject({ ok: false, error: { code: 'BAD_CREDENTIALS', message: expect.stringContaining('再错 2 次') } });
    // A good unlock resets the count.
    expect(await call('auth.unlock', { password: 'Window01pass' }, s)).toMatchObject({ ok: true });
    clock += 6 * 60_000;
    expect(await call('auth.unlock', { password: 'wrong-one-2' }, s)).toMatchObject({ ok: false, error: { code: 'BAD_CREDENTIALS' } });
    expect(await call('auth.unlock', { password: 'wrong-one-3' }, s)).toMatchObject({ ok: false, error: { code: 'BAD_CREDENTIALS' } });
    expect(await call('auth.unlock', { password: 'wrong-one-4' }, s)).toMatchObject({ ok: false, error: { code: 'ACCOUNT_LOCKED' } });
    // The session is gone and the account refuses even the right password until the lock ends.
    expect(await call('cases.list', {}, s)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await call('auth.signIn', { username: 'wang', password: 'Window01pass' })).toMatchObject({ ok: false, error: { code: 'ACCOUNT_LOCKED' } });
    clock += 16 * 60_000;
    expect(await call('auth.signIn', { username: 'wang', password: 'Window01pass' })).toMatchObject({ ok: true });
    expect(actions().filter((a) => a === 'auth.unlock.failed')).toHaveLength(4);
  });

  it('mixes failed sign-ins and failed unlocks in one count', async () => {
    expect(await call('auth.signIn', { username: 'wang', password: 'nope-nope-1' })).toMatchObject({ ok: false, error: { code: 'BAD_CREDENTIALS' } });
    // A successful sign-in resets the count; then an idle lock and two bad unlocks plus one bad sign-in lock the account.
    const s = (await ws.dispatch('auth.signIn', { username: 'wang', password: 'Window01pass' }, {})).session as string;
    clock += 6 * 60_000;
    await call('cases.list', {}, s);
    await call('auth.unlock', { password: 'wrong-a' }, s);
    await call('auth.unlock', { password: 'wrong-b' }, s);
    expect(await call('auth.signIn', { username: 'wang', password: 'wrong-c' })).toMatchObject({ ok: false, error: { code: 'ACCOUNT_LOCKED' } });
    clock += 16 * 60_000;
  });
});

describe('browser mode sign-in throttling', () => {
  let dir: ReturnType<typeof tempDir>;
  let ws: Workstation;
  let server: BrowserModeServer;
  let cookie = '';

  function raw(path: string, body: unknown): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
    const url = new URL(server.origin);
    return new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: url.port, method: 'POST', path, headers: { host: url.host, origin: server.origin, 'content-type': 'application/json', cookie } },
        (res) => {
          let data = '';
          res.on('data', (c) => (data += c));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: data }));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });
  }

  beforeAll(async () => {
    dir = tempDir();
    mkdirSync(join(dir.path, 'renderer'));
    writeFileSync(join(dir.path, 'renderer', 'index.html'), '<!doctype html><title>OneWindow</title>');
    ws = await openTestWorkstation(join(dir.path, 'data'));
    await signInAdmin(ws, 'Counter2026pass');
    server = await startBrowserMode({ workstation: ws, port: 0, rendererDir: join(dir.path, 'renderer'), signInLimits: { perUsername: 3, perClient: 6, windowMs: 60_000 } });
    const launch = await fetch(server.url, { redirect: 'manual' });
    cookie = String(launch.headers.get('set-cookie')).split(';')[0]!;
  });
  afterAll(async () => {
    await server.close();
    await ws.close();
    dir.remove();
  });

  it('refuses further attempts for a username with 429, Retry-After and a Chinese message', async () => {
    for (let i = 0; i < 3; i++) expect((await raw('/api/call/auth.signIn', { username: 'admin', password: `wrong-${i}` })).status).toBe(200);
    const limited = await raw('/api/call/auth.signIn', { username: 'admin', password: 'Counter2026pass' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(JSON.parse(limited.body)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', message: expect.stringMatching(/秒后再试/) } });
    // Username matching ignores case and spaces, so "ADMIN " is the same account.
    expect((await raw('/api/call/auth.signIn', { username: 'ADMIN ', password: 'x' })).status).toBe(429);
  });

  it('limits a client across usernames too', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await raw('/api/call/auth.signIn', { username: `guess${i}`, password: 'x' })).status);
    // 3 failures above + these: the client's 6 are used up after three more.
    expect(statuses).toEqual([200, 200, 200, 429]);
    // Other calls are not throttled.
    expect((await raw('/api/call/system.info', {})).status).toBe(200);
  });

  it('frees a key when the window has passed, and a success clears the username', () => {
    let t = 0;
    const limiter = createSignInLimiter({ perUsername: 2, perClient: 100, windowMs: 10_000 }, () => t);
    limiter.record('c', 'u', false);
    limiter.record('c', 'u', false);
    expect(limiter.retryAfter('c', 'u')).toBe(10);
    t = 4_000;
    expect(limiter.retryAfter('c', 'u')).toBe(6);
    t = 10_001;
    expect(limiter.retryAfter('c', 'u')).toBe(0);
    limiter.record('c', 'u', false);
    limiter.record('c', 'u', true);
    limiter.record('c', 'u', false);
    expect(limiter.retryAfter('c', 'u')).toBe(0);
  });
});
