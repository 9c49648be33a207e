import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { changeEventSchema, MAX_MUTATIONS_PER_PUSH, pushResponseSchema, SYNC_ROUTES, type Mutation } from '../../shared/sync';
import { sampleCase, sha256Hex, startTestBackoffice, testBackends, TestDevice, type TestBackoffice } from '../../backoffice/testing';

describe.each(testBackends())('push: idempotent mutations ($name)', ({ postgresUrl }) => {
  let t: TestBackoffice;
  let device: TestDevice;

  beforeAll(async () => {
    t = await startTestBackoffice({ postgresUrl });
    device = await TestDevice.enrol(t.baseUrl, await t.backoffice.admin.createEnrolmentCode({ centerCode: '320113002', windowNo: '01' }));
  }, 60_000);
  afterAll(async () => t?.close());

  async function eventsFor(caseId: string) {
    const { events } = await device.changes(0);
    return events.map((e) => changeEventSchema.parse(e)).filter((e) => 'caseId' in e && e.caseId === caseId);
  }

  it('applies a case once, however often it is pushed', async () => {
    const scan = await device.upload(randomBytes(2048));
    const kase = sampleCase(device.credentials, {
      materials: [{ materialId: 'id-card', name: '身份证', status: 'received', blobs: [scan] }],
      approval: { lead: 'SCJG', co: ['WJ', 'ZJ'] },
      promisedDate: '2099-01-10',
    });
    const mutation: Mutation = { mutationId: ulid(), kind: 'case.create', payload: kase };

    const first = pushResponseSchema.parse(await device.push([mutation]));
    expect(first.results).toEqual([{ mutationId: mutation.mutationId, status: 'applied' }]);
    const again = await device.push([mutation]);
    expect(again.results).toEqual([{ mutationId: mutation.mutationId, status: 'duplicate' }]);
    // A retry racing the original (two instances, or a timeout and resend) also applies once.
    const raced = await Promise.all([device.push([mutation]), device.push([mutation])]);
    expect(raced.map((r) => r.results[0].status)).toEqual(['duplicate', 'duplicate']);

    const events = await eventsFor(kase.caseId);
    expect(events.map((e) => e.type)).toEqual(['case-received']);
    const received = events[0];
    if (received.type !== 'case-received') throw new Error('unexpected');
    expect(received.data.tasks.map((task) => [task.department, task.role])).toEqual([
      ['SCJG', 'lead'],
      ['WJ', 'co'],
      ['ZJ', 'co'],
    ]);
    const lead = received.data.tasks[0];
    expect(lead.deadline).toBe('2099-01-10T15:59:59.999Z');
    expect(new Date(received.data.tasks[1].deadline).getTime()).toBeLessThan(new Date(lead.deadline).getTime());
  });

  it('applies concurrent first pushes of the same new mutation exactly once', async () => {
    const kase = sampleCase(device.credentials);
    const mutation: Mutation = { mutationId: ulid(), kind: 'case.create', payload: kase };
    const results = await Promise.all([1, 2, 3].map(() => device.push([mutation])));
    expect(results.map((r) => r.results[0].status).sort()).toEqual(['applied', 'duplicate', 'duplicate']);
    expect(await eventsFor(kase.caseId)).toHaveLength(1);
  });

  it('answers missing-blobs (not remembered) until the blobs are uploaded, skipping what follows', async () => {
    const page1 = randomBytes(3000);
    const page2 = randomBytes(3000);
    const [sha1, sha2] = [sha256Hex(page1), sha256Hex(page2)];
    await device.upload(page1);
    const kase = sampleCase(device.credentials, {
      materials: [
        { materialId: 'licence', name: '营业执照', status: 'received', blobs: [sha2, sha1] },
        { materialId: 'lease', name: '租赁合同', status: 'deferred', deferUntil: '2099-02-01' },
      ],
    });
    const create: Mutation = { mutationId: ulid(), kind: 'case.create', payload: kase };
    const withdraw: Mutation = {
      mutationId: ulid(),
      kind: 'case.withdraw',
      payload: { caseId: kase.caseId, reason: '申请人撤回', withdrawnAt: new Date().toISOString(), withdrawnBy: 'clerk01' },
    };
    const first = await device.push([create, withdraw]);
    expect(first.results).toEqual([
      { mutationId: create.mutationId, status: 'missing-blobs', missing: [sha2] },
      { mutationId: withdraw.mutationId, status: 'skipped' },
    ]);
    expect(await eventsFor(kase.caseId)).toEqual([]);

    await device.upload(page2);
    const second = await device.push([create, withdraw]);
    expect(second.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect((await eventsFor(kase.caseId)).map((e) => e.type)).toEqual(['case-received', 'case-withdrawn']);
  });

  it('rejects an invalid payload for good, with a Chinese reason, and remembers it', async () => {
    const kase = sampleCase(device.credentials, {
      applicant: { name: '李四', idType: 'resident-id', idNumber: '12345' },
      approval: { lead: 'SCJG', co: ['SCJG'] },
    });
    const mutation: Mutation = { mutationId: ulid(), kind: 'case.create', payload: kase };
    const [result] = (await device.push([mutation])).results;
    expect(result).toMatchObject({ status: 'rejected', code: 'INVALID_PAYLOAD' });
    if (result.status !== 'rejected') throw new Error('unexpected');
    expect(result.reason).toContain('居民身份证号应为 18 位');
    expect(result.reason).toContain('协办部门不得与主办部门相同');

    // Same mutation id, now with a fixed payload: still the remembered rejection.
    const fixed: Mutation = { ...mutation, payload: sampleCase(device.credentials) };
    expect((await device.push([fixed])).results[0]).toEqual(result);
  });

  it('rejects cases from the wrong window, reused case numbers and bad dates', async () => {
    const other = sampleCase({ centerCode: '320113002', windowNo: '09' });
    const wrongWindow = await device.push([{ mutationId: ulid(), kind: 'case.create', payload: other }]);
    expect(wrongWindow.results[0]).toMatchObject({ status: 'rejected', code: 'WRONG_WINDOW' });

    const kase = sampleCase(device.credentials);
    await device.push([{ mutationId: ulid(), kind: 'case.create', payload: kase }]);
    const sameId = await device.push([{ mutationId: ulid(), kind: 'case.create', payload: { ...kase, caseNo: 'QX-OTHER-0001' } }]);
    expect(sameId.results[0]).toMatchObject({ status: 'rejected', code: 'CASE_EXISTS' });
    const sameNo = await device.push([{ mutationId: ulid(), kind: 'case.create', payload: { ...sampleCase(device.credentials), caseNo: kase.caseNo } }]);
    expect(sameNo.results[0]).toMatchObject({ status: 'rejected', code: 'CASE_EXISTS' });

    const late = sampleCase(device.credentials, { acceptedAt: '2025-03-04T01:00:00.000Z', promisedDate: '2025-03-03' });
    const badDates = await device.push([{ mutationId: ulid(), kind: 'case.create', payload: late }]);
    expect(badDates.results[0]).toMatchObject({ status: 'rejected', code: 'BAD_DATES' });
  });

  it('rejects supplements and withdrawals of cases that are not this window’s or are closed', async () => {
    const unknown = await device.push([
      {
        mutationId: ulid(),
        kind: 'case.supplement',
        payload: { caseId: ulid(), supplementId: ulid(), submittedAt: new Date().toISOString(), submittedBy: 'clerk01', materials: [{ materialId: 'x1', name: '补充说明', status: 'commitment' }] },
      },
    ]);
    expect(unknown.results[0]).toMatchObject({ status: 'rejected', code: 'CASE_NOT_FOUND' });

    const kase = sampleCase(device.credentials);
    const withdraw = (): Mutation => ({
      mutationId: ulid(),
      kind: 'case.withdraw',
      payload: { caseId: kase.caseId, reason: '申请人撤回', withdrawnAt: new Date().toISOString(), withdrawnBy: 'clerk01' },
    });
    const results = await device.push([{ mutationId: ulid(), kind: 'case.create', payload: kase }, withdraw(), withdraw()]);
    expect(results.results.map((r) => r.status)).toEqual(['applied', 'applied', 'rejected']);
    expect(results.results[2]).toMatchObject({ code: 'CASE_CLOSED' });

    const stranger = await TestDevice.enrol(t.baseUrl, await t.backoffice.admin.createEnrolmentCode({ centerCode: '320113002', windowNo: '02' }));
    const foreign = await stranger.push([withdraw()]);
    expect(foreign.results[0]).toMatchObject({ status: 'rejected', code: 'CASE_NOT_FOUND' });
  });

  it('stores audit entries once', async () => {
    const entry = { entryId: ulid(), at: new Date().toISOString(), actor: 'clerk01', action: 'case.accept', detail: { note: '受理' } };
    const a = await device.push([{ mutationId: ulid(), kind: 'audit.append', payload: { entries: [entry] } }]);
    const b = await device.push([{ mutationId: ulid(), kind: 'audit.append', payload: { entries: [entry, { ...entry, entryId: ulid() }] } }]);
    expect([a.results[0].status, b.results[0].status]).toEqual(['applied', 'applied']);
  });

  it('refuses malformed pushes as a whole with 400', async () => {
    const post = (body: unknown) =>
      device.fetch(SYNC_ROUTES.push, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const tooMany = Array.from({ length: MAX_MUTATIONS_PER_PUSH + 1 }, () => ({ mutationId: ulid(), kind: 'audit.append', payload: {} }));
    for (const body of [
      { deviceId: device.id, mutations: tooMany },
      { deviceId: device.id, mutations: [{ mutationId: 'not-a-ulid', kind: 'audit.append', payload: {} }] },
      { deviceId: device.id, mutations: [{ mutationId: ulid(), kind: 'case.delete', payload: {} }] },
      { deviceId: device.id },
    ]) {
      const response = await post(body);
      expect(response.status).toBe(400);
      const error = ((await response.json()) as any).error;
      expect(error.code).toBe('INVALID_REQUEST');
      expect(error.message).toMatch(/请求格式不正确/);
    }
  });
});
