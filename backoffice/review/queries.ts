/** What reviewers read: their department's queue and a case with its materials. */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type {
  Applicant,
  IdentityCheckSubmission,
  MaterialSubmission,
  QueueItem,
  ReviewCaseResponse,
  ReviewTaskView,
  WantedMaterial,
} from '../../shared/sync';
import { SYNC_ROUTES } from '../../shared/sync';
import type { BackofficeContext } from '../context';
import { blobs, caseBlobs, caseSupplements, cases, certificates, reviewAccessLog, reviewTasks } from '../db/schema';
import { ApiError } from '../http/errors';
import type { Reviewer } from './accounts';

type TaskRow = typeof reviewTasks.$inferSelect;

export function taskView(t: TaskRow): ReviewTaskView {
  return {
    taskId: t.id,
    department: t.department,
    role: t.role as ReviewTaskView['role'],
    status: t.status as ReviewTaskView['status'],
    deadline: t.deadline.toISOString(),
    ...(t.decision ? { decision: t.decision as ReviewTaskView['decision'] } : {}),
    ...(t.reason ? { reason: t.reason } : {}),
    ...(t.materialsWanted ? { materialsWanted: t.materialsWanted as WantedMaterial[] } : {}),
    ...(t.decidedByName ? { decidedBy: t.decidedByName } : {}),
    ...(t.decidedAt ? { decidedAt: t.decidedAt.toISOString() } : {}),
  };
}

/** The department's open tasks, most urgent first. */
export async function reviewQueue(ctx: BackofficeContext, reviewer: Reviewer): Promise<QueueItem[]> {
  const rows = await ctx.db
    .select({ task: reviewTasks, kase: cases })
    .from(reviewTasks)
    .innerJoin(cases, eq(cases.id, reviewTasks.caseId))
    .where(and(eq(reviewTasks.department, reviewer.department), eq(reviewTasks.status, 'open')))
    .orderBy(asc(reviewTasks.deadline), asc(reviewTasks.id));
  const now = ctx.now();
  return rows.map(({ task, kase }) => ({
    taskId: task.id,
    caseId: kase.id,
    caseNo: kase.caseNo,
    itemCode: kase.itemCode,
    itemName: kase.itemName,
    role: task.role as QueueItem['role'],
    deadline: task.deadline.toISOString(),
    overdue: task.deadline < now,
    acceptedAt: kase.acceptedAt.toISOString(),
    applicantName: (kase.applicant as Applicant).name,
    centerCode: kase.centerCode,
    windowNo: kase.windowNo,
  }));
}

/** A case, if the reviewer's department has a task on it. Access is logged (PIPL). */
export async function reviewCase(ctx: BackofficeContext, reviewer: Reviewer, caseId: string): Promise<ReviewCaseResponse> {
  const [kase] = await ctx.db.select().from(cases).where(eq(cases.id, caseId));
  if (!kase) throw new ApiError(404, 'CASE_NOT_FOUND');
  const tasks = (await ctx.db.select().from(reviewTasks).where(eq(reviewTasks.caseId, caseId))).sort(
    (a, b) => Number(b.role === 'lead') - Number(a.role === 'lead') || a.department.localeCompare(b.department),
  );
  if (!tasks.some((t) => t.department === reviewer.department)) throw new ApiError(404, 'CASE_NOT_FOUND');

  const materials = kase.materials as MaterialSubmission[];
  const shas = [...new Set(materials.flatMap((m) => m.blobs))];
  const blobRows = shas.length ? await ctx.db.select().from(blobs).where(inArray(blobs.sha256, shas)) : [];
  const blobInfo = new Map(blobRows.map((b) => [b.sha256, b]));
  const supplements = await ctx.db.select().from(caseSupplements).where(eq(caseSupplements.caseId, caseId)).orderBy(asc(caseSupplements.receivedAt));
  const [certificate] = await ctx.db.select().from(certificates).where(eq(certificates.caseId, caseId));
  await ctx.db.insert(reviewAccessLog).values({ reviewerId: reviewer.id, caseId, action: 'case.view', at: ctx.now() });

  return {
    case: {
      caseId: kase.id,
      caseNo: kase.caseNo,
      status: kase.status as ReviewCaseResponse['case']['status'],
      itemCode: kase.itemCode,
      itemVersion: kase.itemVersion,
      itemName: kase.itemName,
      centerCode: kase.centerCode,
      windowNo: kase.windowNo,
      acceptedAt: kase.acceptedAt.toISOString(),
      acceptedBy: kase.acceptedBy,
      ...(kase.promisedDate ? { promisedDate: kase.promisedDate } : {}),
      applicant: kase.applicant as Applicant,
      formData: kase.formData as Record<string, unknown>,
      ...(kase.identityCheck ? { identityCheck: kase.identityCheck as IdentityCheckSubmission } : {}),
    },
    materials: materials.map((m) => ({
      materialId: m.materialId,
      name: m.name,
      status: m.status,
      ...(m.deferUntil ? { deferUntil: m.deferUntil } : {}),
      blobs: m.blobs.map((sha256) => ({
        sha256,
        size: blobInfo.get(sha256)?.size ?? 0,
        mediaType: blobInfo.get(sha256)?.mediaType ?? 'application/octet-stream',
        url: SYNC_ROUTES.reviewBlob(sha256),
      })),
    })),
    tasks: tasks.map(taskView),
    supplements: supplements.map((s) => ({
      supplementId: s.id,
      submittedAt: s.submittedAt.toISOString(),
      submittedBy: s.submittedBy,
      ...(s.note ? { note: s.note } : {}),
      materialIds: (s.materials as MaterialSubmission[]).map((m) => m.materialId),
    })),
    ...(certificate
      ? {
          certificate: {
            certificateNo: certificate.certificateNo,
            sha256: certificate.sha256,
            url: SYNC_ROUTES.reviewBlob(certificate.sha256),
            issuedAt: certificate.issuedAt.toISOString(),
          },
        }
      : {}),
  };
}

/** A reviewer may fetch a blob named by a case their department has a task on. */
export async function reviewerMayRead(ctx: BackofficeContext, reviewer: Reviewer, sha256: string): Promise<boolean> {
  const rows = await ctx.db
    .select({ caseId: caseBlobs.caseId })
    .from(caseBlobs)
    .innerJoin(reviewTasks, eq(reviewTasks.caseId, caseBlobs.caseId))
    .where(and(eq(caseBlobs.sha256, sha256), eq(reviewTasks.department, reviewer.department)))
    .limit(1);
  if (rows.length) {
    await ctx.db.insert(reviewAccessLog).values({ reviewerId: reviewer.id, caseId: rows[0].caseId, action: 'blob.read', target: sha256, at: ctx.now() });
  }
  return rows.length > 0;
}
