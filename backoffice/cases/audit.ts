/**
 * audit.append: workstation audit entries (全网留痕), stored as sent; repeated entries are ignored.
 * Entries that carry the workstation's hash chain (seq, prevHash, hash) are checked against what
 * the back office already holds for the device: an entry that does not link to the previous one,
 * or a different entry under a sequence number already received, is stored anyway (it is
 * evidence) and flagged (backoffice/cases/witness.ts).
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { AuditAppend } from '../../shared/sync';
import type { BackofficeContext } from '../context';
import type { Tx } from '../db/connect';
import { deviceAuditEntries, deviceAuditHeads } from '../db/schema';
import type { Device } from '../devices/service';
import { applied, type MutationOutcome } from './outcome';
import { flagAudit } from './witness';

export async function applyAuditAppend(ctx: BackofficeContext, tx: Tx, device: Device, a: AuditAppend): Promise<MutationOutcome> {
  const now = ctx.now();
  await checkChain(ctx, tx, device, a);
  await tx
    .insert(deviceAuditEntries)
    .values(
      a.entries.map((e) => ({
        deviceId: device.id,
        entryId: e.entryId,
        at: new Date(e.at),
        actor: e.actor,
        action: e.action,
        caseId: e.caseId ?? null,
        detail: e.detail ?? null,
        receivedAt: now,
        seq: e.seq ?? null,
        role: e.role ?? null,
        prevHash: e.prevHash ?? null,
        hash: e.hash ?? null,
      })),
    )
    .onConflictDoNothing();
  return applied();
}

/** Compares the chained entries with the ones held (and with each other, in the batch). */
async function checkChain(ctx: BackofficeContext, tx: Tx, device: Device, a: AuditAppend): Promise<void> {
  const chained = a.entries.filter((e) => e.seq !== undefined).sort((x, y) => x.seq! - y.seq!);
  if (!chained.length) return;
  const seqs = [...new Set(chained.flatMap((e) => [e.seq!, e.seq! - 1]))];
  const held = await tx
    .select({ seq: deviceAuditEntries.seq, hash: deviceAuditEntries.hash })
    .from(deviceAuditEntries)
    .where(and(eq(deviceAuditEntries.deviceId, device.id), inArray(deviceAuditEntries.seq, seqs)));
  const known = new Map<number, string>();
  for (const h of held) if (h.seq !== null && h.hash) known.set(h.seq, h.hash);
  const [head] = await tx.select().from(deviceAuditHeads).where(eq(deviceAuditHeads.deviceId, device.id));
  for (const e of chained) {
    const seq = e.seq!;
    const before = known.get(seq);
    if (before !== undefined && before !== e.hash) {
      await flagAudit(ctx, tx, device.id, 'ENTRY_REWRITTEN', seq, { held: before, received: e.hash });
    } else if (head && head.seq === seq && head.hash !== e.hash) {
      await flagAudit(ctx, tx, device.id, 'HEAD_MISMATCH', seq, { witnessed: head.hash, received: e.hash });
    }
    const previous = known.get(seq - 1) ?? (head && head.seq === seq - 1 ? head.hash : undefined);
    if (previous !== undefined && previous !== e.prevHash) {
      await flagAudit(ctx, tx, device.id, 'CHAIN_BROKEN', seq, { previous, prevHash: e.prevHash });
    }
    if (before === undefined) known.set(seq, e.hash!);
  }
}
