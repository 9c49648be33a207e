/**
 * The whole loop on a fresh install's training configuration: a case accepted at the window
 * reaches the embedded district back office, the department's reviewer approves it, and the
 * decision and certificate come back to the window's case list.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber } from '../helpers/catalog-fixture';
import { firstSignIn, openItem, pickOption, setMaterial } from './flows';
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

describe('window → back office → window', () => {
  it('accepts at the window, approves in the back office, and shows the result at the window', async () => {
    expect(server.backofficeUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.reviewers?.usernames).toContain('review-wj');

    const page = await browser.newPage();
    await page.goto(server.url);
    await firstSignIn(page, server.oneTimePassword!, 'Window05pass');
    await openItem(page, 'lnyd', '老年人优待证办理');
    await page.locator('#root_applicant_name').fill('周桂兰');
    await page.locator('#root_applicant_idNumber').fill(idNumber('19480605', '322'));
    await page.locator('#root_applicant_mobile').fill('13770001234');
    await pickOption(page, 'root_residence_division', '燕子矶街道');
    await page.locator('#root_residence_detail').fill('燕子矶街道和燕路1号');
    await pickOption(page, 'root_hukou', '本市户籍');
    await setMaterial(page, 'id-card', '已收取');
    await setMaterial(page, 'photo', '已收取');
    await page.getByTestId('accept-button').click();
    const caseNo = (await page.getByTestId('accepted-case-no').textContent())!;
    await page.getByRole('button', { name: /继续受理下一件/ }).click();

    // The reviewer of the lead department (卫健) finds it in the queue and approves it.
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

    // The decision and the certificate come back to the window.
    await page.keyboard.press('F3');
    await expect.poll(async () => (await page.getByTestId('case-grid').textContent()) ?? '', { timeout: 30_000, interval: 500 }).toMatch(new RegExp(`${caseNo}.*(已批准|待出件)`));
    await expect.poll(async () => (await page.getByTestId('sync-status').textContent()) ?? '', { timeout: 15_000 }).toContain('后台在线');
    await page.close();
  });
});
