/**
 * The workstation's sync engine: the window keeps working through any outage, and every case
 * reaches the district back office exactly once. Public surface: createSyncEngine(deps).
 *
 * Three loops run between start() and stop():
 *  - push:   drains the outbox (push.ts), sleeping until the next entry is due or poke();
 *  - pull:   long-polls the change feed and applies it (pull.ts, apply.ts);
 *  - health: while the back office is unreachable, probes GET /healthz with jittered back-off;
 *            when it answers, waiting entries are released and the other loops woken.
 * "Online" is what the back office answered, never the operating system's network flag.
 * Protocol: docs/SYNC.md ("The workstation side" for this part).
 */
import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import { ulid } from 'ulid';
import { caseNumberSequences, cases, outbox } from '../../db/schema';
import type { WorkstationDb } from '../database';
import { enrolResponseSchema, normalizeEnrolmentCode, SYNC_ROUTES } from '../../shared/sync';
import { fullJitterDelay, interruptibleSleep } from './backoff';
import type { Runtime, SyncContext } from './context';
import { messageOf } from './context';
import { BackofficeError, createBackofficeClient, type BackofficeClient } from './http';
import { clearBackoff, counts, nextDueAt, toView, type OutboxRow } from './outbox';
import { pullPage } from './pull';
import { pushRound, type RoundResult } from './push';
import type { OutboxPayload } from './payload';
import { readCursor, readState, STATE_KEYS, writeState, type EnrolledDevice } from './state';
import { createUploader, sha256Hex } from './uploader';
import type { DeadLetter, DeviceCredentials, Publication, SyncEngine, SyncEngineDeps, SyncStatus, SyncTuning } from './types';

export type * from './types';
export { createCredentialFile } from './credential-file';
export { materialsFromChecklist } from './materials';

type Loop = 'push' | 'pull' | 'health';

export const DEFAULT_TUNING: SyncTuning = {
  maxBatch: 100,
  backoffBaseMs: 1_000,
  backoffCapMs: 60_000,
  probeCapMs: 10_000,
  longPollSeconds: 25,
  requestTimeoutMs: 30_000,
  chunkBytes: 1024 * 1024,
  uploadConcurrency: 4,
  idlePollMs: 2_000,
};

/** Raises the local per-prefix case-number sequences to at least the back office's (never lowers them). */
export function seedCaseNumbers(tx: WorkstationDb, numbers: { prefix: string; lastValue: number }[]): void {
  for (const n of numbers) {
    tx.insert(caseNumberSequences)
      .values({ prefix: n.prefix, lastValue: n.lastValue })
      .onConflictDoUpdate({ target: caseNumberSequences.prefix, set: { lastValue: sql`max(${caseNumberSequences.lastValue}, excluded.last_value)` } })
      .run();
  }
}

export function createSyncEngine(deps: SyncEngineDeps): SyncEngine {
  const tuning: SyncTuning = { ...DEFAULT_TUNING, ...deps.tuning };
  const db = deps.db;
  const now = deps.now;
  const random = deps.random ?? Math.random;
  const runtime: Runtime = { online: false, authProblem: null, lastError: null, maxBatch: tuning.maxBatch };
  let cached: DeviceCredentials | null | undefined;
  let lastStatusJson = '';

  // Recreated by every start(): aborting it ends every request and sleep of that run.
  let run: { abort: AbortController; loops: Promise<void>[]; wakers: Map<Loop, Set<() => void>> } | undefined;
  let idleAbort = new AbortController();
  const signal = () => run?.abort.signal ?? idleAbort.signal;
  let client: BackofficeClient = makeClient(signal());
  let uploader = createUploader(client, deps.blobs, { chunkBytes: tuning.chunkBytes });

  function makeClient(s: AbortSignal): BackofficeClient {
    return createBackofficeClient({ baseUrl: deps.baseUrl, fetch: deps.fetch ?? fetch, signal: s, timeoutMs: tuning.requestTimeoutMs });
  }

  const ctx: SyncContext = {
    db,
    deps,
    get client() {
      return client;
    },
    get uploader() {
      return uploader;
    },
    tuning,
    runtime,
    now,
    random,
    device: deps.deviceLabel ?? 'sync',
    async credentials() {
      if (cached === undefined) {
        try {
          cached = await deps.credentials.load();
        } catch (error) {
          runtime.lastError = `无法读取本设备的登记凭证：${(error as Error).message}`;
          return null;
        }
      }
      return cached;
    },
    succeeded() {
      const wasOffline = !runtime.online;
      runtime.online = true;
      runtime.lastError = null;
      probeAttempt = 0;
      lastSuccessAt = now().toISOString();
      // Persisted at most every few seconds: a durable commit per request would be waste.
      if (Date.parse(lastSuccessAt) - lastPersistedAt > 5_000) {
        lastPersistedAt = Date.parse(lastSuccessAt);
        writeState(db, STATE_KEYS.lastSuccessAt, lastSuccessAt, lastSuccessAt);
      }
      if (wasOffline) {
        clearBackoff(db);
        wake('push', 'pull');
      }
      ctx.emitStatus();
    },
    failed(error) {
      runtime.lastError = messageOf(error);
      if (error instanceof BackofficeError) {
        if (error.kind === 'offline') runtime.online = false;
        if (error.kind === 'auth') runtime.authProblem = error.message;
        if (error.status !== undefined && error.kind !== 'offline') runtime.online = true;
      }
      if (!runtime.online) wake('health'); // start probing
      ctx.emitStatus();
    },
    sleep: (ms) => interruptibleSleep(ms, signal()).promise,
    stopping: () => signal().aborted,
    emitStatus() {
      const status = engine.status();
      const json = JSON.stringify(status);
      if (json === lastStatusJson) return;
      lastStatusJson = json;
      safeEmit({ type: 'sync.status', status });
    },
  };
  let probeAttempt = 0;
  let lastSuccessAt: string | null = null;
  let lastPersistedAt = 0;

  function safeEmit(event: Parameters<SyncEngineDeps['onEvent']>[0]) {
    try {
      deps.onEvent(event);
    } catch {
      // A listener's failure must not stop the sync.
    }
  }

  function wake(...loops: Loop[]) {
    for (const loop of loops) run?.wakers.get(loop)?.forEach((w) => w());
  }

  /** Sleeps up to ms; the loop's wake-ups (poke, recovery, going offline) and stop() cut it short. */
  async function nap(loop: Loop, ms: number) {
    if (!run) return;
    const sleep = interruptibleSleep(ms, run.abort.signal);
    const set = run.wakers.get(loop)!;
    set.add(sleep.wake);
    try {
      await sleep.promise;
    } finally {
      set.delete(sleep.wake);
    }
  }

  function reportRound(round: RoundResult) {
    for (const caseId of new Set(round.changedCases)) safeEmit({ type: 'case.changed', caseId });
    for (const d of round.dead) safeEmit({ type: 'sync.dead', ...d });
    if (round.failure) ctx.failed(round.failure);
    else ctx.emitStatus();
  }

  async function pushLoop(s: AbortSignal) {
    let failures = 0;
    while (!s.aborted) {
      if (runtime.authProblem || !(await ctx.credentials())) {
        await nap('push', tuning.idlePollMs * 5);
        continue;
      }
      let round: RoundResult;
      try {
        round = await pushRound(ctx);
      } catch (error) {
        // A bug or a local database problem: say so, wait, try again.
        round = { taken: 0, settled: 0, changedCases: [], dead: [], failure: error };
      }
      if (s.aborted) break;
      reportRound(round);
      if (round.failure) {
        failures++;
        await nap('push', Math.max(fullJitterDelay(failures, tuning.backoffBaseMs, tuning.backoffCapMs, random), untilDue()));
        continue;
      }
      failures = 0;
      if (round.taken > 0) continue; // more may be due at once
      // Nothing taken although an entry is due: it waits behind a dead entry of its case. Without
      // a real sleep here the loop would spin on resolved promises and starve the event loop.
      await nap('push', untilDue() || tuning.idlePollMs);
    }
  }

  /** Milliseconds until the earliest pending entry is due, capped by the idle poll. */
  function untilDue(): number {
    const due = nextDueAt(db);
    if (due === null) return tuning.idlePollMs;
    if (due === '') return 0;
    return Math.min(tuning.idlePollMs, Math.max(0, new Date(due).getTime() - now().getTime()));
  }

  async function pullLoop(s: AbortSignal) {
    let failures = 0;
    let hasMore = false;
    while (!s.aborted) {
      if (runtime.authProblem || !(await ctx.credentials())) {
        await nap('pull', tuning.idlePollMs * 5);
        continue;
      }
      try {
        const page = await pullPage(ctx, hasMore ? 0 : tuning.longPollSeconds);
        hasMore = page.hasMore;
        failures = 0;
        for (const caseId of page.changedCases) safeEmit({ type: 'case.changed', caseId });
        for (const p of page.publications) safeEmit({ type: p.type, event: p });
      } catch (error) {
        if (s.aborted) break;
        ctx.failed(error);
        failures++;
        hasMore = false;
        await nap('pull', fullJitterDelay(failures, tuning.backoffBaseMs, tuning.backoffCapMs, random));
      }
    }
  }

  async function healthLoop(s: AbortSignal) {
    // One probe at start so the UI knows at once, then only while offline.
    let first = true;
    while (!s.aborted) {
      if (runtime.online && !first) {
        await nap('health', tuning.idlePollMs * 15);
        continue;
      }
      if (!first) await nap('health', fullJitterDelay(probeAttempt++, 500, tuning.probeCapMs, random));
      first = false;
      if (s.aborted) break;
      if (runtime.online) continue;
      try {
        await client.call(SYNC_ROUTES.health, { timeoutMs: Math.min(5_000, tuning.requestTimeoutMs) });
        ctx.succeeded();
      } catch (error) {
        if (s.aborted) break;
        runtime.online = false;
        if (!runtime.lastError) runtime.lastError = messageOf(error);
        ctx.emitStatus();
      }
    }
  }

  function stuckReason(): string | null {
    const row = db
      .select({ lastError: outbox.lastError })
      .from(outbox)
      .where(and(eq(outbox.status, 'pending'), isNotNull(outbox.lastError)))
      .orderBy(asc(sql`rowid`))
      .limit(1)
      .get();
    return row?.lastError ?? null;
  }

  function deadLetters(): DeadLetter[] {
    const rows = db
      .select({ o: outbox, caseNo: cases.caseNo, applicantName: cases.applicantName, itemName: cases.itemName })
      .from(outbox)
      .leftJoin(cases, eq(cases.id, outbox.caseId))
      .where(eq(outbox.status, 'dead'))
      .orderBy(asc(sql`${outbox}.rowid`))
      .all();
    return rows.map((r) => ({
        ...toView(r.o),
        caseId: r.o.caseId,
        caseNo: r.caseNo,
        applicantName: r.applicantName,
        itemName: r.itemName,
        payload: JSON.parse(r.o.payload) as unknown,
      }));
  }

  const engine: SyncEngine = {
    async enrol(code, deviceName) {
      const response = await client.call(SYNC_ROUTES.enrolWithCaseNumbers, {
        method: 'POST',
        body: { code: normalizeEnrolmentCode(code), deviceName },
      });
      const enrolled = enrolResponseSchema.parse(response.body);
      const credentials = { deviceId: enrolled.deviceId, deviceSecret: enrolled.deviceSecret };
      await deps.credentials.save(credentials);
      cached = credentials;
      const at = now().toISOString();
      const device: EnrolledDevice = {
        deviceId: enrolled.deviceId,
        centerCode: enrolled.centerCode,
        windowNo: enrolled.windowNo,
        ...(enrolled.label ? { label: enrolled.label } : {}),
        enrolledAt: at,
        baseUrl: deps.baseUrl,
      };
      db.transaction((tx) => {
        writeState(tx, STATE_KEYS.device, device, at);
        // A new device has its own feed; starting over is safe, applying is idempotent.
        writeState(tx, STATE_KEYS.cursor, 0, at);
        // A reinstalled window continues after the case numbers the back office already holds.
        seedCaseNumbers(tx, enrolled.caseNumbers ?? []);
      });
      runtime.authProblem = null;
      ctx.succeeded();
      wake('push', 'pull');
      return { deviceId: device.deviceId, centerCode: device.centerCode, windowNo: device.windowNo, ...(device.label ? { label: device.label } : {}) };
    },

    start() {
      if (run) return;
      const abort = new AbortController();
      run = { abort, loops: [], wakers: new Map([['push', new Set()], ['pull', new Set()], ['health', new Set()]]) };
      client = makeClient(abort.signal);
      uploader = createUploader(client, deps.blobs, { chunkBytes: tuning.chunkBytes });
      run.loops = [pushLoop(abort.signal), pullLoop(abort.signal), healthLoop(abort.signal)];
      ctx.emitStatus();
    },

    async stop() {
      const current = run;
      if (!current) return;
      current.abort.abort();
      await Promise.allSettled(current.loops);
      run = undefined;
      if (lastSuccessAt) writeState(db, STATE_KEYS.lastSuccessAt, lastSuccessAt, now().toISOString());
      idleAbort = new AbortController();
      client = makeClient(idleAbort.signal);
      uploader = createUploader(client, deps.blobs, { chunkBytes: tuning.chunkBytes });
      ctx.emitStatus();
    },

    poke() {
      wake('push');
    },

    status(): SyncStatus {
      const c = counts(db);
      const device = readState<EnrolledDevice>(db, STATE_KEYS.device);
      return {
        online: runtime.online,
        enrolled: Boolean(cached ?? device),
        deviceId: cached?.deviceId ?? device?.deviceId ?? null,
        authProblem: runtime.authProblem,
        running: run !== undefined,
        backlog: c.backlog,
        oldestPendingAt: c.oldestPendingAt,
        lastSuccessAt: lastSuccessAt ?? readState<string>(db, STATE_KEYS.lastSuccessAt),
        dead: c.dead,
        // Without a global problem, the oldest entry that keeps failing says what is wrong.
        lastError: runtime.lastError ?? stuckReason(),
        cursor: readCursor(db),
      };
    },

    caseSyncState(caseId) {
      const rows: OutboxRow[] = db.select().from(outbox).where(eq(outbox.caseId, caseId)).all();
      const open = rows.find((r) => r.status === 'dead') ?? rows.find((r) => r.status === 'pending');
      const state = !rows.length ? 'none' : open ? (open.status as 'dead' | 'pending') : 'submitted';
      return {
        caseId,
        state,
        attempts: open?.attempts ?? 0,
        nextAttemptAt: open?.nextAttemptAt ?? null,
        lastError: open?.lastError ?? null,
        entries: rows.map(toView),
      };
    },

    retryDead(outboxId) {
      const at = now().toISOString();
      const changed = db.transaction((tx) => {
        const row = tx.select().from(outbox).where(eq(outbox.id, outboxId)).get();
        if (!row) throw new Error(`待上报记录 ${outboxId} 不存在`);
        if (row.status !== 'dead') throw new Error('只有上报失败（已搁置）的记录可以重新上报');
        const stored = JSON.parse(row.payload) as OutboxPayload;
        const meta = stored._sync ?? {};
        const current = meta.mutationId ?? row.id;
        // The back office remembers a refused mutation id forever: a retry needs a new one.
        // A refused mutation was never applied, so the new id cannot apply anything twice.
        const refused = (meta.refusals ?? []).some((r) => r.mutationId === current);
        stored._sync = { ...meta, ...(refused ? { mutationId: ulid(now().getTime()) } : {}) };
        tx.update(outbox)
          .set({ status: 'pending', payload: JSON.stringify(stored), attempts: 0, nextAttemptAt: null, lastError: null, updatedAt: at })
          .where(eq(outbox.id, outboxId))
          .run();
        return row.caseId;
      });
      if (changed) safeEmit({ type: 'case.changed', caseId: changed });
      ctx.emitStatus();
      wake('push');
    },

    exportDead() {
      return deadLetters();
    },

    async fetchBlob(sha256) {
      const credentials = await ctx.credentials();
      if (!credentials) throw new BackofficeError('auth', '本设备尚未登记，无法下载文件');
      const response = await client.call(SYNC_ROUTES.blob(sha256), { credentials, raw: true });
      const bytes = response.raw ?? new Uint8Array();
      if (sha256Hex(bytes) !== sha256) throw new BackofficeError('transient', '下载的文件校验失败（SHA-256 不符），请重试');
      return bytes;
    },

    latestPublication(type) {
      return readState<Publication>(db, STATE_KEYS.publication(type));
    },

    async syncOnce() {
      const round = await pushRound(ctx);
      reportRound(round);
      let pulled = 0;
      try {
        const page = await pullPage(ctx, 0);
        pulled = page.applied;
        for (const caseId of page.changedCases) safeEmit({ type: 'case.changed', caseId });
        for (const p of page.publications) safeEmit({ type: p.type, event: p });
      } catch (error) {
        ctx.failed(error);
      }
      return { pushed: round.settled, pulled };
    },
  };
  return engine;
}
