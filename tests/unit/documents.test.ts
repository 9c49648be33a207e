/**
 * The citizen documents: each renders to a real PDF, and the TEXT extracted from it (poppler's
 * pdftotext) says what the document must say — and never a full ID number. Also checks the
 * embedded subset fonts glyph by glyph against the source font, the QR code's modules against
 * the expected status-check string, metadata, determinism and input checks.
 */
import fontkit from '@pdf-lib/fontkit';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  documentModel,
  DOCUMENT_TITLES,
  renderAcceptanceReceipt,
  renderCaseDocument,
  renderCommitmentLetter,
  renderDocument,
  renderHandoutReceipt,
  renderNonAcceptanceNotice,
  renderOneTimeNotice,
  renderSupplementNotice,
  statusCheckString,
  type DocumentInputs,
  type DocumentKind,
} from '../../electron/documents';
import { sampleInputs, sampleSignaturePng, SAMPLE_AGENT_ID, SAMPLE_CASE_NO, SAMPLE_ID } from '../../electron/documents/testing';
import { wrapText } from '../../electron/documents/text';
import { ContractError } from '../../shared/contract/errors';

const hasPoppler = spawnSync('pdftotext', ['-v']).status === 0 && spawnSync('pdftoppm', ['-v']).status === 0;
if (!hasPoppler) {
  console.warn('documents.test: pdftotext/pdftoppm (Debian package poppler-utils) not found; the PDF text checks are skipped. Install: apt-get install -y poppler-utils');
}

const KINDS = Object.keys(DOCUMENT_TITLES) as DocumentKind[];
let dir: string;
let signature: Uint8Array;
let inputs: DocumentInputs;
const pdfs = new Map<DocumentKind, Uint8Array>();

function save(name: string, bytes: Uint8Array): string {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

/** The PDF's text with all white space removed, so wrapped lines read as one string. */
function textOf(bytes: Uint8Array, name = `doc-${Math.random().toString(36).slice(2)}.pdf`): string {
  const file = save(name, bytes);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
}

const squash = (s: string) => s.replace(/\s+/g, '');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ow-documents-'));
  signature = await sampleSignaturePng();
  inputs = sampleInputs(signature);
  for (const kind of KINDS) pdfs.set(kind, (await renderCaseDocument(kind, inputs[kind] as never)).bytes);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('documents: every kind renders a small A4 PDF with metadata', () => {
  it.each(KINDS)('%s', async (kind) => {
    const bytes = pdfs.get(kind)!;
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    // Subset fonts: a full Noto Sans SC weight alone is over 10 MB.
    expect(bytes.length).toBeLessThan(150_000);
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    expect(doc.getTitle()).toBe(DOCUMENT_TITLES[kind]);
    const input = inputs[kind] as { caseNo?: string; noticeNo?: string };
    expect(doc.getSubject()).toBe(input.caseNo ?? input.noticeNo);
    expect(doc.getCreator()).toBe('OneWindow');
    const page = doc.getPage(0);
    expect(Math.round(page.getWidth())).toBe(595);
    expect(Math.round(page.getHeight())).toBe(842);
  });

  it('renders the same bytes for the same input', async () => {
    const again = await renderAcceptanceReceipt(inputs['acceptance-receipt']);
    expect(Buffer.from(again).equals(Buffer.from(pdfs.get('acceptance-receipt')!))).toBe(true);
  });

  it('renders concurrently to the same bytes (the parsed fonts are shared)', async () => {
    const all = await Promise.all(KINDS.map((kind) => renderCaseDocument(kind, inputs[kind] as never)));
    all.forEach((r, i) => expect(Buffer.from(r.bytes).equals(Buffer.from(pdfs.get(KINDS[i]!)!)), KINDS[i]).toBe(true));
  });

  it('each named renderer matches the generic one', async () => {
    const named = {
      'acceptance-receipt': () => renderAcceptanceReceipt(inputs['acceptance-receipt']),
      'one-time-notice': () => renderOneTimeNotice(inputs['one-time-notice']),
      'non-acceptance-notice': () => renderNonAcceptanceNotice(inputs['non-acceptance-notice']),
      'supplement-notice': () => renderSupplementNotice(inputs['supplement-notice']),
      'commitment-letter': () => renderCommitmentLetter(inputs['commitment-letter']),
      'handout-receipt': () => renderHandoutReceipt(inputs['handout-receipt']),
    } satisfies Record<DocumentKind, () => Promise<Uint8Array>>;
    for (const kind of KINDS) expect(Buffer.from(await named[kind]()).equals(Buffer.from(pdfs.get(kind)!)), kind).toBe(true);
  });
});

describe.skipIf(!hasPoppler)('documents: what the text says', () => {
  it('never prints a full ID number, and prints the masked ones', () => {
    for (const kind of KINDS) {
      const text = textOf(pdfs.get(kind)!, `${kind}.pdf`);
      expect(text, kind).not.toContain(SAMPLE_ID);
      expect(text, kind).not.toContain(SAMPLE_AGENT_ID);
      expect(text, kind).not.toContain('13912345678');
      if (kind !== 'one-time-notice') expect(text, kind).toContain('3201**********1238');
    }
  });

  it('受理回执: case number, item, applicant, materials, deferral deadline, promised date, window', () => {
    const text = textOf(pdfs.get('acceptance-receipt')!);
    const input = inputs['acceptance-receipt'];
    for (const s of [
      '受理回执',
      SAMPLE_CASE_NO,
      input.item.name,
      input.item.code,
      '王晓明',
      '经办人李芳',
      '3201**********0041',
      '139****5678',
      '决定予以受理',
      '2025年3月4日14:05', // 06:05 UTC in Beijing time
      '2025年3月18日',
      '10个工作日',
      '南京市栖霞区政务服务中心05号窗口',
      '受理人张敏',
      '须于2025年3月11日前补交',
      '容缺受理',
      '告知承诺',
      '复用电子证照91320113MA1XXXXX',
    ]) {
      expect(text).toContain(squash(s));
    }
    for (const m of input.materials) expect(text).toContain(squash(m.name));
  });

  it('一次性告知书: every missing material, at once', () => {
    const text = textOf(pdfs.get('one-time-notice')!);
    const input = inputs['one-time-notice'];
    expect(text).toContain('一次性告知书');
    expect(text).toContain(`尚缺下列${input.missing.length}项材料`);
    for (const m of input.missing) {
      expect(text).toContain(squash(m.description!));
      if (m.note) expect(text).toContain(squash(m.note));
    }
    expect(text).toContain(input.noticeNo);
  });

  it('一次性告知书 with many materials flows onto more pages and keeps them all', async () => {
    const missing = Array.from({ length: 70 }, (_, i) => ({ name: `第${i + 1}号证明材料`, note: `材料说明${i + 1}` }));
    const r = await renderCaseDocument('one-time-notice', { ...inputs['one-time-notice'], missing });
    expect(r.pages).toBeGreaterThan(1);
    const text = textOf(r.bytes);
    for (const m of missing) expect(text).toContain(`${m.name}。${m.note}`);
    expect(text).toContain(`第${r.pages}页共${r.pages}页`);
  });

  it('不予受理通知书: reasons and the right to reconsideration (60 days) or a lawsuit (6 months)', async () => {
    const input = inputs['non-acceptance-notice'];
    let text = textOf(pdfs.get('non-acceptance-notice')!);
    expect(text).toContain('不予受理通知书');
    expect(text).toContain(squash(input.reasons[0]!));
    expect(text).toContain('《中华人民共和国行政许可法》第三十二条第一款第（二）项');
    expect(text).toContain('决定不予受理');
    expect(text).toContain('自收到本通知书之日起六十日内，依照《中华人民共和国行政复议法》向南京市栖霞区人民政府申请行政复议');
    expect(text).toContain('自收到本通知书之日起六个月内，依照《中华人民共和国行政诉讼法》向有管辖权的人民法院提起行政诉讼');
    text = textOf(await renderNonAcceptanceNotice({ ...input, court: '南京铁路运输法院', redirectTo: '南京市栖霞区卫生健康委员会' }));
    expect(text).toContain('向南京铁路运输法院提起行政诉讼');
    expect(text).toContain('请向南京市栖霞区卫生健康委员会提出申请');
  });

  it('补正材料通知书: the materials wanted and the deadline', () => {
    const text = textOf(pdfs.get('supplement-notice')!);
    const input = inputs['supplement-notice'];
    expect(text).toContain('补正材料通知书');
    expect(text).toContain(SAMPLE_CASE_NO);
    expect(text).toContain('请于2025年3月14日前补正下列全部材料');
    expect(text).toContain(squash(input.reason!));
    for (const m of input.materials) expect(text).toContain(squash(m.description!));
    expect(text).toContain('栖霞区市场监督管理局审查');
  });

  it('告知承诺书: conditions, replaced materials, consequences of a false commitment, signature area', () => {
    const text = textOf(pdfs.get('commitment-letter')!);
    const input = inputs['commitment-letter'];
    for (const c of input.conditions) expect(text).toContain(squash(c));
    for (const m of input.materialsReplaced) expect(text).toContain(m);
    expect(text).toContain('不实承诺的法律后果');
    expect(text).toContain('依法撤销据此作出的决定');
    expect(text).toContain('记入申请人信用记录');
    expect(text).toContain('申请人（签字或盖章）');
    expect(text).toContain('作出许可决定后30个工作日内进行现场核查');
  });

  it('送达回执: what, to whom, how and when — pickup by an agent and express delivery', async () => {
    let text = textOf(pdfs.get('handout-receipt')!);
    expect(text).toContain('送达回执');
    expect(text).toContain('食品经营许可证（正本）');
    expect(text).toContain('JY13201130012345');
    expect(text).toContain('李芳（受托人）');
    expect(text).toContain('窗口领取');
    expect(text).toContain('2025年3月17日15:20');
    expect(text).toContain('签收人（签字）');
    text = textOf(
      await renderHandoutReceipt({
        ...inputs['handout-receipt'],
        recipient: { kind: 'applicant' },
        method: { kind: 'express', carrier: '中国邮政EMS', trackingNo: '1151234567890', address: '南京市栖霞区仙林大道1号' },
      }),
    );
    expect(text).toContain('王晓明（本人）');
    expect(text).toContain('邮寄送达（中国邮政EMS）');
    expect(text).toContain('1151234567890');
    expect(text).toContain('以快递签收记录为准');
    expect(text).not.toContain('李芳');
  });
});

describe.skipIf(!hasPoppler)('documents: the QR code and the signature', () => {
  it('the receipt carries a QR code of onewindow:case:<caseNo>', async () => {
    const file = save('receipt-qr.pdf', pdfs.get('acceptance-receipt')!);
    execFileSync('pdftoppm', ['-gray', '-r', '288', '-png', '-f', '1', '-l', '1', '-singlefile', file, join(dir, 'receipt-qr')]);
    const { data, info } = await sharp(join(dir, 'receipt-qr.png')).greyscale().raw().toBuffer({ resolveWithObject: true });
    // The first black (not grey) ink in the right third of the page, from the top, is the QR
    // code (72 pt = 288 px here); the text below it starts well after that.
    const dark = (x: number, y: number) => data[y * info.width + x]! < 50;
    const left = Math.floor(info.width * 0.65);
    const columns = Array.from({ length: info.width - left }, (_, i) => left + i);
    let top = 0;
    while (top < info.height / 2 && !columns.some((x) => dark(x, top))) top++;
    const inked = columns.filter((x) => Array.from({ length: 300 }, (_, i) => top + i).some((y) => dark(x, y)));
    const [minX, maxX] = [inked[0]!, inked[inked.length - 1]!];
    const expected = QRCode.create(statusCheckString(SAMPLE_CASE_NO), { errorCorrectionLevel: 'M' }).modules;
    const n = expected.size;
    const cell = (maxX - minX + 1) / n;
    expect(cell).toBeGreaterThan(4);
    let mismatches = 0;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const isDark = data[Math.floor(top + (r + 0.5) * cell) * info.width + Math.floor(minX + (c + 0.5) * cell)]! < 128;
        if (isDark !== Boolean(expected.get(r, c))) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
  });

  it('embeds the signature image where given, and none otherwise', async () => {
    // A PNG with transparency is an image plus its soft mask: count the images that carry one.
    const countImages = async (bytes: Uint8Array) => {
      const doc = await PDFDocument.load(bytes);
      return doc.context
        .enumerateIndirectObjects()
        .filter(([, o]) => o instanceof PDFRawStream && o.dict.get(PDFName.of('Subtype')) === PDFName.of('Image') && o.dict.has(PDFName.of('SMask'))).length;
    };
    expect(await countImages(pdfs.get('acceptance-receipt')!)).toBe(1);
    const { applicantSignature: _unused, ...unsigned } = inputs['acceptance-receipt'];
    expect(await countImages(await renderAcceptanceReceipt(unsigned))).toBe(0);
  });

  it('refuses a signature that is not an image', async () => {
    const bad = renderAcceptanceReceipt({ ...inputs['acceptance-receipt'], applicantSignature: new TextEncoder().encode('not a png') });
    await expect(bad).rejects.toBeInstanceOf(ContractError);
    await expect(bad).rejects.toThrow('签名图像不是有效的 PNG 或 JPEG 图片');
  });
});

describe('documents: embedded fonts are whole subsets', () => {
  it('every glyph of every embedded subset decodes to an outline', async () => {
    const doc = await PDFDocument.load(pdfs.get('acceptance-receipt')!);
    const names: string[] = [];
    let checked = 0;
    for (const [, obj] of doc.context.enumerateIndirectObjects()) {
      if (!(obj instanceof PDFDict) || obj.get(PDFName.of('Subtype')) !== PDFName.of('Type0')) continue;
      const name = obj.get(PDFName.of('BaseFont'))!.toString().slice(1);
      names.push(name);
      expect(name).toMatch(/^[A-Z]{6}\+NotoSansSC-(Regular|Bold)$/);
      const cmap = inflateSync((doc.context.lookup(obj.get(PDFName.of('ToUnicode'))) as PDFRawStream).contents).toString('latin1');
      const cid = doc.context.lookup((doc.context.lookup(obj.get(PDFName.of('DescendantFonts'))) as PDFArray).get(0)) as PDFDict;
      const descriptor = doc.context.lookup(cid.get(PDFName.of('FontDescriptor'))) as PDFDict;
      const file = inflateSync((doc.context.lookup(descriptor.get(PDFName.of('FontFile2'))) as PDFRawStream).contents);
      const subset = fontkit.create(file);
      for (const [, gid, unicode] of cmap.matchAll(/<([0-9A-F]{4})> <([0-9A-F]{4,8})>/g)) {
        const ch = String.fromCodePoint(parseInt(unicode!, 16));
        if (/\s/u.test(ch)) continue;
        const glyph = subset.getGlyph(parseInt(gid!, 16));
        // The short-loca bug shows as garbage contour counts and empty outlines.
        const contours = (glyph as unknown as { _decode(): { numberOfContours: number } | null })._decode()?.numberOfContours;
        expect(contours !== undefined && contours >= -1 && contours < 200, `${name} ${ch}: ${contours}`).toBe(true);
        expect((glyph.path as unknown as { commands: unknown[] }).commands.length, `${name} ${ch}`).toBeGreaterThan(0);
        checked++;
      }
    }
    expect(names).toHaveLength(2);
    expect(checked).toBeGreaterThan(200);
  });

  it.skipIf(!hasPoppler)('a subset-font document prints exactly like one with the whole fonts embedded', async () => {
    const model = documentModel('acceptance-receipt', inputs['acceptance-receipt']);
    const full = await renderDocument(model, { subset: false });
    const small = await renderDocument(model);
    expect(full.bytes.length).toBeGreaterThan(5_000_000);
    expect(small.bytes.length).toBeLessThan(150_000);
    const pixels = async (bytes: Uint8Array, name: string) => {
      const file = save(`${name}.pdf`, bytes);
      execFileSync('pdftoppm', ['-gray', '-r', '100', '-png', '-singlefile', file, join(dir, name)]);
      return sharp(join(dir, `${name}.png`)).greyscale().raw().toBuffer();
    };
    const [a, b] = [await pixels(full.bytes, 'full-fonts'), await pixels(small.bytes, 'subset-fonts')];
    expect(a.length).toBe(b.length);
    let differing = 0;
    let ink = 0;
    for (let i = 0; i < a.length; i++) {
      if (Math.abs(a[i]! - b[i]!) > 40) differing++;
      if (a[i]! < 128) ink++;
    }
    expect(ink).toBeGreaterThan(10_000);
    expect(differing).toBe(0);
  });

  it('reports characters the font cannot show instead of hiding them', async () => {
    const r = await renderCaseDocument('one-time-notice', { ...inputs['one-time-notice'], applicantName: '王小明😀' });
    expect(r.missingCharacters).toEqual(['😀']);
    expect((await renderCaseDocument('one-time-notice', inputs['one-time-notice'])).missingCharacters).toEqual([]);
  });
});

describe('documents: input checks', () => {
  const rejects = (fn: () => unknown, message: string) => {
    expect(fn).toThrow(ContractError);
    expect(fn).toThrow(message);
  };

  it('refuses incomplete inputs with a Chinese message', () => {
    rejects(() => documentModel('one-time-notice', { ...inputs['one-time-notice'], missing: [] }), '一次性告知书至少应列出一项材料');
    rejects(
      () => documentModel('acceptance-receipt', { ...inputs['acceptance-receipt'], materials: [{ name: '食品安全管理制度文本', status: 'deferred' }] }),
      '容缺材料“食品安全管理制度文本”的补交期限',
    );
    rejects(() => documentModel('acceptance-receipt', { ...inputs['acceptance-receipt'], promisedDate: '2025-02-30' }), '承诺办结日期应为 YYYY-MM-DD 格式的真实日期');
    rejects(() => documentModel('non-acceptance-notice', { ...inputs['non-acceptance-notice'], reasons: ['  '] }), '不予受理通知书应写明理由');
    rejects(() => documentModel('supplement-notice', { ...inputs['supplement-notice'], deadline: '3月14日' }), '补正期限');
    rejects(() => documentModel('handout-receipt', { ...inputs['handout-receipt'], method: { kind: 'express', carrier: 'EMS', trackingNo: '' } }), '快递运单号');
    rejects(() => documentModel('commitment-letter', { ...inputs['commitment-letter'], applicant: { ...inputs['commitment-letter'].applicant, idNumber: '' } }), '申请人证件号码');
  });

  it('prints a company credit code in full (it is public) but a person’s number masked', () => {
    const model = documentModel('acceptance-receipt', {
      ...inputs['acceptance-receipt'],
      applicant: { name: '南京栖霞示例商贸有限公司', idType: 'uscc', idNumber: '91320113MA1XXXXX0Y' },
    });
    const fields = model.blocks.flatMap((b) => (b.type === 'fields' ? b.rows : []));
    expect(fields).toContainEqual(expect.objectContaining({ label: '统一社会信用代码', value: '91320113MA1XXXXX0Y' }));
    expect(fields).toContainEqual(expect.objectContaining({ label: '公民身份号码', value: '3201**********0041' }));
  });

  it('states times in Beijing time whatever the PC time zone', () => {
    const model = documentModel('handout-receipt', { ...inputs['handout-receipt'], handedOutAt: '2025-03-16T23:30:00Z' });
    const fields = model.blocks.flatMap((b) => (b.type === 'fields' ? b.rows : []));
    expect(fields).toContainEqual(expect.objectContaining({ label: '送达时间', value: '2025年3月17日 07:30' }));
  });
});

describe('documents: Chinese line breaking', () => {
  const measure = (t: string) => [...t].length;

  it('never starts a line with closing punctuation nor ends one with an opening mark', () => {
    const text = '甲乙丙丁戊（己庚）”，辛壬癸子丑寅卯辰巳午未）”，申酉戌亥《天地》。';
    for (let width = 6; width <= 14; width++) {
      const lines = wrapText(text, width, measure);
      expect(lines.join('')).toBe(text);
      for (const line of lines) {
        expect(measure(line)).toBeLessThanOrEqual(width);
        expect(line).not.toMatch(/^[，。、；：）》”]/u);
        expect(line).not.toMatch(/[（《“]$/u);
      }
    }
    expect(wrapText('甲乙丙丁戊己）”，辛', 6, measure)).toEqual(['甲乙丙丁戊', '己）”，辛']);
  });

  it('keeps numbers and codes whole unless they are longer than a line, and honours the first-line indent', () => {
    expect(wrapText('编号AB-1234已受理', 8, measure)).toEqual(['编号', 'AB-1234已', '受理']);
    expect(wrapText('ABCDEFGHIJ', 4, measure)).toEqual(['ABCD', 'EFGH', 'IJ']);
    expect(wrapText('于2025年办结', 6, measure)).toEqual(['于2025年', '办结']);
    expect(wrapText('一二三四五六七八', 4, measure, 2)).toEqual(['一二', '三四五六', '七八']);
  });
});
