/**
 * Benchmark: the outage is over — how long until the outbox is empty? 1,000 cases were
 * accepted while the back office was unreachable, each with three 200 KB scanned pages (600 MB
 * of scans). The back office runs as its own process (embedded PGlite, as in the training
 * configuration); the workstation core and its sync engine run here, on a real SQLite file.
 * The machine's own limits are measured in the same run (bench/limits.ts) and the drain is
 * set against the floor they imply.
 *
 *   npx tsx bench/sync-drain.ts
 *   SYNC_DRAIN_CASES=200 SYNC_DRAIN_PAGE_KB=200 npx tsx bench/sync-drain.ts
 *   SYNC_DRAIN_CONCURRENCY=8 SYNC_DRAIN_BATCH=50 npx tsx bench/sync-drain.ts   (engine tuning to try)
 *   DATABASE_URL=postgres://… npx tsx bench/sync-drain.ts   (the back office on PostgreSQL; use a scratch database)
 *
 * by_kind gives the requests of each kind and their mean time (HEAD/PUT of blobs, pushes);
 * cpu_s says which side the drain waits on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSyncEngine, type CaseMaterial } from '../electron/sync';
import { backofficeAdmin, backofficeProcess, freePort } from '../tests/chaos/processes';
import { acceptCase, memoryCredentials, pageBytes, sha256Hex } from '../tests/chaos/sync-fixture';
import { PERSONAL_ITEM, writeCatalogFixture } from '../tests/helpers/catalog-fixture';
import { openTestWorkstation, signInAdmin, tempDir } from '../tests/helpers/workstation';
import { measureLimits } from './limits';

const CASES = Number(process.env.SYNC_DRAIN_CASES ?? 1000);
const PAGE_BYTES = Number(process.env.SYNC_DRAIN_PAGE_KB ?? 200) * 1024;
const PAGES_PER_CASE = 3;
const GOAL_SECONDS = 300;
/** Engine tuning to try (defaults: DEFAULT_TUNING in electron/sync). */
const TUNING = {
  ...(process.env.SYNC_DRAIN_CONCURRENCY ? { uploadConcurrency: Number(process.env.SYNC_DRAIN_CONCURRENCY) } : {}),
  ...(process.env.SYNC_DRAIN_BATCH ? { maxBatch: Number(process.env.SYNC_DRAIN_BATCH) } : {}),
};

/** CPU seconds a process has used (Linux /proc; NaN elsewhere): says which side the drain waits on. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime in clock ticks (USER_HZ = 100)
  } catch {
    return Number.NaN;
  }
}

async function main() {
  const limits = await measureLimits();
  const dir = tempDir('onewindow-bench-drain-');
  const boData = join(dir.path, 'backoffice');
  const port = await freePort();
  const backoffice = backofficeProcess(boData, port);
  try {
    const code = (await backofficeAdmin(boData, ['enrol-code', '--center', '32011300', '--window', '01'])).trim();
    const ws = await openTestWorkstation(join(dir.path, 'workstation'), { catalogDir: writeCatalogFixture(join(dir.path, 'catalog')) });
    const session = await signInAdmin(ws);

    // Pages are regenerated from their seed when read (AES-CTR, ~1 GB/s): 600 MB never sits in memory.
    const seeds = new Map<string, string>();
    const pagesOf = new Map<string, string[]>();
    const acceptStart = performance.now();
    for (let i = 0; i < CASES; i++) {
      const { id } = await acceptCase(ws, session, i);
      const shas = Array.from({ length: PAGES_PER_CASE }, (_, p) => {
        const seed = `${id}/${p}`;
        const sha = sha256Hex(pageBytes(seed, PAGE_BYTES));
        seeds.set(sha, seed);
        return sha;
      });
      pagesOf.set(id, shas);
    }
    const acceptMs = (performance.now() - acceptStart) / CASES;

    // Every request counted and timed by kind (the long-poll of the feed is counted, not timed).
    let requests = 0;
    const byKind = new Map<string, { n: number; ms: number }>();
    const kindOf = (url: string, method: string) =>
      url.includes('/v1/blobs/') ? `${method.toLowerCase()}_blob` : url.includes('/v1/push') ? 'push' : url.includes('/v1/changes') ? 'changes' : 'other';
    const counting: typeof fetch = async (input, init) => {
      requests++;
      const kind = kindOf(String(input instanceof Request ? input.url : input), init?.method ?? 'GET');
      const entry = byKind.get(kind) ?? { n: 0, ms: 0 };
      byKind.set(kind, entry);
      entry.n++;
      const t0 = performance.now();
      try {
        return await fetch(input, init);
      } finally {
        if (kind !== 'changes') entry.ms += performance.now() - t0;
      }
    };
    const [first, second, third] = PERSONAL_ITEM.materials;

    // The outage ends: the back office comes up, the workstation enrols and drains.
    await backoffice.start();
    const drainer = createSyncEngine({
      db: ws.database.db,
      baseUrl: `http://127.0.0.1:${port}`,
      credentials: memoryCredentials(),
      blobs: { read: async (sha) => pageBytes(seeds.get(sha)!, PAGE_BYTES) },
      materialsForCase: (id): CaseMaterial[] =>
        [first, second, third].map((m, i) => ({ materialId: m.id, name: m.name, status: 'received', blobs: [pagesOf.get(id)![i]] })),
      approvalFor: (c, v) => ws.catalog.get(c, v).approval,
      now: () => new Date(),
      fetch: counting,
      onEvent: () => undefined,
      tuning: TUNING,
    });
    await drainer.enrol(code, 'bench-pc');
    requests = 0;
    byKind.clear();
    const boCpuBefore = cpuSeconds(backoffice.pid);
    const ownCpuBefore = process.cpuUsage();
    const start = performance.now();
    drainer.start();
    while (drainer.status().backlog > 0) await new Promise((r) => setTimeout(r, 50));
    const drainSeconds = (performance.now() - start) / 1000;
    const boCpu = cpuSeconds(backoffice.pid) - boCpuBefore;
    const ownCpu = process.cpuUsage(ownCpuBefore);
    const wsCpu = (ownCpu.user + ownCpu.system) / 1e6;
    const receivedBy = performance.now();
    while ((ws.database.sqlite.prepare("select count(*) from cases where status = 'in-review'").pluck().get() as number) < CASES) {
      await new Promise((r) => setTimeout(r, 50));
      if (performance.now() - receivedBy > 120_000) break;
    }
    const feedSeconds = (performance.now() - start) / 1000;
    const status = drainer.status();
    await drainer.stop();
    ws.close();

    const megabytes = (CASES * PAGES_PER_CASE * PAGE_BYTES) / 1e6;
    // What the machine allows at best: every page needs one PUT (a page fits in one chunk, so
    // no HEAD), each page is hashed on both sides, every page and every case is one durable
    // commit on the back office.
    const floorHttp = (CASES * PAGES_PER_CASE + Math.ceil(CASES / 100)) / limits.loopbackPostsPerSec;
    const floorHash = (2 * megabytes) / limits.sha256MBps;
    const floorCommits = (CASES * PAGES_PER_CASE + CASES) / limits.sqliteCommitsPerSec;
    const floor = Math.max(floorHttp, floorHash, floorCommits);
    const met = drainSeconds <= GOAL_SECONDS && status.dead === 0;
    console.log(
      `sync-drain: cases=${CASES} pages=${CASES * PAGES_PER_CASE} MB=${megabytes.toFixed(0)} drain_s=${drainSeconds.toFixed(1)} ` +
        `cases_per_s=${(CASES / drainSeconds).toFixed(1)} MB_per_s=${(megabytes / drainSeconds).toFixed(1)} requests=${requests} req_per_s=${(requests / drainSeconds).toFixed(0)} ` +
        `by_kind[${[...byKind].map(([k, v]) => `${k}=${v.n}${k === 'changes' ? '' : `/${(v.ms / Math.max(1, v.n)).toFixed(1)}ms`}`).join(' ')}] ` +
        `cpu_s[backoffice=${boCpu.toFixed(1)} workstation=${wsCpu.toFixed(1)}] feed_applied_s=${feedSeconds.toFixed(1)} dead=${status.dead} accept_ms_per_case=${acceptMs.toFixed(1)} ` +
        `limits[http_posts_per_s=${limits.loopbackPostsPerSec.toFixed(0)} sqlite_commits_per_s=${limits.sqliteCommitsPerSec.toFixed(0)} sha256_MB_per_s=${limits.sha256MBps.toFixed(0)} aes256gcm_MB_per_s=${limits.aesGcmMBps.toFixed(0)}] ` +
        `floor_s=${floor.toFixed(1)} (http ${floorHttp.toFixed(1)}, hash ${floorHash.toFixed(1)}, commits ${floorCommits.toFixed(1)}) x_floor=${(drainSeconds / floor).toFixed(1)} ` +
        `goal=drain<=${GOAL_SECONDS}s,dead=0 (${met ? 'met' : 'NOT met'})`,
    );
  } finally {
    await backoffice.stop().catch(() => undefined);
    dir.remove();
  }
}

await main();
