/**
 * A department's decision on its task, and the case's overall outcome (并联审批):
 * every department approves → approved, certificate issued; any refusal → refused at once
 * (the other tasks are cancelled); a supplement request → the case goes back to the window
 * and that task waits for case.supplement. The case row is locked, so two departments
 * deciding at the same moment still produce exactly one outcome.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { SYNC_ROUTES, type DecisionRequest, type DecisionResponse } from '../../shared/sync';
import { storeServerBlob } from '../blobs/service';
import type { BackofficeContext } from '../context';
import type { Tx } from '../db/connect';
import { caseBlobs, cases, certificates, reviewTasks } from '../db/schema';
import { ApiError } from '../http/errors';
import { withTransaction, type FeedWriter } from '../sync/feed';
import type { Reviewer } from './accounts';
import { certificateNumber, renderCertificatePdf } from './certificate';
import { taskView } from './queries';
import { newVerifyCode } from './verify';

type CaseRow = typeof cases.$inferSelect;

export async function decideTask(ctx: BackofficeContext, reviewer: Reviewer, taskId: string, d: DecisionRequest): Promise<DecisionResponse> {
  return withTransaction(ctx, async (tx, feed) => {
    const [found] = await tx.select({ caseId: reviewTasks.caseId, department: reviewTasks.department }).from(reviewTasks).where(eq(reviewTasks.id, taskId));
    if (!found || found.department !== reviewer.department) throw new ApiError(404, 'TASK_NOT_FOUND');
    const [kase] = await tx.select().from(cases).where(eq(cases.id, found.caseId)).for('update');
    const [task] = await tx.select().from(reviewTasks).where(eq(reviewTasks.id, taskId));
    if (kase.status !== 'in-review' && kase.status !== 'supplement-requested') throw new ApiError(409, 'CASE_CLOSED');
    if (task.status !== 'open') throw new ApiError(409, 'TASK_NOT_OPEN');

    const now = ctx.now();
    const status = { approve: 'approved', refuse: 'refused', supplement: 'supplement-requested' }[d.decision];
    const [updated] = await tx
      .update(reviewTasks)
      .set({
        status,
        decision: d.decision,
        reason: d.reason ?? null,
        materialsWanted: d.materialsWanted ?? null,
        decidedBy: reviewer.id,
        decidedByName: reviewer.displayName,
        decidedAt: now,
        supplementRequestedAt: d.decision === 'supplement' ? now : null,
      })
      .where(eq(reviewTasks.id, taskId))
      .returning();
    await feed.append({
      type: 'decision',
      deviceId: kase.deviceId,
      caseId: kase.id,
      data: {
        scope: 'department',
        caseNo: kase.caseNo,
        taskId,
        department: task.department,
        role: task.role as 'lead' | 'co',
        decision: d.decision,
        ...(d.reason ? { reason: d.reason } : {}),
        decidedBy: reviewer.displayName,
        decidedAt: now.toISOString(),
      },
    });

    let caseStatus = kase.status;
    if (d.decision === 'supplement') {
      caseStatus = 'supplement-requested';
      await tx.update(cases).set({ status: caseStatus, updatedAt: now }).where(eq(cases.id, kase.id));
      await feed.append({
        type: 'supplement-requested',
        deviceId: kase.deviceId,
        caseId: kase.id,
        data: {
          caseNo: kase.caseNo,
          taskId,
          department: task.department,
          ...(d.reason ? { reason: d.reason } : {}),
          materialsWanted: d.materialsWanted ?? [],
          requestedAt: now.toISOString(),
        },
      });
    } else if (d.decision === 'refuse') {
      caseStatus = 'refused';
      await tx
        .update(reviewTasks)
        .set({ status: 'cancelled' })
        .where(and(eq(reviewTasks.caseId, kase.id), inArray(reviewTasks.status, ['open', 'supplement-requested'])));
      await closeCase(tx, kase, 'refused', now);
      const refusals = await tx
        .select({ department: reviewTasks.department, reason: reviewTasks.reason })
        .from(reviewTasks)
        .where(and(eq(reviewTasks.caseId, kase.id), eq(reviewTasks.status, 'refused')));
      await feed.append({
        type: 'decision',
        deviceId: kase.deviceId,
        caseId: kase.id,
        data: {
          scope: 'overall',
          caseNo: kase.caseNo,
          outcome: 'refused',
          reasons: refusals.map((r) => ({ department: r.department, reason: r.reason ?? '' })),
          decidedAt: now.toISOString(),
        },
      });
    } else {
      const all = await tx.select({ status: reviewTasks.status }).from(reviewTasks).where(eq(reviewTasks.caseId, kase.id));
      if (all.every((t) => t.status === 'approved' || t.status === 'cancelled')) {
        caseStatus = 'approved';
        await closeCase(tx, kase, 'approved', now);
        await feed.append({
          type: 'decision',
          deviceId: kase.deviceId,
          caseId: kase.id,
          data: { scope: 'overall', caseNo: kase.caseNo, outcome: 'approved', reasons: [], decidedAt: now.toISOString() },
        });
        await issueCertificate(ctx, tx, feed, kase, now);
      }
    }
    return { task: taskView(updated), caseStatus: caseStatus as DecisionResponse['caseStatus'] };
  });
}

async function closeCase(tx: Tx, kase: CaseRow, status: 'approved' | 'refused', now: Date): Promise<void> {
  await tx.update(cases).set({ status, updatedAt: now, closedAt: now }).where(eq(cases.id, kase.id));
}

async function issueCertificate(ctx: BackofficeContext, tx: Tx, feed: FeedWriter, kase: CaseRow, now: Date): Promise<void> {
  const certificateNo = certificateNumber(kase.caseNo);
  const verifyCode = newVerifyCode();
  const applicant = kase.applicant as { name: string; idType: string; idNumber: string };
  const pdf = await renderCertificatePdf({
    certificateNo,
    caseNo: kase.caseNo,
    itemCode: kase.itemCode,
    itemVersion: kase.itemVersion,
    itemName: kase.itemName,
    issuedAt: now,
    holder: { name: applicant.name, idType: applicant.idType, idNumber: applicant.idNumber },
    validUntil: null,
    verifyUrl: ctx.publicUrl() + SYNC_ROUTES.verify(verifyCode),
  });
  const { sha256, size } = await storeServerBlob(ctx, tx, pdf, 'application/pdf');
  await tx.insert(certificates).values({ caseId: kase.id, certificateNo, sha256, issuedAt: now, verifyCode, validUntil: null });
  await tx.insert(caseBlobs).values({ caseId: kase.id, sha256, role: 'certificate' }).onConflictDoNothing();
  await feed.append({
    type: 'certificate-issued',
    deviceId: kase.deviceId,
    caseId: kase.id,
    data: {
      caseNo: kase.caseNo,
      itemCode: kase.itemCode,
      itemName: kase.itemName,
      certificateNo,
      blob: { sha256, size, mediaType: 'application/pdf', fileName: `${certificateNo}.pdf` },
      issuedAt: now.toISOString(),
    },
  });
}
