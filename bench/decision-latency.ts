/**
 * Benchmark: decision propagation. From a reviewer's click (the HTTP decision request leaving
 * the reviewer's browser) to the window's database holding the outcome, applied from the change
 * feed by a real workstation core (sync engine with its default long-poll). The back office
 * runs as its own process (embedded PGlite); each approval also renders the certificate PDF.
 * Goal: under 2 s on loopback (issue #6).
 *
 *   npx tsx bench/decision-latency.ts
 *   DECISION_BENCH_CASES=50 npx tsx bench/decision-latency.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackoffice } from '../backoffice/server';
import { seedPgliteDataDir, TestReviewer } from '../backoffice/testing';
import { SYNC_ROUTES, type QueueItem } from '../shared/sync';
import { freePort } from '../tests/chaos/processes';
import { acceptCase } from '../tests/chaos/sync-fixture';
import { PERSONAL_ITEM, writeCatalogFixture } from '../tests/helpers/catalog-fixture';
import { openTestWorkstation, signInAdmin, tempDir } from '../tests/helpers/workstation';
import { measureLimits } from './limits';

const CASES = Number(process.env.DECISION_BENCH_CASES ?? 30);
const GOAL_MS = 2_000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PASSWORD = 'Qixia#2025bench';
const DEPARTMENT = PERSONAL_ITEM.approval.lead;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function serve(dataDir: string, port: number): Promise<ChildProcess> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'backoffice/main.ts', 'serve', '--port', String(port), '--data', dataDir], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`back office did not start: ${err}`)), 60_000);
    child.stdout!.on('data', (d) => String(d).includes('后台服务已启动') && (clearTimeout(timer), resolve()));
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`back office exited (${code}): ${err}`))));
  });
  return child;
}

async function main() {
  const limits = await measureLimits();
  const dir = tempDir('onewindow-bench-decision-');
  let child: ChildProcess | undefined;
  try {
    const boData = join(dir.path, 'backoffice');
    await seedPgliteDataDir(join(boData, 'pgdata'));
    const setup = await createBackoffice({ database: { kind: 'pglite', dataDir: join(boData, 'pgdata') }, blobDir: join(boData, 'blobs') });
    const code = await setup.admin.createEnrolmentCode({ centerCode: '32011300', windowNo: '01' });
    await setup.admin.createReviewer({ username: 'bench.reviewer', password: PASSWORD, department: DEPARTMENT, displayName: '基准审批员' });
    await setup.close();
    const port = await freePort();
    child = await serve(boData, port);
    const base = `http://127.0.0.1:${port}`;

    const ws = await openTestWorkstation(join(dir.path, 'workstation'), {
      sync: true,
      catalogDir: writeCatalogFixture(join(dir.path, 'catalog')),
      log: () => undefined,
      flags: { backofficeUrl: base },
    });
    try {
      await ws.sync!.engine.enrol(code, 'bench-window');
      const session = await signInAdmin(ws);
      const ids: string[] = [];
      for (let i = 0; i < CASES; i++) ids.push((await acceptCase(ws, session, i)).id);
      ws.sync!.engine.poke();
      const statusOf = ws.database.sqlite.prepare('select status from cases where id = ?').pluck();
      const deadline = Date.now() + 120_000;
      while (ids.some((id) => statusOf.get(id) !== 'in-review')) {
        if (Date.now() > deadline) throw new Error('cases did not reach the back office in 120 s');
        await sleep(50);
      }
      const reviewer = await TestReviewer.login(base, 'bench.reviewer', PASSWORD);
      const queue = ((await (await reviewer.fetch(SYNC_ROUTES.reviewQueue)).json()) as { tasks: QueueItem[] }).tasks;
      const taskOf = new Map(queue.map((t) => [t.caseId, t.taskId]));

      const propagation: number[] = [];
      const request: number[] = [];
      for (const id of ids) {
        await sleep(200); // the window's long-poll is waiting again, as between real clicks
        const t0 = performance.now();
        const response = await reviewer.decide(taskOf.get(id)!, { decision: 'approve' });
        request.push(performance.now() - t0);
        if (response.status !== 200) throw new Error(`decision failed: ${response.status} ${await response.text()}`);
        while (!['approved', 'certificate-ready'].includes(statusOf.get(id) as string)) {
          if (performance.now() - t0 > 30_000) throw new Error('decision did not reach the window in 30 s');
          await sleep(2);
        }
        propagation.push(performance.now() - t0);
      }
      propagation.sort((a, b) => a - b);
      request.sort((a, b) => a - b);
      const p95 = pct(propagation, 95);
      const met = p95 < GOAL_MS;
      console.log(
        `decision-latency: decisions=${CASES} click_to_window_p50_ms=${pct(propagation, 50).toFixed(0)} p95_ms=${p95.toFixed(0)} max_ms=${propagation[propagation.length - 1]!.toFixed(0)} ` +
          `decision_request_p50_ms=${pct(request, 50).toFixed(0)} decision_request_p95_ms=${pct(request, 95).toFixed(0)} ` +
          `limits[http_posts_per_s=${limits.loopbackPostsPerSec.toFixed(0)} sqlite_commits_per_s=${limits.sqliteCommitsPerSec.toFixed(0)} sha256_MB_per_s=${limits.sha256MBps.toFixed(0)}] ` +
          `goal=p95<${GOAL_MS}ms (${met ? 'met' : 'NOT met'})`,
      );
    } finally {
      await ws.close();
    }
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
    }
    dir.remove();
  }
}

await main();
