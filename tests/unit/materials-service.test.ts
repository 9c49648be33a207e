/**
 * The materials service on a real SQLite file (the shipped migrations) and a real blob folder,
 * with the real image worker: capture and import into a draft, order/delete/rotate/crop,
 * verified reads, re-pointing a draft's pages to its case inside the acceptance transaction,
 * sync lists, reuse from earlier cases, the material PDF, the handlers' ownership rules, and
 * the orphan sweep. Test pages are made with sharp at test time.
 */
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { blobs, cases, drafts, materialPages } from '../../db/schema';
import type { HandlerContext } from '../../electron/api/dispatcher';
import { openDatabase, type OpenedDatabase } from '../../electron/database';
import { createMaterialsHandlers } from '../../electron/materials/handlers';
import { BlobIntegrityError, createMaterialsService, killMaterialsWorkerForTests, sha256Hex, type MaterialsService } from '../../electron/materials';
import { makeA4Page, makeCameraShot, makeTextPdf } from '../../electron/materials/testing';
import { BLOB_OVERHEAD } from '../../electron/materials/blob-store';
import { ContractError } from '../../shared/contract/errors';
import { materialsChannels } from '../../shared/contract/materials';
import { tempDir } from '../helpers/workstation';

let shot: Buffer;
let scanPng: Buffer;
let pdf3: Uint8Array;

beforeAll(async () => {
  const page = await makeA4Page({ dpi: 200 });
  shot = await makeCameraShot(page);
  scanPng = await makeA4Page({ dpi: 150, seed: 2 });
  pdf3 = await makeTextPdf(3);
}, 60_000);

let dir: ReturnType<typeof tempDir>;
let opened: OpenedDatabase;
let service: MaterialsService;
let clock: number;
const now = () => new Date(clock);

const ISO = '2026-11-20T02:00:00.000Z';

function addDraft(id: string, createdBy = 'clerk1'): void {
  opened.db
    .insert(drafts)
    .values({ id, itemCode: 'QX-MZ-GG-901', itemVersion: 1, itemName: '老年人优待证办理', definition: '{}', formData: '{}', materials: '[]', applicantName: '王秀英', createdBy, createdAt: ISO, updatedAt: ISO })
    .run();
}

function caseRow(id: string, caseNo: string, idNo = '320113194912310025', createdAt = ISO): typeof cases.$inferInsert {
  return {
    id,
    caseNo,
    itemCode: 'QX-MZ-GG-901',
    itemVersion: 1,
    itemName: '老年人优待证办理',
    department: 'MZ',
    applicantName: '王秀英',
    applicantIdType: 'id-card',
    applicantIdNo: idNo,
    formData: '{}',
    status: 'accepted',
    centerCode: '32011300',
    windowNo: '01',
    createdBy: 'clerk1',
    createdAt,
    updatedAt: createdAt,
  };
}

/** Accepts a draft the way cases.accept will: case row, re-point the pages, remove the draft — one transaction. */
function accept(draftId: string, caseId: string, caseNo: string, idNo?: string, createdAt?: string): number {
  return opened.db.transaction((tx) => {
    tx.insert(cases).values(caseRow(caseId, caseNo, idNo, createdAt)).run();
    const moved = service.attachDraftToCase(tx, draftId, caseId);
    tx.delete(drafts).where(eq(drafts.id, draftId)).run();
    return moved;
  });
}

function blobFiles(): string[] {
  const root = join(dir.path, 'blobs');
  const out: string[] = [];
  try {
    for (const a of readdirSync(root)) for (const b of readdirSync(join(root, a))) for (const f of readdirSync(join(root, a, b))) out.push(join(root, a, b, f));
  } catch {
    /* no blobs yet */
  }
  return out;
}

async function contractError(p: Promise<unknown> | (() => unknown)): Promise<ContractError> {
  let err: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ContractError);
  return err as ContractError;
}

beforeEach(() => {
  dir = tempDir('onewindow-materials-');
  opened = openDatabase(join(dir.path, 'onewindow.db'));
  clock = Date.parse(ISO);
  service = createMaterialsService({ db: opened.db, dataDir: dir.path, now, maxPagesPerMaterial: 6 });
  addDraft('D1');
});
afterEach(async () => {
  await service.close();
  opened.close();
  dir.remove();
});
afterAll(() => undefined);

const D1 = { draftId: 'D1' } as const;

describe('capture and import into a draft', () => {
  it('stores a camera page compressed, content-addressed and recorded', async () => {
    const r = await service.addPage({ owner: D1, materialId: 'id-card', bytes: shot, source: 'camera', by: 'clerk1' });
    expect(r.materialPageCount).toBe(1);
    const [p] = r.added;
    expect(p).toMatchObject({ materialId: 'id-card', order: 0, kind: 'image', mime: 'image/jpeg', source: 'camera', edited: false, originCaseNo: null });
    expect(Math.max(p.width!, p.height!)).toBe(2339);
    expect(p.size).toBeLessThanOrEqual(300 * 1024);
    const file = join(dir.path, 'blobs', p.sha256.slice(0, 2), p.sha256.slice(2, 4), p.sha256);
    // Sealed at rest (AES-256-GCM); the name is the hash of the plain page.
    expect(sha256Hex(await service.blobs.get(p.sha256))).toBe(p.sha256);
    expect(readFileSync(file).subarray(0, 4).toString()).toBe('OWB1');
    expect(statSync(file).size).toBe(p.size + BLOB_OVERHEAD);
    const row = opened.db.select().from(materialPages).where(eq(materialPages.id, p.id)).get()!;
    expect(row).toMatchObject({ draftId: 'D1', caseId: null, createdBy: 'clerk1', sourceSha256: p.sha256 });
    expect(opened.db.select().from(blobs).where(eq(blobs.sha256, p.sha256)).get()).toMatchObject({ size: p.size, mime: 'image/jpeg' });
    const read = await service.readPage(p.id);
    expect(read.sha256).toBe(p.sha256);
    expect(sha256Hex(read.bytes)).toBe(p.sha256);
  });

  it('splits an imported PDF into pages in order, after the pages already there', async () => {
    await service.addPage({ owner: D1, materialId: 'hukou-book', bytes: scanPng, source: 'import', fileName: 'scan.png' });
    const r = await service.addPage({ owner: D1, materialId: 'hukou-book', bytes: pdf3, source: 'import', fileName: '户口簿.jpg' });
    expect(r.added.map((p) => [p.order, p.kind, p.fileName])).toEqual([
      [1, 'pdf', '户口簿.jpg'],
      [2, 'pdf', '户口簿.jpg'],
      [3, 'pdf', '户口簿.jpg'],
    ]);
    expect(r.materialPageCount).toBe(4);
    const listed = service.listPages(D1, 'hukou-book');
    expect(listed.map((p) => p.kind)).toEqual(['image', 'pdf', 'pdf', 'pdf']);
    for (const p of listed.slice(1)) expect((await PDFDocument.load((await service.readPage(p.id)).bytes)).getPageCount()).toBe(1);
  });

  it('refuses bad files with VALIDATION_FAILED and leaves no row and no file behind', async () => {
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(5000, 7)]);
    const bad = [
      { bytes: exe, fileName: 'photo.png', code: 'UNSUPPORTED_TYPE' },
      { bytes: new Uint8Array(0), fileName: 'empty.jpg', code: 'EMPTY' },
      { bytes: shot.subarray(0, shot.length / 2), fileName: 'cut.jpg', code: 'CORRUPT' },
      { bytes: pdf3.subarray(0, pdf3.length / 2), fileName: 'cut.pdf', code: 'CORRUPT' },
    ];
    for (const b of bad) {
      const e = await contractError(service.addPage({ owner: D1, materialId: 'id-card', bytes: b.bytes, source: 'import', fileName: b.fileName }));
      expect(e.code).toBe('VALIDATION_FAILED');
      expect((e.details as { code: string }).code).toBe(b.code);
      expect(e.message).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(opened.db.select().from(materialPages).all()).toHaveLength(0);
    expect(opened.db.select().from(blobs).all()).toHaveLength(0);
    expect(blobFiles()).toHaveLength(0);
  });

  it('keeps a material within its page limit', async () => {
    await service.addPage({ owner: D1, materialId: 'm', bytes: pdf3, source: 'import' });
    await service.addPage({ owner: D1, materialId: 'm', bytes: pdf3, source: 'import' });
    const e = await contractError(service.addPage({ owner: D1, materialId: 'm', bytes: shot, source: 'camera' }));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.message).toMatch(/最多 6 页/);
    await service.deletePage(D1, service.listPages(D1, 'm')[0].id);
    const again = await contractError(service.addPage({ owner: D1, materialId: 'm', bytes: pdf3, source: 'import' }));
    expect(again.message).toMatch(/已有 5 页，本次 3 页/);
    expect(service.listPages(D1, 'm')).toHaveLength(5);
  });

  it('refuses a page for a draft that is gone, even if it went while the page was being processed', async () => {
    expect((await contractError(service.addPage({ owner: { draftId: 'NOPE' }, materialId: 'm', bytes: shot, source: 'camera' }))).code).toBe('NOT_FOUND');
    addDraft('D2');
    const pending = service.addPage({ owner: { draftId: 'D2' }, materialId: 'm', bytes: shot, source: 'camera' });
    opened.db.delete(drafts).where(eq(drafts.id, 'D2')).run(); // discarded while the worker compresses
    const e = await contractError(pending);
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toMatch(/草稿不存在/);
    expect(opened.db.select().from(materialPages).all()).toHaveLength(0);
  });

  it('stores pages in capture order when several are in flight', async () => {
    const variants = await Promise.all([0, 1, 2, 3].map((i) => sharp(shot).modulate({ brightness: 1 - i * 0.03 }).jpeg({ quality: 90 }).toBuffer()));
    const results = await Promise.all(variants.map((bytes) => service.addPage({ owner: D1, materialId: 'm', bytes, source: 'camera' })));
    expect(results.map((r) => r.added[0].order)).toEqual([0, 1, 2, 3]);
  });
});

describe('ordering and editing', () => {
  async function threePages() {
    for (const b of [shot, scanPng]) await service.addPage({ owner: D1, materialId: 'm', bytes: b, source: 'camera' });
    await service.addPage({ owner: D1, materialId: 'm', bytes: (await makeTextPdf(1)), source: 'import' });
    return service.listPages(D1, 'm');
  }

  it('reorders exactly the current pages, and deletes with the rest moving up', async () => {
    const [a, b, c] = await threePages();
    expect(service.reorderPages(D1, 'm', [c.id, a.id, b.id]).map((p) => [p.id, p.order])).toEqual([
      [c.id, 0],
      [a.id, 1],
      [b.id, 2],
    ]);
    expect((await contractError(() => service.reorderPages(D1, 'm', [c.id, a.id]))).code).toBe('CONFLICT');
    expect((await contractError(() => service.reorderPages(D1, 'm', [c.id, a.id, a.id]))).code).toBe('CONFLICT');
    expect(service.deletePage(D1, a.id)).toEqual({ materialId: 'm', materialPageCount: 2 });
    expect(service.listPages(D1, 'm').map((p) => [p.id, p.order])).toEqual([
      [c.id, 0],
      [b.id, 1],
    ]);
    expect((await contractError(() => service.deletePage(D1, a.id))).code).toBe('NOT_FOUND');
  });

  it('rotates from the stored source: quick repeated turns all count, a full turn restores the original bytes', async () => {
    const [p] = await threePages();
    const [r1, r2] = await Promise.all([service.rotatePage(p.id, 90), service.rotatePage(p.id, 90)]);
    expect([r1.width, r1.height]).toEqual([p.height, p.width]);
    expect([r2.width, r2.height]).toEqual([p.width, p.height]); // 180° in total
    expect(r2.edited).toBe(true);
    const row = opened.db.select().from(materialPages).where(eq(materialPages.id, p.id)).get()!;
    expect(JSON.parse(row.edits)).toEqual([{ op: 'rotate', degrees: 180 }]);
    const back = await service.rotatePage(p.id, -90);
    await service.rotatePage(p.id, 270);
    expect(back.width).toBe(p.height);
    const final = service.listPages(D1, 'm')[0];
    expect(final.sha256).toBe(p.sha256); // same bytes as captured: no generation loss
    expect(final.edited).toBe(false);
  });

  it('crops an image page in its current pixels and refuses impossible crops and PDF crops', async () => {
    const [p, , pdfPage] = await threePages();
    const cropped = await service.cropPage(p.id, { left: 100, top: 50, width: 800, height: 600 });
    expect([cropped.width, cropped.height]).toEqual([800, 600]);
    const turned = await service.rotatePage(p.id, 90);
    expect([turned.width, turned.height]).toEqual([600, 800]);
    const e = await contractError(service.cropPage(p.id, { left: 500, top: 0, width: 200, height: 100 }));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.message).toMatch(/超出页面范围（页面 600×800 像素）/);
    expect((await contractError(service.cropPage(p.id, { left: 0, top: 0, width: 10, height: 10 }))).message).toMatch(/过小/);
    const pdfCrop = await contractError(service.cropPage(pdfPage.id, { left: 0, top: 0, width: 100, height: 100 }));
    expect(pdfCrop.message).toMatch(/PDF 页面不能裁剪/);
    const rotatedPdf = await service.rotatePage(pdfPage.id, 90);
    expect((await PDFDocument.load((await service.readPage(rotatedPdf.id)).bytes)).getPage(0).getRotation().angle).toBe(90);
  });

  it('serves thumbnails and previews as JPEG data URLs, none for PDF pages', async () => {
    const [p, , pdfPage] = await threePages();
    const t = await service.pageImage(p.id, 'thumb');
    expect(t.dataUrl).toMatch(/^data:image\/jpeg;base64,/);
    expect(Math.max(t.width!, t.height!)).toBe(320);
    const preview = await service.pageImage(p.id, 'preview');
    expect(Math.max(preview.width!, preview.height!)).toBe(1400);
    expect((await service.pageImage(pdfPage.id, 'thumb')).dataUrl).toBeNull();
  });
});

describe('integrity', () => {
  it('never serves a page whose file was damaged on disk', async () => {
    const { added } = await service.addPage({ owner: D1, materialId: 'm', bytes: shot, source: 'camera' });
    const path = service.blobs.pathOf(added[0].sha256);
    const bytes = readFileSync(path);
    bytes[bytes.length >> 1] ^= 0x10;
    writeFileSync(path, bytes);
    await expect(service.readPage(added[0].id)).rejects.toBeInstanceOf(BlobIntegrityError);
    const e = await contractError(service.pageImage(added[0].id, 'preview'));
    expect(e.code).toBe('INTERNAL');
    expect(e.message).toMatch(/材料文件已损坏/);
    // Capturing the same page again repairs the file (same content, same name).
    await service.addPage({ owner: D1, materialId: 'm', bytes: shot, source: 'camera' });
    expect(sha256Hex((await service.readPage(added[0].id)).bytes)).toBe(added[0].sha256);
  });

  it('survives a crashed image worker: the call fails cleanly, the next one works', async () => {
    const pending = service.addPage({ owner: D1, materialId: 'm', bytes: shot, source: 'camera' });
    await killMaterialsWorkerForTests(service);
    const e = await contractError(pending);
    expect(e.code).toBe('INTERNAL');
    expect(e.message).toMatch(/材料处理服务异常.*本页未保存/);
    const r = await service.addPage({ owner: D1, materialId: 'm', bytes: shot, source: 'camera' });
    expect(r.added[0].order).toBe(0);
  });
});

describe('from draft to case', () => {
  it('re-points a draft’s pages to its case inside the acceptance transaction', async () => {
    await service.addPage({ owner: D1, materialId: 'id-card', bytes: shot, source: 'camera' });
    await service.addPage({ owner: D1, materialId: 'hukou-book', bytes: pdf3, source: 'import' });
    addDraft('D2');
    await service.addPage({ owner: { draftId: 'D2' }, materialId: 'id-card', bytes: scanPng, source: 'camera' });

    // A failing acceptance changes nothing.
    expect(() =>
      opened.db.transaction((tx) => {
        tx.insert(cases).values(caseRow('C1', '32011300-20261120-01-0001')).run();
        expect(service.attachDraftToCase(tx, 'D1', 'C1')).toBe(4);
        throw new Error('form invalid after all');
      }),
    ).toThrow('form invalid after all');
    expect(service.listPages(D1)).toHaveLength(4);

    expect(accept('D1', 'C1', '32011300-20261120-01-0001')).toBe(4);
    expect(opened.db.select().from(materialPages).where(eq(materialPages.caseId, 'C1')).all()).toHaveLength(4);
    expect(service.listPages({ draftId: 'D2' })).toHaveLength(1); // other drafts untouched
    expect((await contractError(() => service.listPages(D1))).code).toBe('NOT_FOUND');

    const sync = service.materialsForSync('C1');
    expect(sync.map((m) => [m.materialId, m.blobs.length])).toEqual([
      ['hukou-book', 3],
      ['id-card', 1],
    ]);
    expect(sync[0].blobs).toEqual(service.listPages({ caseId: 'C1' }, 'hukou-book').map((p) => p.sha256));
  });

  it('keeps an accepted case’s pages as submitted, but lets pages be added (补交)', async () => {
    const { added } = await service.addPage({ owner: D1, materialId: 'id-card', bytes: shot, source: 'camera' });
    accept('D1', 'C1', '32011300-20261120-01-0001');
    const owner = { caseId: 'C1' };
    expect((await contractError(() => service.deletePage(owner, added[0].id))).code).toBe('CONFLICT');
    expect((await contractError(() => service.reorderPages(owner, 'id-card', [added[0].id]))).code).toBe('CONFLICT');
    expect((await contractError(service.rotatePage(added[0].id, 90))).code).toBe('CONFLICT');
    const more = await service.addPage({ owner, materialId: 'id-card', bytes: scanPng, source: 'camera' });
    expect(more.added[0].order).toBe(1);
  });

  it('builds the material PDF from the case’s pages, stored as a blob', async () => {
    await service.addPage({ owner: D1, materialId: 'hukou-book', bytes: shot, source: 'camera' });
    await service.addPage({ owner: D1, materialId: 'hukou-book', bytes: pdf3, source: 'import' });
    accept('D1', 'C1', '32011300-20261120-01-0001');
    const sha = await service.buildMaterialPdf('C1', 'hukou-book', '32011300-20261120-01-0001', '户口簿');
    const doc = await PDFDocument.load(await service.blobs.get(sha), { updateMetadata: false });
    expect(doc.getPageCount()).toBe(4);
    expect(doc.getTitle()).toBe('户口簿（32011300-20261120-01-0001）');
    expect(doc.getKeywords()).toContain('hukou-book');
    expect((await contractError(service.buildMaterialPdf('C1', 'photo', '32011300-20261120-01-0001', '证件照'))).code).toBe('NOT_FOUND');
  });
});

describe('reuse from earlier cases', () => {
  it('lists the applicant’s earlier pages newest first and copies them with their origin', async () => {
    addDraft('OLD1');
    addDraft('OLD2');
    await service.addPage({ owner: { draftId: 'OLD1' }, materialId: 'id-card', bytes: shot, source: 'camera' });
    await service.addPage({ owner: { draftId: 'OLD2' }, materialId: 'id-card', bytes: scanPng, source: 'camera' });
    await service.addPage({ owner: { draftId: 'OLD2' }, materialId: 'hukou-book', bytes: pdf3, source: 'import' });
    accept('OLD1', 'C1', '32011300-20260105-01-0003', '320113194912310025', '2026-01-05T02:00:00.000Z');
    accept('OLD2', 'C2', '32011300-20260601-01-0009', '320113194912310025', '2026-06-01T02:00:00.000Z');
    addDraft('OTHER');
    await service.addPage({ owner: { draftId: 'OTHER' }, materialId: 'id-card', bytes: shot, source: 'camera' });
    accept('OTHER', 'C3', '32011300-20260601-01-0010', '11010519491231002X');

    const all = service.reuseCandidates('320113194912310025');
    expect(all.map((c) => [c.caseNo, c.materialId, c.pages.length])).toEqual([
      ['32011300-20260601-01-0009', 'hukou-book', 3],
      ['32011300-20260601-01-0009', 'id-card', 1],
      ['32011300-20260105-01-0003', 'id-card', 1],
    ]);
    const idCards = service.reuseCandidates('320113194912310025', ['id-card']);
    expect(idCards.map((c) => c.caseNo)).toEqual(['32011300-20260601-01-0009', '32011300-20260105-01-0003']);
    expect(service.reuseCandidates('11010519491231002x')).toHaveLength(1); // case-insensitive X

    const from = idCards[0].pages[0];
    const r = await service.reuse({ owner: D1, materialId: 'id-card', fromPageIds: [from.id], by: 'clerk1' });
    expect(r.added[0]).toMatchObject({ source: 'reuse', sha256: from.sha256, originCaseNo: '32011300-20260601-01-0009', order: 0 });
    // Reused twice: the origin stays the first case.
    accept('D1', 'C4', '32011300-20261120-01-0001');
    addDraft('D5');
    const again = await service.reuse({ owner: { draftId: 'D5' }, materialId: 'id-card', fromPageIds: [r.added[0].id] });
    expect(again.added[0].originCaseNo).toBe('32011300-20260601-01-0009');

    const wrong = await contractError(service.reuse({ owner: { draftId: 'D5' }, materialId: 'hukou-book', fromPageIds: [from.id] }));
    expect(wrong.message).toMatch(/属于其他材料/);
    addDraft('D6');
    const draftPage = (await service.addPage({ owner: { draftId: 'D6' }, materialId: 'id-card', bytes: shot, source: 'camera' })).added[0];
    expect((await contractError(service.reuse({ owner: { draftId: 'D5' }, materialId: 'id-card', fromPageIds: [draftPage.id] }))).message).toMatch(/只能复用已受理办件/);
  });
});

describe('handlers', () => {
  const ctx = {} as HandlerContext;
  const parse = <C extends keyof typeof materialsChannels>(c: C, input: unknown) => materialsChannels[c].input.parse(input) as never;

  it('serve the contract, keep a clerk to their own drafts, and audit reuse lookups', async () => {
    const audit: unknown[] = [];
    let user = { username: 'clerk1', role: 'clerk' };
    const h = createMaterialsHandlers({ service, actor: () => user, audit: (e) => audit.push(e) });
    const added = await h['materials.addPage'](
      parse('materials.addPage', { owner: D1, materialId: 'id-card', dataBase64: shot.toString('base64'), source: 'camera' }),
      ctx,
    );
    expect(materialsChannels['materials.addPage'].output.parse(added).added).toHaveLength(1);
    const page = added.added[0];
    const img = await h['materials.pageImage'](parse('materials.pageImage', { pageId: page.id, size: 'thumb' }), ctx);
    expect(materialsChannels['materials.pageImage'].output.parse(img).dataUrl).toMatch(/^data:image\/jpeg/);
    const rotated = await h['materials.rotate'](parse('materials.rotate', { pageId: page.id, degrees: 90 }), ctx);
    expect(rotated.width).toBe(page.height);

    user = { username: 'clerk2', role: 'clerk' };
    for (const call of [
      () => h['materials.listPages'](parse('materials.listPages', { owner: D1 }), ctx),
      () => h['materials.rotate'](parse('materials.rotate', { pageId: page.id, degrees: 90 }), ctx),
      () => h['materials.deletePage'](parse('materials.deletePage', { owner: D1, pageId: page.id }), ctx),
    ]) {
      expect((await contractError(call)).code).toBe('NOT_FOUND');
    }
    const bad = await contractError(() =>
      h['materials.addPage'](parse('materials.addPage', { owner: { draftId: 'D1' }, materialId: 'x', dataBase64: Buffer.from('%PDF-1.7 broken').toString('base64'), source: 'import' }), ctx),
    );
    expect(bad.code).toBe('NOT_FOUND'); // not theirs: refused before any work

    user = { username: 'clerk1', role: 'clerk' };
    const found = await h['materials.reuseCandidates'](parse('materials.reuseCandidates', { applicantIdNo: '320113194912310025' }), ctx);
    expect(found.candidates).toEqual([]);
    expect(audit).toEqual([{ actor: 'clerk1', role: 'clerk', action: 'materials.reuseLookup', detail: { key: '3201**********0025', found: 0 } }]);
  });

  it('the contract refuses oversized and non-base64 payloads before any handler runs', () => {
    const spec = materialsChannels['materials.addPage'].input;
    const base = { owner: D1, materialId: 'm', source: 'import' };
    expect(spec.safeParse({ ...base, dataBase64: 'not base64!' }).success).toBe(false);
    expect(spec.safeParse({ ...base, dataBase64: 'A'.repeat(4 * Math.ceil((20 * 1024 * 1024) / 3) + 4) }).success).toBe(false);
    expect(spec.safeParse({ ...base, dataBase64: 'QUJD' }).success).toBe(true);
    expect(spec.safeParse({ ...base, dataBase64: 'QUJD', owner: { draftId: 'D1', caseId: 'C1' } }).success).toBe(false);
  });
});

describe('garbage', () => {
  it('sweeps files of deleted pages and abandoned drafts after the grace period, never a referenced one', async () => {
    const keep = (await service.addPage({ owner: D1, materialId: 'm', bytes: shot, source: 'camera' })).added[0];
    const gone = (await service.addPage({ owner: D1, materialId: 'm', bytes: scanPng, source: 'camera' })).added[0];
    addDraft('D9');
    const abandoned = (await service.addPage({ owner: { draftId: 'D9' }, materialId: 'm', bytes: pdf3, source: 'import' })).added;
    service.deletePage(D1, gone.id);
    opened.db.delete(drafts).where(eq(drafts.id, 'D9')).run(); // discarded without removeDraftPages
    expect(service.removeAbandonedDraftPages()).toBe(3);

    const young = await service.collectGarbage({ graceMs: 3600_000 });
    expect(young.removed).toEqual([]); // everything is younger than an hour
    clock += 2 * 3600_000;
    for (const f of blobFiles()) utimesSync(f, new Date(clock - 3 * 3600_000), new Date(clock - 3 * 3600_000));
    const sweep = await service.collectGarbage({ graceMs: 3600_000 });
    expect(new Set(sweep.removed)).toEqual(new Set([gone.sha256, ...abandoned.map((p) => p.sha256)]));
    expect(await service.blobs.verify(keep.sha256)).toBe(true);
    expect(opened.db.select().from(blobs).all().map((b) => b.sha256)).toEqual([keep.sha256]);
  });
});
