/**
 * 不予受理 at the intake page, in a real browser: the clerk fills the form, refuses with
 * reasons (several lines), legal basis and where to apply instead; the draft is saved, the
 * 不予受理通知书 is produced (opened for printing) and stored, and the case shows as 不予受理
 * in the case list.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber } from '../helpers/catalog-fixture';
import { firstSignIn, openItem, signIn } from './flows';
import { launchBrowser, startServer, tempDataDir, type ServerHandle } from './harness';

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

function callInPage(page: Page, channel: string, input: unknown): Promise<any> {
  return page.evaluate(
    async ([c, i]) => {
      const r = await fetch(`/api/call/${c}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(i) });
      return r.json();
    },
    [channel, input] as const,
  );
}

const hasPoppler = spawnSync('pdftotext', ['-v']).status === 0;
const pdfText = (base64: string): string => {
  const file = join(data.path, `notice-${Date.now()}.pdf`);
  writeFileSync(file, Buffer.from(base64, 'base64'));
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
};

describe('不予受理 at the intake page', () => {
  it('refuses with reasons, produces the notice and lists the case as 不予受理', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await firstSignIn(page, server.oneTimePassword!, 'Window05pass');
    // Intake decisions are the window staff's: add a clerk and work as the clerk.
    const added = await callInPage(page, 'users.add', { username: 'lijing', displayName: '李静', role: 'clerk' });
    expect(added.ok).toBe(true);
    await page.getByText('退出').click();
    await signIn(page, added.data.oneTimePassword, 'lijing');
    await page.getByText('请修改初始密码').waitFor();
    await page.getByLabel('当前密码').fill(added.data.oneTimePassword);
    await page.getByLabel('新密码', { exact: true }).fill('Clerk2026pass');
    await page.getByLabel('确认新密码').fill('Clerk2026pass');
    await page.getByRole('button', { name: '保存新密码' }).click();
    await page.getByTestId('item-search').waitFor();

    await openItem(page, 'lnyd', '老年人优待证办理');
    await page.locator('#root_applicant_name').fill('陈德明');
    await page.locator('#root_applicant_idNumber').fill(idNumber('19700312', '517'));

    // Keyboard reachable: focus the button and press Enter.
    await page.getByTestId('refuse-button').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('refuse-form').waitFor();
    // Nothing is issued without a reason.
    await page.getByTestId('refuse-confirm').click();
    await page.getByText('请至少写明一条不予受理的理由').waitFor();
    await page.getByTestId('refuse-reasons').fill('申请人未满60周岁，不符合申请条件\n申请事项依法不属于本中心职权范围');
    await page.getByTestId('refuse-legal-basis').fill('《中华人民共和国行政许可法》第三十二条第一款第二项');
    await page.getByTestId('refuse-redirect').fill('南京市栖霞区民政局');
    const popup = page.waitForEvent('popup', { timeout: 20_000 }).catch(() => null);
    await page.getByTestId('refuse-confirm').click();
    const caseNo = ((await page.getByTestId('refused-case-no').textContent({ timeout: 20_000 })) ?? '').trim();
    expect(caseNo).toMatch(/^\d{8}-\d{8}-\d{2}-\d{4}$/);
    // The notice opens for printing (browser mode: the browser's PDF viewer in a new tab).
    expect(await popup).not.toBeNull();
    await page.getByRole('button', { name: /继续受理下一件/ }).click();

    // The case list shows it as 不予受理.
    await page.keyboard.press('F3');
    const row = page.getByTestId('case-grid').locator('.ag-row', { hasText: caseNo });
    await expect.poll(async () => (await row.textContent()) ?? '', { timeout: 20_000 }).toContain('不予受理');

    // The notice is stored with the case and says what the clerk wrote.
    const listed = await callInPage(page, 'cases.list', { query: caseNo });
    expect(listed.data.rows[0].status).toBe('not-accepted');
    const docs = (await callInPage(page, 'documents.list', { caseId: listed.data.rows[0].id })).data as { id: string; kind: string }[];
    const notice = docs.find((d) => d.kind === 'non-acceptance-notice');
    expect(notice).toBeTruthy();
    const pdf = await callInPage(page, 'documents.get', { documentId: notice!.id });
    expect(pdf.ok).toBe(true);
    expect(Buffer.from(pdf.data.pdfBase64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    if (hasPoppler) {
      const text = pdfText(pdf.data.pdfBase64);
      expect(text).toContain('不予受理通知书');
      expect(text).toContain('申请人未满60周岁');
      expect(text).toContain('行政许可法》第三十二条');
      expect(text).toContain('南京市栖霞区民政局');
      expect(text).toContain('陈德明');
    }
    await page.close();
  });
});
