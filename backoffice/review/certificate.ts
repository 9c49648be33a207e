/**
 * The certificate (证照) issued when every department approves. For now a one-page PDF in a
 * standard font (ASCII only): it names the case number, item code and certificate number; the
 * Chinese item name is in the PDF's metadata. A Chinese font and a verification QR code come later.
 */
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';

export interface CertificateInput {
  certificateNo: string;
  caseNo: string;
  itemCode: string;
  itemVersion: number;
  itemName: string;
  issuedAt: Date;
}

export function certificateNumber(caseNo: string): string {
  return `QXZZ-${caseNo}`;
}

export async function renderCertificatePdf(c: CertificateInput): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`${c.itemName}（${c.caseNo}）`);
  pdf.setSubject(`证照编号 ${c.certificateNo}`);
  pdf.setAuthor('南京市栖霞区政务服务中心');
  pdf.setCreator('OneWindow back office');
  pdf.setCreationDate(c.issuedAt);
  pdf.setModificationDate(c.issuedAt);
  const page = pdf.addPage([595.28, 841.89]); // A4
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const ink = rgb(0.1, 0.1, 0.1);
  page.drawRectangle({ x: 40, y: 40, width: 515.28, height: 761.89, borderColor: rgb(0.7, 0.1, 0.1), borderWidth: 2 });
  page.drawText('CERTIFICATE OF APPROVAL', { x: 110, y: 720, size: 26, font: bold, color: rgb(0.7, 0.1, 0.1) });
  const lines: [string, string][] = [
    ['Certificate No.', c.certificateNo],
    ['Case No.', c.caseNo],
    ['Item', `${c.itemCode} (version ${c.itemVersion})`],
    ['Issued', c.issuedAt.toISOString().replace('T', ' ').slice(0, 19) + ' UTC'],
    ['Issuer', 'Qixia District Government Service Center, Nanjing (320113)'],
  ];
  lines.forEach(([label, value], i) => {
    const y = 640 - i * 34;
    page.drawText(`${label}:`, { x: 80, y, size: 13, font: bold, color: ink });
    page.drawText(value, { x: 200, y, size: 13, font: regular, color: ink });
  });
  return pdf.save({ useObjectStreams: false });
}
