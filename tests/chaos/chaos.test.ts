/**
 * Chaos: a real back-office process, a real workstation core in a child process, and a
 * fault-injecting TCP proxy between them (all on 127.0.0.1). While the workstation accepts
 * CHAOS_CASES cases (default 500) with scanned pages, the network misbehaves (drops, delays,
 * resets mid-upload, half-open connections, 500/503 answers, lost answers after the server
 * acted), the network is cut, the back office is killed -9 and restarted mid-push, and the
 * workstation is killed -9 mid-sync and restarted. A reviewer approves every case.
 *
 * Afterwards both databases and the blob store are read directly and every case must be in the
 * back office exactly once with every page intact, every decision must have come back, and no
 * outbox entry may be pending, dead or missing.
 *
 *   npx vitest run --config vitest.chaos.config.ts
 */
import { openRawDatabase } from '../../electron/database';
import { eq } from 'drizzle-orm';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase as openBackofficeDatabase } from '../../backoffice/db/connect';
import { blobs as boBlobs, cases as boCases, changes as boChanges } from '../../backoffice/db/schema';
import { TestReviewer } from '../../backoffice/testing';
import { SYNC_ROUTES } from '../../shared/sync';
import { writeCatalogFixture } from '../helpers/catalog-fixture';
import { tempDir } from '../helpers/workstation';
import { startChaosProxy, type Fault, type RequestInfo } from './proxy';
import { backofficeAdmin, backofficeProcess, freePort, workstationProcess, type WorkstationProcess } from './processes';
import { casePages, sha256Hex, waitFor, type PagePlan } from './sync-fixture';

const CASES = Number(process.env.CHAOS_CASES ?? 500);
const SEED = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
const REVIEWER_PASSWORD = 'Qixia#2025review';
const PLAN: PagePlan = {
  // 2–14 KB per page, different per page, one page per material plus the shared notice page.
  pageSize: { min: 2048, max: 14_336 },
  pages: 1,
  shared: true,
};

/** mulberry32: a small seeded generator, so a failing run can be replayed with CHAOS_SEED. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = seeded(SEED);
const pick = (table: [Fault, number][]): Fault => {
  let r = random();
  for (const [fault, p] of table) {
    if (r < p) return fault;
    r -= p;
  }
  return 'pass';
};

/** The storm: what may happen to each kind of request while faults are on. */
let pushes = 0;
function stormy(r: RequestInfo): Fault {
  if (r.path.startsWith('/healthz') || r.path.startsWith('/v1/devices')) return 'pass';
  if (r.method === 'POST' && r.path === SYNC_ROUTES.push) {
    // Batches are few: make sure some answers are lost after the server applied them.
    pushes++;
    if (pushes % 4 === 2) return 'drop-response';
    if (pushes % 8 === 3) return 'error-500-after';
  }
  if (r.method === 'PUT') return pick([['reset', 0.05], ['error-503', 0.02], ['delay', 0.02], ['drop-response', 0.02]]);
  if (r.method === 'POST') return pick([['drop-response', 0.08], ['error-500-after', 0.04], ['error-503', 0.03], ['reset', 0.02], ['delay', 0.03]]);
  if (r.method === 'HEAD') return pick([['error-503', 0.02], ['delay', 0.01]]);
  return pick([['drop-response', 0.03], ['error-503', 0.02]]);
}

const dir = tempDir('onewindow-chaos-');
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  if (!process.env.CHAOS_KEEP) dir.remove();
});

const log: string[] = [];
const note = (line: string) => {
  log.push(`${new Date().toISOString()} ${line}`);
  if (process.env.CHAOS_VERBOSE) process.stderr.write(line + '\n');
};

describe('sync under chaos', () => {
  it(`delivers ${CASES} cases exactly once and brings every decision back`, async () => {
    const started = Date.now();
    const boData = join(dir.path, 'backoffice');
    const wsData = join(dir.path, 'workstation');
    mkdirSync(boData, { recursive: true });
    const catalogDir = writeCatalogFixture(join(dir.path, 'catalog'));
    const faults: Record<string, number> = {};
    const count = (what: string) => (faults[what] = (faults[what] ?? 0) + 1);

    // Back office: enrolment code and reviewer first (PGlite is single-process), then serve.
    const enrolCode = (await backofficeAdmin(boData, ['enrol-code', '--center', '32011300', '--window', '07'])).trim();
    await backofficeAdmin(boData, ['add-reviewer', '--username', 'mz.chen', '--department', 'MZ', '--display-name', '陈审批'], {
      ONEWINDOW_REVIEWER_PASSWORD: REVIEWER_PASSWORD,
    });
    const port = await freePort();
    const backoffice = backofficeProcess(boData, port, note);
    await backoffice.start();
    cleanups.push(() => backoffice.stop());
    const direct = `http://127.0.0.1:${port}`;

    let storm = false;
    const proxy = await startChaosProxy({ targetPort: port, decide: (r) => (storm ? stormy(r) : 'pass'), delayMs: 800, random });
    cleanups.push(() => proxy.close());

    const workstation: WorkstationProcess = workstationProcess(
      {
        dataDir: wsData,
        catalogDir,
        blobDir: join(wsData, 'scans'),
        baseUrl: proxy.url,
        enrolCode,
        windowNo: '07',
        cases: CASES,
        acceptEveryMs: 40,
        password: 'Counter2026pass',
        plan: PLAN,
        tuning: { backoffBaseMs: 100, backoffCapMs: 2_000, probeCapMs: 800, longPollSeconds: 5, requestTimeoutMs: 4_000, idlePollMs: 300, chunkBytes: 4096, uploadConcurrency: 4 },
      },
      note,
    );
    await workstation.start();
    cleanups.push(() => workstation.stop());
    const status = () => workstation.last;
    const accepted = () => status()?.accepted ?? 0;

    // The reviewer works the queue directly (not through the proxy) and approves everything.
    let reviewing = true;
    let approvals = 0;
    const reviewer = (async () => {
      let session: TestReviewer | undefined;
      while (reviewing) {
        try {
          session ??= await TestReviewer.login(direct, 'mz.chen', REVIEWER_PASSWORD);
          const queue = (await (await session.fetch(SYNC_ROUTES.reviewQueue)).json()) as { tasks: { taskId: string }[] };
          for (const task of queue.tasks) {
            const response = await session.decide(task.taskId, { decision: 'approve' });
            if (response.ok) approvals++;
          }
        } catch {
          // The back office is down for a moment: try again.
        }
        await new Promise((r) => setTimeout(r, 300));
      }
    })();
    cleanups.push(async () => {
      reviewing = false;
      await reviewer;
    });

    const untilAccepted = (n: number) => waitFor(`${n} accepted cases`, () => accepted() >= Math.min(n, CASES), 120_000, 50);
    const whileBacklog = () => waitFor('a backlog to exist', () => (status()?.backlog ?? 0) > 0 || accepted() >= CASES, 20_000, 10);
    const cut = async (mode: 'refuse' | 'blackhole', ms: number) => {
      count(mode === 'refuse' ? 'network-cut' : 'half-open-all');
      note(`network ${mode} for ${ms} ms`);
      proxy.setMode(mode);
      await new Promise((r) => setTimeout(r, ms));
      proxy.setMode('normal');
    };
    const killBackoffice = async (downMs: number) => {
      await whileBacklog();
      count('backoffice-kill-9');
      note(`kill -9 back office at ${accepted()} accepted, backlog ${status()?.backlog}`);
      await backoffice.kill();
      await new Promise((r) => setTimeout(r, downMs));
      await backoffice.start();
    };
    const killWorkstation = async () => {
      await whileBacklog();
      count('workstation-kill-9');
      note(`kill -9 workstation at ${accepted()} accepted, backlog ${status()?.backlog}`);
      await workstation.kill();
      await workstation.start();
    };

    // The script of the outage.
    await cut('refuse', 3_000); // accepting with the back office unreachable
    storm = true;
    proxy.setHoldOpenRate(0.01);
    await untilAccepted(CASES * 0.24);
    await killBackoffice(2_000);
    await untilAccepted(CASES * 0.44);
    await cut('blackhole', 3_000);
    await untilAccepted(CASES * 0.6);
    await killWorkstation();
    await untilAccepted(CASES * 0.8);
    await killBackoffice(1_500);
    await untilAccepted(CASES * 0.9);
    await killWorkstation();
    await untilAccepted(CASES);
    await cut('refuse', 2_000);
    // Keep the storm up until the backlog has drained through it, and a little longer for the decisions.
    await waitFor('the backlog to drain under the storm', () => status()?.backlog === 0, 150_000, 100).catch((error) => {
      throw new Error(`${(error as Error).message}: last status ${JSON.stringify(status())}\n${log.slice(-30).join('\n')}`);
    });
    await new Promise((r) => setTimeout(r, 5_000));
    storm = false;
    proxy.setHoldOpenRate(0);
    note('storm over; waiting for the drain and the decisions');

    await waitFor(
      'every case delivered and decided',
      () => {
        const s = status();
        return s && s.accepted === CASES && s.backlog === 0 && (s.byStatus['certificate-ready'] ?? 0) === CASES;
      },
      150_000,
      250,
    ).catch((error) => {
      throw new Error(`${(error as Error).message}: last status ${JSON.stringify(status())}\n${log.slice(-30).join('\n')}`);
    });
    reviewing = false;
    await reviewer;
    await workstation.stop();
    await backoffice.stop();
    await proxy.close();

    // ---- Read the truth from both sides.
    const local = openRawDatabase(wsData, { readonly: true }); // encrypted at rest: opened with its key
    const localCases = local.prepare('select id, case_no as caseNo, status from cases').all() as { id: string; caseNo: string; status: string }[];
    const outboxRows = local.prepare('select case_id as caseId, kind, status from outbox').all() as { caseId: string; kind: string; status: string }[];
    const submittedEvents = local.prepare("select case_id as caseId, count(*) as n from case_events where type = 'submitted' group by case_id").all() as { caseId: string; n: number }[];
    const certificates = local.prepare('select count(*) from case_certificates').pluck().get() as number;
    local.close();

    const remote = await openBackofficeDatabase({ kind: 'pglite', dataDir: join(boData, 'pgdata') });
    const remoteCases = await remote.db.select({ id: boCases.id, caseNo: boCases.caseNo, materials: boCases.materials, status: boCases.status }).from(boCases);
    const storedBlobs = new Map((await remote.db.select({ sha256: boBlobs.sha256, size: boBlobs.size }).from(boBlobs)).map((b) => [b.sha256, b.size]));
    const received = await remote.db.select({ caseId: boChanges.caseId }).from(boChanges).where(eq(boChanges.type, 'case-received'));
    await remote.close();

    const localIds = new Set(localCases.map((c) => c.id));
    const remoteById = new Map(remoteCases.map((c) => [c.id, c]));
    const receivedPerCase = new Map<string, number>();
    for (const r of received) receivedPerCase.set(r.caseId!, (receivedPerCase.get(r.caseId!) ?? 0) + 1);

    const lost = localCases.filter((c) => !remoteById.has(c.id));
    const delivered = localCases.filter((c) => remoteById.get(c.id)?.caseNo === c.caseNo);
    const duplicated =
      remoteCases.filter((c) => !localIds.has(c.id)).length +
      [...receivedPerCase.values()].filter((n) => n > 1).length +
      submittedEvents.filter((e) => e.n > 1).length;

    // Every page of every case is in the blob store, byte for byte.
    const blobDir = join(boData, 'blobs');
    let pagesChecked = 0;
    const damaged: string[] = [];
    for (const c of delivered) {
      const expected = casePages(c.id, PLAN);
      const materials = remoteById.get(c.id)!.materials as { materialId: string; blobs: string[] }[];
      for (const m of expected) {
        const got = materials.find((x) => x.materialId === m.materialId);
        const want = m.pages.map(sha256Hex);
        if (!got || JSON.stringify(got.blobs) !== JSON.stringify(want)) damaged.push(`${c.caseNo}/${m.materialId}`);
        for (const [i, sha] of want.entries()) {
          const bytes = readFileSync(join(blobDir, sha.slice(0, 2), sha.slice(2, 4), sha));
          if (sha256Hex(bytes) !== sha || storedBlobs.get(sha) !== m.pages[i].byteLength) damaged.push(`${c.caseNo}/${m.materialId}/${i}`);
          pagesChecked++;
        }
      }
    }
    const decisionsReturned = localCases.filter((c) => c.status === 'certificate-ready').length;
    const outboxProblems = localCases.filter((c) => outboxRows.filter((o) => o.caseId === c.id && o.kind === 'case.create' && o.status === 'done').length !== 1);

    for (const [fault, n] of Object.entries(proxy.stats())) if (fault !== 'network-cut') faults[fault] = n;
    const faultList = Object.entries(faults)
      .sort()
      .map(([k, v]) => `${k}×${v}`)
      .join(',');
    note(`pages checked ${pagesChecked}, approvals ${approvals}, restarts: back office ${backoffice.starts}, workstation ${workstation.starts}, seed ${SEED}, ${Math.round((Date.now() - started) / 1000)} s`);

    expect(localCases).toHaveLength(CASES);
    expect(lost).toEqual([]);
    expect(damaged).toEqual([]);
    expect(duplicated).toBe(0);
    expect(outboxProblems).toEqual([]);
    expect(outboxRows.filter((o) => o.status !== 'done')).toEqual([]);
    expect(remoteCases.every((c) => c.status === 'approved')).toBe(true);
    expect(decisionsReturned).toBe(CASES);
    expect(certificates).toBe(CASES);
    expect(faults['backoffice-kill-9']).toBe(2);
    expect(faults['workstation-kill-9']).toBe(2);
    expect((faults['drop-response'] ?? 0) + (faults['error-500-after'] ?? 0)).toBeGreaterThan(0);

    if (process.env.CHAOS_VERBOSE) process.stderr.write(log.join('\n') + '\n');
    console.log(
      `chaos: cases=${localCases.length} delivered=${delivered.length} lost=${lost.length} duplicated=${duplicated} decisions_returned=${decisionsReturned} faults=${faultList}`,
    );
  });
});
