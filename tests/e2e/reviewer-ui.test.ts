/**
 * The reviewers' web UI (后台审批) in a real Chromium against a real back office (PGlite):
 * a window device pushes cases routed to two departments (lead SCJG + co SW) with a scanned
 * JPEG page and a PDF; one reviewer per department signs in, works the queue by keyboard,
 * reads the form data (titles from the catalogue) and the page image, and decides. Both
 * approvals → the device hears the overall `approved` and `certificate-issued`; a refusal
 * needs a reason (the UI refuses an empty one in Chinese) and closes the case for both.
 * Plus: wrong password, the 503 page when the UI is not built, and a strict CSP that the
 * page runs under without a single violation.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { PDFDocument } from 'pdf-lib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCase, startTestBackoffice, TestDevice, TestReviewer, type TestBackoffice } from '../../backoffice/testing';
import { DEFAULT_REVIEW_UI_DIR, REVIEW_UI_BUILD_COMMAND, reviewWebUi } from '../../backoffice/web-server';
import type { CaseSubmission, ChangeEvent } from '../../shared/sync';
import { launchBrowser } from './harness';

const PASSWORD = 'Review-pass-2025';
const ID_NUMBER = '11010519491231002X';
const REVIEWERS = {
  SCJG: { username: 'scjg.li', displayName: '李审批', department: 'SCJG' },
  SW: { username: 'sw.wang', displayName: '王税审', department: 'SW' },
} as const;

let t: TestBackoffice;
let device: TestDevice;
let browser: Browser;
let jpegSha: string;
let pdfSha: string;
const consoleProblems: string[] = [];

/** A Beijing calendar date `days` from now. */
function beijingDate(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
}

async function scannedPage(): Promise<Buffer> {
  // A "form" page: light paper with a few dark bars as lines of text.
  const bars = [60, 120, 180, 240, 300].map((y) => ({
    input: { create: { width: 320, height: 14, channels: 3 as const, background: '#333333' } },
    left: 40,
    top: y,
  }));
  return sharp({ create: { width: 400, height: 520, channels: 3, background: '#f6f3ea' } }).composite(bars).jpeg({ quality: 80 }).toBuffer();
}

async function smallPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([300, 400]).drawText('Liquidation report', { x: 40, y: 340, size: 14 });
  return doc.save();
}

function closureCase(overrides: Partial<CaseSubmission>): CaseSubmission {
  const c = sampleCase(device.credentials, {
    itemCode: 'QX-SCJG-XK-003',
    itemVersion: 1,
    itemName: '公司注销登记',
    applicant: { name: '李建国', idType: 'resident-id', idNumber: ID_NUMBER, mobile: '13912345678' },
    formData: {
      company: { name: '南京栖霞示例贸易有限公司', creditCode: '91320113MA1X2Y3Z4Q', legalRepresentative: '李建国' },
      applicant: { name: '李建国', idNumber: ID_NUMBER, mobile: '13912345678' },
      method: 'general',
      reason: '股东会决议解散',
      liquidationFilingDate: '2025-01-10',
      creditorNoticeDate: '2025-01-15',
      liquidators: [{ name: '李建国', idNumber: ID_NUMBER, role: '负责人' }],
      windowRemark: '材料齐全',
    },
    materials: [
      { materialId: 'application', name: '注销登记申请书', status: 'received', blobs: [jpegSha] },
      { materialId: 'liquidation-report', name: '经确认的清算报告', status: 'received', blobs: [pdfSha] },
      { materialId: 'business-licence', name: '营业执照正、副本', status: 'deferred', blobs: [], deferUntil: beijingDate(10) },
    ],
    approval: { lead: 'SCJG', co: ['SW'] },
    ...overrides,
  });
  return c;
}

async function pushCase(c: CaseSubmission): Promise<void> {
  const result = await device.push([{ mutationId: ulid(), kind: 'case.create', payload: c }]);
  expect(result.results[0]).toMatchObject({ status: 'applied' });
}

async function events(caseId: string): Promise<ChangeEvent[]> {
  return (await device.changes(0)).events.filter((e) => 'caseId' in e && e.caseId === caseId);
}

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleProblems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleProblems.push(`pageerror: ${e.message}`));
  return { context, page };
}

async function signIn(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.goto(`${t.baseUrl}/review/`);
  await page.getByTestId('signin-username').fill(username);
  await page.getByTestId('signin-password').fill(password);
  await page.keyboard.press('Enter');
}

async function queueRows(page: Page): Promise<string[]> {
  return page.getByTestId('queue-row').allTextContents();
}

let approvedCase: CaseSubmission;
let refusedCase: CaseSubmission;

beforeAll(async () => {
  const root = join(import.meta.dirname, '..', '..');
  if (!existsSync(join(DEFAULT_REVIEW_UI_DIR, 'index.html'))) {
    // vitest sets NODE_ENV=test; the UI is built for production as IT would.
    execFileSync('npx', REVIEW_UI_BUILD_COMMAND.split(' ').slice(1), { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  }
  t = await startTestBackoffice();
  device = await TestDevice.enrol(t.baseUrl, await t.backoffice.admin.createEnrolmentCode({ centerCode: '320113001', windowNo: '03' }));
  for (const r of Object.values(REVIEWERS)) await t.backoffice.admin.createReviewer({ ...r, password: PASSWORD });
  jpegSha = await device.upload(await scannedPage());
  pdfSha = await device.upload(await smallPdf());

  // Due in five days; and one accepted two days ago as 即办, so it is overdue and comes first.
  approvedCase = closureCase({ promisedDate: beijingDate(5) });
  refusedCase = closureCase({ acceptedAt: new Date(Date.now() - 2 * 86_400_000).toISOString() });
  await pushCase(approvedCase);
  await pushCase(refusedCase);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('reviewers web UI', () => {
  it('serves the UI under a strict CSP', async () => {
    const response = await fetch(`${t.baseUrl}/review/`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(await response.text()).toContain('<div id="root">');
    // The API is untouched by the UI's headers.
    expect((await fetch(`${t.baseUrl}/v1/info`)).headers.get('content-security-policy')).toBeNull();
  });

  it('answers 503 with a Chinese page naming the build command when the UI is not built', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'onewindow-no-ui-'));
    const app = Fastify();
    try {
      await app.register(reviewWebUi, { dir: empty });
      const response = await app.inject('/review/');
      expect(response.statusCode).toBe(503);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.body).toContain('后台审批界面尚未构建');
      expect(response.body).toContain(REVIEW_UI_BUILD_COMMAND);
    } finally {
      await app.close();
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('refuses a wrong password with the back office message', async () => {
    const { context, page } = await newPage();
    await signIn(page, REVIEWERS.SCJG.username, 'not-the-password');
    await expect.poll(() => page.getByTestId('signin-error').textContent()).toContain('用户名或密码错误');
    await context.close();
  });

  it('lead and co department both approve → approved and a certificate reach the device', async () => {
    // Lead department (市场监管).
    const lead = await newPage();
    await signIn(lead.page, REVIEWERS.SCJG.username);
    await expect.poll(() => lead.page.getByTestId('reviewer').textContent()).toContain('栖霞区市场监督管理局 · 李审批');
    await expect.poll(() => queueRows(lead.page)).toHaveLength(2);
    const rows = await queueRows(lead.page);
    // Earliest deadline first; the overdue one is marked.
    expect(rows[0]).toContain(refusedCase.caseNo);
    expect(rows[0]).toContain('已超期');
    expect(rows[1]).toContain(approvedCase.caseNo);
    expect(rows[1]).toContain('主办');
    expect(rows[1]).toContain('李建国');
    expect(rows.join()).not.toContain(ID_NUMBER);

    // Keyboard: the queue has focus; ↓ then Enter opens the second case.
    await expect.poll(() => lead.page.getByTestId('queue').evaluate((el) => el === document.activeElement)).toBe(true);
    await lead.page.keyboard.press('ArrowDown');
    await lead.page.keyboard.press('Enter');
    await expect.poll(() => lead.page.getByTestId('case-no').textContent()).toBe(approvedCase.caseNo);

    // Form data with the item's titles and option names; ID numbers masked until asked for.
    const form = lead.page.getByTestId('form-data');
    await expect.poll(() => form.textContent()).toContain('注销方式');
    const formText = (await form.textContent())!;
    for (const text of ['单位信息', '单位名称', '南京栖霞示例贸易有限公司', '普通注销', '注销原因', '股东会决议解散', '清算组成员', '成员 1', '负责人', 'windowRemark', '材料齐全']) {
      expect(formText).toContain(text);
    }
    expect(formText).toContain('1101**********002X');
    expect(formText).not.toContain(ID_NUMBER);
    expect(await lead.page.getByTestId('applicant-id').textContent()).toBe('1101**********002X');
    await lead.page.getByTestId('reveal-ids').click();
    expect(await lead.page.getByTestId('applicant-id').textContent()).toBe(ID_NUMBER);
    expect(await form.textContent()).toContain(ID_NUMBER);

    // The scanned page is shown inline (fetched with the reviewer's token); the PDF is a link.
    const image = lead.page.locator('img[alt="注销登记申请书 第 1 页"]');
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(400);
    expect(await image.getAttribute('src')).toMatch(/^blob:/);
    expect(await lead.page.getByRole('button', { name: '打开 经确认的清算报告-1.pdf' }).count()).toBe(1);
    expect(await lead.page.getByTestId('material-business-licence').textContent()).toContain('容缺后补');
    expect(await lead.page.getByTestId('case-tasks').textContent()).toMatch(/市场监管.*主办.*待审查[\s\S]*税务.*协办.*待审查/);

    // Approve (the default choice), confirm, back in the queue with the case gone.
    await lead.page.getByTestId('decision-submit').click();
    await lead.page.getByTestId('decision-confirm').waitFor();
    await lead.page.getByRole('button', { name: '确认提交' }).click();
    await expect.poll(() => lead.page.locator('.ant-message').textContent()).toContain('已提交审查意见：同意');
    await expect.poll(() => queueRows(lead.page)).toHaveLength(1);
    expect((await queueRows(lead.page))[0]).toContain(refusedCase.caseNo);
    expect((await events(approvedCase.caseId)).some((e) => e.type === 'decision' && e.data.scope === 'overall')).toBe(false);

    // Co-department (税务): its own session, its own queue.
    const co = await newPage();
    await signIn(co.page, REVIEWERS.SW.username);
    await expect.poll(() => queueRows(co.page)).toHaveLength(2);
    const coRow = co.page.getByTestId('queue-row').filter({ hasText: approvedCase.caseNo });
    expect(await coRow.textContent()).toContain('协办');
    await coRow.getByText(approvedCase.caseNo).click();
    await expect.poll(() => co.page.getByTestId('case-no').textContent()).toBe(approvedCase.caseNo);
    await expect.poll(() => co.page.getByTestId('case-tasks').textContent()).toContain('同意');
    await co.page.locator('img[alt="注销登记申请书 第 1 页"]').waitFor();
    await co.page.getByTestId('decision-submit').click();
    await co.page.getByRole('button', { name: '确认提交' }).click();
    await expect.poll(() => co.page.locator('.ant-message').textContent()).toContain('办件状态：已批准');
    await expect.poll(() => queueRows(co.page)).toHaveLength(1);

    // The window's device hears the outcome and the certificate.
    const feed = await events(approvedCase.caseId);
    const overall = feed.find((e) => e.type === 'decision' && e.data.scope === 'overall');
    expect(overall).toMatchObject({ data: { scope: 'overall', outcome: 'approved', caseNo: approvedCase.caseNo } });
    const certificate = feed.find((e) => e.type === 'certificate-issued');
    expect(certificate).toMatchObject({ data: { caseNo: approvedCase.caseNo, itemName: '公司注销登记', blob: { mediaType: 'application/pdf' } } });
    const departmentDecisions = feed.filter((e) => e.type === 'decision' && e.data.scope === 'department');
    expect(departmentDecisions.map((e) => e.type === 'decision' && e.data.scope === 'department' && `${e.data.department}:${e.data.decision}:${e.data.decidedBy}`).sort()).toEqual([
      'SCJG:approve:李审批',
      'SW:approve:王税审',
    ]);

    // Reopening the closed case shows the certificate and no decision form.
    await co.page.goto(`${t.baseUrl}/review/#/cases/${approvedCase.caseId}`);
    await expect.poll(() => co.page.getByTestId('no-decision').textContent()).toContain('同意');
    expect(await co.page.getByRole('button', { name: /打开 .*\.pdf/ }).count()).toBeGreaterThan(0);
    await lead.context.close();
    await co.context.close();
  });

  it('a refusal needs a reason; with one, the case is refused for every department', async () => {
    // The co-department has the case open already; it will try to decide after the refusal.
    const co = await newPage();
    await signIn(co.page, REVIEWERS.SW.username);
    await expect.poll(() => queueRows(co.page)).toHaveLength(1);
    await co.page.getByTestId('queue').focus();
    await co.page.keyboard.press('Enter');
    await expect.poll(() => co.page.getByTestId('case-no').textContent()).toBe(refusedCase.caseNo);

    const lead = await newPage();
    await signIn(lead.page, REVIEWERS.SCJG.username);
    await expect.poll(() => queueRows(lead.page)).toHaveLength(1);
    await expect.poll(() => lead.page.getByTestId('queue').evaluate((el) => el === document.activeElement)).toBe(true);
    await lead.page.keyboard.press('Enter');
    await expect.poll(() => lead.page.getByTestId('case-no').textContent()).toBe(refusedCase.caseNo);

    await lead.page.getByText('不予许可', { exact: true }).click();
    await lead.page.getByTestId('decision-submit').click();
    await expect.poll(() => lead.page.getByTestId('decision-form').textContent()).toContain('请填写不予许可的理由');
    expect(await lead.page.getByTestId('decision-confirm').count()).toBe(0);
    // Whitespace is no reason either.
    await lead.page.getByTestId('decision-reason').fill('   ');
    await lead.page.getByTestId('decision-submit').click();
    await expect.poll(() => lead.page.getByTestId('decision-form').textContent()).toContain('请填写不予许可的理由');
    expect(await lead.page.getByTestId('decision-confirm').count()).toBe(0);
    expect((await events(refusedCase.caseId)).filter((e) => e.type === 'decision')).toHaveLength(0);

    const reason = '清算报告未经全体股东签字确认';
    await lead.page.getByTestId('decision-reason').fill(reason);
    await lead.page.getByTestId('decision-reason').press('Control+Enter');
    await expect.poll(() => lead.page.getByTestId('decision-confirm').textContent()).toContain(reason);
    await lead.page.getByRole('button', { name: '确认提交' }).click();
    await expect.poll(() => lead.page.locator('.ant-message').textContent()).toContain('不予许可');
    await expect.poll(() => lead.page.getByTestId('queue').textContent()).toContain('暂无待办办件');

    const overall = (await events(refusedCase.caseId)).find((e) => e.type === 'decision' && e.data.scope === 'overall');
    expect(overall).toMatchObject({ data: { outcome: 'refused', reasons: [{ department: 'SCJG', reason }] } });

    // The co-department's stale page: its approval gets the back office's Chinese message.
    await co.page.getByTestId('decision-submit').click();
    await co.page.getByRole('button', { name: '确认提交' }).click();
    await expect.poll(() => co.page.getByTestId('decision-error').textContent()).toBe('办件已办结或已撤回');
    // Its task was cancelled: back in the queue (Esc), nothing is left to do.
    await co.page.getByTestId('decision-confirm').waitFor({ state: 'hidden' });
    await co.page.keyboard.press('Escape');
    await expect.poll(() => co.page.getByTestId('queue').textContent()).toContain('暂无待办办件');
    await co.page.goto(`${t.baseUrl}/review/#/cases/${refusedCase.caseId}`);
    await expect.poll(() => co.page.getByTestId('no-decision').textContent()).toContain('已取消');
    await lead.context.close();
    await co.context.close();
  });

  it('a supplement request needs materials and a reason, and goes back to the window', async () => {
    const c = closureCase({ promisedDate: beijingDate(3) });
    await pushCase(c);
    const co = await newPage();
    await signIn(co.page, REVIEWERS.SW.username);
    await expect.poll(() => queueRows(co.page)).toHaveLength(1);
    await co.page.getByTestId('queue').focus();
    await co.page.keyboard.press('Enter');
    await expect.poll(() => co.page.getByTestId('case-no').textContent()).toBe(c.caseNo);

    await co.page.getByText('要求补正', { exact: true }).click();
    await co.page.getByTestId('decision-submit').click();
    await expect.poll(() => co.page.getByTestId('decision-form').textContent()).toContain('请列明需要补正的材料');
    expect(await co.page.getByTestId('decision-form').textContent()).toContain('请填写要求补正的理由');

    // One material of the case (filtered by part of its name, then ↓ Enter), one typed in.
    await co.page.getByTestId('materials-wanted').click();
    await co.page.keyboard.type('营业执照');
    await co.page.keyboard.press('ArrowDown');
    await co.page.keyboard.press('Enter');
    await co.page.keyboard.type('清税证明');
    await co.page.keyboard.press('Enter');
    await co.page.keyboard.press('Escape');
    const reason = '营业执照副本缺页，另须提供清税证明';
    await co.page.getByTestId('decision-reason').fill(reason);
    await co.page.getByTestId('decision-submit').click();
    await expect.poll(() => co.page.getByTestId('decision-confirm').textContent()).toContain('营业执照正、副本、清税证明');
    await co.page.getByRole('button', { name: '确认提交' }).click();
    // (The success toast fades after 3 s: on a loaded machine the queue is the reliable witness.)
    await expect.poll(() => co.page.getByTestId('queue').textContent(), { timeout: 30_000 }).toContain('暂无待办办件');

    const requested = (await events(c.caseId)).find((e) => e.type === 'supplement-requested');
    expect(requested).toMatchObject({
      data: { department: 'SW', reason, materialsWanted: [{ name: '营业执照正、副本', materialId: 'business-licence' }, { name: '清税证明' }] },
    });
    await co.page.goto(`${t.baseUrl}/review/#/cases/${c.caseId}`);
    await expect.poll(() => co.page.getByTestId('no-decision').textContent()).toContain('等待补正');
    await co.context.close();
  });

  it('a signed-out session goes back to sign-in with the message', async () => {
    const { context, page } = await newPage();
    await signIn(page, REVIEWERS.SCJG.username);
    await page.getByTestId('queue').waitFor();
    const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem('onewindow.review.session')!).token as string);
    await new TestReviewer(t.baseUrl, token).fetch('/v1/review/logout', { method: 'POST' });
    await page.getByTestId('queue-refresh').click();
    await expect.poll(() => page.getByTestId('signin-notice').textContent()).toContain('登录凭证无效');
    await context.close();
  });

  it('ran without CSP violations or page errors', () => {
    // Refused requests the tests provoke on purpose (wrong password, signed out, decision on a closed case) log as resource errors.
    const expected = /Failed to load resource: the server responded with a status of (401|409)/;
    expect(consoleProblems.filter((p) => !expected.test(p))).toEqual([]);
  });
});
