/**
 * Writing and reading the change feed. Writers append inside their transaction through
 * `withTransaction`, which wakes long-polls after commit.
 */
import { and, asc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { ulid } from 'ulid';
import type { ChangeData, ChangeEvent, ChangeType, ChangesResponse } from '../../shared/sync';
import type { BackofficeContext } from '../context';
import type { Tx } from '../db/connect';
import { changes } from '../db/schema';
import { BROADCAST_TARGET, NOTIFY_CHANNEL } from './notifier';

/** Serializes feed inserts to commit order (see the changes table). */
const FEED_LOCK_KEY = 7_301_130_002;

export interface FeedWriter {
  /** Adds an event, written when the transaction's work is done. deviceId null = broadcast. */
  append<T extends ChangeType>(event: { type: T; deviceId: string | null; caseId?: string; data: ChangeData<T> }): Promise<void>;
}

/**
 * Runs fn in one transaction with a feed writer. Events are buffered and inserted when fn is
 * done, under an advisory lock held only until commit, so the lock is short and seq order is
 * commit order. Waiting long-polls are woken after commit.
 */
export async function withTransaction<T>(ctx: BackofficeContext, fn: (tx: Tx, feed: FeedWriter) => Promise<T>): Promise<T> {
  const touched = new Set<string>();
  const result = await ctx.db.transaction(async (tx) => {
    const pending: (typeof changes.$inferInsert)[] = [];
    const feed: FeedWriter = {
      async append(event) {
        pending.push({
          eventId: ulid(ctx.now().getTime()),
          type: event.type,
          deviceId: event.deviceId,
          caseId: event.caseId ?? null,
          data: event.data,
          createdAt: ctx.now(),
        });
      },
    };
    const value = await fn(tx, feed);
    if (pending.length) {
      await tx.execute(sql`select pg_advisory_xact_lock(${FEED_LOCK_KEY})`);
      await tx.insert(changes).values(pending); // rows get their seq in array order
      for (const target of new Set(pending.map((p) => p.deviceId ?? BROADCAST_TARGET))) {
        if (ctx.dbKind === 'postgres') await tx.execute(sql`select pg_notify(${NOTIFY_CHANNEL}, ${target})`);
        touched.add(target);
      }
    }
    return value;
  });
  if (touched.size) ctx.notifier.publish(touched);
  return result;
}

export async function readChanges(ctx: BackofficeContext, deviceId: string, since: number, limit: number): Promise<ChangesResponse> {
  const rows = await ctx.db
    .select()
    .from(changes)
    .where(and(gt(changes.seq, since), or(eq(changes.deviceId, deviceId), isNull(changes.deviceId))))
    .orderBy(asc(changes.seq))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const events = page.map(
    (row) =>
      ({
        seq: row.seq,
        eventId: row.eventId,
        type: row.type,
        at: row.createdAt.toISOString(),
        ...(row.caseId ? { caseId: row.caseId } : {}),
        data: row.data,
      }) as ChangeEvent,
  );
  return { events, cursor: page.length ? page[page.length - 1].seq : since, hasMore: rows.length > limit };
}

/**
 * Long-poll: returns at once when there are events; otherwise waits up to waitMs for a
 * wake-up (re-reading every pollIntervalMs in case one was missed), the client going away,
 * or shutdown.
 */
export async function waitForChanges(
  ctx: BackofficeContext,
  deviceId: string,
  since: number,
  limit: number,
  waitMs: number,
  clientGone: AbortSignal,
): Promise<ChangesResponse> {
  let wakeUps = 0;
  let stopWaiting: (() => void) | undefined;
  // Subscribe before the first read so an event committed in between is not missed.
  const unsubscribe = ctx.notifier.subscribe(deviceId, () => {
    wakeUps++;
    stopWaiting?.();
  });
  try {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const seen = wakeUps;
      const result = await readChanges(ctx, deviceId, since, limit);
      const remaining = deadline - Date.now();
      if (result.events.length || remaining <= 0 || clientGone.aborted || ctx.shutdown.aborted) return result;
      if (wakeUps !== seen) continue; // woken while reading: read again
      await new Promise<void>((resolve) => {
        const finish = () => {
          clearTimeout(timer);
          stopWaiting = undefined;
          clientGone.removeEventListener('abort', finish);
          ctx.shutdown.removeEventListener('abort', finish);
          resolve();
        };
        const timer = setTimeout(finish, Math.min(remaining, ctx.limits.pollIntervalMs));
        stopWaiting = finish;
        clientGone.addEventListener('abort', finish);
        ctx.shutdown.addEventListener('abort', finish);
      });
    }
  } finally {
    unsubscribe();
  }
}
