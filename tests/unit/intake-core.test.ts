/** Materials checklist, 一次性告知, once-only prefill and drafts, through the real core. */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Workstation } from '../../electron/workstation';
import { appPath } from '../../electron/paths';
import { trainingCardData, writeTrainingCard } from '../../electron/identity/testing';
import { COMPLETE_MATERIALS, idNumber, PERSONAL_ITEM, personalFormData, writeCatalogFixture } from '../helpers/catalog-fixture';
import { openTestWorkstation, signInAdmin, tempDir } from '../helpers/workstation';

let dir: ReturnType<typeof tempDir>;
let ws: Workstation;
let session: string;
const clock = new Date('2026-11-27T09:30:00+08:00').getTime();
const open = () => openTestWorkstation(join(dir.path, 'data'), { catalogDir: join(dir.path, 'catalog'), now: () => new Date(clock) });

beforeEach(async () => {
  dir = tempDir();
  writeCatalogFixture(join(dir.path, 'catalog'));
  ws = await open();
  session = await signInAdmin(ws);
});
afterEach(() => {
  ws.close();
  dir.remove();
});

async function call<T = any>(channel: string, input: unknown): Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string; details?: any } }> {
  return (await ws.dispatch(channel, input, { sessionId: session })).envelope as never;
}
const accept = (materials: unknown[], extra: Record<string, unknown> = {}) =>
  call('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData(), materials, ...extra });

describe('materials checklist', () => {
  it('says exactly which materials block acceptance', async () => {
    const r = await accept([{ materialId: 'id-card', status: 'received' }]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('VALIDATION_FAILED');
    expect(r.error.message).toContain('近期免冠证件照');
    expect(r.error.message).toContain('户口簿');
    expect(r.error.message).toContain('告知承诺');
    expect(r.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['materials.hukou-book', 'materials.photo']);
  });

  it('refuses commitment or deferral where the item does not allow it', async () => {
    const r = await accept([
      { materialId: 'id-card', status: 'commitment' },
      { materialId: 'photo', status: 'received' },
      { materialId: 'hukou-book', status: 'deferred' },
    ]);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).toContain('“居民身份证”不适用告知承诺制');
      expect(r.error.message).toContain('“户口簿”是核心材料，不能容缺受理');
    }
  });

  it('accepts with a commitment and a deferred material, recording the deadline in working days', async () => {
    const r = await accept([
      { materialId: 'id-card', status: 'reused', reusedFrom: '32011300-20261101-01-0003' },
      { materialId: 'photo', status: 'deferred' },
      { materialId: 'hukou-book', status: 'commitment' },
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const detail = await call('cases.get', { id: r.data.id });
    expect(detail.ok && detail.data.materials).toEqual([
      { materialId: 'id-card', name: '居民身份证', status: 'reused', reusedFrom: '32011300-20261101-01-0003', deferUntil: null },
      // Friday 27 Nov 2026 + 5 working days = Friday 4 Dec.
      { materialId: 'photo', name: '近期免冠证件照', status: 'deferred', deferUntil: '2026-12-04' },
      { materialId: 'hukou-book', name: '户口簿', status: 'commitment', deferUntil: null },
      { materialId: 'proxy', name: '授权委托书', status: 'missing', deferUntil: null },
    ]);
  });
});

describe('一次性告知', () => {
  it('lists every missing required material at once and is audited', async () => {
    const r = await call('cases.oneTimeNotice', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, applicantName: '王秀英', materials: [{ materialId: 'id-card', status: 'received' }] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.missing.map((m: { name: string }) => m.name)).toEqual(['近期免冠证件照', '户口簿']);
    expect(r.data.missing[0].description).toBe('近期免冠证件照（原件 2 份）');
    expect(r.data).toMatchObject({ itemName: '老年人优待证办理', applicantName: '王秀英', issuedBy: 'admin' });
    expect(ws.audit.recent(3).map((a) => a.action)).toContain('case.oneTimeNotice');
  });
});

describe('once-only prefill', () => {
  it('returns what is on record for an ID number from the latest case, and audits the look-up', async () => {
    expect(await call('applicants.lookup', { idNumber: idNumber() })).toMatchObject({ ok: true, data: { found: false } });
    const first = await accept([...COMPLETE_MATERIALS]);
    expect(first.ok).toBe(true);
    const r = await call('applicants.lookup', { idNumber: idNumber().toLowerCase() });
    expect(r).toMatchObject({ ok: true, data: { found: true, data: { applicant: { name: '王秀英', mobile: '13912345678' } } } });
    if (r.ok && first.ok) expect(r.data.sourceCaseNo).toBe(first.data.caseNo);
    expect(ws.audit.recent(1)[0]!.action).toBe('pii.lookup');
    expect(ws.audit.recent(1)[0]!.detail).not.toContain(idNumber().slice(6, 14));
    expect(await call('applicants.lookup', {})).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});

describe('drafts', () => {
  it('saves, lists, reopens and is consumed by the case it becomes', async () => {
    const saved = await call('drafts.save', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: { applicant: { name: '王秀英' } }, materials: [] });
    expect(saved.ok).toBe(true);
    if (!saved.ok) return;
    const draftId = saved.data.draftId;
    await call('drafts.save', { draftId, itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData(), materials: [...COMPLETE_MATERIALS] });
    const list = await call('drafts.list', {});
    expect(list.ok && list.data).toMatchObject([{ id: draftId, itemName: '老年人优待证办理', applicantName: '王秀英' }]);
    const got = await call('drafts.get', { draftId });
    expect(got.ok && got.data.draft.formData).toEqual(personalFormData());
    expect(got.ok && got.data.latestVersion).toBe(1);
    const accepted = await accept([...COMPLETE_MATERIALS], { draftId });
    expect(accepted.ok).toBe(true);
    expect((await call('drafts.list', {})).ok && ((await call('drafts.list', {})) as { data: unknown[] }).data).toEqual([]);
  });

  it("keeps another clerk's drafts out of reach", async () => {
    const saved = await call('drafts.save', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: {}, materials: [] });
    const added = await call('users.add', { username: 'zhouxin', displayName: '周欣', role: 'clerk' });
    const otp = added.ok ? added.data.oneTimePassword : '';
    const s = await ws.dispatch('auth.signIn', { username: 'zhouxin', password: otp }, {});
    await ws.dispatch('auth.changePassword', { currentPassword: otp, newPassword: 'Counter2026zx' }, { sessionId: s.session! });
    const other = await ws.dispatch('drafts.get', { draftId: saved.ok ? saved.data.draftId : '' }, { sessionId: s.session! });
    expect(other.envelope).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('opens a draft on its own version after a catalogue update, accepts it on that version, and upgrades on request', async () => {
    const saved = await call('drafts.save', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData(), materials: [...COMPLETE_MATERIALS] });
    const draftId = saved.ok ? saved.data.draftId : '';
    // IT ships version 2 of the item: a new required field.
    ws.close();
    const v2 = structuredClone(PERSONAL_ITEM) as any;
    v2.version = 2;
    v2.form.schema.required.push('livesAlone');
    v2.form.schema.properties.livesAlone = { type: 'boolean', title: '是否独居' };
    writeFileSync(join(dir.path, 'catalog', 'mz.json'), JSON.stringify({ department: 'MZ', items: [v2] }));
    ws = await open();
    session = (await ws.dispatch('auth.signIn', { username: 'admin', password: 'Counter2026pass' }, {})).session!;

    const got = await call('drafts.get', { draftId });
    expect(got.ok && got.data.item.version).toBe(1);
    expect(got.ok && got.data.latestVersion).toBe(2);
    // Without the draft, version 1 is gone from the catalogue …
    expect(await call('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData(), materials: [...COMPLETE_MATERIALS] })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // … upgrading moves the draft to version 2, whose new field is then required.
    const upgraded = await call('drafts.save', { draftId, itemCode: PERSONAL_ITEM.code, itemVersion: 2, formData: personalFormData(), materials: [...COMPLETE_MATERIALS], upgrade: true });
    expect(upgraded.ok).toBe(true);
    const after = await call('drafts.get', { draftId });
    expect(after.ok && after.data.item.version).toBe(2);
    const missingField = await call('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 2, formData: personalFormData(), materials: [...COMPLETE_MATERIALS], draftId });
    expect(missingField).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const ok = await call('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 2, formData: { ...personalFormData(), livesAlone: false }, materials: [...COMPLETE_MATERIALS], draftId });
    expect(ok.ok).toBe(true);
  });

  it('survives the process being killed right after the save returned', async () => {
    ws.close();
    const data = join(dir.path, 'killed');
    // A child process saves a draft, reports the id, and is killed -9 before it can close the database.
    const script = `
      import { createWorkstation } from ${JSON.stringify(appPath('electron', 'workstation.ts'))};
      const ws = await createWorkstation({ transport: 'browser', log: () => {}, catalogDir: ${JSON.stringify(join(dir.path, 'catalog'))},
        config: { flags: { dataDir: ${JSON.stringify(data)} }, env: {}, systemFile: '/nonexistent' } });
      const s = await ws.dispatch('auth.signIn', { username: 'admin', password: ws.firstAdmin.oneTimePassword }, {});
      await ws.dispatch('auth.changePassword', { currentPassword: ws.firstAdmin.oneTimePassword, newPassword: 'Counter2026pass' }, { sessionId: s.session });
      const r = await ws.dispatch('drafts.save', { itemCode: ${JSON.stringify(PERSONAL_ITEM.code)}, itemVersion: 1, formData: { applicant: { name: '赵敏' } }, materials: [] }, { sessionId: s.session });
      process.stdout.write(JSON.stringify(r.envelope) + '\\n');
      setInterval(() => {}, 1000);
    `;
    const file = join(dir.path, 'save-and-hang.mts');
    writeFileSync(file, script);
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: appPath(), stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve) => child.stdout!.on('data', (c) => resolve(String(c))));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const draftId = JSON.parse(line).data.draftId as string;
    ws = await openTestWorkstation(data, { catalogDir: join(dir.path, 'catalog') });
    session = (await ws.dispatch('auth.signIn', { username: 'admin', password: 'Counter2026pass' }, {})).session!;
    const got = await call('drafts.get', { draftId });
    expect(got.ok && got.data.draft.formData).toEqual({ applicant: { name: '赵敏' } });
    // Encrypted at rest: the file on disk is not a plain SQLite file, yet it reopened above with its key.
    expect(readFileSync(join(data, 'onewindow.db')).subarray(0, 15).toString()).not.toBe('SQLite format 3');
  });
});

describe('item search for the signed-in clerk', () => {
  it("ranks the clerk's recently accepted items first", async () => {
    const before = await call('catalog.search', { query: '' });
    expect(before.ok && before.data.map((i: { code: string }) => i.code)).not.toContain(PERSONAL_ITEM.code);
    await accept([...COMPLETE_MATERIALS]);
    const after = await call('catalog.search', { query: '' });
    expect(after.ok && after.data[0].code).toBe(PERSONAL_ITEM.code);
  });
});

describe('case list filters and export', () => {
  it('filters by department, item, date and deadline in SQLite', async () => {
    await accept([...COMPLETE_MATERIALS]);
    const list = async (filter: Record<string, unknown>) => {
      const r = await call('cases.list', filter);
      return r.ok ? r.data.total : -1;
    };
    expect(await list({ department: 'MZ' })).toBe(1);
    expect(await list({ department: 'SCJG' })).toBe(0);
    expect(await list({ itemCode: PERSONAL_ITEM.code, from: '2026-11-27', to: '2026-11-27' })).toBe(1);
    expect(await list({ from: '2026-11-28' })).toBe(0);
    // Promised 2026-12-02 (3 working days after Friday 27 Nov): due soon counts working days as
    // the dashboard does (Mon 30, Tue 1, Wed 2), not 3 calendar days; overdue not yet.
    expect(await list({ deadline: 'overdue' })).toBe(0);
    expect(await list({ deadline: 'due-soon' })).toBe(1);
    expect(await call('cases.list', { from: '27/11/2026' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('exports CSV for supervisors only, masked, audited and safe to open in a spreadsheet', async () => {
    await call('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData('=HYPERLINK("x")'), materials: [...COMPLETE_MATERIALS] });
    const r = await call('cases.exportCsv', {});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.rows).toBe(1);
    expect(r.data.csv.startsWith('\uFEFF"办件编号"')).toBe(true);
    expect(r.data.csv).toContain('3201**********');
    expect(r.data.csv).not.toContain(idNumber());
    expect(r.data.csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect(ws.audit.recent(1)[0]!.action).toBe('cases.export');
    const added = await call('users.add', { username: 'sunli', displayName: '孙丽', role: 'clerk' });
    const otp = added.ok ? added.data.oneTimePassword : '';
    const s = await ws.dispatch('auth.signIn', { username: 'sunli', password: otp }, {});
    await ws.dispatch('auth.changePassword', { currentPassword: otp, newPassword: 'Counter2026sl' }, { sessionId: s.session! });
    expect((await ws.dispatch('cases.exportCsv', {}, { sessionId: s.session! })).envelope).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('documents from the stored case', () => {
  it('renders the receipt and the one-time notice as PDFs with the ID masked', async () => {
    const accepted = await accept([...COMPLETE_MATERIALS]);
    if (!accepted.ok) throw new Error('accept failed');
    const receipt = await call('documents.receipt', { caseId: accepted.data.id });
    expect(receipt.ok).toBe(true);
    if (!receipt.ok) return;
    const pdf = Buffer.from(receipt.data.pdfBase64, 'base64');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(receipt.data.fileName).toBe(`受理回执-${accepted.data.caseNo}.pdf`);
    expect(receipt.data.missingCharacters).toEqual([]);
    const text = pdfText(pdf);
    if (text !== null) {
      expect(text).toContain(accepted.data.caseNo);
      expect(text).toContain('老年人优待证办理');
      expect(text).not.toContain(idNumber());
    }
    const notice = await call('documents.oneTimeNotice', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, applicantName: '王秀英', materials: [] });
    expect(notice.ok).toBe(true);
    if (notice.ok && text !== null) expect(pdfText(Buffer.from(notice.data.pdfBase64, 'base64'))).toContain('户口簿');
  });
});

/** Text of a PDF through poppler's pdftotext, or null where it is not installed. */
function pdfText(pdf: Buffer): string | null {
  const r = spawnSync('pdftotext', ['-', '-'], { input: pdf, encoding: 'utf8' });
  return r.error ? null : r.stdout.replace(/\s+/g, '');
}

describe('favourite items', () => {
  it("ranks the clerk's starred items first and keeps them per clerk", async () => {
    expect((await call('catalog.search', { query: '' })).ok && ((await call('catalog.search', { query: '' })) as { data: unknown[] }).data).toEqual([]);
    const set = await call('catalog.setFavourite', { code: 'QX-SCJG-BA-901', favourite: true });
    expect(set).toMatchObject({ ok: true, data: { favourites: ['QX-SCJG-BA-901'] } });
    const hits = await call('catalog.search', { query: '' });
    expect(hits.ok && hits.data[0]).toMatchObject({ code: 'QX-SCJG-BA-901', favourite: true });
    expect(await call('catalog.setFavourite', { code: 'QX-NO-XX-000', favourite: true })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await call('catalog.setFavourite', { code: 'QX-SCJG-BA-901', favourite: false });
    expect(((await call('catalog.search', { query: '' })) as { data: unknown[] }).data).toEqual([]);
  });
});

describe('scanned pages at acceptance', () => {
  it('moves the draft pages to the case and builds a PDF per material that verifies by hash', async () => {
    const saved = await call('drafts.save', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData(), materials: [...COMPLETE_MATERIALS] });
    const draftId = saved.ok ? saved.data.draftId : '';
    const page = await sharp({ create: { width: 1240, height: 1754, channels: 3, background: '#fff' } }).jpeg().toBuffer();
    await ws.materials.addPage({ owner: { draftId }, materialId: 'id-card', bytes: page, source: 'import', fileName: 'a.jpg' });
    await ws.materials.addPage({ owner: { draftId }, materialId: 'id-card', bytes: page, source: 'import', fileName: 'b.jpg' });
    const r = await accept([...COMPLETE_MATERIALS], { draftId });
    if (!r.ok) throw new Error(r.error.message);
    expect(ws.materials.listPages({ caseId: r.data.id })).toHaveLength(2);
    await expect
      .poll(() => ws.database.sqlite.prepare('select sha256, page_count from material_pdfs where case_id = ?').get(r.data.id) as { sha256: string; page_count: number } | undefined, { timeout: 20_000 })
      .toMatchObject({ page_count: 2 });
    const pdf = ws.database.sqlite.prepare('select sha256 from material_pdfs where case_id = ?').pluck().get(r.data.id) as string;
    const bytes = await ws.materials.blobs.get(pdf);
    expect(Buffer.from(bytes).subarray(0, 5).toString()).toBe('%PDF-');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(pdf);
  });
});

describe('人证核验 kept with the case', () => {
  it('accepts only with a verified check of this applicant and records it in the timeline without images', async () => {
    // A training card whose holder is the applicant; the photo is a demo face (not compared here).
    const chip = await sharp(appPath('node_modules', '@vladmandic', 'face-api', 'demo', 'sample1.jpg')).resize(102, 126).jpeg().toBuffer();
    writeTrainingCard(join(dir.path, 'data', 'training-cards'), 'wang', trainingCardData({ name: '王秀英', idNumber: idNumber() }), chip);
    const added = await call('users.add', { username: 'zhangjun', displayName: '张军', role: 'supervisor' });
    const otp = added.ok ? added.data.oneTimePassword : '';
    const s = await ws.dispatch('auth.signIn', { username: 'zhangjun', password: otp }, {});
    await ws.dispatch('auth.changePassword', { currentPassword: otp, newPassword: 'Counter2026zj' }, { sessionId: s.session! });
    await ws.dispatch('auth.signOut', {}, { sessionId: s.session! });

    const read = await call('identity.idcard.read', { driver: 'training', card: 'wang' });
    if (!read.ok) throw new Error(read.error.message);
    const checkId = read.data.check.checkId;
    // Not verified yet: refused.
    expect(await accept([...COMPLETE_MATERIALS], { identityCheckId: checkId })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    // The citizen declines face recognition: a supervisor verifies in person (audited).
    await call('identity.consent.record', { checkId, given: false, method: 'verbal' });
    const o = await call('identity.face.override', { checkId, supervisorUsername: 'zhangjun', supervisorPassword: 'Counter2026zj', reason: '本人拒绝人脸识别，主管当面核对证件' });
    expect(o).toMatchObject({ ok: true, data: { status: 'overridden' } });
    const accepted = await accept([...COMPLETE_MATERIALS], { identityCheckId: checkId });
    if (!accepted.ok) throw new Error(accepted.error.message);
    const detail = await call('cases.get', { id: accepted.data.id });
    const event = detail.ok && detail.data.events.find((e: { type: string }) => e.type === 'identity-verified');
    expect(event.detail).toMatchObject({ result: 'overridden', supervisor: 'zhangjun' });
    expect(JSON.stringify(event.detail)).not.toMatch(/base64|data:image/);
  });
});
