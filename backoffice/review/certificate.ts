/**
 * The certificate (证照) issued when every department approves: one A4 page in Chinese (Noto
 * Sans SC, embedded as a subset) naming the certificate and case numbers, the item, the holder
 * (ID number masked), issue date and validity, with a QR code of the back office's verification
 * link (GET /verify/<code>), where anyone holding the paper can check it is genuine.
 */
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';
import { maskIdNumber } from '../../shared/validators/id-card';
import { loadPdfFonts, subsetSafeFontkit } from '../pdf/fonts';

export interface CertificateInput {
  certificateNo: string;
  caseNo: string;
  itemCode: string;
  itemVersion: number;
  itemName: string;
  issuedAt: Date;
  holder: { name: string; idType: string; idNumber: string };
  /** Last day of validity (YYYY-MM-DD, Beijing); null or absent = 长期有效. */
  validUntil?: string | null;
  /** The verification link printed as a QR code and as text. */
  verifyUrl: string;
  issuer?: string;
}

export const DEFAULT_ISSUER = '南京市栖霞区政务服务中心';

export function certificateNumber(caseNo: string): string {
  return `QXZZ-${caseNo}`;
}

/** A resident ID shows its first 4 and last 4 characters; other numbers keep 4 and 4 likewise. */
export function maskHolderId(idType: string, idNumber: string): string {
  if (idType === 'resident-id') return maskIdNumber(idNumber);
  return idNumber.length > 8 ? `${idNumber.slice(0, 4)}${'*'.repeat(idNumber.length - 8)}${idNumber.slice(-4)}` : '****';
}

/** A Beijing calendar date as 2026年3月15日. */
export function chineseDate(d: Date | string): string {
  const iso = typeof d === 'string' ? d : new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  const [y, m, day] = iso.split('-').map(Number);
  return `${y}年${m}月${day}日`;
}

export function validityText(validUntil: string | null | undefined): string {
  return validUntil ? `至 ${chineseDate(validUntil)}` : '长期有效';
}

const A4: [number, number] = [595.28, 841.89];
const RED = rgb(0.72, 0.08, 0.08);
const INK = rgb(0.1, 0.1, 0.1);
const GREY = rgb(0.4, 0.4, 0.4);
export const QR_BOX = { x: 415, y: 90, size: 120 } as const;

function centered(page: PDFPage, text: string, font: PDFFont, size: number, y: number, color = INK) {
  page.drawText(text, { x: (A4[0] - font.widthOfTextAtSize(text, size)) / 2, y, size, font, color });
}

/** Splits text into lines no wider than width (CJK text breaks anywhere). */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const ch of text) {
    if (line && font.widthOfTextAtSize(line + ch, size) > width) {
      lines.push(line);
      line = '';
    }
    line += ch;
  }
  if (line) lines.push(line);
  return lines;
}

export async function renderCertificatePdf(c: CertificateInput): Promise<Uint8Array> {
  const fonts = await loadPdfFonts();
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(subsetSafeFontkit);
  const issuer = c.issuer ?? DEFAULT_ISSUER;
  pdf.setTitle(`${c.itemName}（${c.certificateNo}）`);
  pdf.setSubject(`证照编号 ${c.certificateNo}；办件编号 ${c.caseNo}`);
  pdf.setAuthor(issuer);
  pdf.setCreator('OneWindow 区级后台');
  pdf.setCreationDate(c.issuedAt);
  pdf.setModificationDate(c.issuedAt);
  const regular = await pdf.embedFont(fonts.regular, { subset: true });
  const bold = await pdf.embedFont(fonts.bold, { subset: true });
  const page = pdf.addPage(A4);

  page.drawRectangle({ x: 36, y: 36, width: A4[0] - 72, height: A4[1] - 72, borderColor: RED, borderWidth: 2 });
  page.drawRectangle({ x: 42, y: 42, width: A4[0] - 84, height: A4[1] - 84, borderColor: RED, borderWidth: 0.6 });
  centered(page, '行政审批结果证明', bold, 28, 730, RED);
  centered(page, `证照编号：${c.certificateNo}`, regular, 11, 700, GREY);

  const rows: [string, string][] = [
    ['事项名称', c.itemName],
    ['事项编码', `${c.itemCode}（第 ${c.itemVersion} 版）`],
    ['办件编号', c.caseNo],
    ['持 证 人', c.holder.name],
    ['证件号码', maskHolderId(c.holder.idType, c.holder.idNumber)],
    ['核发日期', chineseDate(c.issuedAt)],
    ['有 效 期', validityText(c.validUntil)],
    ['核发机关', issuer],
  ];
  let y = 630;
  for (const [label, value] of rows) {
    page.drawText(`${label}：`, { x: 90, y, size: 14, font: bold, color: INK });
    for (const line of wrap(value, regular, 14, 330)) {
      page.drawText(line, { x: 180, y, size: 14, font: regular, color: INK });
      y -= 22;
    }
    y -= 12;
  }
  const statement = `经审查，申请事项符合法定条件，准予许可。本证明由${issuer}区级后台并联审批后出具，与纸质证照具有同等效力。`;
  y -= 10;
  for (const line of wrap(statement, regular, 12, A4[0] - 180)) {
    page.drawText(line, { x: 90, y, size: 12, font: regular, color: INK });
    y -= 20;
  }

  // The QR code: one rectangle per horizontal run of dark modules (crisp at any zoom).
  const qr = QRCode.create(c.verifyUrl, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = QR_BOX.size / n;
  for (let r = 0; r < n; r++) {
    for (let col = 0; col < n; ) {
      if (!qr.modules.get(r, col)) {
        col++;
        continue;
      }
      let run = 1;
      while (col + run < n && qr.modules.get(r, col + run)) run++;
      page.drawRectangle({ x: QR_BOX.x + col * cell, y: QR_BOX.y + QR_BOX.size - (r + 1) * cell, width: run * cell + 0.01, height: cell + 0.01, color: rgb(0, 0, 0) });
      col += run;
    }
  }
  page.drawText('扫码核验真伪', { x: 90, y: 185, size: 12, font: bold, color: INK });
  let vy = 165;
  for (const line of wrap(c.verifyUrl, regular, 9, 300)) {
    page.drawText(line, { x: 90, y: vy, size: 9, font: regular, color: GREY });
    vy -= 14;
  }
  page.drawText(`（${issuer}）`, { x: 90, y: 100, size: 12, font: regular, color: INK });
  return pdf.save({ useObjectStreams: false });
}
