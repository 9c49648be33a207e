/**
 * No personal data in log files (#8 item 6), after a whole run in a real browser: browser mode
 * is started, a case is accepted with a known ID number, mobile number and applicant name (an
 * identity-free item), its 受理回执 downloaded, the case opened and its full values revealed by
 * the administrator (audited), then the server is stopped and every log file of the data folder
 * and everything the server process wrote to stdout/stderr are searched for the three values
 * (and the address).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber } from '../helpers/catalog-fixture';
import { firstSignIn, openItem, pickOption, setMaterial } from './flows';
import { launchBrowser, startServer, tempDataDir, type ServerHandle } from './harness';

const NAME = '欧阳秀珍';
const ID = idNumber('19470923', '428');
const MOBILE = '13770004321';
const ADDRESS = '燕子矶街道和燕路88号';

let browser: Browser;
let data: ReturnType<typeof tempDataDir>;
let server: ServerHandle;
/** Everything the server process printed after it started (before that, no case data existed). */
let output = '';

beforeAll(async () => {
  data = tempDataDir();
  server = await startServer(data.path);
  server.process.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  server.process.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  data?.remove();
});

/** Every log file under `dir`: anything in a `logs` folder, and any *.log / *.jsonl elsewhere. */
function logFiles(dir: string, inLogs = false): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) return logFiles(path, inLogs || name === 'logs');
    return inLogs || /\.(log|jsonl)(\.\d+)?$/i.test(name) ? [path] : [];
  });
}

describe('no personal data in logs', () => {
  it('accepts a case, prints its receipt and reveals its values; no log line and no server output holds them', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await firstSignIn(page, server.oneTimePassword!, 'Window07pass');

    await openItem(page, 'lnyd', '老年人优待证办理');
    await page.locator('#root_applicant_name').fill(NAME);
    await page.locator('#root_applicant_idNumber').fill(ID);
    await page.locator('#root_applicant_mobile').fill(MOBILE);
    await pickOption(page, 'root_residence_division', '燕子矶街道');
    await page.locator('#root_residence_detail').fill(ADDRESS);
    await pickOption(page, 'root_hukou', '本市户籍');
    await setMaterial(page, 'id-card', '已收取');
    await setMaterial(page, 'photo', '已收取');
    await page.getByTestId('accept-button').click();
    const caseNo = (await page.getByTestId('accepted-case-no').textContent())!;
    expect(caseNo).toMatch(/^32011300-\d{8}-01-\d{4}$/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('receipt-button').click()]);
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    await page.getByRole('button', { name: /继续受理下一件/ }).click();

    // The case detail shows masked values; the administrator reveals them with a reason.
    await page.keyboard.press('F3');
    const row = page.getByTestId('case-grid').locator('.ag-row', { hasText: caseNo });
    await row.locator('.ag-cell').first().click();
    await page.keyboard.press('Enter');
    const drawer = page.getByTestId('case-detail');
    await drawer.waitFor();
    await expect.poll(async () => (await drawer.textContent()) ?? '').toContain(`${ID.slice(0, 4)}**********${ID.slice(-4)}`);
    for (const value of [ID, MOBILE, ADDRESS]) expect(await drawer.textContent()).not.toContain(value);
    await drawer.getByTestId('pii-reveal-button').click();
    await page.getByTestId('pii-reason').fill('申请人来电核对联系方式');
    await page.getByTestId('pii-reveal-confirm').click();
    await expect.poll(async () => (await drawer.getByTestId('pii-value-applicantIdNo').textContent()) ?? '').toBe(ID);
    expect(await drawer.getByTestId('pii-value-applicantMobile').textContent()).toBe(MOBILE);
    expect(await drawer.getByTestId('pii-value-applicantAddress').textContent()).toBe(ADDRESS);
    await drawer.getByRole('button', { name: /立即隐藏/ }).click();
    expect(await drawer.getByTestId('pii-revealed').count()).toBe(0);
    await page.close();

    await server.stop();
    const files = logFiles(data.path);
    // The logger is set up where we look (a quiet run may not have written a line yet).
    expect(existsSync(join(data.path, 'logs'))).toBe(true);
    const leaks: string[] = [];
    for (const [what, value] of [['ID number', ID], ['mobile', MOBILE], ['applicant name', NAME], ['address', ADDRESS]] as const) {
      for (const f of files) if (readFileSync(f, 'utf8').includes(value)) leaks.push(`${what} in ${f.slice(data.path.length + 1)}`);
      if (output.includes(value)) leaks.push(`${what} in the server's stdout/stderr`);
    }
    expect(leaks).toEqual([]);
  }, 180_000);
});
