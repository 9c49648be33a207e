/**
 * PDFs with pdf-lib (pure JavaScript: run it in the image worker for real files).
 *
 * - An imported PDF is split into one single-page PDF per page, so its pages can be ordered,
 *   deleted and rotated like captured ones. Pages are copied, never re-rendered (nothing here
 *   can render a PDF): text stays text and vector stays vector.
 * - A material's PDF is assembled from its pages in order: JPEG pages are embedded as they are
 *   (no re-encoding) on a page of the image's aspect whose long side is A4's 297 mm; PDF pages
 *   are copied. pdf-lib's standard fonts cannot draw Chinese, so the case number and material
 *   name go into the document metadata (Title, Subject, Keywords), not onto the pages.
 */
import { PDFDocument, degrees } from 'pdf-lib';
import { MaterialFileError, errorText } from './errors';
import { DEFAULT_FILE_LIMITS, loadPdf, type MaterialFileLimits } from './file-type';

/** A4's long side in PDF points (297 mm). */
const A4_LONG_PT = 841.89;
export const PRODUCER = 'OneWindow 全科窗口受理工作台';

export async function splitPdf(bytes: Uint8Array, limits: MaterialFileLimits = DEFAULT_FILE_LIMITS): Promise<Uint8Array[]> {
  const src = await loadPdf(bytes, limits);
  const out: Uint8Array[] = [];
  try {
    for (let i = 0; i < src.getPageCount(); i++) {
      const doc = await PDFDocument.create({ updateMetadata: false });
      const [page] = await doc.copyPages(src, [i]);
      doc.addPage(page);
      out.push(await doc.save());
    }
  } catch (e) {
    throw new MaterialFileError('CORRUPT', undefined, errorText(e));
  }
  return out;
}

/** The single page of a split PDF turned by `by` degrees (lossless: only /Rotate changes). */
export async function rotatePdfPage(bytes: Uint8Array, by: number): Promise<Uint8Array> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const page = doc.getPage(0);
  const angle = (((page.getRotation().angle + by) % 360) + 360) % 360;
  page.setRotation(degrees(angle));
  return doc.save();
}

export interface MaterialPdfPage {
  mime: string;
  bytes: Uint8Array;
}

export interface MaterialPdfMeta {
  caseNo: string;
  materialId: string;
  materialName: string;
  /** Creation and modification date written into the PDF. */
  createdAt: Date;
}

export async function assembleMaterialPdf(pages: readonly MaterialPdfPage[], meta: MaterialPdfMeta): Promise<Uint8Array> {
  if (pages.length === 0) throw new RangeError('a material PDF needs at least one page');
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(`${meta.materialName}（${meta.caseNo}）`, { showInWindowTitleBar: true });
  doc.setSubject(`办件 ${meta.caseNo} 的申请材料：${meta.materialName}，共 ${pages.length} 页`);
  doc.setKeywords([meta.caseNo, meta.materialId, meta.materialName]);
  doc.setProducer(PRODUCER);
  doc.setCreator(PRODUCER);
  doc.setCreationDate(meta.createdAt);
  doc.setModificationDate(meta.createdAt);
  doc.setLanguage('zh-CN');
  for (const p of pages) {
    if (p.mime === 'image/jpeg' || p.mime === 'image/png') {
      const image = p.mime === 'image/jpeg' ? await doc.embedJpg(p.bytes) : await doc.embedPng(p.bytes);
      const scale = A4_LONG_PT / Math.max(image.width, image.height);
      const w = image.width * scale;
      const h = image.height * scale;
      doc.addPage([w, h]).drawImage(image, { x: 0, y: 0, width: w, height: h });
    } else if (p.mime === 'application/pdf') {
      const src = await PDFDocument.load(p.bytes, { updateMetadata: false });
      for (const page of await doc.copyPages(src, src.getPageIndices())) doc.addPage(page);
    } else {
      throw new RangeError(`cannot put ${p.mime} into a PDF`);
    }
  }
  return doc.save();
}
