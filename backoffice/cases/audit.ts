/** audit.append: workstation audit entries (全网留痕), stored as sent; repeated entries are ignored. */
import type { AuditAppend } from '../../shared/sync';
import type { BackofficeContext } from '../context';
import type { Tx } from '../db/connect';
import { deviceAuditEntries } from '../db/schema';
import type { Device } from '../devices/service';
import { applied, type MutationOutcome } from './outcome';

export async function applyAuditAppend(ctx: BackofficeContext, tx: Tx, device: Device, a: AuditAppend): Promise<MutationOutcome> {
  const now = ctx.now();
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
      })),
    )
    .onConflictDoNothing();
  return applied();
}
