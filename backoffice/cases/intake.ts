/**
 * case.create: the back office takes over a case accepted at a window, opens one review task
 * per department on its route (并联审批) and tells the window it has the case.
 */
import { eq, or } from 'drizzle-orm';
import { ulid } from 'ulid';
import type { ParsedCaseSubmission } from '../../shared/sync';
import { findMissingBlobs } from '../blobs/service';
import type { BackofficeContext } from '../context';
import type { Tx } from '../db/connect';
import { caseBlobs, cases, reviewTasks } from '../db/schema';
import type { Device } from '../devices/service';
import type { FeedWriter } from '../sync/feed';
import { beijingDate, taskDeadlines } from './deadlines';
import { applied, rejected, type MutationOutcome } from './outcome';

export async function applyCaseCreate(
  ctx: BackofficeContext,
  tx: Tx,
  feed: FeedWriter,
  device: Device,
  c: ParsedCaseSubmission,
): Promise<MutationOutcome> {
  if (c.centerCode !== device.centerCode || c.windowNo !== device.windowNo) {
    return rejected(
      'WRONG_WINDOW',
      `办件的中心/窗口（${c.centerCode}/${c.windowNo}）与本设备登记的（${device.centerCode}/${device.windowNo}）不一致`,
    );
  }
  const acceptedAt = new Date(c.acceptedAt);
  if (c.promisedDate && c.promisedDate < beijingDate(acceptedAt)) {
    return rejected('BAD_DATES', `承诺办结日期 ${c.promisedDate} 早于受理日期 ${beijingDate(acceptedAt)}`);
  }
  const [clash] = await tx
    .select({ id: cases.id, caseNo: cases.caseNo })
    .from(cases)
    .where(or(eq(cases.id, c.caseId), eq(cases.caseNo, c.caseNo)));
  if (clash) {
    return rejected('CASE_EXISTS', clash.id === c.caseId ? `办件 ${c.caseId} 已存在` : `办件编号 ${c.caseNo} 已被其他办件使用`);
  }
  const named = c.materials.flatMap((m) => m.blobs);
  const missing = await findMissingBlobs(tx, named);
  if (missing.length) return { status: 'missing-blobs', missing };

  const now = ctx.now();
  await tx.insert(cases).values({
    id: c.caseId,
    caseNo: c.caseNo,
    deviceId: device.id,
    centerCode: c.centerCode,
    windowNo: c.windowNo,
    itemCode: c.itemCode,
    itemVersion: c.itemVersion,
    itemName: c.itemName,
    acceptedAt,
    acceptedBy: c.acceptedBy,
    promisedDate: c.promisedDate ?? null,
    applicant: c.applicant,
    formData: c.formData,
    materials: c.materials,
    approval: c.approval,
    identityCheck: c.identityCheck ?? null,
    status: 'in-review',
    receivedAt: now,
    updatedAt: now,
  });
  const shas = [...new Set(named)];
  if (shas.length) {
    await tx.insert(caseBlobs).values(shas.map((sha256) => ({ caseId: c.caseId, sha256, role: 'material' })));
  }
  const deadlines = taskDeadlines(acceptedAt, c.promisedDate);
  const tasks = [
    { department: c.approval.lead, role: 'lead' as const, deadline: deadlines.lead },
    ...c.approval.co.map((department) => ({ department, role: 'co' as const, deadline: deadlines.co })),
  ].map((t) => ({ ...t, taskId: ulid(now.getTime()) }));
  await tx.insert(reviewTasks).values(
    tasks.map((t) => ({
      id: t.taskId,
      caseId: c.caseId,
      department: t.department,
      role: t.role,
      status: 'open',
      deadline: t.deadline,
      createdAt: now,
    })),
  );
  await feed.append({
    type: 'case-received',
    deviceId: device.id,
    caseId: c.caseId,
    data: {
      caseNo: c.caseNo,
      status: 'in-review',
      tasks: tasks.map((t) => ({ taskId: t.taskId, department: t.department, role: t.role, deadline: t.deadline.toISOString() })),
    },
  });
  return applied();
}
