/**
 * The applicant screen through the real core: it shows one draft or case of one session, is
 * emptied when the clerk moves on or signs out, takes a checked signature that travels with the
 * case into the receipt, and records one 好差评 per case.
 */
import { join } from 'node:path';
import { PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CoreEvent } from '../../shared/contract/events';
import { checkSignaturePng } from '../../electron/applicant-display';
import { sampleSignaturePng } from '../../electron/documents/testing';
import type { Workstation } from '../../electron/workstation';
import { COMPLETE_MATERIALS, idNumber, PERSONAL_ITEM, personalFormData, writeCatalogFixture } from '../helpers/catalog-fixture';
import { openTestWorkstation, signInAdmin, tempDir } from '../helpers/workstation';

let dir: ReturnType<typeof tempDir>;
let ws: Workstation;
let session: string;
let events: { event: CoreEvent; sessionId?: string }[];
const clock = new Date('2026-11-27T09:30:00+08:00').getTime();
const ID_A = idNumber('19550310', '123');
const ID_B = idNumber('19880521', '456');

beforeEach(async () => {
  dir = tempDir();
  writeCatalogFixture(join(dir.path, 'catalog'));
  ws = await openTestWorkstation(join(dir.path, 'data'), { catalogDir: join(dir.path, 'catalog'), now: () => new Date(clock) });
  session = await signInAdmin(ws);
  events = [];
  ws.subscribe((event, sessionId) => events.push({ event, sessionId }));
});
afterEach(async () => {
  await ws.close();
  dir.remove();
});

type Result<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string; details?: any } };
async function call<T = any>(channel: string, input: unknown, sessionId = session): Promise<Result<T>> {
  return (await ws.dispatch(channel, input, { sessionId })).envelope as never;
}
async function ok<T = any>(channel: string, input: unknown, sessionId = session): Promise<T> {
  const r = await call<T>(channel, input, sessionId);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.data;
}
const errorOf = async (channel: string, input: unknown, sessionId = session) => {
  const r = await call(channel, input, sessionId);
  expect(r.ok).toBe(false);
  return r.ok ? undefined : r.error;
};

const draftFor = async (name: string, id: string, materials: readonly unknown[] = COMPLETE_MATERIALS) =>
  (await ok<{ draftId: string }>('drafts.save', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData(name, id), materials })).draftId;

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const signature = async () => b64(await sampleSignaturePng());

async function signOpenRequest(purpose: 'application' | 'commitment', png: string, source = 'applicant-screen') {
  const view = await ok('applicant.requestSignature', { purpose });
  return call('applicant.sign', { requestId: view.signature.requestId, pngBase64: png, source });
}

/** Images of this pixel size in a PDF, not counting their alpha masks. */
async function imagesSized(pdfBase64: string, width: number, height: number): Promise<number> {
  const pdf = await PDFDocument.load(Buffer.from(pdfBase64, 'base64'));
  const images = pdf.context.enumerateIndirectObjects().filter(([, o]) => o instanceof PDFRawStream && o.dict.get(PDFName.of('Subtype')) === PDFName.of('Image'));
  const masks = new Set(images.map(([, o]) => String((o as PDFRawStream).dict.get(PDFName.of('SMask')))));
  return images.filter(([ref, o]) => {
    const d = (o as PDFRawStream).dict;
    return !masks.has(String(ref)) && String(d.get(PDFName.of('Width'))) === String(width) && String(d.get(PDFName.of('Height'))) === String(height);
  }).length;
}

describe('what the applicant screen shows', () => {
  it('shows the current draft with a masked ID, materials, promised date and fees, and nothing else', async () => {
    const draftId = await draftFor('王秀英', ID_A);
    const view = await ok('applicant.show', { draftId });
    expect(view.stage).toBe('confirm');
    expect(view.summary).toMatchObject({
      kind: 'draft',
      caseNo: null,
      itemName: PERSONAL_ITEM.name,
      applicantName: '王秀英',
      applicantIdMasked: `${ID_A.slice(0, 4)}**********${ID_A.slice(-4)}`,
      promisedDays: 3,
      // Friday 27 Nov 2026 + 3 working days.
      promisedDate: '2026-12-02',
      promisedDateEstimated: true,
      fees: '不收费',
    });
    expect(view.summary.materials).toEqual([
      { name: '居民身份证', status: '已收取' },
      { name: '近期免冠证件照', status: '已收取' },
      { name: '户口簿', status: '已收取' },
    ]);
    expect(view.summary.fields).toContainEqual({ label: '申请人·手机号码', value: '139****5678' });
    const text = JSON.stringify(view);
    expect(text).not.toContain(ID_A);
    expect(text).not.toContain('13912345678');
    // The applicant screen reads the same thing; the event that tells it carries no content.
    expect(await ok('applicant.view', {})).toEqual(view);
    const pushed = events.filter((e) => e.event.type === 'applicant.display');
    expect(pushed.at(-1)).toEqual({ event: { type: 'applicant.display', version: view.version, stage: 'confirm' }, sessionId: session });
    expect(JSON.stringify(pushed)).not.toContain('王秀英');
    expect(ws.audit.recent(5).some((a) => a.action === 'applicant.show')).toBe(true);
  });

  it("is kept per session: another clerk's screen never shows this case", async () => {
    const other = await ws.dispatch('auth.signIn', { username: 'admin', password: 'Counter2026pass' }, {});
    const otherSession = other.session as string;
    await ok('applicant.show', { draftId: await draftFor('王秀英', ID_A) });
    const theirs = await ok('applicant.view', {}, otherSession);
    expect(theirs).toMatchObject({ stage: 'idle', summary: null, signature: null, rating: null });
    expect(events.filter((e) => e.event.type === 'applicant.display').every((e) => e.sessionId === session)).toBe(true);
  });

  it('replaces everything when the clerk moves to another case: the old request is void', async () => {
    const first = await draftFor('王秀英', ID_A);
    const second = await draftFor('李建国', ID_B);
    await ok('applicant.show', { draftId: first });
    const pending = await ok('applicant.requestSignature', { purpose: 'application' });
    const view = await ok('applicant.show', { draftId: second });
    expect(view.summary.applicantName).toBe('李建国');
    expect(view.signature).toBeNull();
    const text = JSON.stringify(view);
    expect(text).not.toContain('王秀英');
    expect(text).not.toContain(ID_A.slice(-4));
    // A signature drawn for the first citizen cannot land on the second one's draft.
    const late = await errorOf('applicant.sign', { requestId: pending.signature.requestId, pngBase64: await signature(), source: 'applicant-screen' });
    expect(late?.code).toBe('CONFLICT');
    expect(ws.applicantDisplay.signatures({ draftId: second })).toHaveLength(0);
    expect(ws.applicantDisplay.signatures({ draftId: first })).toHaveLength(0);
  });

  it('is emptied by clear and by signing out', async () => {
    await ok('applicant.show', { draftId: await draftFor('王秀英', ID_A) });
    expect((await ok('applicant.clear', {})).stage).toBe('idle');
    expect((await ok('applicant.view', {})).summary).toBeNull();

    await ok('applicant.show', { draftId: await draftFor('王秀英', ID_A) });
    await ok('auth.signOut', {});
    expect(events.at(-1)?.event).toMatchObject({ type: 'applicant.display', stage: 'idle' });
    expect(ws.applicantDisplay.view(session)).toMatchObject({ stage: 'idle', summary: null });
    expect((await errorOf('applicant.view', {}))?.code).toBe('UNAUTHENTICATED');
  });

  it('is emptied when the session is locked for inactivity', async () => {
    await ok('applicant.show', { draftId: await draftFor('王秀英', ID_A) });
    ws.applicantDisplay.onCoreEvent({ type: 'session.locked', reason: 'idle' }, session);
    expect(ws.applicantDisplay.view(session).stage).toBe('idle');
  });

  it('refuses a draft of another clerk and an unknown case', async () => {
    expect((await errorOf('applicant.show', { draftId: 'no-such-draft' }))?.code).toBe('NOT_FOUND');
    expect((await errorOf('applicant.show', { caseId: 'no-such-case' }))?.code).toBe('NOT_FOUND');
  });
});

describe('signatures', () => {
  it('stores a checked signature with the draft, moves it to the case and prints it on the receipt', async () => {
    const draftId = await draftFor('王秀英', ID_A);
    await ok('applicant.show', { draftId });
    const signed = await signOpenRequest('application', await signature());
    expect(signed.ok).toBe(true);
    if (!signed.ok) return;
    expect(signed.data).toMatchObject({ purpose: 'application', width: 360, height: 120 });
    const view = await ok('applicant.view', {});
    expect(view.stage).toBe('confirm');
    expect(view.signed).toEqual([{ purpose: 'application', signedAt: new Date(clock).toISOString(), source: 'applicant-screen' }]);
    expect(ws.audit.recent(5).find((a) => a.action === 'applicant.sign')?.detail).toContain(signed.data.sha256);

    const accepted = await ok('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData('王秀英', ID_A), materials: COMPLETE_MATERIALS, draftId });
    expect(ws.applicantDisplay.signatures({ caseId: accepted.id }).map((s) => s.sha256)).toEqual([signed.data.sha256]);
    // The screen now speaks of the case, with its number.
    expect((await ok('applicant.view', {})).summary).toMatchObject({ kind: 'case', caseNo: accepted.caseNo });

    const unsigned = await ok('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData('李建国', ID_B), materials: COMPLETE_MATERIALS });
    const withSignature = await ok('documents.receipt', { caseId: accepted.id });
    const without = await ok('documents.receipt', { caseId: unsigned.id });
    expect(await imagesSized(withSignature.pdfBase64, 360, 120)).toBe(1);
    expect(await imagesSized(without.pdfBase64, 360, 120)).toBe(0);
  });

  it('takes the 告知承诺书 signature only where a material is replaced by commitment, and records it in the timeline of a case', async () => {
    const plain = await draftFor('王秀英', ID_A);
    await ok('applicant.show', { draftId: plain });
    expect((await errorOf('applicant.requestSignature', { purpose: 'commitment' }))?.code).toBe('CONFLICT');

    const committed = [
      { materialId: 'id-card', status: 'received' },
      { materialId: 'photo', status: 'received' },
      { materialId: 'hukou-book', status: 'commitment' },
    ];
    const row = await ok('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData('王秀英', ID_A), materials: committed });
    await ok('applicant.show', { caseId: row.id });
    const r = await signOpenRequest('commitment', await signature(), 'clerk-screen');
    expect(r.ok).toBe(true);
    expect(ws.applicantDisplay.signaturePng(row.id, 'commitment')?.length).toBeGreaterThan(100);
    const detail = await ok('cases.get', { id: row.id });
    expect(detail.events.find((e: { type: string }) => e.type === 'signed')?.detail).toMatchObject({ purpose: 'commitment', source: 'clerk-screen' });
    // The 告知承诺书 issued with the case carries it.
    const docs = await ok<{ id: string; kind: string }[]>('documents.list', { caseId: row.id });
    const letter = await ok('documents.get', { documentId: docs.find((d) => d.kind === 'commitment-letter')!.id });
    expect(await imagesSized(letter.pdfBase64, 360, 120)).toBe(1);
  });

  it('re-encodes what it keeps: no foreign PNG chunk survives', async () => {
    await ok('applicant.show', { draftId: await draftFor('王秀英', ID_A) });
    const withText = await sharp(await sampleSignaturePng()).png().withMetadata({ exif: { IFD0: { ImageDescription: 'hidden payload' } } }).toBuffer();
    const r = await signOpenRequest('application', withText.toString('base64'));
    expect(r.ok).toBe(true);
    const stored = ws.database.sqlite.prepare('SELECT png FROM case_signatures').get() as { png: Buffer };
    expect(stored.png.includes(Buffer.from('hidden payload'))).toBe(false);
    expect(stored.png.subarray(1, 4).toString()).toBe('PNG');
  });

  describe('refuses unusable or hostile images', () => {
    const refuses = async (png: string, code: string) => {
      await ok('applicant.show', { draftId: await draftFor('王秀英', ID_A) });
      const r = await signOpenRequest('application', png);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe('VALIDATION_FAILED');
      expect(r.error.details).toEqual({ code });
      expect(r.error.message).toMatch(/[\u4e00-\u9fff]/);
      // Nothing stored, and the request stays open for a second try.
      expect(ws.database.sqlite.prepare('SELECT count(*) AS n FROM case_signatures').get()).toEqual({ n: 0 });
      expect((await ok('applicant.view', {})).stage).toBe('sign');
    };
    const solid = (w: number, h: number, background: { r: number; g: number; b: number; alpha: number }) => sharp({ create: { width: w, height: h, channels: 4, background } }).png().toBuffer();

    it('a blank transparent pad', async () => refuses((await solid(600, 200, { r: 0, g: 0, b: 0, alpha: 0 })).toString('base64'), 'BLANK'));
    it('a blank white pad', async () => refuses((await solid(600, 200, { r: 255, g: 255, b: 255, alpha: 1 })).toString('base64'), 'BLANK'));
    it('a single tap', async () => {
      const dot = await sharp(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="600" height="200"><circle cx="300" cy="100" r="6" fill="#000"/></svg>')).png().toBuffer();
      await refuses(dot.toString('base64'), 'BLANK');
    });
    it('a pad painted over', async () => refuses((await solid(600, 200, { r: 0, g: 0, b: 0, alpha: 1 })).toString('base64'), 'NOT_A_SIGNATURE'));
    it('a JPEG', async () => refuses((await sharp(await sampleSignaturePng()).flatten({ background: '#fff' }).jpeg().toBuffer()).toString('base64'), 'NOT_PNG'));
    it('an SVG posing as an image', async () => refuses(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>').toString('base64'), 'NOT_PNG'));
    it('a truncated PNG', async () => {
      const png = Buffer.from(await sampleSignaturePng());
      await refuses(png.subarray(0, Math.floor(png.length / 2)).toString('base64'), 'UNREADABLE');
    });
    it('a header claiming a huge image (decompression bomb)', async () => {
      const png = Buffer.from(await sampleSignaturePng());
      png.writeUInt32BE(100_000, 16);
      png.writeUInt32BE(100_000, 20);
      await refuses(png.toString('base64'), 'BAD_DIMENSIONS');
    });
    it('a tiny image', async () => refuses((await solid(20, 10, { r: 0, g: 0, b: 0, alpha: 1 })).toString('base64'), 'BAD_DIMENSIONS'));
    it('an oversized file', async () => {
      const noise = Buffer.alloc(1200 * 600 * 3);
      for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919 + (i >> 3) * 104729) % 251;
      const png = await sharp(noise, { raw: { width: 1200, height: 600, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
      expect(png.length).toBeGreaterThan(512 * 1024);
      // The contract refuses the text before the core decodes it; the core checks the bytes again.
      await ok('applicant.show', { draftId: await draftFor('王秀英', ID_A) });
      const r = await signOpenRequest('application', png.toString('base64'));
      expect(r.ok || r.error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('签名图片过大') });
      await expect(checkSignaturePng(png)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { code: 'TOO_LARGE' } });
    });
    it('text that is not base64', async () => refuses('not base64 at all!', 'NOT_BASE64'));
  });

  it('removes the signatures of a discarded draft', async () => {
    const draftId = await draftFor('王秀英', ID_A);
    await ok('applicant.show', { draftId });
    expect((await signOpenRequest('application', await signature())).ok).toBe(true);
    await ok('drafts.discard', { draftId });
    expect(ws.applicantDisplay.signatures({ draftId })).toHaveLength(0);
  });
});

describe('好差评', () => {
  const acceptOne = () => ok('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData('王秀英', ID_A), materials: COMPLETE_MATERIALS });

  it('records one rating per case with the window, audited; a second one is refused', async () => {
    const row = await acceptOne();
    const view = await ok('applicant.requestRating', { caseId: row.id });
    expect(view).toMatchObject({ stage: 'rate', summary: null, rating: { caseNo: row.caseNo } });
    const rated = await ok('applicant.rate', { requestId: view.rating.requestId, level: 5, comment: '  办事很快  ' });
    expect(rated).toMatchObject({ caseId: row.id, level: 5 });
    expect(ws.database.sqlite.prepare('SELECT case_id, level, comment, rated_at, "window" FROM case_ratings').all()).toEqual([
      { case_id: row.id, level: 5, comment: '办事很快', rated_at: new Date(clock).toISOString(), window: ws.config().values.windowNo },
    ]);
    expect((await ok('applicant.view', {})).stage).toBe('thanks');
    expect(ws.audit.recent(3).some((a) => a.action === 'case.rate' && a.caseId === row.id)).toBe(true);

    expect((await errorOf('applicant.rate', { requestId: view.rating.requestId, level: 1 }))?.code).toBe('CONFLICT');
    expect((await errorOf('applicant.requestRating', { caseId: row.id }))?.code).toBe('CONFLICT');
    expect(ws.database.sqlite.prepare('SELECT count(*) AS n FROM case_ratings').get()).toEqual({ n: 1 });
    const detail = await ok('cases.get', { id: row.id });
    expect(detail.events.find((e: { type: string }) => e.type === 'rated')?.detail).toMatchObject({ level: 5, levelName: '非常满意', dissatisfied: false });
  });

  it('marks 不满意 and 非常不满意 in the case timeline', async () => {
    for (const level of [2, 1]) {
      const row = await ok('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData('王秀英', ID_A), materials: COMPLETE_MATERIALS });
      const view = await ok('applicant.requestRating', { caseId: row.id });
      await ok('applicant.rate', { requestId: view.rating.requestId, level, comment: '等候时间太长' });
      const detail = await ok('cases.get', { id: row.id });
      const mark = detail.events.find((e: { type: string }) => e.type === 'rating-dissatisfied');
      expect(mark?.detail).toMatchObject({ level, levelName: level === 2 ? '不满意' : '非常不满意', dissatisfied: true, mark: '差评', comment: '等候时间太长' });
    }
  });

  it('refuses a level outside the five, and a rating request that is no longer on the screen', async () => {
    const row = await acceptOne();
    const view = await ok('applicant.requestRating', { caseId: row.id });
    expect((await errorOf('applicant.rate', { requestId: view.rating.requestId, level: 0 }))?.code).toBe('INVALID_INPUT');
    expect((await errorOf('applicant.rate', { requestId: view.rating.requestId, level: 6 }))?.code).toBe('INVALID_INPUT');
    await ok('applicant.clear', {});
    expect((await errorOf('applicant.rate', { requestId: view.rating.requestId, level: 4 }))?.code).toBe('CONFLICT');
    expect(ws.applicantDisplay.rating(row.id)).toBeUndefined();
  });
});
