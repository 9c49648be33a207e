/**
 * One pull: GET /v1/changes from the stored cursor (long-poll), then apply the page and store
 * the new cursor in ONE local transaction. Events that do not parse (a newer back office) are
 * recorded as ignored so the feed never jams on them.
 */
import { z } from 'zod';
import { changeEventSchema, SYNC_ROUTES, type ChangeEvent } from '../../shared/sync';
import { applyEvent } from './apply';
import type { SyncContext } from './context';
import { BackofficeError } from './http';
import { appliedEvents } from '../../db/schema';
import { readCursor, STATE_KEYS, writeState } from './state';
import type { Publication } from './types';

const looseResponse = z.object({
  events: z.array(z.object({ seq: z.number().int(), eventId: z.string(), type: z.string() }).passthrough()),
  cursor: z.number().int().min(0),
  hasMore: z.boolean(),
});

export interface PullResult {
  /** Events in the page (including ones seen before). */
  received: number;
  applied: number;
  hasMore: boolean;
  changedCases: string[];
  publications: Publication[];
}

/** Applies a page of events and stores the cursor, all in one transaction. Exposed for tests. */
export function applyPage(ctx: Pick<SyncContext, 'db' | 'now'>, events: unknown[], cursor: number): Omit<PullResult, 'hasMore' | 'received'> {
  const at = ctx.now().toISOString();
  const changed = new Set<string>();
  const publications: Publication[] = [];
  let applied = 0;
  ctx.db.transaction((tx) => {
    for (const raw of events) {
      const parsed = changeEventSchema.safeParse(raw);
      if (!parsed.success) {
        const e = raw as { eventId: string; seq: number; type: string; caseId?: string };
        tx.insert(appliedEvents)
          .values({ eventId: e.eventId, seq: e.seq, type: e.type, caseId: typeof e.caseId === 'string' ? e.caseId : null, outcome: 'ignored', appliedAt: at })
          .onConflictDoNothing()
          .run();
        continue;
      }
      const outcome = applyEvent(tx, parsed.data as ChangeEvent, at);
      if (outcome.outcome === 'applied') applied++;
      if (outcome.caseId) changed.add(outcome.caseId);
      if (outcome.publication) publications.push(outcome.publication);
    }
    writeState(tx, STATE_KEYS.cursor, cursor, at);
  });
  return { applied, changedCases: [...changed], publications };
}

export async function pullPage(ctx: SyncContext, waitSeconds: number): Promise<PullResult> {
  const credentials = await ctx.credentials();
  if (!credentials || ctx.runtime.authProblem) return { received: 0, applied: 0, hasMore: false, changedCases: [], publications: [] };
  const since = readCursor(ctx.db);
  const response = await ctx.client.call(SYNC_ROUTES.changes(since, waitSeconds), {
    credentials,
    timeoutMs: waitSeconds * 1000 + ctx.tuning.requestTimeoutMs,
  });
  ctx.succeeded();
  const page = looseResponse.safeParse(response.body);
  if (!page.success) throw new BackofficeError('transient', '区级后台的变更应答格式无法识别，稍后重试');
  const { applied, changedCases, publications } = applyPage(ctx, page.data.events, page.data.cursor);
  return { received: page.data.events.length, applied, hasMore: page.data.hasMore, changedCases, publications };
}
