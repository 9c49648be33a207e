/**
 * The witnessed audit chain head per device. Every push may carry the workstation's chain head
 * (sequence + hash of its newest audit entry). The back office keeps the highest head it has
 * seen and flags — never silently accepts — a head that goes backwards (the tail was deleted at
 * the window) or whose hash differs from what it witnessed or holds for that sequence (the tail
 * was rewritten). A flag is stored once per device, code and sequence; the stored head is never
 * lowered, so the evidence survives any later push.
 */
import { and, asc, eq } from 'drizzle-orm';
import { AUDIT_FLAG_NAMES, type AuditFlagCode, type AuditHead, type AuditHeadResponse, type AuditWitness } from '../../shared/sync';
import type { BackofficeContext } from '../context';
import type { Tx } from '../db/connect';
import { deviceAuditEntries, deviceAuditFlags, deviceAuditHeads } from '../db/schema';
import { withTransaction } from '../sync/feed';

export async function flagAudit(ctx: BackofficeContext, tx: Tx, deviceId: string, code: AuditFlagCode, seq: number, detail: Record<string, unknown>): Promise<string> {
  const reason = `${AUDIT_FLAG_NAMES[code]}：第 ${seq} 条`;
  const [already] = await tx
    .select({ id: deviceAuditFlags.id })
    .from(deviceAuditFlags)
    .where(and(eq(deviceAuditFlags.deviceId, deviceId), eq(deviceAuditFlags.code, code), eq(deviceAuditFlags.seq, seq)));
  if (!already) await tx.insert(deviceAuditFlags).values({ deviceId, code, reason, seq, detail, at: ctx.now() });
  return reason;
}

/** Checks and records the head a push carried (after its mutations were applied). */
export async function witnessAuditHead(ctx: BackofficeContext, deviceId: string, head: AuditHead): Promise<AuditWitness> {
  return withTransaction(ctx, async (tx) => {
    const [stored] = await tx.select().from(deviceAuditHeads).where(eq(deviceAuditHeads.deviceId, deviceId)).for('update');
    const flagged = async (code: AuditFlagCode, detail: Record<string, unknown>, kept: AuditHead): Promise<AuditWitness> => ({
      status: 'flagged',
      head: kept,
      code,
      reason: await flagAudit(ctx, tx, deviceId, code, head.seq, detail),
    });
    if (stored && head.seq < stored.seq) {
      return flagged('HEAD_BACKWARDS', { witnessed: { seq: stored.seq, hash: stored.hash }, received: head }, { seq: stored.seq, hash: stored.hash });
    }
    if (stored && head.seq === stored.seq && head.hash !== stored.hash) {
      return flagged('HEAD_MISMATCH', { witnessed: { seq: stored.seq, hash: stored.hash }, received: head }, { seq: stored.seq, hash: stored.hash });
    }
    const held = await tx
      .select({ hash: deviceAuditEntries.hash })
      .from(deviceAuditEntries)
      .where(and(eq(deviceAuditEntries.deviceId, deviceId), eq(deviceAuditEntries.seq, head.seq)))
      .orderBy(asc(deviceAuditEntries.receivedAt));
    const kept = stored ? { seq: stored.seq, hash: stored.hash } : head;
    if (held.length && held[0].hash !== head.hash) {
      return flagged('HEAD_MISMATCH', { held: held[0].hash, received: head }, kept);
    }
    const now = ctx.now();
    if (!stored) await tx.insert(deviceAuditHeads).values({ deviceId, seq: head.seq, hash: head.hash, witnessedAt: now });
    else if (head.seq > stored.seq) {
      await tx.update(deviceAuditHeads).set({ seq: head.seq, hash: head.hash, witnessedAt: now }).where(eq(deviceAuditHeads.deviceId, deviceId));
    }
    return { status: 'witnessed', head };
  });
}

/** The head last witnessed for a device and every flag raised about its trail. */
export async function auditHeadOf(ctx: BackofficeContext, deviceId: string): Promise<AuditHeadResponse> {
  const [stored] = await ctx.db.select().from(deviceAuditHeads).where(eq(deviceAuditHeads.deviceId, deviceId));
  const flags = await ctx.db.select().from(deviceAuditFlags).where(eq(deviceAuditFlags.deviceId, deviceId)).orderBy(asc(deviceAuditFlags.id));
  return {
    head: stored ? { seq: stored.seq, hash: stored.hash } : null,
    witnessedAt: stored ? stored.witnessedAt.toISOString() : null,
    flags: flags.map((f) => ({ code: f.code as AuditFlagCode, reason: f.reason, seq: f.seq, at: f.at.toISOString() })),
  };
}
