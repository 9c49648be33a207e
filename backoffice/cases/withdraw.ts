/** case.withdraw: the applicant withdraws the case; review tasks still open are cancelled. */
import { and, eq, inArray } from 'drizzle-orm';
import type { CaseWithdraw } from '../../shared/sync';
import type { BackofficeContext } from '../context';
import type { Tx } from '../db/connect';
import { cases, reviewTasks } from '../db/schema';
import type { Device } from '../devices/service';
import type { FeedWriter } from '../sync/feed';
import { applied, rejected, type MutationOutcome } from './outcome';
import { lockOwnCase, OPEN_CASE_STATUSES } from './supplement';

export async function applyCaseWithdraw(
  ctx: BackofficeContext,
  tx: Tx,
  feed: FeedWriter,
  device: Device,
  w: CaseWithdraw,
): Promise<MutationOutcome> {
  const kase = await lockOwnCase(tx, device, w.caseId);
  if (!kase) return rejected('CASE_NOT_FOUND', `本窗口没有办件 ${w.caseId}`);
  if (!OPEN_CASE_STATUSES.includes(kase.status)) return rejected('CASE_CLOSED', `办件 ${kase.caseNo} 已办结或已撤回，不能撤回`);
  const now = ctx.now();
  await tx
    .update(reviewTasks)
    .set({ status: 'cancelled' })
    .where(and(eq(reviewTasks.caseId, w.caseId), inArray(reviewTasks.status, ['open', 'supplement-requested'])));
  await tx.update(cases).set({ status: 'withdrawn', updatedAt: now, closedAt: now }).where(eq(cases.id, w.caseId));
  await feed.append({
    type: 'case-withdrawn',
    deviceId: device.id,
    caseId: w.caseId,
    data: { caseNo: kase.caseNo, reason: w.reason, withdrawnAt: w.withdrawnAt },
  });
  return applied();
}
