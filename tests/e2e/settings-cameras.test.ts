/**
 * IT's camera check in the app (doctor runs outside it and cannot see cameras): an admin opens
 * 设置, presses 检测摄像头 and sees the PC's cameras — here Chromium's fake device — and a PC
 * without camera permission gets a Chinese explanation instead of a blank list.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { firstSignIn } from './flows';
import { launchBrowser, startServer, tempDataDir, type ServerHandle } from './harness';

let browser: Browser;
let data: ReturnType<typeof tempDataDir>;
let server: ServerHandle;

beforeAll(async () => {
  data = tempDataDir();
  // No back office needed for this page.
  server = await startServer(data.path, ['--backoffice-url', 'http://127.0.0.1:9']);
  browser = await launchBrowser({ args: ['--use-fake-device-for-media-stream'] });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  data?.remove();
});

it('lists the cameras for an admin, and explains a refused permission', async () => {
  const allowed = await browser.newContext({ permissions: ['camera'] });
  const page = await allowed.newPage();
  await page.goto(server.url);
  await firstSignIn(page, server.oneTimePassword!, 'Counter2026cam');
  await page.getByRole('menuitem', { name: '设置' }).click();
  await page.getByTestId('camera-check').click();
  await expect.poll(() => page.getByTestId('camera-name').count(), { timeout: 15_000 }).toBeGreaterThan(0);
  expect(await page.getByTestId('camera-name').first().textContent()).toMatch(/fake|摄像头/i);
  await allowed.close();

  const refused = await browser.newContext({ permissions: [] });
  const other = await refused.newPage();
  // Permission prompts are dismissed (denied) in a context that was not granted the camera.
  other.on('dialog', (d) => void d.dismiss());
  await other.goto(server.url);
  await other.getByLabel('用户名').fill('admin');
  await other.getByLabel('密码', { exact: true }).fill('Counter2026cam');
  await other.getByRole('button', { name: /登\s*录/ }).click();
  await other.getByRole('menuitem', { name: '设置' }).click();
  await other.getByTestId('camera-check').click();
  await expect.poll(() => other.getByTestId('camera-error').textContent(), { timeout: 15_000 }).toContain('摄像头');
  await refused.close();
});
