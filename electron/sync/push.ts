/**
 * One push round: take the next due outbox entries, build their mutations, upload every blob
 * they name, POST /v1/push with the outbox entry id as mutationId, and settle each entry from
 * the server's answer. The server remembers every mutationId, so resending after a lost answer
 * comes back `duplicate` and nothing is applied twice.
 *
 *  applied / duplicate → done, case 'submitted' + timeline entry, one transaction
 *  rejected            → dead with the server's Chinese reason (visible, never deleted)
 *  missing-blobs       → upload them, resend (bounded)
 *  skipped             → resend
 *  offline / 5xx       → attempts + 1, next attempt after full-jitter back-off
 */
import { SYNC_ROUTES, pushResponseSchema, type PushResult } from '../../shared/sync';
import { currentAuditHead, queueAuditEntries, recordWitness } from './audit-ship';
import { fullJitterDelay } from './backoff';
import { messageOf, retryAt, type SyncContext } from './context';
import { BackofficeError } from './http';
import { scheduleRetry, selectBatch, settleDead, settleDone, type OutboxRow } from './outbox';
import { buildMutation, LocalProblem, type BuiltMutation } from './payload';
import type { DeviceCredentials } from './types';

export interface RoundResult {
  /** Entries looked at. */
  taken: number;
  /** Entries settled (done or dead). */
  settled: number;
  /** Cases whose status or timeline changed. */
  changedCases: string[];
  /** Entries that went to the dead letters. */
  dead: { outboxId: string; caseId: string | null; reason: string }[];
  /** The round stopped on a failure that concerns every entry (offline, 5xx, 401). */
  failure?: unknown;
}

interface Item {
  row: OutboxRow;
  m: BuiltMutation;
}

/** Runs fn over items with at most n in flight; stops starting new ones once fn throws. */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let stop = false;
  const worker = async () => {
    while (!stop && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (error) {
        stop = true;
        throw error;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(n, items.length) }, worker));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

export async function pushRound(ctx: SyncContext): Promise<RoundResult> {
  const result: RoundResult = { taken: 0, settled: 0, changedCases: [], dead: [] };
  const credentials = await ctx.credentials();
  if (!credentials || ctx.runtime.authProblem) return result;
  const at = () => ctx.now().toISOString();
  if (ctx.deps.shipAudit) queueAuditEntries(ctx.db, ctx.now());
  const rows = selectBatch(ctx.db, at(), ctx.runtime.maxBatch);
  result.taken = rows.length;
  if (!rows.length) return result;

  const dead = (row: OutboxRow, reason: string, refusal?: { mutationId: string; code?: string }) => {
    settleDead(ctx.db, row, reason, at(), refusal);
    result.settled++;
    result.dead.push({ outboxId: row.id, caseId: row.caseId, reason });
    if (row.caseId) result.changedCases.push(row.caseId);
  };
  const retry = (items: OutboxRow[], error: unknown) => {
    if (ctx.stopping()) return; // an aborted request is not a failed attempt
    const message = messageOf(error);
    ctx.db.transaction((tx) => {
      for (const row of items) scheduleRetry(tx, row, message, at(), retryAt(ctx, row.attempts + 1));
    });
  };

  // 1. Build every mutation; an entry that can never be sent as it is goes to the dead letters.
  let items: Item[] = [];
  for (const row of rows) {
    try {
      items.push({ row, m: await buildMutation(ctx.db, ctx.deps, row) });
    } catch (error) {
      if (error instanceof LocalProblem) dead(row, error.message);
      else retry([row], error);
    }
  }

  // 2. Upload the blobs first; a blob that fails holds back only the entries naming it.
  const upload = async (list: Item[], credentials: DeviceCredentials): Promise<Item[]> => {
    const shas = [...new Set(list.flatMap((i) => i.m.blobs))];
    const problems = new Map<string, unknown>();
    try {
      let unreachable = 0;
      await pool(shas, ctx.tuning.uploadConcurrency, async (sha) => {
        // A cut connection is retried at once a couple of times (resuming where the server is);
        // only several blobs in a row failing like that looks like an outage and ends the round.
        for (let attempt = 0; ; attempt++) {
          try {
            await ctx.uploader.ensure(sha, credentials);
            unreachable = 0;
            return;
          } catch (error) {
            const retryable = error instanceof BackofficeError && error.retryable;
            if (retryable && attempt < 2) {
              await ctx.sleep(fullJitterDelay(attempt, 100, 1_000, ctx.random));
              continue;
            }
            problems.set(sha, error);
            if (error instanceof BackofficeError && error.kind === 'auth') throw error;
            if (error instanceof BackofficeError && error.kind === 'offline' && ++unreachable >= 3) throw error;
            return;
          }
        }
      });
    } catch (error) {
      // A refused device is not the entries' fault: they wait, uncounted, for re-enrolment.
      if (!(error instanceof BackofficeError && error.kind === 'auth')) {
        retry(
          list.map((i) => i.row),
          error,
        );
      }
      throw error;
    }
    const ok: Item[] = [];
    for (const item of list) {
      const problem = item.m.blobs.map((s) => problems.get(s)).find((p) => p !== undefined);
      if (problem === undefined) ok.push(item);
      else if (problem instanceof LocalProblem) dead(item.row, problem.message);
      else retry([item.row], problem);
    }
    return ok;
  };

  try {
    items = await upload(items, credentials);
    // 3. Push; resend after missing-blobs (uploaded meanwhile) and skipped, a few times at most.
    for (let turn = 0; turn < 4 && items.length; turn++) {
      let response;
      // Every push shows the back office the audit chain head, which it witnesses.
      const auditHead = ctx.deps.shipAudit && !ctx.runtime.auditHeadRefused ? currentAuditHead(ctx.db) : undefined;
      try {
        response = await ctx.client.call(SYNC_ROUTES.push, {
          method: 'POST',
          credentials,
          body: {
            deviceId: credentials.deviceId,
            mutations: items.map((i) => ({ mutationId: i.m.mutationId, kind: i.m.kind, payload: i.m.payload })),
            ...(auditHead ? { auditHead } : {}),
          },
        });
      } catch (error) {
        if (!(error instanceof BackofficeError) || error.kind === 'offline' || error.kind === 'transient' || error.kind === 'auth') {
          if (error instanceof BackofficeError && error.status !== undefined && error.status >= 500) {
            ctx.runtime.maxBatch = Math.max(1, Math.floor(items.length / 2));
          }
          if (!(error instanceof BackofficeError && error.kind === 'auth')) {
            retry(
              items.map((i) => i.row),
              error,
            );
          }
          throw error;
        }
        // A back office older than the audit witness refuses the unknown field: push without it.
        if (auditHead && error.status === 400) {
          ctx.runtime.auditHeadRefused = true;
          continue;
        }
        // A 4xx for the whole push: split it until the one at fault is alone, then dead-letter it.
        if (error.status === 413 || items.length > 1) {
          ctx.runtime.maxBatch = Math.max(1, Math.floor(items.length / 2));
          if (items.length === 1) dead(items[0].row, `上报内容过大，区级后台拒收：${error.message}`);
          return result;
        }
        dead(items[0].row, error.message);
        return result;
      }
      ctx.succeeded();
      ctx.runtime.maxBatch = Math.min(ctx.tuning.maxBatch, ctx.runtime.maxBatch * 2);
      const parsed = pushResponseSchema.safeParse(response.body);
      if (!parsed.success) {
        const error = new BackofficeError('transient', '区级后台的应答格式无法识别，稍后重试');
        retry(
          items.map((i) => i.row),
          error,
        );
        throw error;
      }
      if (parsed.data.auditWitness) recordWitness(ctx.db, parsed.data.auditWitness, at());
      const byId = new Map<string, PushResult>(parsed.data.results.map((r) => [r.mutationId, r]));
      const resend: Item[] = [];
      const missing = new Set<string>();
      ctx.db.transaction((tx) => {
        for (const item of items) {
          const r = byId.get(item.m.mutationId);
          if (!r || r.status === 'skipped') resend.push(item);
          else if (r.status === 'applied' || r.status === 'duplicate') {
            if (settleDone(tx, item.row, r.status, item.m.mutationId, at(), ctx.device) && item.row.caseId) result.changedCases.push(item.row.caseId);
            result.settled++;
          } else if (r.status === 'rejected') {
            settleDead(tx, item.row, r.reason, at(), { mutationId: item.m.mutationId, code: r.code });
            result.settled++;
            result.dead.push({ outboxId: item.row.id, caseId: item.row.caseId, reason: r.reason });
            if (item.row.caseId) result.changedCases.push(item.row.caseId);
          } else {
            r.missing.forEach((s) => missing.add(s));
            resend.push(item);
          }
        }
      });
      if (missing.size) {
        ctx.uploader.forget(missing);
        items = await upload(resend, credentials);
      } else {
        items = resend;
      }
    }
    if (items.length) {
      retry(
        items.map((i) => i.row),
        new BackofficeError('transient', '区级后台仍缺少部分材料文件，稍后重试'),
      );
    }
  } catch (error) {
    result.failure = error;
  }
  return result;
}
