/**
 * A case's whole life at the window on the training configuration: a clerk accepts it, its
 * 受理回执 is stored with it, the department approves it in the embedded back office, the
 * certificate is ready, and the clerk hands it out from the case detail (opened with Enter on
 * the case list) — the 送达回执 stored and readable as text.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber } from '../helpers/catalog-fixture';
import { firstSignIn, openItem, pickOption, setMaterial, signIn } from './flows';
import { launchBrowser, startServer, tempDataDir, type ServerHandle, reviewApi } from './harness';

let browser: Browser;
let data: ReturnType<typeof tempDataDir>;
let server: ServerHandle;

beforeAll(async () => {
  data = tempDataDir();
  server = await startServer(data.path);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  data?.remove();
});

const review = (path: string, init: RequestInit & { token?: string } = {}) => reviewApi(server, path, init);

/** A contract call from inside the page (its cookies, its origin), as the renderer makes it. */
function callInPage(page: Page, channel: string, input: unknown): Promise<any> {
  return page.evaluate(
    async ([c, i]) => {
      const r = await fetch(`/api/call/${c}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(i) });
      return r.json();
    },
    [channel, input] as const,
  );
}

const pdfText = (base64: string): string => {
  const file = join(data.path, `doc-${Date.now()}.pdf`);
  writeFileSync(file, Buffer.from(base64, 'base64'));
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
};
const hasPoppler = spawnSync('pdftotext', ['-v']).status === 0;

describe('case lifecycle at the window', () => {
  it('accept → receipt → approval in the back office → certificate ready → hand-out with 送达回执', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await firstSignIn(page, server.oneTimePassword!, 'Window05pass');

    // Cases are moved by window staff (clerk, supervisor), not by the administrator: add a clerk.
    const added = await callInPage(page, 'users.add', { username: 'wangfang', displayName: '王芳', role: 'clerk' });
    expect(added.ok).toBe(true);
    await page.getByText('退出').click();
    await signIn(page, added.data.oneTimePassword, 'wangfang');
    await page.getByText('请修改初始密码').waitFor();
    await page.getByLabel('当前密码').fill(added.data.oneTimePassword);
    await page.getByLabel('新密码', { exact: true }).fill('Clerk2026pass');
    await page.getByLabel('确认新密码').fill('Clerk2026pass');
    await page.getByRole('button', { name: '保存新密码' }).click();
    await page.getByTestId('item-search').waitFor();

    const applicantId = idNumber('19480605', '322');
    await openItem(page, 'lnyd', '老年人优待证办理');
    await page.locator('#root_applicant_name').fill('周桂兰');
    await page.locator('#root_applicant_idNumber').fill(applicantId);
    await page.locator('#root_applicant_mobile').fill('13770001234');
    await pickOption(page, 'root_residence_division', '燕子矶街道');
    await page.locator('#root_residence_detail').fill('燕子矶街道和燕路1号');
    await pickOption(page, 'root_hukou', '本市户籍');
    await setMaterial(page, 'id-card', '已收取');
    await setMaterial(page, 'photo', '已收取');
    await page.getByTestId('accept-button').click();
    const caseNo = (await page.getByTestId('accepted-case-no').textContent())!;
    await page.getByRole('button', { name: /继续受理下一件/ }).click();

    // The case list: select the row, Enter opens the detail with its stored 受理回执.
    await page.keyboard.press('F3');
    const row = page.getByTestId('case-grid').locator('.ag-row', { hasText: caseNo });
    await row.locator('.ag-cell').first().click();
    await page.keyboard.press('Enter');
    const drawer = page.getByTestId('case-detail');
    await drawer.waitFor();
    await expect.poll(async () => (await drawer.getByTestId('case-documents').textContent()) ?? '', { timeout: 20_000 }).toContain('受理回执');
    await expect.poll(async () => (await drawer.getByTestId('case-timeline').textContent()) ?? '').toMatch(/受理.*wangfang（窗口人员） · 32011300 · 01 号窗口/);
    // Hand-out is not offered before the certificate is ready.
    expect(await drawer.getByTestId('action-hand-out').isDisabled()).toBe(true);

    // The lead department's reviewer approves it in the embedded back office.
    const login = await review('/v1/review/login', { method: 'POST', body: JSON.stringify({ username: 'review-wj', password: server.reviewers!.password }) });
    expect(login.status).toBe(200);
    const token = login.body.token as string;
    let task: any;
    await expect
      .poll(
        async () => {
          task = (await review('/v1/review/queue', { token })).body.tasks.find((t: { caseNo: string }) => t.caseNo === caseNo);
          return !!task;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(true);
    const decided = await review(`/v1/review/tasks/${task.taskId}/decision`, { method: 'POST', token, body: JSON.stringify({ decision: 'approve', reason: '材料齐全，符合条件' }) });
    expect(decided.status).toBe(200);

    // The decision and the certificate come back: the open drawer follows the case.
    await expect.poll(async () => (await drawer.getByTestId('case-status').textContent()) ?? '', { timeout: 30_000, interval: 500 }).toBe('待出件');
    expect(await drawer.getByTestId('action-hand-out').isDisabled()).toBe(false);

    // 出件 to the applicant in person; the 送达回执 opens for printing in a new tab.
    await drawer.getByTestId('action-hand-out').click();
    await page.getByTestId('collector-id').fill(applicantId);
    const popup = page.waitForEvent('popup', { timeout: 15_000 }).catch(() => null);
    await page.getByTestId('action-confirm').click();
    await expect.poll(async () => (await drawer.getByTestId('case-status').textContent()) ?? '', { timeout: 20_000 }).toBe('已领取');
    expect(await popup).not.toBeNull();
    await expect.poll(async () => (await drawer.getByTestId('case-documents').textContent()) ?? '').toContain('送达回执');
    await expect.poll(async () => (await drawer.getByTestId('case-timeline').textContent()) ?? '').toMatch(/出件.*待出件 → 已领取/);

    // The stored 送达回执 is the real document.
    const caseId = (await callInPage(page, 'cases.list', { query: caseNo })).data.rows[0].id as string;
    const docs = (await callInPage(page, 'documents.list', { caseId })).data as { id: string; kind: string }[];
    expect(docs.map((d) => d.kind)).toEqual(expect.arrayContaining(['acceptance-receipt', 'handout-receipt']));
    const receipt = await callInPage(page, 'documents.get', { documentId: docs.find((d) => d.kind === 'handout-receipt')!.id });
    expect(receipt.ok).toBe(true);
    if (hasPoppler) {
      const text = pdfText(receipt.data.pdfBase64);
      expect(text).toContain('送达回执');
      expect(text).toContain(caseNo);
      expect(text).toContain('周桂兰');
      expect(text).not.toContain(applicantId);
    }
    await page.close();
  });
});
