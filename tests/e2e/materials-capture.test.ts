/**
 * MaterialCapture in a real Chromium with a fake document camera (a y4m made with ffmpeg from
 * an A4 page drawn with sharp), at component level: a Vite dev server serves a page that
 * mounts the component (in StrictMode, under the app's CSP) with a `call` that posts to the
 * real materials handlers over a real SQLite file and blob folder. Covers: webcamjs loaded as a
 * classic script going live, Space capturing pages in order, import of a PDF and of a disguised
 * file (Chinese message, the page kept for retry), rotate / reorder / delete, and the camera
 * absent and permission-denied messages with the way on (import).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { createServer, type Plugin, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drafts, materialPages } from '../../db/schema';
import type { HandlerContext } from '../../electron/api/dispatcher';
import { openDatabase, type OpenedDatabase } from '../../electron/database';
import { createMaterialsService, sha256Hex, type MaterialsService } from '../../electron/materials';
import { createMaterialsHandlers } from '../../electron/materials/handlers';
import { makeA4Page, makeTextPdf } from '../../electron/materials/testing';
import { appPath } from '../../electron/paths';
import { ContractError } from '../../shared/contract/errors';
import { materialsChannels, type MaterialsChannel } from '../../shared/contract/materials';
import { launchBrowser, tempDataDir } from './harness';

const HARNESS_ID = 'virtual:material-capture-harness';
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws:; media-src 'self' blob: mediastream:; object-src 'none'; base-uri 'none'";

/** The page's script: mounts the component under StrictMode with a fetch-based `call`. */
const HARNESS_SOURCE = `
import { StrictMode, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { App, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { MaterialCapture } from '/src/components/materials/MaterialCapture.tsx';

async function call(channel, input) {
  const response = await fetch('/__materials/' + channel, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(input) });
  const envelope = await response.json();
  if (envelope.ok) return envelope.data;
  const error = new Error(envelope.error.message);
  error.code = envelope.error.code;
  throw error;
}
window.__pages = -1;
window.__pending = 0;
createRoot(document.getElementById('root')).render(
  createElement(StrictMode, null,
    createElement(ConfigProvider, { locale: zhCN },
      createElement(App, null,
        createElement(MaterialCapture, {
          owner: { draftId: 'D1' },
          material: { id: 'hukou-book', name: '户口簿' },
          call,
          onPagesChanged: (n) => { window.__pages = n; },
          onPendingChanged: (n) => { window.__pending = n; },
        })))));
`;

let dir: ReturnType<typeof tempDataDir>;
let opened: OpenedDatabase;
let service: MaterialsService;
let vite: ViteDevServer;
let url: string;
let y4m: string;
const browsers: Browser[] = [];

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The contract over HTTP, like browser mode: validate input, call the handler, strip the output. */
function harnessPlugin(): Plugin {
  const handlers = createMaterialsHandlers({ service, actor: () => ({ username: 'clerk1', role: 'clerk' }) });
  const send = (res: ServerResponse, body: unknown) => {
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify(body));
  };
  return {
    name: 'material-capture-harness',
    resolveId: (id) => (id === HARNESS_ID ? '\0' + HARNESS_ID : undefined),
    load: (id) => (id === '\0' + HARNESS_ID ? HARNESS_SOURCE : undefined),
    configureServer(server) {
      server.middlewares.use(async (req, res, next) => {
        if (req.url === '/harness.html') {
          const html = `<!doctype html><html lang="zh-CN"><head><meta charset="UTF-8" /><meta http-equiv="Content-Security-Policy" content="${CSP}" /><title>材料采集</title></head><body><div id="root"></div><script type="module" src="/@id/${HARNESS_ID}"></script></body></html>`;
          res.setHeader('Content-Type', 'text/html; charset=utf-8');
          res.end(await server.transformIndexHtml('/harness.html', html));
          return;
        }
        const m = req.url?.match(/^\/__materials\/([a-zA-Z.]+)$/);
        if (!m || req.method !== 'POST') return next();
        const channel = m[1] as MaterialsChannel;
        try {
          const spec = materialsChannels[channel];
          if (!spec) throw new ContractError('UNKNOWN_CHANNEL', '未知的调用');
          const parsed = spec.input.safeParse(JSON.parse(await readBody(req)));
          if (!parsed.success) throw new ContractError('INVALID_INPUT', `请求参数无效：${parsed.error.issues[0]?.message}`);
          const handler = handlers[channel] as (i: unknown, c: HandlerContext) => unknown;
          const output = await handler(parsed.data, {} as HandlerContext);
          send(res, { ok: true, data: spec.output.parse(output) });
        } catch (e) {
          send(res, { ok: false, error: e instanceof ContractError ? e.toBody() : { code: 'INTERNAL', message: String(e) } });
        }
      });
    },
  };
}

beforeAll(async () => {
  dir = tempDataDir();
  // The fake camera's picture: an A4 page on a desk, 4:3, as a one-frame y4m Chromium loops.
  const page = await makeA4Page({ dpi: 120 });
  const frame = await sharp({ create: { width: 1280, height: 960, channels: 3, background: '#5c6068' } })
    .composite([{ input: await sharp(page).resize({ height: 900 }).toBuffer(), gravity: 'center' }])
    .jpeg({ quality: 92 })
    .toBuffer();
  writeFileSync(join(dir.path, 'page.jpg'), frame);
  y4m = join(dir.path, 'page.y4m');
  const ff = spawnSync('/usr/bin/ffmpeg', ['-loglevel', 'error', '-y', '-loop', '1', '-i', join(dir.path, 'page.jpg'), '-frames:v', '1', '-vf', 'scale=1280:960,format=yuv420p', y4m]);
  if (ff.status !== 0) throw new Error(`ffmpeg failed: ${ff.stderr}`);

  opened = openDatabase(join(dir.path, 'onewindow.db'));
  const at = new Date().toISOString();
  opened.db
    .insert(drafts)
    .values({ id: 'D1', itemCode: 'QX-MZ-GG-901', itemVersion: 1, itemName: '老年人优待证办理', definition: '{}', formData: '{}', materials: '[]', createdBy: 'clerk1', createdAt: at, updatedAt: at })
    .run();
  service = createMaterialsService({ db: opened.db, dataDir: dir.path });

  vite = await createServer({
    configFile: false,
    root: appPath('renderer'),
    logLevel: 'warn',
    plugins: [harnessPlugin()],
    oxc: { jsx: { runtime: 'automatic' } },
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, fs: { allow: [appPath()] } },
    optimizeDeps: {
      entries: ['src/components/materials/MaterialCapture.tsx'],
      include: ['react', 'react/jsx-runtime', 'react-dom/client', 'antd', 'antd/locale/zh_CN', '@ant-design/icons', 'zod'],
    },
  });
  await vite.listen();
  url = `http://127.0.0.1:${(vite.httpServer!.address() as AddressInfo).port}/harness.html`;
}, 180_000);

afterAll(async () => {
  for (const b of browsers) await b.close().catch(() => undefined);
  await vite?.close();
  await service?.close();
  opened?.close();
  dir?.remove();
});

async function fakeCameraBrowser(): Promise<Browser> {
  const b = await launchBrowser({ args: ['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`] });
  browsers.push(b);
  return b;
}

const rows = () => service.listPages({ draftId: 'D1' }, 'hukou-book');
const waitSaved = (page: Page, n: number) => page.waitForFunction((count) => (window as any).__pages === count && (window as any).__pending === 0, n, { timeout: 30_000 });

describe('materials capture in the browser', () => {
  it('captures pages with Space from the document camera and imports files, in order, losing nothing', async () => {
    const browser = await fakeCameraBrowser();
    const context = await browser.newContext({ permissions: ['camera'] });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(url);
    await waitSaved(page, 0);

    // webcamjs goes live (StrictMode's double effects leave exactly one video).
    const captureButton = page.getByTestId('capture-button');
    await expect.poll(() => captureButton.isEnabled(), { timeout: 30_000 }).toBe(true);
    expect(await page.locator('[data-testid="camera-preview"] video').count()).toBe(1);
    expect(await page.getByTestId('camera-select').textContent()).toMatch(/page\.y4m|fake|摄像头/i);

    // Three pages, one per Space; held-down repeats do not add pages.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Space');
      await page.waitForTimeout(150);
    }
    await waitSaved(page, 3);
    await expect.poll(() => page.getByTestId('page-thumb').locator('img').count(), { timeout: 20_000 }).toBe(3);
    const captured = rows();
    expect(captured.map((p) => [p.order, p.source, p.width, p.height])).toEqual([
      [0, 'camera', 1280, 960],
      [1, 'camera', 1280, 960],
      [2, 'camera', 1280, 960],
    ]);
    for (const p of captured) expect(sha256Hex((await service.readPage(p.id)).bytes)).toBe(p.sha256);

    // Import a 2-page PDF named .jpg: decided by its bytes, split into pages.
    const pdfFile = join(dir.path, 'scan.jpg');
    writeFileSync(pdfFile, await makeTextPdf(2));
    await page.getByTestId('import-input').setInputFiles(pdfFile);
    await waitSaved(page, 5);
    expect(rows().map((p) => p.kind)).toEqual(['image', 'image', 'image', 'pdf', 'pdf']);

    // A disguised file: refused with a Chinese message, kept in the queue for retry or discard.
    const exe = join(dir.path, '户口簿.png');
    writeFileSync(exe, Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(2000, 1)]));
    await page.getByTestId('import-input').setInputFiles(exe);
    const failed = page.locator('[data-testid="queue-item"][data-status="failed"]');
    await expect.poll(() => failed.count(), { timeout: 20_000 }).toBe(1);
    expect(await failed.textContent()).toMatch(/未保存：文件“户口簿\.png”的扩展名是 PNG，但内容并不是 PNG/);
    expect(await page.getByTestId('queue-count').textContent()).toBe('1 页未保存');
    // antd spaces out two-character Chinese button labels ("放 弃").
    await failed.getByRole('button', { name: /^放\s?弃$/ }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /^放\s?弃$/ }).click();
    await expect.poll(() => failed.count()).toBe(0);
    expect(rows()).toHaveLength(5);

    // Rotate the first page, move it to second place, delete the last page.
    const first = rows()[0];
    await page.getByTestId('page-thumb').first().getByTestId('rotate-right').click();
    await expect.poll(() => rows()[0].width, { timeout: 20_000 }).toBe(960);
    await page.getByTestId('page-thumb').first().getByRole('button', { name: '后移' }).click();
    await expect.poll(() => rows()[1].id).toBe(first.id);
    await page.getByTestId('page-thumb').last().getByTestId('delete-page').click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /^删\s?除$/ }).click();
    await waitSaved(page, 4);
    expect(opened.db.select().from(materialPages).all()).toHaveLength(4);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says clearly when the camera permission is refused, and import still works', async () => {
    const browser = browsers[0] ?? (await fakeCameraBrowser());
    const context = await browser.newContext(); // camera not granted: headless Chromium refuses
    const page = await context.newPage();
    await page.goto(url);
    const problem = page.getByTestId('camera-problem');
    await expect.poll(() => problem.count(), { timeout: 30_000 }).toBe(1);
    expect(await problem.textContent()).toMatch(/未获得摄像头使用权限.*导入文件/);
    expect(await page.getByTestId('capture-button').isDisabled()).toBe(true);
    const png = join(dir.path, 'photo.png');
    writeFileSync(png, await sharp(readFileSync(join(dir.path, 'page.jpg'))).png().toBuffer());
    const before = rows().length;
    await page.getByTestId('import-input').setInputFiles(png);
    await waitSaved(page, before + 1);
    expect(rows().at(-1)).toMatchObject({ source: 'import', fileName: 'photo.png', mime: 'image/jpeg' });
    await context.close();
  });

  it('says clearly when there is no camera at all', async () => {
    const browser = await launchBrowser();
    browsers.push(browser);
    const context = await browser.newContext({ permissions: ['camera'] });
    const page = await context.newPage();
    await page.goto(url);
    const problem = page.getByTestId('camera-problem');
    await expect.poll(() => problem.count(), { timeout: 30_000 }).toBe(1);
    expect(await problem.textContent()).toMatch(/未检测到摄像头（高拍仪）.*重新检测.*导入文件/);
    await context.close();
  });
});
