/**
 * Benchmark: browser mode's cold start — from spawning `onewindow serve` to a sign-in page the
 * clerk can type into, in a real Chromium (playwright-core). Two cases:
 *  - first start: an empty data folder in the training configuration (creates the database,
 *    runs every migration, creates the first admin, starts the embedded back office);
 *  - restart: the same folder again (what a counter PC does every morning);
 *  - production restart: a production window (no embedded back office to start).
 * Chromium is launched once beforehand: the clerk's browser is not part of our start-up.
 * "Usable" = the 用户名 field is visible and editable and the 登录 button is there.
 *
 *   npx tsx bench/cold-start.ts
 *   COLD_START_RUNS=3 npx tsx bench/cold-start.ts
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { appPath } from '../electron/paths';
import { findChromium } from '../scripts/chromium.js';
import { CHROMIUM_ARGS, startServer, tempDataDir } from '../tests/e2e/harness';

const RUNS = Number(process.env.COLD_START_RUNS ?? 5);
const GOAL_MS = 5000;

function ensureRendererBuilt(): void {
  // The same lock the browser tests use: never build while another process does.
  const script = "import('./scripts/build-if-stale.js').then(m=>m.buildIfStale({quiet:true}))";
  const r = existsSync('/usr/bin/flock')
    ? spawnSync('flock', ['/tmp/ow-build.lock', process.execPath, '-e', script], { cwd: appPath(), stdio: 'inherit' })
    : spawnSync(process.execPath, ['-e', script], { cwd: appPath(), stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(appPath('out', 'renderer', 'index.html'))) throw new Error('渲染进程未构建（npm run build 失败）');
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

async function main() {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('找不到 Chromium（设置 CHROMIUM_PATH 或安装 chromium）');
  ensureRendererBuilt();
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const data = tempDataDir();
  try {
    async function once(dir = data.path, args: string[] = []): Promise<{ urlMs: number; totalMs: number }> {
      const t0 = performance.now();
      const server = await startServer(dir, args);
      const urlMs = performance.now() - t0;
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await page.goto(server.url);
        const user = page.getByLabel('用户名');
        await user.waitFor({ state: 'visible', timeout: 60_000 });
        await page.getByRole('button', { name: /登\s*录/ }).waitFor({ state: 'visible' });
        if (!(await user.isEditable())) throw new Error('用户名输入框不可编辑');
        return { urlMs, totalMs: performance.now() - t0 };
      } finally {
        await context.close();
        await server.stop();
      }
    }
    const first = await once();
    console.log(`  first start  url=${first.urlMs.toFixed(0)}ms usable=${first.totalMs.toFixed(0)}ms`);
    const restarts: { urlMs: number; totalMs: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await once();
      restarts.push(r);
      console.log(`  restart ${i + 1}    url=${r.urlMs.toFixed(0)}ms usable=${r.totalMs.toFixed(0)}ms`);
    }
    // A production window: no embedded back office (PGlite) to start; its back office is elsewhere.
    const prodDir = tempDataDir();
    const production: number[] = [];
    try {
      const args = ['--mode', 'production', '--backoffice-url', 'http://127.0.0.1:9'];
      await once(prodDir.path, args);
      for (let i = 0; i < RUNS; i++) {
        const r = await once(prodDir.path, args);
        production.push(r.totalMs);
        console.log(`  production restart ${i + 1} url=${r.urlMs.toFixed(0)}ms usable=${r.totalMs.toFixed(0)}ms`);
      }
    } finally {
      prodDir.remove();
    }
    const totals = restarts.map((r) => r.totalMs);
    const p50 = percentile(totals, 50);
    const max = Math.max(...totals);
    const urlP50 = percentile(restarts.map((r) => r.urlMs), 50);
    console.log(
      `cold-start: first=${first.totalMs.toFixed(0)}ms restart_p50=${p50.toFixed(0)}ms restart_max=${max.toFixed(0)}ms server_ready_p50=${urlP50.toFixed(0)}ms page_p50=${(p50 - urlP50).toFixed(0)}ms production_restart_p50=${percentile(production, 50).toFixed(0)}ms runs=${RUNS} goal=restart_p50<${GOAL_MS}ms (${p50 < GOAL_MS ? 'met' : 'NOT met'})`,
    );
  } finally {
    await browser.close();
    data.remove();
  }
}

await main();
