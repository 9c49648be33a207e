/**
 * Push: applies a device's mutations in order, each in its own transaction, exactly once.
 *
 * Idempotency: the first thing a mutation's transaction does is claim (device, mutationId) in
 * applied_mutations. A concurrent retry blocks on that row and then finds it taken; a retry
 * later finds the stored result. Rejections are stored too; missing-blobs is not (the client
 * uploads and resends).
 */
import { and, eq } from 'drizzle-orm';
import { MUTATION_PAYLOAD_SCHEMAS, parseWire, type MutationKind, type PushResult } from '../../shared/sync';
import { applyAuditAppend } from '../cases/audit';
import { applyCaseCreate } from '../cases/intake';
import { rejected, type MutationOutcome } from '../cases/outcome';
import { applyCaseSupplement } from '../cases/supplement';
import { applyCaseWithdraw } from '../cases/withdraw';
import type { BackofficeContext } from '../context';
import type { Tx } from '../db/connect';
import { appliedMutations } from '../db/schema';
import type { Device } from '../devices/service';
import { withTransaction, type FeedWriter } from './feed';

export interface IncomingMutation {
  mutationId: string;
  kind: MutationKind;
  payload: unknown;
}

type StoredResult = { status: 'applied' } | { status: 'rejected'; code: string; reason: string };

export async function pushMutations(ctx: BackofficeContext, device: Device, mutations: IncomingMutation[]): Promise<PushResult[]> {
  const results: PushResult[] = [];
  let blocked = false;
  for (const m of mutations) {
    if (blocked) {
      results.push({ mutationId: m.mutationId, status: 'skipped' });
      continue;
    }
    const result = await pushOne(ctx, device, m);
    if (result.status === 'missing-blobs') blocked = true;
    results.push(result);
  }
  return results;
}

class NotFinal extends Error {
  constructor(readonly outcome: MutationOutcome) {
    super('not final');
  }
}

async function pushOne(ctx: BackofficeContext, device: Device, m: IncomingMutation): Promise<PushResult> {
  // No look-up first: nearly every mutation is new, and the claim below finds a known one anyway
  // (its insert does nothing, then the stored result is replayed).
  try {
    const outcome = await withTransaction(ctx, async (tx, feed) => {
      // The claim already says 'applied': no one ever sees it before this transaction commits,
      // and it commits only as applied or, rewritten below, rejected.
      const claimed = await tx
        .insert(appliedMutations)
        .values({ deviceId: device.id, mutationId: m.mutationId, kind: m.kind, result: { status: 'applied' }, appliedAt: ctx.now() })
        .onConflictDoNothing()
        .returning({ mutationId: appliedMutations.mutationId });
      if (!claimed.length) return null; // a concurrent request got there first
      const outcome = await applyMutation(ctx, tx, feed, device, m);
      // Rolling back releases the claim, so the resend after the upload is applied normally.
      if (outcome.status === 'missing-blobs') throw new NotFinal(outcome);
      if (outcome.status !== 'applied') {
        await tx
          .update(appliedMutations)
          .set({ result: outcome })
          .where(and(eq(appliedMutations.deviceId, device.id), eq(appliedMutations.mutationId, m.mutationId)));
      }
      return outcome;
    });
    if (outcome === null) {
      const stored = await storedResult(ctx, device.id, m.mutationId);
      if (!stored) throw new Error(`mutation ${m.mutationId} claimed but has no result`);
      return replay(m.mutationId, stored);
    }
    return toResult(m.mutationId, outcome);
  } catch (error) {
    if (error instanceof NotFinal) return toResult(m.mutationId, error.outcome);
    throw error;
  }
}

async function applyMutation(ctx: BackofficeContext, tx: Tx, feed: FeedWriter, device: Device, m: IncomingMutation): Promise<MutationOutcome> {
  const parsed = parseWire(MUTATION_PAYLOAD_SCHEMAS[m.kind], m.payload);
  if (!parsed.ok) return rejected('INVALID_PAYLOAD', `${m.kind} 内容不符合协议：${parsed.summary}`);
  switch (m.kind) {
    case 'case.create':
      return applyCaseCreate(ctx, tx, feed, device, parsed.value as never);
    case 'case.supplement':
      return applyCaseSupplement(ctx, tx, feed, device, parsed.value as never);
    case 'case.withdraw':
      return applyCaseWithdraw(ctx, tx, feed, device, parsed.value as never);
    case 'audit.append':
      return applyAuditAppend(ctx, tx, device, parsed.value as never);
  }
}

async function storedResult(ctx: BackofficeContext, deviceId: string, mutationId: string): Promise<StoredResult | null> {
  const [row] = await ctx.db
    .select({ result: appliedMutations.result })
    .from(appliedMutations)
    .where(and(eq(appliedMutations.deviceId, deviceId), eq(appliedMutations.mutationId, mutationId)));
  return (row?.result as StoredResult | undefined) ?? null;
}

/** A resend: applied → duplicate; rejected → the same rejection again. */
function replay(mutationId: string, stored: StoredResult): PushResult {
  if (stored.status === 'rejected') return { mutationId, status: 'rejected', code: stored.code as never, reason: stored.reason };
  return { mutationId, status: 'duplicate' };
}

function toResult(mutationId: string, outcome: MutationOutcome): PushResult {
  return { mutationId, ...outcome } as PushResult;
}
