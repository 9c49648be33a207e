import { randomBytes } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import {
  changeEventSchema,
  decisionResponseSchema,
  queueResponseSchema,
  reviewCaseResponseSchema,
  reviewerLoginResponseSchema,
  SYNC_ROUTES,
  type CaseSubmission,
  type ChangeEvent,
} from '../../shared/sync';
import { sampleCase, sha256Hex, startTestBackoffice, testBackends, TestDevice, TestReviewer, type TestBackoffice } from '../../backoffice/testing';

const PASSWORD = 'Qixia#2025review';

describe.each(testBackends())('parallel approval ($name)', ({ postgresUrl }) => {
  let t: TestBackoffice;
  let device: TestDevice;
  let scjg: TestReviewer;
  let zj: TestReviewer;
  let wj: TestReviewer;
  let cursor = 0;

  beforeAll(async () => {
    t = await startTestBackoffice({ postgresUrl });
    device = await TestDevice.enrol(t.baseUrl, await t.backoffice.admin.createEnrolmentCode({ centerCode: '320113004', windowNo: '01' }));
    for (const [username, department, displayName] of [
      ['scjg.wang', 'SCJG', '王审批'],
      ['zj.li', 'ZJ', '李审批'],
      ['wj.zhao', 'WJ', '赵审批'],
    ]) {
      await t.backoffice.admin.createReviewer({ username, password: PASSWORD, department, displayName });
    }
    [scjg, zj, wj] = await Promise.all(['scjg.wang', 'zj.li', 'wj.zhao'].map((u) => TestReviewer.login(t.baseUrl, u, PASSWORD)));
  }, 60_000);
  afterAll(async () => t?.close());

  /** Events since the last call, checked against the wire schema. */
  async function newEvents(): Promise<ChangeEvent[]> {
    const response = await device.changes(cursor);
    cursor = response.cursor;
    return response.events.map((e) => changeEventSchema.parse(e));
  }

  async function submit(overrides: Partial<CaseSubmission> = {}) {
    const scan = randomBytes(4096);
    const sha = await device.upload(scan);
    const kase = sampleCase(device.credentials, {
      materials: [{ materialId: 'id-card', name: '身份证', status: 'received', blobs: [sha] }],
      approval: { lead: 'SCJG', co: ['ZJ'] },
      promisedDate: '2099-06-30',
      ...overrides,
    });
    const { results } = await device.push([{ mutationId: ulid(), kind: 'case.create', payload: kase }]);
    expect(results[0].status).toBe('applied');
    const received = (await newEvents()).find((e) => e.type === 'case-received' && e.caseId === kase.caseId);
    if (received?.type !== 'case-received') throw new Error('no case-received event');
    const taskOf = (department: string) => received.data.tasks.find((x) => x.department === department)!.taskId;
    return { kase, scan, sha, taskOf };
  }

  async function queue(reviewer: TestReviewer) {
    return queueResponseSchema.parse(await (await reviewer.fetch(SYNC_ROUTES.reviewQueue)).json()).tasks;
  }

  it('logs reviewers in with their password only', async () => {
    const good = await fetch(t.baseUrl + SYNC_ROUTES.reviewLogin, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'scjg.wang', password: PASSWORD }),
    });
    expect(reviewerLoginResponseSchema.parse(await good.json()).reviewer).toEqual({ username: 'scjg.wang', displayName: '王审批', department: 'SCJG' });
    for (const username of ['scjg.wang', 'nobody']) {
      const bad = await fetch(t.baseUrl + SYNC_ROUTES.reviewLogin, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: 'wrong-password' }),
      });
      expect(bad.status).toBe(401);
      expect(((await bad.json()) as any).error).toMatchObject({ code: 'LOGIN_FAILED', message: '用户名或密码错误' });
    }
    expect((await fetch(t.baseUrl + SYNC_ROUTES.reviewQueue, { headers: { authorization: 'Bearer forged' } })).status).toBe(401);
    // A device credential is no reviewer credential.
    expect((await device.fetch(SYNC_ROUTES.reviewQueue)).status).toBe(401);
  });

  it('locks an account after five wrong passwords', async () => {
    await t.backoffice.admin.createReviewer({ username: 'gj.sun', password: PASSWORD, department: 'GJJ', displayName: '孙审批' });
    const attempt = (password: string) =>
      fetch(t.baseUrl + SYNC_ROUTES.reviewLogin, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'gj.sun', password }),
      });
    for (let i = 0; i < 5; i++) expect((await attempt('nope-nope')).status).toBe(401);
    const locked = await attempt(PASSWORD);
    expect(locked.status).toBe(429);
    expect(((await locked.json()) as any).error.code).toBe('LOGIN_LOCKED');
  });

  it('approves when both departments approve in parallel, and issues a certificate', async () => {
    const { kase, scan, sha, taskOf } = await submit();
    const [lead] = (await queue(scjg)).filter((x) => x.caseId === kase.caseId);
    expect(lead).toMatchObject({ taskId: taskOf('SCJG'), role: 'lead', caseNo: kase.caseNo, applicantName: '张三', overdue: false });
    expect((await queue(zj)).some((x) => x.taskId === taskOf('ZJ'))).toBe(true);

    const detail = reviewCaseResponseSchema.parse(await (await zj.fetch(SYNC_ROUTES.reviewCase(kase.caseId))).json());
    expect(detail.case).toMatchObject({ caseNo: kase.caseNo, status: 'in-review', formData: kase.formData });
    expect(detail.tasks.map((x) => [x.department, x.role, x.status])).toEqual([
      ['SCJG', 'lead', 'open'],
      ['ZJ', 'co', 'open'],
    ]);
    const link = detail.materials[0].blobs[0];
    expect(link).toMatchObject({ sha256: sha, size: scan.length });
    const blob = await zj.fetch(link.url);
    expect(Buffer.from(await blob.arrayBuffer())).toEqual(scan);
    // A department without a task on the case sees neither the case nor its files.
    expect((await wj.fetch(SYNC_ROUTES.reviewCase(kase.caseId))).status).toBe(404);
    expect((await wj.fetch(SYNC_ROUTES.reviewBlob(sha))).status).toBe(404);
    // Nor may a department decide another's task.
    expect((await wj.decide(taskOf('SCJG'), { decision: 'approve' })).status).toBe(404);

    const [a, b] = await Promise.all([
      scjg.decide(taskOf('SCJG'), { decision: 'approve' }),
      zj.decide(taskOf('ZJ'), { decision: 'approve', reason: '符合规划要求' }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const statuses = [decisionResponseSchema.parse(await a.json()), decisionResponseSchema.parse(await b.json())].map((r) => r.caseStatus);
    expect(statuses.sort()).toEqual(['approved', 'in-review']);

    const events = (await newEvents()).filter((e) => 'caseId' in e && e.caseId === kase.caseId);
    const departmentDecisions = events.filter((e) => e.type === 'decision' && e.data.scope === 'department');
    expect(departmentDecisions).toHaveLength(2);
    const overall = events.filter((e) => e.type === 'decision' && e.data.scope === 'overall');
    expect(overall.map((e) => e.type === 'decision' && e.data.scope === 'overall' && e.data.outcome)).toEqual(['approved']);
    const issued = events.filter((e) => e.type === 'certificate-issued');
    expect(issued).toHaveLength(1);
    const certificate = issued[0];
    if (certificate.type !== 'certificate-issued') throw new Error('unexpected');
    expect(certificate.data).toMatchObject({ caseNo: kase.caseNo, itemCode: kase.itemCode, itemName: kase.itemName });

    const pdfResponse = await device.fetch(SYNC_ROUTES.blob(certificate.data.blob.sha256));
    expect(pdfResponse.headers.get('content-type')).toBe('application/pdf');
    const pdfBytes = new Uint8Array(await pdfResponse.arrayBuffer());
    expect(sha256Hex(pdfBytes)).toBe(certificate.data.blob.sha256);
    expect(pdfBytes.length).toBe(certificate.data.blob.size);
    const pdf = await PDFDocument.load(pdfBytes);
    expect(pdf.getPageCount()).toBe(1);
    expect(pdf.getTitle()).toContain(kase.itemName);
    expect(pdf.getTitle()).toContain(kase.caseNo);
    // The page text (Chinese font, glyph ids) is checked with pdftotext in backoffice-certificate.test.ts.
    expect(pdf.getSubject()).toContain(kase.caseNo);

    const again = await scjg.decide(taskOf('SCJG'), { decision: 'refuse', reason: '改主意了' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as any).error.code).toBe('CASE_CLOSED');
    const after = reviewCaseResponseSchema.parse(await (await scjg.fetch(SYNC_ROUTES.reviewCase(kase.caseId))).json());
    expect(after.case.status).toBe('approved');
    expect(after.certificate?.sha256).toBe(certificate.data.blob.sha256);
  });

  it('refuses the case as soon as one department refuses, with its reason', async () => {
    const { kase, taskOf } = await submit({ approval: { lead: 'SCJG', co: ['ZJ', 'WJ'] } });
    const noReason = await zj.decide(taskOf('ZJ'), { decision: 'refuse' });
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as any).error.message).toContain('不予许可须写明理由');

    expect((await wj.decide(taskOf('WJ'), { decision: 'approve' })).status).toBe(200);
    const refused = decisionResponseSchema.parse(await (await zj.decide(taskOf('ZJ'), { decision: 'refuse', reason: '选址不符合规划' })).json());
    expect(refused.caseStatus).toBe('refused');

    const events = (await newEvents()).filter((e) => 'caseId' in e && e.caseId === kase.caseId);
    const overall = events.find((e) => e.type === 'decision' && e.data.scope === 'overall');
    expect(overall?.type === 'decision' && overall.data).toMatchObject({ outcome: 'refused', reasons: [{ department: 'ZJ', reason: '选址不符合规划' }] });
    expect(events.some((e) => e.type === 'certificate-issued')).toBe(false);

    // The lead's task is cancelled: gone from its queue, and it can no longer decide.
    expect((await queue(scjg)).some((x) => x.caseId === kase.caseId)).toBe(false);
    const late = await scjg.decide(taskOf('SCJG'), { decision: 'approve' });
    expect(late.status).toBe(409);
  });

  it('sends a supplement request to the window and reopens the task when materials arrive', async () => {
    const { kase, taskOf } = await submit();
    const asked = await scjg.decide(taskOf('SCJG'), {
      decision: 'supplement',
      reason: '营业执照复印件不清晰',
      materialsWanted: [{ name: '营业执照复印件', materialId: 'licence', note: '加盖公章' }],
    });
    expect(decisionResponseSchema.parse(await asked.json()).caseStatus).toBe('supplement-requested');
    const requested = (await newEvents()).find((e) => e.type === 'supplement-requested' && e.caseId === kase.caseId);
    if (requested?.type !== 'supplement-requested') throw new Error('no supplement-requested event');
    expect(requested.data).toMatchObject({ department: 'SCJG', reason: '营业执照复印件不清晰', materialsWanted: [{ name: '营业执照复印件', materialId: 'licence' }] });

    // While waiting, the task is out of the queue and cannot be decided.
    expect((await queue(scjg)).some((x) => x.taskId === taskOf('SCJG'))).toBe(false);
    expect((await scjg.decide(taskOf('SCJG'), { decision: 'approve' })).status).toBe(409);
    // The co-department keeps working meanwhile.
    expect((await zj.decide(taskOf('ZJ'), { decision: 'approve' })).status).toBe(200);

    const before = (await newEvents()).length;
    expect(before).toBe(1); // ZJ's decision
    t.advanceClock(3 * 3_600_000); // the applicant comes back three hours later
    const licence = randomBytes(5000);
    const supplement = {
      caseId: kase.caseId,
      supplementId: ulid(),
      submittedAt: new Date().toISOString(),
      submittedBy: 'clerk01',
      materials: [{ materialId: 'licence', name: '营业执照复印件', status: 'received' as const, blobs: [sha256Hex(licence)] }],
    };
    const mutation = { mutationId: ulid(), kind: 'case.supplement' as const, payload: supplement };
    expect((await device.push([mutation])).results[0].status).toBe('missing-blobs');
    await device.upload(licence);
    expect((await device.push([mutation])).results[0].status).toBe('applied');
    expect((await device.push([mutation])).results[0].status).toBe('duplicate');

    const received = (await newEvents()).filter((e) => e.type === 'supplement-received');
    expect(received).toHaveLength(1);
    const reopened = received[0].type === 'supplement-received' ? received[0].data.reopenedTasks : [];
    expect(reopened.map((x) => x.taskId)).toEqual([taskOf('SCJG')]);
    // 补正 stops the clock: the deadline moved by the time spent waiting.
    const extended = new Date(reopened[0].deadline).getTime() - new Date('2099-06-30T15:59:59.999Z').getTime();
    expect(extended).toBeGreaterThanOrEqual(3 * 3_600_000);
    expect(extended).toBeLessThan(3 * 3_600_000 + 60_000);

    const detail = reviewCaseResponseSchema.parse(await (await scjg.fetch(SYNC_ROUTES.reviewCase(kase.caseId))).json());
    expect(detail.case.status).toBe('in-review');
    expect(detail.materials.map((m) => m.materialId)).toEqual(['id-card', 'licence']);
    expect(detail.supplements).toHaveLength(1);
    expect((await scjg.fetch(SYNC_ROUTES.reviewBlob(sha256Hex(licence)))).status).toBe(200);

    expect((await queue(scjg)).some((x) => x.taskId === taskOf('SCJG'))).toBe(true);
    const approved = decisionResponseSchema.parse(await (await scjg.decide(taskOf('SCJG'), { decision: 'approve' })).json());
    expect(approved.caseStatus).toBe('approved');
    expect((await newEvents()).map((e) => e.type)).toEqual(['decision', 'decision', 'certificate-issued']);
  });

  it('lists a department’s open tasks by deadline and drops withdrawn cases', async () => {
    const later = await submit({ promisedDate: '2099-12-31', approval: { lead: 'WJ', co: [] } });
    const sooner = await submit({ promisedDate: '2099-07-15', approval: { lead: 'WJ', co: [] } });
    const tasks = await queue(wj);
    const mine = tasks.filter((x) => [later.kase.caseId, sooner.kase.caseId].includes(x.caseId)).map((x) => x.caseId);
    expect(mine).toEqual([sooner.kase.caseId, later.kase.caseId]);
    const deadlines = tasks.map((x) => x.deadline);
    expect([...deadlines].sort()).toEqual(deadlines);

    await device.push([
      {
        mutationId: ulid(),
        kind: 'case.withdraw',
        payload: { caseId: sooner.kase.caseId, reason: '申请人撤回', withdrawnAt: new Date().toISOString(), withdrawnBy: 'clerk01' },
      },
    ]);
    expect((await queue(wj)).some((x) => x.caseId === sooner.kase.caseId)).toBe(false);
    expect((await wj.decide(sooner.taskOf('WJ'), { decision: 'approve' })).status).toBe(409);
  });
});
