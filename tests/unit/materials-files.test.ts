/**
 * Files into pages, with real sharp and pdf-lib: the type comes from the bytes (disguised,
 * truncated, empty, oversized and hostile files are refused with typed Chinese errors), pages
 * are compressed to the stated target, rotate/crop move the right pixels, and a material's PDF
 * reopens with its pages in order and the case number and material name in its metadata.
 */
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { MaterialFileError } from '../../electron/materials/errors';
import { DEFAULT_FILE_LIMITS, detectFileType, inspectMaterialFile } from '../../electron/materials/file-type';
import { PAGE_COMPRESSION, compressPage, cropProblem, decodeImage, normalizeImage, renderEdits, thumbnail } from '../../electron/materials/images';
import { assembleMaterialPdf, rotatePdfPage, splitPdf } from '../../electron/materials/pdf';
import { makeA4Page, makeCameraShot, makeEncryptedPdf, makeHugeHeaderPng, makeTextPdf, psnr } from '../../electron/materials/testing';

let a4Png: Buffer; // 300 dpi scan-like page, about 2480×3508
let shot: Buffer; // 5 MP document-camera frame, 2592×1944
let textPdf: Uint8Array;

beforeAll(async () => {
  a4Png = await makeA4Page();
  shot = await makeCameraShot(a4Png);
  textPdf = await makeTextPdf(3);
}, 60_000);

async function refusal(p: Promise<unknown>): Promise<MaterialFileError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(MaterialFileError);
  return e as MaterialFileError;
}

/** A block of `colour` at a known spot on a white image, to follow pixels through edits. */
async function markedImage(width: number, height: number): Promise<Buffer> {
  const mark = await sharp({ create: { width: 100, height: 60, channels: 3, background: '#000000' } }).png().toBuffer();
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite([{ input: mark, left: 20, top: 20 }])
    .jpeg({ quality: 95 })
    .toBuffer();
}

async function isDark(img: Uint8Array, x: number, y: number): Promise<boolean> {
  const { data, info } = await sharp(img).greyscale().raw().toBuffer({ resolveWithObject: true });
  return data[y * info.width + x] < 80;
}

describe('file type from the bytes', () => {
  it('recognises JPEG, PNG and PDF whatever the name says', async () => {
    expect(detectFileType(shot)).toBe('jpeg');
    expect(detectFileType(a4Png)).toBe('png');
    expect(detectFileType(textPdf)).toBe('pdf');
    // A PDF named .jpg is a PDF.
    const info = await inspectMaterialFile(textPdf, { fileName: '身份证正面.jpg' });
    expect(info).toMatchObject({ kind: 'pdf', mime: 'application/pdf', pages: 3 });
    expect(await inspectMaterialFile(shot, { fileName: 'scan.pdf' })).toMatchObject({ kind: 'jpeg', width: 2592, height: 1944 });
  });

  it('refuses an executable named .png, saying the name lies', async () => {
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(4000, 0x41)]);
    const e = await refusal(inspectMaterialFile(exe, { fileName: '户口簿.png' }));
    expect(e.code).toBe('UNSUPPORTED_TYPE');
    expect(e.message).toMatch(/户口簿\.png.*扩展名是 PNG.*内容并不是/);
    const plain = await refusal(inspectMaterialFile(Buffer.from('just some text'), { fileName: 'notes.txt' }));
    expect(plain.code).toBe('UNSUPPORTED_TYPE');
    expect(plain.message).toMatch(/不是 JPEG、PNG 图片或 PDF/);
  });

  it('refuses empty and oversized files before reading them', async () => {
    expect((await refusal(inspectMaterialFile(new Uint8Array(0)))).code).toBe('EMPTY');
    const big = new Uint8Array(DEFAULT_FILE_LIMITS.maxBytes + 1);
    big.set([0xff, 0xd8, 0xff, 0xe0]);
    const e = await refusal(inspectMaterialFile(big));
    expect(e.code).toBe('TOO_LARGE');
    expect(e.message).toMatch(/文件过大（20\.0 MB，上限 20 MB）/);
  });

  it('refuses truncated files: images when decoded, PDFs when parsed', async () => {
    const cut = shot.subarray(0, Math.floor(shot.length * 0.6));
    expect((await refusal(normalizeImage(cut, 'jpeg'))).code).toBe('CORRUPT');
    const cutPng = a4Png.subarray(0, Math.floor(a4Png.length * 0.5));
    expect((await refusal(normalizeImage(cutPng, 'png'))).code).toBe('CORRUPT');
    const headerOnly = shot.subarray(0, 40);
    expect((await refusal(inspectMaterialFile(headerOnly))).code).toBe('CORRUPT');
    for (const frac of [0.9, 0.5, 0.2]) {
      const e = await refusal(inspectMaterialFile(textPdf.subarray(0, Math.floor(textPdf.length * frac))));
      expect(e.code).toBe('CORRUPT');
      expect(e.message).toMatch(/已损坏或不完整/);
    }
  });

  it('refuses encrypted PDFs, PDFs with too many pages, and decompression bombs by their header', async () => {
    expect((await refusal(inspectMaterialFile(await makeEncryptedPdf()))).code).toBe('ENCRYPTED');
    const long = await makeTextPdf(DEFAULT_FILE_LIMITS.maxPdfPages + 1);
    const e = await refusal(inspectMaterialFile(long));
    expect(e.code).toBe('TOO_MANY_PAGES');
    expect(e.message).toMatch(/共 51 页.*最多 50 页/);
    const bomb = makeHugeHeaderPng(100_000, 100_000);
    expect(bomb.length).toBeLessThan(200);
    const b = await refusal(inspectMaterialFile(bomb));
    expect(b.code).toBe('TOO_MANY_PIXELS');
    expect(b.message).toMatch(/100000×100000/);
    const tiny = await sharp({ create: { width: 120, height: 90, channels: 3, background: '#fff' } }).png().toBuffer();
    expect((await refusal(inspectMaterialFile(tiny))).code).toBe('TOO_SMALL');
  });
});

describe('page compression', () => {
  it('brings a 5 MP camera frame to ≤ 2339 px and ≤ 300 KB, legibly', async () => {
    const page = await normalizeImage(shot, 'jpeg');
    expect(Math.max(page.width, page.height)).toBe(PAGE_COMPRESSION.maxLongSide);
    expect(page.width / page.height).toBeCloseTo(2592 / 1944, 2);
    expect(page.bytes.byteLength).toBeLessThanOrEqual(PAGE_COMPRESSION.targetBytes);
    expect(detectFileType(page.bytes)).toBe('jpeg');
    const meta = await sharp(page.bytes).metadata();
    expect(meta.isProgressive).toBe(false);
    expect(meta.exif).toBeUndefined(); // metadata stripped
    // Against the same frame resized without loss: ≥ 33 dB (our legibility floor, docs/MATERIALS.md).
    const lossless = await sharp(shot).resize({ width: page.width, height: page.height }).png().toBuffer();
    expect(await psnr(lossless, page.bytes)).toBeGreaterThan(33);
  });

  it('brings a 300 dpi A4 PNG scan to 200 dpi and ≤ 300 KB, and keeps colour for the red seal', async () => {
    const src = await sharp(a4Png).metadata();
    expect(src.height).toBeGreaterThan(3500);
    const page = await normalizeImage(a4Png, 'png');
    expect(page.height).toBe(PAGE_COMPRESSION.maxLongSide);
    expect(Math.abs(page.width - (src.width / src.height) * 2339)).toBeLessThanOrEqual(1);
    expect(page.bytes.byteLength).toBeLessThanOrEqual(PAGE_COMPRESSION.targetBytes);
    const meta = await sharp(page.bytes).metadata();
    expect(meta.channels).toBe(3);
    const stats = await sharp(page.bytes).stats();
    // Red dominates somewhere (the seal): the red channel's max-minus-blue is visible in the means.
    expect(stats.channels[0].mean).toBeGreaterThan(stats.channels[2].mean);
  });

  it('never enlarges a small image and walks down the ladder for a busy one', async () => {
    const small = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#f0f0f0' } }).jpeg().toBuffer();
    const s = await normalizeImage(small, 'jpeg');
    expect([s.width, s.height]).toEqual([800, 600]);
    expect(s.quality).toBe(PAGE_COMPRESSION.ladder[0].quality);
    // Pure noise cannot meet the target: the ladder ends at the 150 dpi floor, not below.
    const noise = Buffer.alloc(2339 * 1754 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    const busy = await compressPage({ data: noise, width: 2339, height: 1754, channels: 3 });
    const last = PAGE_COMPRESSION.ladder[PAGE_COMPRESSION.ladder.length - 1];
    expect([busy.longSide, busy.quality]).toEqual([last.longSide, last.quality]);
    expect(busy.width).toBe(1754);
  });

  it('applies EXIF orientation, so a portrait phone photo stays upright', async () => {
    const landscapePixels = await markedImage(1200, 900);
    const tagged = await sharp(landscapePixels).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const page = await normalizeImage(tagged, 'jpeg');
    expect([page.width, page.height]).toEqual([900, 1200]);
  });
});

describe('rotate and crop', () => {
  it('rotates clockwise in 90° steps and crops in the page’s current pixels', async () => {
    const src = (await normalizeImage(await markedImage(1200, 900), 'jpeg')).bytes;
    expect(await isDark(src, 60, 40)).toBe(true); // the mark, top-left
    const r90 = await renderEdits(src, [{ op: 'rotate', degrees: 90 }]);
    expect([r90.width, r90.height]).toEqual([900, 1200]);
    expect(await isDark(r90.bytes, 900 - 40, 60)).toBe(true); // now top-right
    expect(await isDark(r90.bytes, 40, 60)).toBe(false);
    const r180 = await renderEdits(src, [{ op: 'rotate', degrees: 180 }]);
    expect(await isDark(r180.bytes, 1200 - 60, 900 - 40)).toBe(true);
    const cropped = await renderEdits(src, [{ op: 'crop', rect: { left: 10, top: 10, width: 300, height: 200 } }]);
    expect([cropped.width, cropped.height]).toEqual([300, 200]);
    expect(await isDark(cropped.bytes, 50, 30)).toBe(true);
    // Rotate then crop: the rectangle is in the rotated page's pixels.
    const both = await renderEdits(src, [
      { op: 'rotate', degrees: 90 },
      { op: 'crop', rect: { left: 700, top: 0, width: 200, height: 200 } },
    ]);
    expect([both.width, both.height]).toEqual([200, 200]);
    expect(await isDark(both.bytes, 200 - 40, 60)).toBe(true);
  });

  it('says why a crop cannot be applied', () => {
    expect(cropProblem({ left: 0, top: 0, width: 100, height: 100 }, 200, 200)).toBeNull();
    expect(cropProblem({ left: 150, top: 0, width: 100, height: 100 }, 200, 200)).toMatch(/超出页面范围/);
    expect(cropProblem({ left: 0, top: 0, width: 10, height: 100 }, 200, 200)).toMatch(/过小/);
    expect(cropProblem({ left: 0.5, top: 0, width: 100, height: 100 }, 200, 200)).toMatch(/超出/);
  });

  it('makes small thumbnails and refuses to thumbnail garbage', async () => {
    const t = await thumbnail(shot, 320);
    expect(Math.max(t.width, t.height)).toBe(320);
    expect(t.bytes.byteLength).toBeLessThan(40_000);
    expect((await refusal(thumbnail(Buffer.from('nope'), 320))).code).toBe('CORRUPT');
  });

  it('decodes with the pixel limit as a second guard', async () => {
    const img = await sharp({ create: { width: 1200, height: 1000, channels: 3, background: '#fff' } }).png().toBuffer();
    const e = await refusal(decodeImage(img, 2339, { ...DEFAULT_FILE_LIMITS, maxPixels: 1_000_000 }));
    expect(e.code).toBe('CORRUPT');
  });
});

describe('PDFs', () => {
  it('splits an imported PDF into single pages and rotates one losslessly', async () => {
    const pages = await splitPdf(textPdf);
    expect(pages).toHaveLength(3);
    for (const p of pages) expect((await PDFDocument.load(p)).getPageCount()).toBe(1);
    const turned = await PDFDocument.load(await rotatePdfPage(pages[1], 90));
    expect(turned.getPage(0).getRotation().angle).toBe(90);
    const back = await PDFDocument.load(await rotatePdfPage(await rotatePdfPage(pages[1], 270), 90));
    expect(back.getPage(0).getRotation().angle).toBe(0);
  });

  it('assembles a material PDF in page order with the case number and material name in its metadata', async () => {
    const portrait = await normalizeImage(a4Png, 'png');
    const landscape = await normalizeImage(shot, 'jpeg');
    const [pdfPage] = await splitPdf(textPdf);
    const createdAt = new Date('2026-11-20T02:00:00Z');
    const bytes = await assembleMaterialPdf(
      [
        { mime: 'image/jpeg', bytes: portrait.bytes },
        { mime: 'application/pdf', bytes: pdfPage },
        { mime: 'image/jpeg', bytes: landscape.bytes },
      ],
      { caseNo: '32011300-20261120-01-0007', materialId: 'hukou-book', materialName: '户口簿', createdAt },
    );
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    expect(doc.getPageCount()).toBe(3);
    expect(doc.getTitle()).toBe('户口簿（32011300-20261120-01-0007）');
    expect(doc.getSubject()).toContain('32011300-20261120-01-0007');
    expect(doc.getSubject()).toContain('户口簿');
    expect(doc.getKeywords()).toContain('32011300-20261120-01-0007');
    expect(doc.getKeywords()).toContain('hukou-book');
    expect(doc.getCreationDate()?.toISOString()).toBe(createdAt.toISOString());
    const [p1, p2, p3] = doc.getPages().map((p) => p.getSize());
    expect(p1.height).toBeCloseTo(841.89, 1); // portrait page, A4 long side
    expect(p1.width).toBeCloseTo(841.89 * (portrait.width / portrait.height), 1);
    expect(p2.width).toBeCloseTo(595.28, 1); // the copied PDF page keeps its own size
    expect(p3.width).toBeCloseTo(841.89, 1); // landscape frame
    // The JPEG pages are embedded as they are: their bytes appear verbatim in the file.
    expect(Buffer.from(bytes).indexOf(Buffer.from(portrait.bytes.subarray(0, 4096)))).toBeGreaterThan(0);
  });
});
