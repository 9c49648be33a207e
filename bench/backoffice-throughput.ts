/**
 * Benchmark: push throughput of one back office with 50 workstations pushing at once. The back
 * office runs as its own process (`backoffice/main.ts serve`), on the embedded PGlite and — when
 * TEST_DATABASE_URL points at a PostgreSQL server — on a scratch PostgreSQL database; 50
 * enrolled devices (backoffice/testing.ts TestDevice, real HTTP) each push batches of case.create
 * mutations back to back. Reported: cases applied per second, pushes per second, push latency,
 * the back office's CPU time; against the machine's limits measured in the same run.
 *
 *   npx tsx bench/backoffice-throughput.ts
 *   BO_BENCH_DEVICES=50 BO_BENCH_PUSHES=10 BO_BENCH_BATCH=10 TEST_DATABASE_URL=postgres://… npx tsx bench/backoffice-throughput.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ulid } from 'ulid';
import type { DatabaseConfig } from '../backoffice/db/connect';
import { createBackoffice } from '../backoffice/server';
import { createScratchDatabase, sampleCase, seedPgliteDataDir, TestDevice } from '../backoffice/testing';
import { freePort } from '../tests/chaos/processes';
import { tempDir } from '../tests/helpers/workstation';
import { measureLimits } from './limits';

const DEVICES = Number(process.env.BO_BENCH_DEVICES ?? 50);
const PUSHES = Number(process.env.BO_BENCH_PUSHES ?? 10);
const BATCH = Number(process.env.BO_BENCH_BATCH ?? 10);
const GOAL_CASES_PER_S = 50;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CENTER = '32011300';

function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

async function serve(dataDir: string, port: number, databaseUrl?: string): Promise<ChildProcess> {
  const env = { ...process.env };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
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

interface Run {
  backend: string;
  seconds: number;
  cases: number;
  pushes: number;
  p50: number;
  p95: number;
  max: number;
  cpu: number;
  refused: number;
}

async function run(backend: 'pglite' | 'postgres', serverUrl?: string): Promise<Run> {
  const dir = tempDir(`onewindow-bench-bo-${backend}-`);
  let drop: (() => Promise<void>) | undefined;
  let child: ChildProcess | undefined;
  try {
    let database: DatabaseConfig;
    if (backend === 'postgres') {
      const scratch = await createScratchDatabase(serverUrl!);
      drop = scratch.drop;
      database = { kind: 'postgres', url: scratch.url };
    } else {
      database = { kind: 'pglite', dataDir: join(dir.path, 'pgdata') };
      await seedPgliteDataDir(database.dataDir);
    }
    // Enrolment codes in process first: the embedded database is single-process.
    const setup = await createBackoffice({ database, blobDir: join(dir.path, 'blobs') });
    const codes: string[] = [];
    for (let i = 0; i < DEVICES; i++) codes.push(await setup.admin.createEnrolmentCode({ centerCode: CENTER, windowNo: String(i + 1).padStart(2, '0') }));
    await setup.close();

    const port = await freePort();
    child = await serve(dir.path, port, database.kind === 'postgres' ? database.url : undefined);
    const base = `http://127.0.0.1:${port}`;
    const devices = await Promise.all(codes.map((code, i) => TestDevice.enrol(base, code, `bench-window-${i + 1}`)));
    const batch = (d: TestDevice) =>
      Array.from({ length: BATCH }, () => ({ mutationId: ulid(), kind: 'case.create' as const, payload: sampleCase({ centerCode: CENTER, windowNo: d.credentials.windowNo }) }));
    // Warm-up: one push per device (connections, prepared plans).
    await Promise.all(devices.map((d) => d.push(batch(d))));

    const latencies: number[] = [];
    let refused = 0;
    const cpuBefore = cpuSeconds(child.pid);
    const start = performance.now();
    await Promise.all(
      devices.map(async (d) => {
        for (let p = 0; p < PUSHES; p++) {
          const t0 = performance.now();
          const response = await d.push(batch(d));
          latencies.push(performance.now() - t0);
          refused += response.results.filter((r) => r.status !== 'applied').length;
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    const cpu = cpuSeconds(child.pid) - cpuBefore;
    latencies.sort((a, b) => a - b);
    return { backend, seconds, cases: DEVICES * PUSHES * BATCH, pushes: DEVICES * PUSHES, p50: pct(latencies, 50), p95: pct(latencies, 95), max: latencies[latencies.length - 1]!, cpu, refused };
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
    }
    await drop?.();
    dir.remove();
  }
}

async function main() {
  const limits = await measureLimits();
  const runs = [await run('pglite')];
  if (process.env.TEST_DATABASE_URL) runs.push(await run('postgres', process.env.TEST_DATABASE_URL));
  const parts = runs.map(
    (r) =>
      `${r.backend}[cases_per_s=${(r.cases / r.seconds).toFixed(0)} pushes_per_s=${(r.pushes / r.seconds).toFixed(0)} push_p50_ms=${r.p50.toFixed(0)} push_p95_ms=${r.p95.toFixed(0)} push_max_ms=${r.max.toFixed(0)} ` +
      `cases=${r.cases} s=${r.seconds.toFixed(1)} backoffice_cpu_s=${r.cpu.toFixed(1)} not_applied=${r.refused}]`,
  );
  const worst = Math.min(...runs.map((r) => r.cases / r.seconds));
  const met = worst >= GOAL_CASES_PER_S && runs.every((r) => r.refused === 0);
  console.log(
    `backoffice-throughput: devices=${DEVICES} batch=${BATCH} ${parts.join(' ')}${process.env.TEST_DATABASE_URL ? '' : ' postgres=skipped(TEST_DATABASE_URL unset)'} ` +
      `limits[http_posts_per_s=${limits.loopbackPostsPerSec.toFixed(0)} sqlite_commits_per_s=${limits.sqliteCommitsPerSec.toFixed(0)} sha256_MB_per_s=${limits.sha256MBps.toFixed(0)}] ` +
      `goal=cases_per_s>=${GOAL_CASES_PER_S},all_applied (${met ? 'met' : 'NOT met'})`,
  );
}

await main();
