import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserMode, type BrowserModeServer } from '../../electron/browser-mode/server';
import type { Workstation } from '../../electron/workstation';
import { COMPLETE_MATERIALS, PERSONAL_ITEM, personalFormData, writeCatalogFixture } from '../helpers/catalog-fixture';
import { openTestWorkstation, tempDir } from '../helpers/workstation';

let dir: ReturnType<typeof tempDir>;
let ws: Workstation;
let server: BrowserModeServer;
let launchCookie = '';

/** Raw HTTP so the test controls Host and Origin headers exactly as an attacker could. */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(server.origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: url.port, method, path, headers }, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

const host = () => new URL(server.origin).host;
const post = (channel: string, body: unknown, cookie: string, extra: Record<string, string> = {}) =>
  raw('POST', `/api/call/${channel}`, { host: host(), origin: server.origin, 'content-type': 'application/json', cookie, ...extra }, JSON.stringify(body));

beforeAll(async () => {
  dir = tempDir();
  writeCatalogFixture(join(dir.path, 'catalog'));
  mkdirSync(join(dir.path, 'renderer'));
  writeFileSync(join(dir.path, 'renderer', 'index.html'), '<!doctype html><title>OneWindow</title>');
  ws = await openTestWorkstation(join(dir.path, 'data'), { catalogDir: join(dir.path, 'catalog') });
  server = await startBrowserMode({ workstation: ws, port: 0, rendererDir: join(dir.path, 'renderer') });
});
afterAll(async () => {
  await server.close();
  ws.close();
  dir.remove();
});

describe('browser mode guards', () => {
  it('binds to loopback and exchanges the launch token for an HttpOnly cookie', async () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const noToken = await raw('GET', '/', { host: host() });
    expect(noToken.status).toBe(403);
    expect(noToken.body).toContain('启动时打印的地址');
    const wrong = await raw('GET', '/?launch=guess', { host: host() });
    expect(wrong.status).toBe(403);
    const launch = await raw('GET', new URL(server.url).pathname + new URL(server.url).search, { host: host() });
    expect(launch.status).toBe(302);
    const setCookie = String(launch.headers['set-cookie']);
    expect(setCookie).toMatch(/ow_launch=.*HttpOnly.*SameSite=Strict/);
    launchCookie = setCookie.split(';')[0]!;
    const page = await raw('GET', '/', { host: host(), cookie: launchCookie });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('refuses API calls without the launch cookie, from another origin, or for another host', async () => {
    expect((await post('system.info', {}, '')).status).toBe(401);
    expect((await post('system.info', {}, launchCookie, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await post('system.info', {}, launchCookie, { host: 'evil.example:80' })).status).toBe(421);
    const ok = await post('system.info', {}, launchCookie);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, data: { transport: 'browser', training: true } });
  });

  it('refuses non-JSON bodies and malformed JSON without crashing', async () => {
    const form = await raw('POST', '/api/call/auth.signIn', { host: host(), origin: server.origin, 'content-type': 'application/x-www-form-urlencoded', cookie: launchCookie }, 'username=admin');
    expect(form.status).toBe(415);
    const broken = await raw('POST', '/api/call/auth.signIn', { host: host(), origin: server.origin, 'content-type': 'application/json', cookie: launchCookie }, '{"username":');
    expect(broken.status).toBe(400);
    expect((await post('system.info', {}, launchCookie)).status).toBe(200);
  });

  it('keeps the session in an HttpOnly cookie and pushes case events over SSE', async () => {
    const signIn = await post('auth.signIn', { username: 'admin', password: ws.firstAdmin!.oneTimePassword }, launchCookie);
    const sessionCookie = String(signIn.headers['set-cookie']).split(';')[0]!;
    expect(sessionCookie).toMatch(/^ow_session=.+/);
    expect(signIn.body).not.toContain(sessionCookie.split('=')[1]!);
    const cookies = `${launchCookie}; ${sessionCookie}`;
    await post('auth.changePassword', { currentPassword: ws.firstAdmin!.oneTimePassword, newPassword: 'Browser2026mode' }, cookies);

    const events: string[] = [];
    const url = new URL(server.origin);
    const sse = await new Promise<import('node:http').IncomingMessage>((resolve) =>
      request({ host: '127.0.0.1', port: url.port, path: '/api/events', headers: { host: host(), cookie: cookies } }, resolve).end(),
    );
    sse.on('data', (chunk: Buffer) => events.push(chunk.toString()));
    const accepted = await post('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData(), materials: COMPLETE_MATERIALS }, cookies);
    expect(JSON.parse(accepted.body)).toMatchObject({ ok: true, data: { status: 'accepted' } });
    await new Promise((r) => setTimeout(r, 200));
    sse.destroy();
    expect(events.join('')).toContain('"type":"case.changed"');

    const signOut = await post('auth.signOut', {}, cookies);
    expect(String(signOut.headers['set-cookie'])).toContain('Max-Age=0');
    expect(JSON.parse((await post('cases.list', {}, cookies)).body)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });
});
