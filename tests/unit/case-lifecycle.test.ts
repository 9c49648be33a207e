/**
 * The case lifecycle at the window over a real SQLite file: every move goes through the state
 * machine (channels for the window, the change-feed applier for the back office), refused ones
 * come back as typed errors, each move writes its timeline entry (who, role, where) and audit
 * entry, a withdrawal enqueues its outbox mutation, and every document a case gets is stored
 * with it and reads back as text (poppler's pdftotext).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseHandouts, caseDocuments } from '../../db/lifecycle-schema';
import { auditLog, caseEvents, cases, drafts, outbox } from '../../db/schema';
import { applyPage } from '../../electron/sync/pull';
import type { Workstation } from '../../electron/workstation';
import { canTransition, type CaseEvent } from '../../shared/cases/state-machine';
import type { CaseStatus } from '../../shared/cases/status';
import { caseWithdrawSchema } from '../../shared/sync/case';
import { COMPLETE_MATERIALS, idNumber, PERSONAL_ITEM, personalFormData, writeCatalogFixture } from '../helpers/catalog-fixture';
import { openTestWorkstation, signInAdmin, tempDir } from '../helpers/workstation';

const hasPoppler = spawnSync('pdftotext', ['-v']).status === 0;
if (!hasPoppler) console.warn('case-lifecycle.test: pdftotext (poppler-utils) not found; PDF text checks are skipped');

let dir: ReturnType<typeof tempDir>;
let ws: Workstation;
let admin: string;
let clerk: string;
let supervisor: string;
let seq = 0;
let people = 100;

type Envelope = { ok: true; data: any } | { ok: false; error: { code: string; message: string } };
async function call(channel: string, input: unknown, sessionId?: string): Promise<Envelope> {
  return (await ws.dispatch(channel, input, { sessionId })).envelope as Envelope;
}
async function ok(channel: string, input: unknown, sessionId: string): Promise<any> {
  const r = await call(channel, input, sessionId);
  if (!r.ok) throw new Error(`${channel}: ${JSON.stringify(r.error)}`);
  return r.data;
}

async function addUser(username: string, displayName: string, role: 'clerk' | 'supervisor'): Promise<string> {
  const added = await ok('users.add', { username, displayName, role }, admin);
  const r = await ws.dispatch('auth.signIn', { username, password: added.oneTimePassword }, {});
  await ws.dispatch('auth.changePassword', { currentPassword: added.oneTimePassword, newPassword: 'Window07pass' }, { sessionId: r.session! });
  return r.session!;
}

const textOf = (bytes: Uint8Array): string => {
  const file = join(dir.path, `doc-${ulid()}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
};

/** A fresh applicant (a distinct valid ID number) and an accepted case. */
async function acceptCase(session = clerk, materials: readonly unknown[] = COMPLETE_MATERIALS): Promise<{ id: string; caseNo: string; idNo: string; name: string }> {
  const idNo = idNumber('19500101', String(people++).padStart(3, '0'));
  const name = '周桂兰';
  const row = await ok('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData(name, idNo), materials }, session);
  return { id: row.id, caseNo: row.caseNo, idNo, name };
}

/** Back-office events as the change feed carries them, applied by the real applier. */
function feed(caseId: string, caseNo: string, ...events: { type: string; data: Record<string, unknown> }[]): void {
  const at = new Date().toISOString();
  const page = events.map((e) => ({ seq: ++seq, eventId: ulid(), at, caseId, type: e.type, data: { caseNo, ...e.data } }));
  applyPage({ db: ws.database.db, now: () => new Date() }, page, seq);
}
const received = { type: 'case-received', data: { status: 'in-review', tasks: [] } };
const approved = { type: 'decision', data: { scope: 'overall', outcome: 'approved', reasons: [], decidedAt: new Date().toISOString() } };
const certificate = (name: string) => ({
  type: 'certificate-issued',
  data: { itemCode: PERSONAL_ITEM.code, itemName: name, certificateNo: 'QXYD-2026-000123', blob: { sha256: createHash('sha256').update('cert').digest('hex'), size: 4, mediaType: 'application/pdf' }, issuedAt: new Date().toISOString() },
});

async function readyCase(): Promise<{ id: string; caseNo: string; idNo: string; name: string }> {
  const c = await acceptCase();
  feed(c.id, c.caseNo, received, approved, certificate(PERSONAL_ITEM.name));
  expect(statusOf(c.id)).toBe('certificate-ready');
  return c;
}

const statusOf = (id: string) => ws.database.db.select({ s: cases.status }).from(cases).where(eq(cases.id, id)).get()!.s;
const timeline = (id: string) => ws.database.db.select().from(caseEvents).where(eq(caseEvents.caseId, id)).orderBy(asc(caseEvents.id)).all();
const audits = (id: string) => ws.database.db.select().from(auditLog).where(eq(auditLog.caseId, id)).orderBy(asc(auditLog.id)).all();

async function documentText(caseId: string, kind: string): Promise<string> {
  const list = (await ok('documents.list', { caseId }, clerk)) as { id: string; kind: string; sha256: string }[];
  const meta = list.find((d) => d.kind === kind);
  expect(meta, `${kind} stored`).toBeTruthy();
  const doc = await ok('documents.get', { documentId: meta!.id }, clerk);
  const bytes = Buffer.from(doc.pdfBase64, 'base64');
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(meta!.sha256);
  expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  return hasPoppler ? textOf(bytes) : '';
}

beforeAll(async () => {
  dir = tempDir();
  const catalogDir = writeCatalogFixture(join(dir.path, 'catalog'));
  ws = await openTestWorkstation(join(dir.path, 'data'), { catalogDir, flags: { windowNo: '07' } });
  admin = await signInAdmin(ws);
  clerk = await addUser('liuqing', '刘青', 'clerk');
  supervisor = await addUser('chenzhu', '陈主管', 'supervisor');
}, 60_000);
afterAll(async () => {
  await ws?.close();
  dir?.remove();
});

describe('the window moves cases only as the state machine allows', () => {
  it('offers each action exactly where the machine allows it, and refuses the rest with a typed error', async () => {
    const accepted = await acceptCase();
    const inReview = await acceptCase();
    feed(inReview.id, inReview.caseNo, received);
    const ready = await readyCase();
    const withdrawn = await acceptCase();
    await ok('cases.withdraw', { caseId: withdrawn.id, reason: '申请人不再需要' }, clerk);
    const byStatus: [CaseStatus, { id: string; idNo: string; name: string }][] = [
      ['accepted', accepted],
      ['in-review', inReview],
      ['certificate-ready', ready],
      ['withdrawn', withdrawn],
    ];
    for (const [status, c] of byStatus) {
      expect(statusOf(c.id)).toBe(status);
      const attempts: [CaseEvent, string, unknown][] = [
        ['hand-out', 'cases.handOut', { caseId: c.id, collector: { kind: 'applicant', name: c.name, idNumber: c.idNo } }],
        ['deliver', 'cases.deliver', { caseId: c.id, delivery: { recipientName: c.name, recipientPhone: '13912345678', address: '南京市栖霞区和燕路1号', carrier: '中国邮政EMS', trackingNo: 'EMS1234567890' } }],
        ['withdraw', 'cases.withdraw', { caseId: c.id, reason: '申请人撤回' }],
      ];
      for (const [event, channel, input] of attempts) {
        // Illegal moves first, so the legal one (which changes the status) runs last.
        if (canTransition(status, event, 'clerk')) continue;
        const r = await call(channel, input, clerk);
        expect(r, `${event} from ${status}`).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
        if (!r.ok) expect(r.error.message).toMatch(/^办件当前状态为“.+”，不能执行“.+”$/);
        expect(statusOf(c.id)).toBe(status);
      }
    }
    // The legal ones succeed (one case per action: each is final).
    expect((await call('cases.withdraw', { caseId: inReview.id, reason: '申请人撤回' }, clerk)).ok).toBe(true);
    expect(statusOf(inReview.id)).toBe('withdrawn');
  });

  it('refuses window actions to an admin (FORBIDDEN) and signed-out callers', async () => {
    const c = await acceptCase();
    const r = await call('cases.withdraw', { caseId: c.id, reason: '测试' }, admin);
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call('cases.withdraw', { caseId: c.id, reason: '测试' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(statusOf(c.id)).toBe('accepted');
  });
});

describe('撤回', () => {
  it('withdraws with a reason, writes who/where in the timeline and the audit, and enqueues case.withdraw', async () => {
    const c = await acceptCase();
    expect(await call('cases.withdraw', { caseId: c.id, reason: '' }, clerk)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const r = await ok('cases.withdraw', { caseId: c.id, reason: '申请人已另行办理' }, supervisor);
    expect(r.case).toMatchObject({ id: c.id, status: 'withdrawn' });
    const entry = timeline(c.id).at(-1)!;
    expect(entry).toMatchObject({ type: 'withdrawn', fromStatus: 'accepted', toStatus: 'withdrawn', actor: 'chenzhu', actorRole: 'supervisor', centerCode: '32011300', windowNo: '07', device: 'ws-32011300-07' });
    expect(JSON.parse(entry.detail)).toMatchObject({ event: 'withdraw', reason: '申请人已另行办理' });
    expect(audits(c.id).map((a) => a.action)).toEqual(['case.accept', 'case.withdraw']);
    expect(ws.audit.verify()).toMatchObject({ ok: true });
    const queued = ws.database.db.select().from(outbox).where(and(eq(outbox.caseId, c.id), eq(outbox.kind, 'case.withdraw'))).all();
    expect(queued).toHaveLength(1);
    expect(queued[0].status).toBe('pending');
    const payload = caseWithdrawSchema.parse(JSON.parse(queued[0].payload));
    expect(payload).toMatchObject({ caseId: c.id, reason: '申请人已另行办理', withdrawnBy: 'chenzhu' });
    // The back office's own confirmation later is not a move any more, and not an error either.
    feed(c.id, c.caseNo, { type: 'case-withdrawn', data: { reason: '申请人已另行办理', withdrawnAt: new Date().toISOString() } });
    expect(statusOf(c.id)).toBe('withdrawn');
    expect(JSON.parse(timeline(c.id).at(-1)!.detail).notApplied).toBeUndefined();
  });
});

describe('不予受理', () => {
  it('turns a draft into a not-accepted case with its 不予受理通知书 and sends nothing to the back office', async () => {
    const idNo = idNumber('19620202', '451');
    const saved = await ok('drafts.save', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData('孙海涛', idNo), materials: [] }, clerk);
    expect(await call('cases.refuseIntake', { draftId: saved.draftId, reasons: ['x'] }, admin)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call('cases.refuseIntake', { draftId: saved.draftId, reasons: [] }, clerk)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const r = await ok(
      'cases.refuseIntake',
      { draftId: saved.draftId, reasons: ['申请人年龄未满60周岁，不符合办理条件'], legalBasis: ['《江苏省老年人权益保障条例》第三十条'] },
      clerk,
    );
    expect(r.case.status).toBe('not-accepted');
    expect(r.document).toMatchObject({ kind: 'non-acceptance-notice', title: '不予受理通知书', createdBy: 'liuqing' });
    expect(ws.database.db.select().from(drafts).where(eq(drafts.id, saved.draftId)).get()).toBeUndefined();
    expect(ws.database.db.select().from(outbox).where(eq(outbox.caseId, r.case.id)).all()).toHaveLength(0);
    expect(timeline(r.case.id)).toMatchObject([{ type: 'not-accepted', fromStatus: null, toStatus: 'not-accepted', actorRole: 'clerk', windowNo: '07' }]);
    expect(audits(r.case.id).map((a) => a.action)).toEqual(['case.refuse-intake', 'document.issue']);
    const text = await documentText(r.case.id, 'non-acceptance-notice');
    if (hasPoppler) {
      expect(text).toContain('不予受理通知书');
      expect(text).toContain('申请人年龄未满60周岁');
      expect(text).toContain('行政复议');
      expect(text).toContain('向栖霞区人民政府申请行政复议');
      expect(text).not.toContain(idNo);
    }
    // A not-accepted case is final.
    expect(await call('cases.withdraw', { caseId: r.case.id, reason: '撤回' }, clerk)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await call('documents.receipt', { caseId: r.case.id }, clerk)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });
});

describe('documents stored with the case', () => {
  it('stores the receipt once (a reprint is the same bytes) and the 告知承诺书 for a commitment', async () => {
    const c = await acceptCase(clerk, [
      { materialId: 'id-card', status: 'received' },
      { materialId: 'photo', status: 'received' },
      { materialId: 'hukou-book', status: 'commitment' },
    ]);
    const first = await ok('documents.receipt', { caseId: c.id }, clerk);
    const again = await ok('documents.receipt', { caseId: c.id }, supervisor);
    expect(again.sha256).toBe(first.sha256);
    const list = await ok('documents.list', { caseId: c.id }, clerk);
    expect(list.map((d: { kind: string }) => d.kind).sort()).toEqual(['acceptance-receipt', 'commitment-letter']);
    expect(ws.database.db.select().from(caseDocuments).where(eq(caseDocuments.caseId, c.id)).all()).toHaveLength(2);
    const receipt = await documentText(c.id, 'acceptance-receipt');
    const letter = await documentText(c.id, 'commitment-letter');
    if (hasPoppler) {
      expect(receipt).toContain('受理回执');
      expect(receipt).toContain(c.caseNo);
      expect(receipt).toContain('刘青'); // the accepting clerk, whoever reprints
      expect(receipt).not.toContain(c.idNo);
      expect(letter).toContain('告知承诺书');
      expect(letter).toContain('户口簿');
    }
    expect(audits(c.id).map((a) => a.action)).toEqual(expect.arrayContaining(['document.issue', 'document.open']));
    expect(await call('documents.get', { documentId: 'NOPE' }, clerk)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // Browser mode has no printer hook: the page prints.
    expect(await ok('documents.print', { documentId: list[0].id }, clerk)).toEqual({ printed: false });
  });

  it('issues a 补正材料通知书 for each supplement request from the back office', async () => {
    const c = await acceptCase();
    feed(c.id, c.caseNo, received, {
      type: 'supplement-requested',
      data: { taskId: ulid(), department: 'MZ', reason: '照片不符合要求', materialsWanted: [{ name: '近期免冠证件照', note: '白底两寸' }], requestedAt: new Date().toISOString() },
    });
    expect(statusOf(c.id)).toBe('supplement-requested');
    const text = await documentText(c.id, 'supplement-notice');
    if (hasPoppler) {
      expect(text).toContain('补正材料通知书');
      expect(text).toContain('近期免冠证件照');
      expect(text).toContain('照片不符合要求');
    }
    // Listing again issues nothing new.
    const before = (await ok('documents.list', { caseId: c.id }, clerk)).length;
    expect((await ok('documents.list', { caseId: c.id }, clerk)).length).toBe(before);
  });
});

describe('出件 and 寄递', () => {
  it('hands out to the applicant with the 送达回执, and a late back-office event never moves it back', async () => {
    const c = await readyCase();
    const collector = { kind: 'applicant', name: c.name, idNumber: c.idNo };
    expect(await call('cases.handOut', { caseId: c.id, collector: { ...collector, idNumber: '320113195001011230' } }, clerk)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await call('cases.handOut', { caseId: c.id, collector: { ...collector, idNumber: idNumber('19700101', '999') } }, clerk)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await call('cases.handOut', { caseId: c.id, collector: { kind: 'agent', name: '李明', idNumber: idNumber('19800101', '555') } }, clerk)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const r = await ok('cases.handOut', { caseId: c.id, collector }, clerk);
    expect(r.case.status).toBe('handed-out');
    expect(r.document.kind).toBe('handout-receipt');
    const row = ws.database.db.select().from(caseHandouts).where(eq(caseHandouts.caseId, c.id)).get()!;
    expect(row).toMatchObject({ method: 'pickup', collectorKind: 'applicant', collectorIdNo: c.idNo, handedOutBy: 'liuqing' });
    const entry = timeline(c.id).at(-1)!;
    expect(entry).toMatchObject({ type: 'handed-out', fromStatus: 'certificate-ready', toStatus: 'handed-out', actorRole: 'clerk', windowNo: '07' });
    expect(entry.detail).not.toContain(c.idNo);
    expect(audits(c.id).map((a) => a.action)).toEqual(expect.arrayContaining(['case.hand-out', 'document.issue']));
    const text = await documentText(c.id, 'handout-receipt');
    if (hasPoppler) {
      expect(text).toContain('送达回执');
      expect(text).toContain('QXYD-2026-000123');
      expect(text).not.toContain(c.idNo);
    }
    expect(await call('cases.handOut', { caseId: c.id, collector }, clerk)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    // A late or replayed outcome: recorded, refused by the machine, status unchanged.
    feed(c.id, c.caseNo, { type: 'decision', data: { scope: 'overall', outcome: 'refused', reasons: [], decidedAt: new Date().toISOString() } });
    expect(statusOf(c.id)).toBe('handed-out');
    const late = timeline(c.id).at(-1)!;
    expect(late).toMatchObject({ type: 'decision', fromStatus: 'handed-out', toStatus: 'handed-out', actorRole: 'system' });
    expect(JSON.parse(late.detail).notApplied).toBe('办件当前状态为“已领取”，不能执行“不予许可”');
    expect(audits(c.id).map((a) => a.action)).toContain('sync.refused-transition');
  });

  it('hands out to an authorised agent', async () => {
    const c = await readyCase();
    const agentId = idNumber('19850505', '321');
    const unchecked = await call('cases.handOut', { caseId: c.id, collector: { kind: 'agent', name: '李明', idNumber: agentId, authorization: '授权委托书', identityCheckId: 'NO-SUCH-CHECK' } }, clerk);
    expect(unchecked.ok).toBe(false);
    expect(statusOf(c.id)).toBe('certificate-ready');
    const r = await ok('cases.handOut', { caseId: c.id, collector: { kind: 'agent', name: '李明', idNumber: agentId, authorization: '授权委托书（2026年11月20日）' } }, supervisor);
    expect(r.case.status).toBe('handed-out');
    const text = await documentText(c.id, 'handout-receipt');
    if (hasPoppler) {
      expect(text).toContain('李明');
      expect(text).not.toContain(agentId);
    }
  });

  it('delivers by express with the tracking number on the 送达回执', async () => {
    const c = await readyCase();
    const delivery = { recipientName: c.name, recipientPhone: '13812345678', address: '南京市栖霞区和燕路1号', carrier: '中国邮政EMS', trackingNo: 'EMS1122334455' };
    expect(await call('cases.deliver', { caseId: c.id, delivery: { ...delivery, recipientPhone: '12345' } }, clerk)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const r = await ok('cases.deliver', { caseId: c.id, delivery }, clerk);
    expect(r.case.status).toBe('delivered');
    expect(ws.database.db.select().from(caseHandouts).where(eq(caseHandouts.caseId, c.id)).get()).toMatchObject({ method: 'express', trackingNo: 'EMS1122334455', carrier: '中国邮政EMS' });
    const detail = JSON.parse(timeline(c.id).at(-1)!.detail);
    expect(detail).toMatchObject({ event: 'deliver', trackingNo: 'EMS1122334455', phoneMasked: '138****5678' });
    const text = await documentText(c.id, 'handout-receipt');
    if (hasPoppler) {
      expect(text).toContain('EMS1122334455');
      expect(text).toContain('中国邮政EMS');
    }
  });
});

describe('the change feed goes through the machine', () => {
  it('catches up a case the feed reports approved before received, and records every system move with its role', async () => {
    const c = await acceptCase();
    feed(c.id, c.caseNo, approved);
    expect(statusOf(c.id)).toBe('approved');
    const moves = timeline(c.id).map((e) => `${e.type}:${e.fromStatus}->${e.toStatus}:${e.actorRole}`);
    expect(moves).toEqual(['accepted:null->accepted:clerk', 'received:accepted->in-review:system', 'decision:in-review->approved:system']);
    expect(audits(c.id).map((a) => a.action)).toEqual(['case.accept', 'sync.receive', 'sync.approve']);
    expect(ws.audit.verify()).toMatchObject({ ok: true });
  });

  it('takes a supplement back into review, and records a certificate for a case not approved without moving it', async () => {
    const c = await acceptCase();
    feed(c.id, c.caseNo, received, {
      type: 'supplement-requested',
      data: { taskId: ulid(), department: 'MZ', materialsWanted: [{ name: '户口簿' }], requestedAt: new Date().toISOString() },
    });
    // A department's opinion never ends the 补正 wait.
    feed(c.id, c.caseNo, { type: 'decision', data: { scope: 'department', taskId: ulid(), department: 'MZ', role: 'lead', decision: 'approve', decidedBy: '王审批', decidedAt: new Date().toISOString() } });
    expect(statusOf(c.id)).toBe('supplement-requested');
    feed(c.id, c.caseNo, { type: 'supplement-received', data: { supplementId: ulid(), status: 'in-review', reopenedTasks: [] } });
    expect(statusOf(c.id)).toBe('in-review');
    expect(timeline(c.id).at(-1)).toMatchObject({ type: 'supplement-received', fromStatus: 'supplement-requested', toStatus: 'in-review', actorRole: 'system', device: 'backoffice' });
    feed(c.id, c.caseNo, certificate(PERSONAL_ITEM.name));
    expect(statusOf(c.id)).toBe('in-review');
    const refused = timeline(c.id).at(-1)!;
    expect(refused).toMatchObject({ type: 'certificate-issued', fromStatus: 'in-review', toStatus: 'in-review' });
    expect(JSON.parse(refused.detail).notApplied).toBe('办件当前状态为“审批中”，不能执行“制证”');
  });
});
