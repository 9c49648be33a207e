/**
 * 人证核验 in a real Chromium with a fake camera showing a still photo of a face (made from a
 * face-api demo picture with /usr/bin/ffmpeg at test time). The component is built with Vite
 * into a tiny page of its own and talks to the real identity core (real face service, real
 * SQLite, real auth) through the real handlers behind a small HTTP endpoint.
 *
 * What it shows: the live frames reach the core and the face is found in them, but a photo held
 * still never blinks or turns — every challenge fails, the attempts run out, a wrong supervisor
 * password is refused, and the supervisor's 人工核验 ends the check. The page runs under the
 * workstation's Content Security Policy.
 */
import react from '@vitejs/plugin-react';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandlerContext } from '../../electron/api/dispatcher';
import { createFaceService } from '../../electron/identity/face';
import { cropFace, demoImagePath, idPhotoFrom } from '../../electron/identity/face/testing';
import type { FaceService } from '../../electron/identity/face/types';
import { createIdentityHandlers } from '../../electron/identity/handlers';
import { createIdentityService, supervisorVerifierFromAuth, type IdentityService } from '../../electron/identity';
import { trainingCardData, writeTrainingCard } from '../../electron/identity/testing';
import { appRoot } from '../../electron/paths';
import { CONTENT_SECURITY_POLICY } from '../../electron/security/csp';
import { ContractError } from '../../shared/contract/errors';
import { identityChannels, type IdentityChannel } from '../../shared/contract/identity';
import { addUser, auditEntries, openIdentityTestDb, type IdentityTestDb } from '../helpers/identity-db';
import { launchBrowser } from './harness';

const FFMPEG = '/usr/bin/ffmpeg';
const root = appRoot();
const CLERK = { username: 'clerk1', role: 'clerk' };
const SUP_PASSWORD = 'Super2026pass';

/** The page's entry, served as if it sat beside the component (so its imports resolve there). */
const ENTRY_ID = join(root, 'renderer/src/components/identity/__e2e_page__.tsx');
const ENTRY = `
import { ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { IdentityCall } from '../../../../shared/contract/identity';
import { IdentityCheck } from './IdentityCheck';

const call = (async (channel: string, input: unknown) => {
  const res = await fetch('/api/' + channel, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
  const env = await res.json();
  if (env.ok) return env.data;
  throw Object.assign(new Error(env.error.message), { code: env.error.code, details: env.error.details });
}) as IdentityCall;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConfigProvider locale={zhCN}>
      <IdentityCheck call={call} onFinished={(r) => document.body.setAttribute('data-finished', r.check.status)} />
    </ConfigProvider>
  </StrictMode>,
);
`;

let t: IdentityTestDb;
let face: FaceService;
let service: IdentityService;
let server: Server;
let url: string;
let browser: Browser;
let y4m: string;
let pageDir: string;
const haveTools = existsSync(FFMPEG);

async function buildPage(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: join(root, 'renderer'),
    logLevel: 'warn',
    plugins: [
      react(),
      {
        name: 'identity-e2e-entry',
        resolveId: (id) => (id === ENTRY_ID ? ENTRY_ID : null),
        load: (id) => (id === ENTRY_ID ? ENTRY : null),
      },
    ],
    build: { outDir, emptyOutDir: true, manifest: true, chunkSizeWarningLimit: 8192, rolldownOptions: { input: { page: ENTRY_ID } } },
  });
  const manifest = JSON.parse(readFileSync(join(outDir, '.vite', 'manifest.json'), 'utf8')) as Record<string, { file: string; isEntry?: boolean }>;
  const entry = Object.values(manifest).find((m) => m.isEntry)!;
  writeFileSync(
    join(outDir, 'index.html'),
    `<!doctype html><html lang="zh-CN"><head><meta charset="UTF-8"><link rel="icon" href="data:,"><title>人证核验</title></head><body><div id="root"></div><script type="module" src="/${entry.file}"></script></body></html>`,
  );
}

/** The identity channels as the dispatcher would run them, for one signed-in clerk. */
function startApi(handlers: ReturnType<typeof createIdentityHandlers>, staticDir: string): Promise<Server> {
  const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
  const srv = createServer(async (req, res) => {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'POST' && path.startsWith('/api/')) {
      const channel = path.slice(5) as IdentityChannel;
      let body = '';
      for await (const chunk of req) body += chunk;
      let envelope: unknown;
      try {
        const spec = identityChannels[channel];
        if (!spec) throw new ContractError('UNKNOWN_CHANNEL', '未知的调用');
        const parsed = spec.input.safeParse(JSON.parse(body || '{}'));
        if (!parsed.success) throw new ContractError('INVALID_INPUT', `请求参数无效：${parsed.error.issues[0]?.message}`);
        const ctx = { session: CLERK, setSession: () => undefined } as unknown as HandlerContext;
        const out = await (handlers[channel] as (i: unknown, c: HandlerContext) => unknown)(parsed.data, ctx);
        envelope = { ok: true, data: spec.output.parse(out) };
      } catch (e) {
        envelope = e instanceof ContractError ? { ok: false, error: e.toBody() } : { ok: false, error: { code: 'INTERNAL', message: `内部错误：${(e as Error).message}` } };
      }
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify(envelope));
    }
    const file = join(staticDir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(staticDir) || !existsSync(file)) return res.writeHead(404).end();
    res.setHeader('content-type', types[extname(file)] ?? 'application/octet-stream');
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

beforeAll(async () => {
  if (!haveTools) return;
  t = openIdentityTestDb(new Date());
  addUser(t, 'sup1', 'supervisor', SUP_PASSWORD);
  face = createFaceService();
  const sample = readFileSync(demoImagePath(2));
  const box = (await face.detect(sample)).boxes[0];
  writeTrainingCard(join(t.dataDir, 'training-cards'), 'demo', trainingCardData({ name: '演示办事人' }), await idPhotoFrom(sample, box));

  // The camera shows a still photo of the card holder: 640×480, the face about 280 px wide.
  const still = join(t.dir, 'still.png');
  const crop = await cropFace(sample, box, 0.9);
  await sharp({ create: { width: 640, height: 480, channels: 3, background: '#7d8288' } })
    .composite([{ input: await sharp(crop).resize({ height: 440 }).toBuffer(), gravity: 'center' }])
    .png()
    .toFile(still);
  y4m = join(t.dir, 'still.y4m');
  execFileSync(FFMPEG, ['-loglevel', 'error', '-y', '-loop', '1', '-i', still, '-frames:v', '1', '-vf', 'format=yuv420p', y4m]);

  service = createIdentityService({
    db: t.database.db,
    dataDir: t.dataDir,
    faceService: face,
    audit: t.audit,
    now: () => new Date(),
    verifySupervisor: supervisorVerifierFromAuth(t.auth),
    trainingEnabled: () => true,
    purgeIntervalMs: 0,
    liveness: { stepTimeoutMs: 2500, totalTimeoutMs: 15000 },
  });
  pageDir = join(t.dir, 'page');
  mkdirSync(pageDir, { recursive: true });
  await buildPage(pageDir);
  server = await startApi(createIdentityHandlers({ service, actor: () => CLERK }), pageDir);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await launchBrowser({
    args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r(null)));
  service?.close();
  await face?.close();
  t?.close();
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(t.dir, `${name}.png`), fullPage: true });
  if (process.env.IDENTITY_E2E_SHOTS) await page.screenshot({ path: join(process.env.IDENTITY_E2E_SHOTS, `${name}.png`), fullPage: true });
}

async function failChallenge(page: Page, attemptsLeftAfter: number): Promise<void> {
  await expect.poll(() => page.getByRole('button', { name: '开始核验' }).isEnabled(), { timeout: 20_000 }).toBe(true);
  await page.getByRole('button', { name: '开始核验' }).click();
  // The still face is found in the live frames …
  await page.getByText('已检测到人脸').waitFor({ timeout: 20_000 });
  if (attemptsLeftAfter === 2) await shot(page, '2-challenge');
  // … but never blinks or turns: the step times out.
  await page.getByTestId('identity-result').waitFor({ timeout: 30_000 });
  const text = (await page.getByTestId('identity-message').textContent()) ?? '';
  expect(text).toContain('规定时间');
  if (attemptsLeftAfter > 0) expect(text).toContain(`还可重试 ${attemptsLeftAfter} 次`);
}

describe.skipIf(!haveTools)('人证核验 in the browser (fake camera)', () => {
  it('a still photo fails every challenge; after three tries a supervisor decides, a wrong password refused', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(url);

    await page.getByTestId('training-card').click();
    await page.getByText('演示办事人').click();
    await page.getByRole('button', { name: /^读\s*取$/ }).click();
    await page.getByTestId('consent-notice').waitFor();
    expect(await page.getByTestId('consent-notice').textContent()).toContain('您可以拒绝');
    await expect.poll(() => page.getByTestId('credit-result').textContent()).toContain('未能审查');
    await shot(page, '1-consent');
    await page.getByRole('button', { name: '办事人同意' }).click();

    await page.getByTestId('face-camera').locator('video').waitFor();
    await failChallenge(page, 2);
    await shot(page, '3-first-failure');
    await page.getByRole('button', { name: '重新核验' }).click();
    await failChallenge(page, 1);
    await page.getByRole('button', { name: '重新核验' }).click();
    await failChallenge(page, 0);
    expect(await page.getByRole('button', { name: '重新核验' }).count()).toBe(0);
    await shot(page, '4-exhausted');

    await page.getByRole('button', { name: '值班负责人人工核验' }).click();
    await page.getByLabel('值班主管账户').fill('sup1');
    await page.getByLabel('密码').fill('not-the-password-9');
    await page.getByLabel('核验理由').fill('证件照片为多年前拍摄，已当面核对本人与户口簿');
    await page.getByRole('button', { name: '确认放行' }).click();
    await expect.poll(() => page.getByTestId('override-error').textContent()).toContain('用户名或密码错误');
    await page.getByLabel('密码').fill(SUP_PASSWORD);
    await page.getByRole('button', { name: '确认放行' }).click();
    await page.getByText('值班负责人人工核验通过').waitFor();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    expect(await page.locator('body').getAttribute('data-finished')).toBe('overridden');
    await shot(page, '5-overridden');

    const attempts = t.database.sqlite.prepare("SELECT liveness, decision FROM identity_attempts ORDER BY attempt").all();
    expect(attempts).toEqual([
      { liveness: 'failed', decision: null },
      { liveness: 'failed', decision: null },
      { liveness: 'failed', decision: null },
    ]);
    const actions = auditEntries(t).map((e) => e.action);
    expect(actions).toContain('identity.override.refused');
    expect(actions.at(-1)).toBe('identity.override');
    // Nothing biometric was stored: no comparison ever ran.
    expect(t.database.sqlite.prepare('SELECT count(*) AS n FROM identity_face_images').get()).toEqual({ n: 0 });
    expect(problems.filter((p) => !/favicon/.test(p))).toEqual([]);
    await page.close();
  }, 180_000);
});
