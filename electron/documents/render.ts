/**
 * The one renderer: lays a DocumentModel out on A4 pages with pdf-lib. Text is wrapped by
 * ./text, long blocks flow onto new pages (tables repeat their header), and every page gets
 * the header and "第 n 页 共 m 页" footer once the page count is known. The output is
 * deterministic: the same model gives the same bytes.
 */
import { createHash } from 'node:crypto';
import { PDFDocument, rgb, type PDFFont, type PDFImage, type PDFPage, type RGB } from 'pdf-lib';
import QRCode from 'qrcode';
import { ContractError } from '../../shared/contract/errors';
import { formatCivilDate, IDEOGRAPHIC_SPACE } from './format';
import { loadDocumentFonts, missingCharacters, subsetSafeFontkit, type DocumentFonts } from './fonts';
import type { Align, Block, DocumentModel, SignatureLine } from './layout';
import { wrapText } from './text';

const PAGE = { width: 595.28, height: 841.89 }; // A4 in points
const MARGIN = { top: 58, bottom: 58, left: 62, right: 62 };
const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const SIZE = { title: 20, subtitle: 10.5, heading: 12.5, body: 11, cell: 10.5, small: 9, chrome: 8 };
const LEADING = 1.65;
/** Tighter lines inside table cells. */
const CELL_LEADING = 1.45;
const CELL_PAD = { x: 5, y: 3 };
const QR_SIZE = 72;
const INK = rgb(0, 0, 0);
const GREY = rgb(0.38, 0.38, 0.38);
const RULE = rgb(0.25, 0.25, 0.25);
const FILL = rgb(0.93, 0.93, 0.93);

export interface RenderedDocument {
  bytes: Uint8Array;
  pages: number;
  /** Characters the font cannot show (a rare character in a name, say): they print as blanks. */
  missingCharacters: string[];
}

interface Cell {
  text: string;
  width: number;
  bold?: boolean;
  fill?: boolean;
  align?: Align;
}

function allText(model: DocumentModel): string {
  const parts: string[] = [model.title, model.footer, model.header?.left ?? '', model.header?.right ?? ''];
  for (const b of model.blocks) {
    switch (b.type) {
      case 'title':
        parts.push(b.text, b.subtitle ?? '');
        break;
      case 'reference':
      case 'heading':
      case 'paragraph':
        parts.push(b.text);
        break;
      case 'fields':
        for (const f of b.rows) parts.push(f.label, f.value);
        break;
      case 'table':
        parts.push(...b.columns.map((c) => c.header), ...b.rows.flat());
        break;
      case 'list':
        parts.push(...b.items);
        break;
      case 'qr':
        parts.push(...b.caption);
        break;
      case 'signatures':
        for (const l of b.lines) parts.push(l.label, l.name ?? '', l.date ?? '');
        parts.push(...(b.seal ?? []));
        break;
      case 'seal':
        parts.push(...b.lines);
        break;
      case 'spacer':
        break;
    }
  }
  return parts.join('\n');
}

/** The subset tag PDF expects before a subset font's name (six capitals), derived from the text. */
function subsetTag(text: string, variant: string): string {
  const digest = createHash('sha256').update(variant).update(text).digest();
  return Array.from(digest.subarray(0, 6), (b) => String.fromCharCode(65 + (b % 26))).join('');
}

async function embedImage(doc: PDFDocument, bytes: Uint8Array): Promise<PDFImage> {
  const isPng = bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const isJpeg = bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  try {
    if (isPng) return await doc.embedPng(bytes);
    if (isJpeg) return await doc.embedJpg(bytes);
  } catch {
    // fall through to the same message
  }
  throw new ContractError('VALIDATION_FAILED', '签名图像不是有效的 PNG 或 JPEG 图片，请重新签名');
}

class Layout {
  readonly pages: PDFPage[] = [];
  page!: PDFPage;
  /** The top of the free space on the current page. */
  y = 0;
  private widths = new Map<PDFFont, Map<string, number>>();

  constructor(
    private readonly doc: PDFDocument,
    readonly regular: PDFFont,
    readonly bold: PDFFont,
    private readonly images: Map<Uint8Array, PDFImage>,
  ) {
    this.newPage();
  }

  newPage(): void {
    this.page = this.doc.addPage([PAGE.width, PAGE.height]);
    this.pages.push(this.page);
    this.y = PAGE.height - MARGIN.top;
  }

  /** Starts a new page unless `height` still fits (a fresh page always takes it). */
  ensure(height: number): boolean {
    if (this.y - height >= MARGIN.bottom || this.y === PAGE.height - MARGIN.top) return false;
    this.newPage();
    return true;
  }

  width(text: string, font: PDFFont, size: number): number {
    let cache = this.widths.get(font);
    if (!cache) this.widths.set(font, (cache = new Map()));
    let w = cache.get(text);
    if (w === undefined) cache.set(text, (w = font.widthOfTextAtSize(text, 1)));
    return w * size;
  }

  wrap(text: string, font: PDFFont, size: number, width: number, indent = 0): string[] {
    return wrapText(text, width, (t) => this.width(t, font, size), indent);
  }

  /** Draws one line whose box starts at `top`, vertically centred in a line of `size * LEADING`. */
  text(line: string, x: number, top: number, font: PDFFont, size: number, color: RGB = INK, leading = size * LEADING): void {
    if (!line) return;
    const baseline = top - leading / 2 - 0.36 * size;
    this.page.drawText(line, { x, y: baseline, font, size, color });
  }

  aligned(line: string, left: number, width: number, align: Align, top: number, font: PDFFont, size: number, color?: RGB, leading?: number): void {
    const w = this.width(line, font, size);
    const x = align === 'center' ? left + (width - w) / 2 : align === 'right' ? left + width - w : left;
    this.text(line, x, top, font, size, color, leading);
  }

  image(bytes: Uint8Array): PDFImage {
    const img = this.images.get(bytes);
    if (!img) throw new Error('image not embedded');
    return img;
  }
}

function lineHeight(size: number): number {
  return size * LEADING;
}

function drawParagraph(l: Layout, b: Extract<Block, { type: 'paragraph' }>): void {
  const font = b.bold ? l.bold : l.regular;
  const size = b.small ? SIZE.small : SIZE.body;
  const indent = b.indent ? l.width('　　', font, size) : 0;
  const lines = l.wrap(b.text, font, size, CONTENT_WIDTH, indent);
  lines.forEach((line, i) => {
    l.ensure(lineHeight(size));
    const x = MARGIN.left + (i === 0 ? indent : 0);
    l.aligned(line, x, CONTENT_WIDTH - (x - MARGIN.left), b.align ?? 'left', l.y, font, size, b.small ? GREY : INK);
    l.y -= lineHeight(size);
  });
  l.y -= size * 0.35;
}

function drawList(l: Layout, b: Extract<Block, { type: 'list' }>): void {
  const size = SIZE.body;
  const markers = b.items.map((_, i) => (b.ordered === false ? '•' : `${i + 1}.`));
  const markerWidth = Math.max(...markers.map((m) => l.width(m, l.regular, size))) + 6;
  b.items.forEach((item, i) => {
    const lines = l.wrap(item, l.regular, size, CONTENT_WIDTH - markerWidth - 12);
    lines.forEach((line, j) => {
      l.ensure(lineHeight(size));
      if (j === 0) l.text(markers[i]!, MARGIN.left + 12, l.y, l.regular, size);
      l.text(line, MARGIN.left + 12 + markerWidth, l.y, l.regular, size);
      l.y -= lineHeight(size);
    });
  });
  l.y -= size * 0.35;
}

/** One row of bordered cells; `onNewPage` runs when the row moves to a new page (to repeat a header). */
function drawRow(l: Layout, cells: Cell[], onNewPage?: () => void): void {
  const size = SIZE.cell;
  const wrapped = cells.map((c) => l.wrap(c.text, c.bold ? l.bold : l.regular, size, c.width - 2 * CELL_PAD.x));
  const lh = size * CELL_LEADING;
  const height = Math.max(...wrapped.map((w) => Math.max(1, w.length))) * lh + 2 * CELL_PAD.y;
  if (l.ensure(height)) onNewPage?.();
  let x = MARGIN.left;
  cells.forEach((c, i) => {
    l.page.drawRectangle({
      x,
      y: l.y - height,
      width: c.width,
      height,
      borderColor: RULE,
      borderWidth: 0.6,
      ...(c.fill ? { color: FILL } : {}),
    });
    const lines = wrapped[i]!;
    // Vertically centre short cells next to tall ones.
    let top = l.y - CELL_PAD.y - (height - 2 * CELL_PAD.y - lines.length * lh) / 2;
    for (const line of lines) {
      l.aligned(line, x + CELL_PAD.x, c.width - 2 * CELL_PAD.x, c.align ?? 'left', top, c.bold ? l.bold : l.regular, size, INK, lh);
      top -= lh;
    }
    x += c.width;
  });
  l.y -= height;
}

function drawFields(l: Layout, b: Extract<Block, { type: 'fields' }>): void {
  const columns = b.columns ?? 2;
  const label = columns === 2 ? 76 : 104;
  const value = CONTENT_WIDTH / columns - label;
  const rows: Cell[][] = [];
  let pending: Cell[] = [];
  for (const f of b.rows) {
    const pair: Cell[] = [
      { text: f.label, width: label, fill: true },
      { text: f.value, width: value },
    ];
    const padPending = () => {
      if (pending.length) rows.push([...pending, { text: '', width: label, fill: true }, { text: '', width: value }]);
      pending = [];
    };
    if (columns === 1) {
      rows.push(pair);
    } else if (f.wide) {
      padPending();
      rows.push([pair[0]!, { text: f.value, width: CONTENT_WIDTH - label }]);
    } else if (f.newRow && pending.length) {
      padPending();
      pending = pair;
    } else if (pending.length) {
      rows.push([...pending, ...pair]);
      pending = [];
    } else {
      pending = pair;
    }
  }
  if (pending.length) rows.push([...pending, { text: '', width: label, fill: true }, { text: '', width: value }]);
  for (const row of rows) drawRow(l, row);
  l.y -= 8;
}

function drawTable(l: Layout, b: Extract<Block, { type: 'table' }>): void {
  const total = b.columns.reduce((s, c) => s + c.width, 0);
  const widths = b.columns.map((c) => (c.width / total) * CONTENT_WIDTH);
  const header: Cell[] = b.columns.map((c, i) => ({ text: c.header, width: widths[i]!, bold: true, fill: true, align: 'center' }));
  // Keep the header with at least the first row.
  l.ensure(3 * SIZE.cell * CELL_LEADING + 4 * CELL_PAD.y);
  drawRow(l, header);
  for (const row of b.rows) {
    drawRow(
      l,
      row.map((text, i) => ({ text, width: widths[i]!, align: b.columns[i]!.align })),
      () => drawRow(l, header),
    );
  }
  l.y -= 8;
}

function drawQr(l: Layout, b: Extract<Block, { type: 'qr' }>): void {
  const size = SIZE.small;
  const captionWidth = CONTENT_WIDTH - QR_SIZE - 16;
  const lines = b.caption.flatMap((c) => l.wrap(c, l.regular, size, captionWidth));
  const height = Math.max(QR_SIZE, lines.length * lineHeight(size));
  l.ensure(height);
  const qr = QRCode.create(b.data, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = QR_SIZE / n;
  const x0 = MARGIN.left + CONTENT_WIDTH - QR_SIZE;
  // One rectangle per horizontal run of dark modules.
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; ) {
      if (!qr.modules.get(r, c)) {
        c++;
        continue;
      }
      let run = 1;
      while (c + run < n && qr.modules.get(r, c + run)) run++;
      l.page.drawRectangle({ x: x0 + c * cell, y: l.y - (r + 1) * cell, width: run * cell + 0.01, height: cell + 0.01, color: INK });
      c += run;
    }
  }
  let top = l.y - (height - lines.length * lineHeight(size)) / 2;
  for (const line of lines) {
    l.aligned(line, MARGIN.left, captionWidth, 'right', top, l.regular, size, GREY);
    top -= lineHeight(size);
  }
  l.y -= height + 10;
}

const BLANK_DATE = '　　　　年　　月　　日';

const SIGNATURE_ROOM = 34;

function drawSignature(l: Layout, s: SignatureLine, x: number, width: number, top: number): void {
  const size = SIZE.body;
  const imageRoom = SIGNATURE_ROOM;
  const lineTop = top - imageRoom;
  l.text(`${s.label}：`, x, lineTop, l.regular, size);
  const lineStart = x + l.width(`${s.label}：`, l.regular, size) + 2;
  const lineEnd = x + width - 8;
  const lineY = lineTop - lineHeight(size) / 2 - 0.5 * size;
  l.page.drawLine({ start: { x: lineStart, y: lineY }, end: { x: lineEnd, y: lineY }, thickness: 0.6, color: RULE });
  if (s.image) {
    const img = l.image(s.image);
    const scale = Math.min((imageRoom + lineHeight(size) * 0.6) / img.height, (lineEnd - lineStart) / img.width);
    l.page.drawImage(img, { x: lineStart + 4, y: lineY + 1, width: img.width * scale, height: img.height * scale });
  } else if (s.name) {
    l.text(s.name, lineStart + 8, lineTop, l.regular, size);
  }
  if (s.undated) return;
  const date = s.date ? formatCivilDate(s.date) : BLANK_DATE;
  l.text(`日期：${date}`, lineStart, lineTop - lineHeight(size) - 2, l.regular, size);
}

function drawSignatures(l: Layout, b: Extract<Block, { type: 'signatures' }>): void {
  const rowHeight = SIGNATURE_ROOM + 2 * lineHeight(SIZE.body) + 12;
  const half = CONTENT_WIDTH / 2;
  for (let i = 0; i < b.lines.length; i += 2) {
    const pair = b.lines.slice(i, i + 2);
    const seal = pair.length === 1 && b.seal?.length ? b.seal : undefined;
    l.ensure(Math.max(rowHeight, seal ? sealHeight(seal) : 0));
    const top = l.y;
    pair.forEach((s, j) => drawSignature(l, s, MARGIN.left + j * half, pair.length === 1 ? (seal ? half : CONTENT_WIDTH * 0.6) : half, top));
    if (seal) drawSealLines(l, seal, top);
    l.y = top - Math.max(rowHeight, seal ? sealHeight(seal) : 0);
  }
}

/** Room above the issuer's name where the seal is pressed. */
const SEAL_ROOM = 30;

function sealHeight(lines: string[]): number {
  return SEAL_ROOM + lines.length * lineHeight(SIZE.body);
}

/** The issuer's lines, centred on each other, at the right margin. */
function drawSealLines(l: Layout, lines: string[], top: number): void {
  const size = SIZE.body;
  const width = Math.max(...lines.map((t) => l.width(t, l.regular, size)));
  const left = MARGIN.left + CONTENT_WIDTH - width - 12;
  let y = top - SEAL_ROOM;
  for (const line of lines) {
    l.aligned(line, left, width, 'center', y, l.regular, size);
    y -= lineHeight(size);
  }
}

function drawSeal(l: Layout, b: Extract<Block, { type: 'seal' }>): void {
  l.ensure(sealHeight(b.lines));
  drawSealLines(l, b.lines, l.y);
  l.y -= sealHeight(b.lines) + 6;
}

function drawBlock(l: Layout, b: Block): void {
  switch (b.type) {
    case 'title': {
      const h = lineHeight(SIZE.title) + (b.subtitle ? lineHeight(SIZE.subtitle) : 0) + 10;
      l.ensure(h);
      l.aligned(b.text, MARGIN.left, CONTENT_WIDTH, 'center', l.y, l.bold, SIZE.title);
      l.y -= lineHeight(SIZE.title);
      if (b.subtitle) {
        l.aligned(b.subtitle, MARGIN.left, CONTENT_WIDTH, 'center', l.y, l.regular, SIZE.subtitle, GREY);
        l.y -= lineHeight(SIZE.subtitle);
      }
      l.y -= 4;
      return;
    }
    case 'reference':
      l.ensure(lineHeight(SIZE.body));
      l.aligned(b.text, MARGIN.left, CONTENT_WIDTH, 'right', l.y, l.regular, SIZE.body);
      l.y -= lineHeight(SIZE.body) + 4;
      return;
    case 'heading':
      // Keep a heading with at least two lines of what follows.
      l.ensure(lineHeight(SIZE.heading) + 2 * lineHeight(SIZE.body) + 4);
      l.y -= 4;
      l.text(b.text, MARGIN.left, l.y, l.bold, SIZE.heading);
      l.y -= lineHeight(SIZE.heading);
      return;
    case 'paragraph':
      return drawParagraph(l, b);
    case 'list':
      return drawList(l, b);
    case 'fields':
      return drawFields(l, b);
    case 'table':
      return drawTable(l, b);
    case 'qr':
      return drawQr(l, b);
    case 'signatures':
      return drawSignatures(l, b);
    case 'seal':
      return drawSeal(l, b);
    case 'spacer':
      l.y -= b.height;
      return;
  }
}

function drawChrome(l: Layout, model: DocumentModel): void {
  const total = l.pages.length;
  l.pages.forEach((page, i) => {
    l.page = page;
    if (model.header) {
      const top = PAGE.height - MARGIN.top + 30;
      l.text(model.header.left, MARGIN.left, top, l.regular, SIZE.chrome, GREY);
      if (model.header.right) l.aligned(model.header.right, MARGIN.left, CONTENT_WIDTH, 'right', top, l.regular, SIZE.chrome, GREY);
      const y = top - lineHeight(SIZE.chrome);
      page.drawLine({ start: { x: MARGIN.left, y }, end: { x: PAGE.width - MARGIN.right, y }, thickness: 0.4, color: GREY });
    }
    const footer = `${model.footer}${IDEOGRAPHIC_SPACE}第 ${i + 1} 页 共 ${total} 页`;
    l.aligned(footer, MARGIN.left, CONTENT_WIDTH, 'center', MARGIN.bottom - 22, l.regular, SIZE.chrome, GREY);
  });
}

export interface RenderOptions {
  /** The font files; read from the font package when absent. */
  fonts?: DocumentFonts;
  /** Embed only the glyphs used (default). `false` embeds the whole fonts (over 10 MB each): for checks only. */
  subset?: boolean;
}

/** Renders a document model to a PDF with embedded, subset Noto Sans SC. */
export async function renderDocument(model: DocumentModel, options: RenderOptions = {}): Promise<RenderedDocument> {
  const fontBytes = options.fonts ?? (await loadDocumentFonts());
  const subset = options.subset ?? true;
  const text = allText(model);
  const doc = await PDFDocument.create();
  doc.registerFontkit(subsetSafeFontkit);
  const name = (variant: string) => (subset ? `${subsetTag(text, variant)}+NotoSansSC-${variant}` : `NotoSansSC-${variant}`);
  // 'locl' swaps in other digit designs when a run starts with Latin ("320113-XK-…"): off, so
  // every number in a document looks the same. Chinese runs are unaffected.
  const features = { locl: false };
  const regular = await doc.embedFont(fontBytes.regular, { subset, customName: name('Regular'), features });
  const bold = await doc.embedFont(fontBytes.bold, { subset, customName: name('Bold'), features });

  const images = new Map<Uint8Array, PDFImage>();
  for (const b of model.blocks) {
    if (b.type !== 'signatures') continue;
    for (const s of b.lines) if (s.image && !images.has(s.image)) images.set(s.image, await embedImage(doc, s.image));
  }

  const layout = new Layout(doc, regular, bold, images);
  for (const block of model.blocks) drawBlock(layout, block);
  drawChrome(layout, model);

  doc.setTitle(model.title, { showInWindowTitleBar: true });
  doc.setSubject(model.subject);
  doc.setCreator('OneWindow');
  doc.setProducer('OneWindow（pdf-lib）');
  if (model.author) doc.setAuthor(model.author);
  if (model.keywords?.length) doc.setKeywords(model.keywords);
  doc.setLanguage('zh-CN');
  doc.setCreationDate(model.createdAt);
  doc.setModificationDate(model.createdAt);

  const bytes = await doc.save();
  return { bytes, pages: layout.pages.length, missingCharacters: missingCharacters(fontBytes.regular, text) };
}
