/**
 * case.supplement: materials handed in after intake — answering a 补正 request, or a deferred
 * (容缺) material arriving. Waiting tasks reopen with the waiting time added to their deadline.
 */
import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { caseSupplementSchema, MaterialSubmission } from '../../shared/sync';
import { findMissingBlobs } from '../blobs/service';
import type { BackofficeContext } from '../context';
import type { Tx } from '../db/connect';
import { caseBlobs, caseSupplements, cases, reviewTasks } from '../db/schema';
import type { Device } from '../devices/service';
import type { FeedWriter } from '../sync/feed';
import { extendDeadline } from './deadlines';
import { applied, rejected, type MutationOutcome } from './outcome';

type Supplement = z.output<typeof caseSupplementSchema>;

export const OPEN_CASE_STATUSES = ['in-review', 'supplement-requested'];

/** Loads the device's own case, locked for update; null when absent or someone else's. */
export async function lockOwnCase(tx: Tx, device: Device, caseId: string) {
  const [row] = await tx.select().from(cases).where(eq(cases.id, caseId)).for('update');
  return row && row.deviceId === device.id ? row : null;
}

export async function applyCaseSupplement(
  ctx: BackofficeContext,
  tx: Tx,
  feed: FeedWriter,
  device: Device,
  s: Supplement,
): Promise<MutationOutcome> {
  const kase = await lockOwnCase(tx, device, s.caseId);
  if (!kase) return rejected('CASE_NOT_FOUND', `本窗口没有办件 ${s.caseId}`);
  if (!OPEN_CASE_STATUSES.includes(kase.status)) return rejected('CASE_CLOSED', `办件 ${kase.caseNo} 已办结或已撤回，不能补正`);
  const [earlier] = await tx.select({ id: caseSupplements.id }).from(caseSupplements).where(eq(caseSupplements.id, s.supplementId));
  if (earlier) return rejected('CASE_EXISTS', `补正 ${s.supplementId} 已提交过`);
  const named = s.materials.flatMap((m) => m.blobs);
  const missing = await findMissingBlobs(tx, named);
  if (missing.length) return { status: 'missing-blobs', missing };

  const now = ctx.now();
  const materials = new Map((kase.materials as MaterialSubmission[]).map((m) => [m.materialId, m]));
  for (const m of s.materials) materials.set(m.materialId, m);

  await tx.insert(caseSupplements).values({
    id: s.supplementId,
    caseId: s.caseId,
    submittedAt: new Date(s.submittedAt),
    submittedBy: s.submittedBy,
    note: s.note ?? null,
    materials: s.materials,
    receivedAt: now,
  });
  const shas = [...new Set(named)];
  if (shas.length) {
    await tx
      .insert(caseBlobs)
      .values(shas.map((sha256) => ({ caseId: s.caseId, sha256, role: 'material' })))
      .onConflictDoNothing();
  }
  const waiting = await tx
    .select()
    .from(reviewTasks)
    .where(and(eq(reviewTasks.caseId, s.caseId), eq(reviewTasks.status, 'supplement-requested')));
  const reopened = [];
  for (const task of waiting) {
    const deadline = extendDeadline(task.deadline, task.supplementRequestedAt ?? now, now);
    await tx.update(reviewTasks).set({ status: 'open', deadline }).where(eq(reviewTasks.id, task.id));
    reopened.push({ taskId: task.id, department: task.department, role: task.role as 'lead' | 'co', deadline: deadline.toISOString() });
  }
  await tx
    .update(cases)
    .set({ materials: [...materials.values()], status: 'in-review', updatedAt: now })
    .where(eq(cases.id, s.caseId));
  await feed.append({
    type: 'supplement-received',
    deviceId: device.id,
    caseId: s.caseId,
    data: { caseNo: kase.caseNo, supplementId: s.supplementId, status: 'in-review', reopenedTasks: reopened },
  });
  return applied();
}
