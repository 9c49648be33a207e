/**
 * What a captured or imported file really is, from its bytes (magic numbers), never from its
 * name: JPEG, PNG or PDF, or a typed refusal. Limits are checked from headers before anything
 * is decoded. Nothing here writes anything: a refused file leaves no trace.
 *
 * The PDF check parses the whole file with pdf-lib (synchronous JavaScript): call it from the
 * image worker, not from the main thread, for large files.
 */
import { EncryptedPDFError, PDFDocument } from 'pdf-lib';
import sharp, { type Metadata } from 'sharp';
import { MaterialFileError, errorText } from './errors';

export type MaterialFileKind = 'jpeg' | 'png' | 'pdf';

export const MIME_TYPES: Record<MaterialFileKind, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  pdf: 'application/pdf',
};

export interface MaterialFileLimits {
  /** Bytes of one captured or imported file. */
  maxBytes: number;
  /** Width × height of an image (after EXIF orientation). */
  maxPixels: number;
  /** The shorter side of an image: below this nothing is legible. */
  minSide: number;
  /** Pages of one imported PDF. */
  maxPdfPages: number;
}

/**
 * 20 MiB covers a multi-page scanned PDF or a 50 MP phone photo; a 5 MP document-camera JPEG
 * is 1–3 MB. 50 MP is the largest phone sensor size in common use. 50 PDF pages is the
 * back office's limit of scans per material (shared/sync/case.ts).
 */
export const DEFAULT_FILE_LIMITS: MaterialFileLimits = {
  maxBytes: 20 * 1024 * 1024,
  maxPixels: 50_000_000,
  minSide: 200,
  maxPdfPages: 50,
};

export interface MaterialFileInfo {
  kind: MaterialFileKind;
  mime: string;
  size: number;
  /** Images: size after EXIF orientation. */
  width?: number;
  height?: number;
  /** PDFs: page count. */
  pages?: number;
}

const startsWith = (b: Uint8Array, sig: number[], at = 0) => b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);
const PDF_MAGIC = [...'%PDF-'].map((c) => c.charCodeAt(0));

/** JPEG, PNG or PDF from the first bytes; null for anything else. */
export function detectFileType(bytes: Uint8Array): MaterialFileKind | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, PDF_MAGIC)) return 'pdf';
  return null;
}

/** MiB with one decimal, trailing .0 kept for the file and dropped for a round limit. */
const mb = (n: number) => (n / 1048576).toFixed(1);
const limitMb = (n: number) => String(Math.round((n / 1048576) * 10) / 10);

function extensionClaim(fileName: string | undefined): MaterialFileKind | null {
  const ext = fileName?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  if (ext === 'jpg' || ext === 'jpeg' || ext === 'jfif') return 'jpeg';
  if (ext === 'png') return 'png';
  if (ext === 'pdf') return 'pdf';
  return null;
}

export function checkSize(bytes: Uint8Array, limits: MaterialFileLimits = DEFAULT_FILE_LIMITS): void {
  if (!(bytes instanceof Uint8Array)) throw new MaterialFileError('UNSUPPORTED_TYPE', undefined, 'input is not bytes');
  if (bytes.byteLength === 0) throw new MaterialFileError('EMPTY');
  if (bytes.byteLength > limits.maxBytes) {
    throw new MaterialFileError('TOO_LARGE', `文件过大（${mb(bytes.byteLength)} MB，上限 ${limitMb(limits.maxBytes)} MB），请降低分辨率或拆分后再导入`);
  }
}

/** The file's kind from its bytes; the name only sharpens the message when it lies. */
export function requireKnownType(bytes: Uint8Array, fileName?: string): MaterialFileKind {
  const kind = detectFileType(bytes);
  if (kind) return kind;
  const claimed = extensionClaim(fileName);
  if (claimed) {
    throw new MaterialFileError(
      'UNSUPPORTED_TYPE',
      `文件“${fileName}”的扩展名是 ${claimed.toUpperCase()}，但内容并不是 ${claimed.toUpperCase()}（可能是其他类型的文件改了扩展名），已拒绝导入`,
    );
  }
  throw new MaterialFileError('UNSUPPORTED_TYPE');
}

export async function inspectImageHeader(bytes: Uint8Array, kind: 'jpeg' | 'png', limits: MaterialFileLimits = DEFAULT_FILE_LIMITS) {
  let meta: Metadata;
  try {
    // metadata() reads the header only; no pixel limit so the message can state the real size.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw new MaterialFileError('CORRUPT', undefined, errorText(e));
  }
  if (meta.format !== kind) throw new MaterialFileError('CORRUPT', undefined, `magic ${kind}, decoder ${meta.format}`);
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!(width > 0 && height > 0)) throw new MaterialFileError('CORRUPT', undefined, 'no dimensions');
  if (width * height > limits.maxPixels) {
    throw new MaterialFileError(
      'TOO_MANY_PIXELS',
      `图片尺寸过大（${width}×${height}，约 ${Math.round((width * height) / 1e6)} 百万像素，上限 ${Math.round(limits.maxPixels / 1e6)} 百万像素），请降低分辨率后重新拍摄或导入`,
    );
  }
  if (Math.min(width, height) < limits.minSide) {
    throw new MaterialFileError('TOO_SMALL', `图片过小（${width}×${height}），无法看清内容，请提高分辨率后重新拍摄（短边至少 ${limits.minSide} 像素）`);
  }
  return { width, height };
}

/** Loads a PDF strictly: encrypted, unparsable or page-less files are refused. */
export async function loadPdf(bytes: Uint8Array, limits: MaterialFileLimits = DEFAULT_FILE_LIMITS): Promise<PDFDocument> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(bytes, { updateMetadata: false, throwOnInvalidObject: true });
  } catch (e) {
    // pdf-lib's errors are down-levelled classes: instanceof does not hold, the message does.
    if (e instanceof EncryptedPDFError || /is encrypted/.test(errorText(e))) throw new MaterialFileError('ENCRYPTED', undefined, errorText(e));
    throw new MaterialFileError('CORRUPT', undefined, errorText(e));
  }
  let pages: number;
  try {
    pages = doc.getPageCount();
  } catch (e) {
    throw new MaterialFileError('CORRUPT', undefined, errorText(e));
  }
  if (pages === 0) throw new MaterialFileError('CORRUPT', 'PDF 文件中没有可用的页面（文件可能已损坏或不完整），请重新导出后再导入', 'no pages');
  if (pages > limits.maxPdfPages) {
    throw new MaterialFileError('TOO_MANY_PAGES', `PDF 共 ${pages} 页，单份材料最多 ${limits.maxPdfPages} 页，请拆分后分批导入`);
  }
  return doc;
}

/**
 * Size, kind (from the bytes) and header checks of one file. Images: header only (a truncated
 * body is caught when the page is decoded). PDFs: fully parsed.
 */
export async function inspectMaterialFile(
  bytes: Uint8Array,
  options: { fileName?: string; limits?: MaterialFileLimits } = {},
): Promise<MaterialFileInfo> {
  const limits = options.limits ?? DEFAULT_FILE_LIMITS;
  checkSize(bytes, limits);
  const kind = requireKnownType(bytes, options.fileName);
  if (kind === 'pdf') {
    const doc = await loadPdf(bytes, limits);
    return { kind, mime: MIME_TYPES.pdf, size: bytes.byteLength, pages: doc.getPageCount() };
  }
  const { width, height } = await inspectImageHeader(bytes, kind, limits);
  return { kind, mime: MIME_TYPES[kind], size: bytes.byteLength, width, height };
}
