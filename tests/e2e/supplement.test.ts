/**
 * 补正 round trip in the browser, on the training configuration's embedded back office: a clerk
 * accepts a case, the department's reviewer asks for a material, the window shows a 待补正
 * badge and to-do with the reason, the clerk imports the page and submits, and the back office
 * has the case back in review for that department with the new page.
 */
import { spawnSync } from 'node:child_process';
import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appPath } from '../../electron/paths';
import { idNumber } from '../helpers/catalog-fixture';
import { openItem, pickOption, setMaterial, signIn } from './flows';
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

/** A clerk account made by IT with the CLI (the state machine lets clerks, not admins, handle cases). */
function addClerk(): string {
  const r = spawnSync(process.execPath, [appPath('bin', 'onewindow.js'), 'user', 'add', 'clerk.e2e', '--role', 'clerk', '--name', '王窗口', '--data-dir', data.path, '--json'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`user add failed: ${r.stdout} ${r.stderr}`);
  return (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { oneTimePassword: string }).oneTimePassword;
}

describe('补正 at the window', () => {
  it('shows the request as a to-do, sends the imported page and puts the case back into review', async () => {
    const otp = addClerk();
    const page = await browser.newPage();
    await page.goto(server.url);
    await signIn(page, otp, 'clerk.e2e');
    await page.getByText('请修改初始密码').waitFor();
    await page.getByLabel('当前密码').fill(otp);
    await page.getByLabel('新密码', { exact: true }).fill('Qixia#Window2026');
    await page.getByLabel('确认新密码').fill('Qixia#Window2026');
    await page.getByRole('button', { name: '保存新密码' }).click();
    await page.getByTestId('item-search').waitFor();

    await openItem(page, 'lnyd', '老年人优待证办理');
    await page.locator('#root_applicant_name').fill('陈玉珍');
    await page.locator('#root_applicant_idNumber').fill(idNumber('19470812', '426'));
    await page.locator('#root_applicant_mobile').fill('13770005678');
    await pickOption(page, 'root_residence_division', '燕子矶街道');
    await page.locator('#root_residence_detail').fill('燕子矶街道和燕路8号');
    await pickOption(page, 'root_hukou', '本市户籍');
    await setMaterial(page, 'id-card', '已收取');
    await setMaterial(page, 'photo', '已收取');
    await page.getByTestId('accept-button').click();
    const caseNo = (await page.getByTestId('accepted-case-no').textContent())!;
    await page.getByRole('button', { name: /继续受理下一件/ }).click();

    // The lead department's reviewer asks for a supplement.
    const login = await review('/v1/review/login', { method: 'POST', body: JSON.stringify({ username: 'review-wj', password: server.reviewers!.password }) });
    const token = login.body.token as string;
    let task: any;
    await expect
      .poll(async () => {
        task = (await review('/v1/review/queue', { token })).body.tasks.find((t: { caseNo: string }) => t.caseNo === caseNo);
        return !!task;
      }, { timeout: 30_000, interval: 500 })
      .toBe(true);
    const asked = await review(`/v1/review/tasks/${task.taskId}/decision`, {
      method: 'POST',
      token,
      body: JSON.stringify({ decision: 'supplement', reason: '需补充户口簿本人页', materialsWanted: [{ name: '户口簿', note: '本人页' }] }),
    });
    expect(asked.status).toBe(200);

    // The window: a badge in the navigation, the to-do with the department's reason.
    await expect.poll(async () => (await page.getByTestId('nav-supplements').textContent()) ?? '', { timeout: 30_000, interval: 500 }).toContain('1');
    await page.getByTestId('nav-supplements').click();
    await page.getByTestId(`supplement-todo-${caseNo}`).click();
    await expect.poll(async () => (await page.getByTestId('supplement-reason').first().textContent()) ?? '').toContain('需补充户口簿本人页');
    await expect.poll(() => page.getByTestId('supplement-submit').isDisabled()).toBe(true);

    const jpeg = await sharp({ create: { width: 1240, height: 1754, channels: 3, background: '#f4f1ea' } }).jpeg().toBuffer();
    await page.getByTestId('supplement-detail').getByTestId('import-input').setInputFiles({ name: '户口簿本人页.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await expect.poll(async () => (await page.getByTestId('supplement-detail').textContent()) ?? '', { timeout: 30_000 }).toContain('已补 1 页');
    await page.getByTestId('supplement-note').fill('申请人已当场补交');
    await expect.poll(() => page.getByTestId('supplement-submit').isEnabled(), { timeout: 15_000 }).toBe(true);
    await page.getByTestId('supplement-submit').click();
    await expect.poll(async () => (await page.textContent('body')) ?? '', { timeout: 15_000 }).toContain('已提交补正材料');
    await expect.poll(async () => (await page.getByTestId('nav-supplements').textContent()) ?? '', { timeout: 15_000 }).not.toContain('1');

    // The back office has the case back in review for the department that asked, with the page.
    let viewed: any;
    await expect
      .poll(async () => {
        viewed = (await review(`/v1/review/cases/${task.caseId}`, { token })).body;
        return viewed.supplements?.length ?? 0;
      }, { timeout: 30_000, interval: 500 })
      .toBe(1);
    expect(viewed.case.status).toBe('in-review');
    expect(viewed.tasks.find((t: { department: string }) => t.department === 'WJ').status).toBe('open');
    expect(viewed.supplements[0]).toMatchObject({ note: '申请人已当场补交' });
    const supplied = viewed.materials.find((m: { name: string }) => m.name === '户口簿');
    expect(supplied.blobs).toHaveLength(1);
    await page.close();
  });
});
