/**
 * The certificate PDF: issued by a real back office when the reviewer approves, downloaded by
 * the device over real HTTP; its text (pdftotext) says what a certificate must say in Chinese,
 * with the holder's ID masked; the QR code's modules are exactly the verification link's; the
 * link (GET /verify/<code>) confirms the certificate, an unknown code is refused.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { sampleCase, startTestBackoffice, TestDevice, TestReviewer, type TestBackoffice } from '../../backoffice/testing';
import { QR_BOX } from '../../backoffice/review/certificate';
import { SYNC_ROUTES, type ChangeEvent } from '../../shared/sync';

const hasPoppler = spawnSync('pdftotext', ['-v']).status === 0 && spawnSync('pdftoppm', ['-v']).status === 0;
if (!hasPoppler) console.warn('backoffice-certificate.test: pdftotext/pdftoppm (poppler-utils) not found; the PDF text and QR checks are skipped');

const PASSWORD = 'Qixia#2025review';
const HOLDER_ID = '11010519491231002X';
let bo: TestBackoffice;
let device: TestDevice;
let reviewer: TestReviewer;
let dir: string;
let pdfBytes: Uint8Array;
let caseNo: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'onewindow-cert-'));
  bo = await startTestBackoffice();
  await bo.backoffice.admin.createReviewer({ username: 'scjg.wang', password: PASSWORD, department: 'SCJG', displayName: '王审批' });
  reviewer = await TestReviewer.login(bo.baseUrl, 'scjg.wang', PASSWORD);
  device = await TestDevice.enrol(bo.baseUrl, await bo.backoffice.admin.createEnrolmentCode({ centerCode: '32011300', windowNo: '05' }));
  const kase = sampleCase({ centerCode: '32011300', windowNo: '05' }, { applicant: { name: '欧阳春华', idType: 'resident-id', idNumber: HOLDER_ID } });
  caseNo = kase.caseNo;
  const pushed = await device.push([{ mutationId: ulid(), kind: 'case.create', payload: kase }]);
  expect(pushed.results[0]!.status).toBe('applied');
  const received = (await device.changes(0)).events.find((e) => e.type === 'case-received' && e.caseId === kase.caseId);
  if (received?.type !== 'case-received') throw new Error('case not received');
  expect((await reviewer.decide(received.data.tasks[0]!.taskId, { decision: 'approve' })).status).toBe(200);
  const issued = (await device.changes(0)).events.find((e): e is Extract<ChangeEvent, { type: 'certificate-issued' }> => e.type === 'certificate-issued');
  if (!issued) throw new Error('no certificate');
  const response = await device.fetch(SYNC_ROUTES.blob(issued.data.blob.sha256));
  expect(response.headers.get('content-type')).toBe('application/pdf');
  pdfBytes = new Uint8Array(await response.arrayBuffer());
  writeFileSync(join(dir, 'certificate.pdf'), pdfBytes);
}, 60_000);

afterAll(async () => {
  await bo?.close();
  rmSync(dir, { recursive: true, force: true });
});

const squash = (s: string) => s.replace(/\s+/g, '');
const textOf = () => squash(execFileSync('pdftotext', ['-enc', 'UTF-8', join(dir, 'certificate.pdf'), '-'], { encoding: 'utf8' }));

describe('certificate PDF', () => {
  it('embeds the Chinese font as a subset', async () => {
    const pdf = await PDFDocument.load(pdfBytes);
    const fonts = pdf.context
      .enumerateIndirectObjects()
      .map(([, o]) => o)
      .filter((o): o is PDFDict => o instanceof PDFDict && o.get(PDFName.of('Type')) === PDFName.of('Font') && o.has(PDFName.of('BaseFont')))
      .map((o) => String(o.get(PDFName.of('BaseFont'))));
    expect(fonts.some((f) => f.startsWith('/NotoSansSC-Regular'))).toBe(true);
    expect(fonts.some((f) => f.startsWith('/NotoSansSC-Bold'))).toBe(true);
    // A subset: far smaller than the 10 MB font file.
    expect(pdfBytes.byteLength).toBeLessThan(200_000);
  });

  it.skipIf(!hasPoppler)('says in Chinese what was approved, for whom, when and how long, never the full ID number', () => {
    const text = textOf();
    for (const expected of ['行政审批结果证明', `QXZZ-${caseNo}`, caseNo, '食品经营许可', 'QX-SCJG-XK-001', '欧阳春华', '1101**********002X', '长期有效', '南京市栖霞区政务服务中心', '扫码核验真伪']) {
      expect(text).toContain(squash(expected));
    }
    const beijingToday = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10).split('-').map(Number);
    expect(text).toContain(`${beijingToday[0]}年${beijingToday[1]}月${beijingToday[2]}日`);
    expect(text).not.toContain(HOLDER_ID);
  });

  it.skipIf(!hasPoppler)('carries a QR code of the verification link, which confirms the certificate', async () => {
    const url = /https?:\/\/[^\s]*\/verify\/[A-Za-z0-9_-]{16,64}/.exec(textOf())?.[0];
    expect(url?.startsWith(bo.baseUrl)).toBe(true);

    // Render the page and read the QR's modules where the renderer draws it.
    execFileSync('pdftoppm', ['-gray', '-r', '288', '-png', '-singlefile', join(dir, 'certificate.pdf'), join(dir, 'page')]);
    const { data, info } = await sharp(join(dir, 'page.png')).greyscale().raw().toBuffer({ resolveWithObject: true });
    const scale = 288 / 72;
    const expected = QRCode.create(url!, { errorCorrectionLevel: 'M' }).modules;
    const n = expected.size;
    const cell = (QR_BOX.size / n) * scale;
    const left = QR_BOX.x * scale;
    const top = info.height - (QR_BOX.y + QR_BOX.size) * scale;
    let mismatches = 0;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const dark = data[Math.floor(top + (r + 0.5) * cell) * info.width + Math.floor(left + (c + 0.5) * cell)]! < 128;
        if (dark !== Boolean(expected.get(r, c))) mismatches++;
      }
    }
    expect(mismatches).toBe(0);

    const page = await fetch(url!);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    for (const expectedText of ['证照真实有效', caseNo, '食品经营许可', '欧阳春华', '1101**********002X', '长期有效']) expect(html).toContain(expectedText);
    expect(html).not.toContain(HOLDER_ID);
    const json = (await (await fetch(`${url}?format=json`)).json()) as Record<string, unknown>;
    expect(json).toMatchObject({ valid: true, caseNo, certificateNo: `QXZZ-${caseNo}`, itemName: '食品经营许可', holderName: '欧阳春华', holderIdMasked: '1101**********002X', validity: '长期有效' });
  });

  it('refuses an unknown or malformed verification code', async () => {
    const unknown = await fetch(`${bo.baseUrl}/verify/AAAAAAAAAAAAAAAAAAAAAAAA`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('未找到该证照');
    expect((await fetch(`${bo.baseUrl}/verify/${encodeURIComponent('../../etc/passwd')}`)).status).toBe(404);
  });
});
