/**
 * The first vertical slice in a real browser against the real core: sign in with the printed
 * one-time password, change it, find an item by pinyin initials, fill its form, accept, see
 * the case listed; restart the server and the case is still there. Plus wrong passwords and
 * malformed contract payloads sent from the page itself.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber } from '../helpers/catalog-fixture';
import { pickOption, setMaterial, signIn } from './flows';
import { launchBrowser, startServer, tempDataDir, type ServerHandle } from './harness';

let browser: Browser;
let data: ReturnType<typeof tempDataDir>;
let server: ServerHandle;
const NEW_PASSWORD = 'Window01pass';

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

describe('first vertical slice', () => {
  it('refuses a wrong password with a Chinese message', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await signIn(page, 'not-the-password-1');
    await expect.poll(() => page.getByTestId('signin-error').textContent()).toContain('用户名或密码错误');
    await page.close();
  });

  it('signs in, accepts a case and lists it; the case survives a server restart', async () => {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    await page.goto(server.url);
    await signIn(page, server.oneTimePassword!);

    await page.getByText('请修改初始密码').waitFor();
    await page.getByLabel('当前密码').fill(server.oneTimePassword!);
    await page.getByLabel('新密码', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('确认新密码').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: '保存新密码' }).click();

    // Keyboard-first: the search box has focus; pinyin initials find the item; Enter opens it.
    const search = page.getByTestId('item-search');
    await expect.poll(() => search.evaluate((el) => el === document.activeElement || el.contains(document.activeElement))).toBe(true);
    await page.keyboard.type('lnyd');
    await expect.poll(() => page.getByTestId('item-result').first().textContent()).toContain('老年人优待证办理');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('item-title').textContent()).toBe('老年人优待证办理');

    await page.locator('#root_applicant_name').fill('王秀英');
    await page.locator('#root_applicant_idNumber').fill(idNumber('19550310', '124'));
    await page.locator('#root_applicant_mobile').fill('13912345678');
    await pickOption(page, 'root_residence_division', '迈皋桥街道');
    await page.locator('#root_residence_detail').fill('华电路1号3栋201室');
    await pickOption(page, 'root_hukou', '本市户籍');
    for (const m of ['id-card', 'photo', 'hukou', 'residence-proof']) {
      if (await page.getByTestId(`material-${m}`).count()) await setMaterial(page, m, '已收取');
    }
    await page.locator('#root_residence_detail').press('Control+Enter');

    const caseNo = page.getByTestId('accepted-case-no');
    await caseNo.waitFor({ timeout: 15_000 });
    const number = (await caseNo.textContent())!;
    expect(number).toMatch(/^32011300-\d{8}-01-0001$/);
    // The receipt downloads as a PDF rendered by the core.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('receipt-button').click()]);
    expect(download.suggestedFilename()).toBe(`受理回执-${number}.pdf`);
    await page.getByRole('button', { name: /继续受理下一件/ }).click();

    await page.keyboard.press('F3');
    await expect.poll(() => page.getByTestId('case-grid').textContent()).toContain(number);
    const gridText = (await page.getByTestId('case-grid').textContent())!;
    expect(gridText).toContain('3201**********');
    expect(gridText).not.toContain(idNumber('19550310', '124'));
    expect(consoleErrors.filter((e) => !/favicon/.test(e))).toEqual([]);
    await page.close();

    // Restart the server: same data folder, new process, new launch token.
    await server.stop();
    server = await startServer(data.path);
    expect(server.oneTimePassword).toBeUndefined();
    const again = await browser.newPage();
    await again.goto(server.url);
    await signIn(again, NEW_PASSWORD);
    await again.keyboard.press('F3');
    await expect.poll(() => again.getByTestId('case-grid').textContent()).toContain(number);
    await again.close();
  });

  it('answers malformed contract payloads from the page with typed errors', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    const results = await page.evaluate(async () => {
      const post = async (channel: string, body: string) => {
        const r = await fetch(`/api/call/${channel}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
        return { status: r.status, body: await r.json().catch(() => null) };
      };
      return [
        await post('no.such.channel', '{}'),
        await post('auth.signIn', '{"username": 42}'),
        await post('auth.signIn', '[]'),
        await post('cases.accept', '{"itemCode": "QX-WJ-GG-002", "itemVersion": 1, "formData": {}}'),
        await post('auth.signIn', '{"username":"admin","password":"x","role":"admin"}'),
      ];
    });
    expect(results[0]!.body).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(results[1]!.body).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(results[2]!.body).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(results[3]!.body).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(results[4]!.body).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    await page.close();
  });
});
