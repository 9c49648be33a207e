/**
 * Benchmark: form open — from the clerk pressing Enter on a search hit to the item's dynamic
 * form drawn and ready to type into (title, fields and the 受理 button), in a real Chromium
 * against browser mode. Items are spread over the whole shipped catalogue, so big forms
 * (公司设立登记, 施工许可) count as much as small ones.
 *
 *   npx tsx bench/form-open.ts
 *   FORM_OPEN_ITEMS=60 npx tsx bench/form-open.ts
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { createCatalog } from '../electron/catalog';
import { appPath } from '../electron/paths';
import { findChromium } from '../scripts/chromium.js';
import { CHROMIUM_ARGS, startServer, tempDataDir } from '../tests/e2e/harness';

const ITEMS = Number(process.env.FORM_OPEN_ITEMS ?? 40);
const GOAL_MS = 500;
const PASSWORD = 'Counter2026bench';

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

function ensureRendererBuilt(): void {
  const script = "import('./scripts/build-if-stale.js').then(m=>m.buildIfStale({quiet:true}))";
  const r = existsSync('/usr/bin/flock')
    ? spawnSync('flock', ['/tmp/ow-build.lock', process.execPath, '-e', script], { cwd: appPath(), stdio: 'inherit' })
    : spawnSync(process.execPath, ['-e', script], { cwd: appPath(), stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(appPath('out', 'renderer', 'index.html'))) throw new Error('渲染进程未构建（npm run build 失败）');
}

async function main() {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('找不到 Chromium（设置 CHROMIUM_PATH 或安装 chromium）');
  ensureRendererBuilt();
  const all = createCatalog().items;
  const step = Math.max(1, Math.floor(all.length / ITEMS));
  const items = all.filter((_, i) => i % step === 0).slice(0, ITEMS);

  const data = tempDataDir();
  // No back office needed to open forms: an unreachable one keeps sync out of the figures.
  const server = await startServer(data.path, ['--backoffice-url', 'http://127.0.0.1:9']);
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(server.url);
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码', { exact: true }).fill(server.oneTimePassword!);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByLabel('当前密码').fill(server.oneTimePassword!);
    await page.getByLabel('新密码', { exact: true }).fill(PASSWORD);
    await page.getByLabel('确认新密码').fill(PASSWORD);
    await page.getByRole('button', { name: '保存新密码' }).click();
    const search = page.getByTestId('item-search');
    await search.waitFor();

    const times: { name: string; ms: number; fields: number }[] = [];
    for (const [i, item] of items.entries()) {
      await search.click();
      await search.fill(item.name);
      await page.getByTestId('item-result').first().filter({ hasText: item.name }).waitFor({ timeout: 10_000 });
      const t0 = performance.now();
      await page.keyboard.press('Enter');
      await page.getByTestId('item-title').filter({ hasText: item.name }).waitFor({ timeout: 10_000 });
      await page.getByTestId('accept-button').waitFor({ state: 'visible' });
      // Ready to type: the form's first field is drawn and enabled.
      const firstField = page.locator('form input:not([type=hidden]), form textarea').first();
      await firstField.waitFor({ state: 'visible' });
      const ms = performance.now() - t0;
      const fields = await page.locator('form input:not([type=hidden]), form textarea').count();
      if (i > 0) times.push({ name: item.name, ms, fields }); // the first open also loads lazy code
      await page.getByRole('button', { name: /^放\s*弃$/ }).click();
      await search.waitFor();
    }
    const ms = times.map((t) => t.ms);
    const slowest = times.reduce((a, b) => (b.ms > a.ms ? b : a));
    console.log(`  slowest: ${slowest.name} (${slowest.fields} fields) ${slowest.ms.toFixed(0)} ms`);
    const p50 = percentile(ms, 50);
    const p95 = percentile(ms, 95);
    console.log(
      `form-open: p50=${p50.toFixed(0)}ms p95=${p95.toFixed(0)}ms max=${Math.max(...ms).toFixed(0)}ms items=${times.length} of ${all.length} goal=p95<${GOAL_MS}ms (${p95 < GOAL_MS ? 'met' : 'NOT met'})`,
    );
  } finally {
    await browser.close();
    await server.stop();
    data.remove();
  }
}

await main();
