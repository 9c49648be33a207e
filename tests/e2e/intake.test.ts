/**
 * Intake in a real browser: pinyin search, a complex form (a conditional repeatable section),
 * Chinese error messages, the materials checklist and one-time notice, and a draft that
 * survives the server being killed -9.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber } from '../helpers/catalog-fixture';
import { firstSignIn, openItem, pickOption, setMaterial, signIn } from './flows';
import { launchBrowser, startServer, tempDataDir, type ServerHandle } from './harness';

let browser: Browser;
let data: ReturnType<typeof tempDataDir>;
let server: ServerHandle;
const PASSWORD = 'Window02pass';

let scan: string;

beforeAll(async () => {
  data = tempDataDir();
  // A scanned page: white A4 with dark text-like bars.
  scan = join(data.path, 'hukou.jpg');
  const bars = Array.from({ length: 30 }, (_, i) => ({ input: { create: { width: 900, height: 14, channels: 3 as const, background: '#222' } }, left: 150, top: 150 + i * 40 }));
  await sharp({ create: { width: 1240, height: 1754, channels: 3, background: '#fff' } }).composite(bars).jpeg({ quality: 80 }).toFile(scan);
  server = await startServer(data.path);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  data?.remove();
});

const mother = idNumber('19920815', '246');
const spouseId = idNumber('19900302', '117');
const badSpouseId = spouseId.slice(0, 17) + (spouseId.endsWith('5') ? '6' : '5');

async function fillBirthRegistration(page: Page) {
  await page.locator('#root_applicant_name').fill('刘佳');
  await page.locator('#root_applicant_idNumber').fill(mother);
  await page.locator('#root_applicant_mobile').fill('13851234567');
  await page.locator('#root_spouse_name').fill('陈斌');
  await page.locator('#root_spouse_idNumber').fill(badSpouseId);
  await pickOption(page, 'root_residence_division', '仙林街道');
  await page.locator('#root_residence_detail').fill('仙林大道10号5栋302室');
  await page.locator('#root_existingChildCount').fill('1');
  await pickOption(page, 'root_pregnancyStatus', '计划怀孕');
}

describe('intake', () => {
  it('takes a birth registration with a conditional repeatable section, Chinese errors and a draft that survives a kill', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await firstSignIn(page, server.oneTimePassword!, PASSWORD);

    // Pinyin initials find the item.
    await openItem(page, 'sydj', '生育登记');
    await fillBirthRegistration(page);

    // The conditional section appears only for a second child.
    expect(await page.locator('#root_existingChildren').count()).toBe(0);
    await pickOption(page, 'root_childOrder', '二孩');
    // minItems: 1 — the first child's row is there at once.
    await page.locator('#root_existingChildren_0_name').fill('陈一诺');
    await pickOption(page, 'root_existingChildren_0_gender', '女');
    await page.locator('#root_existingChildren_0_birthDate').click();
    await page.locator('#root_existingChildren_0_birthDate').fill('2021-04-18');
    await page.locator('#root_existingChildren_0_birthDate').press('Enter');
    await pickOption(page, 'root_existingChildren_0_parentage', '夫妻共同生育');

    // Materials: one required material missing → blocking reason + one-time notice.
    await setMaterial(page, 'id-card', '已收取');
    await expect.poll(() => page.getByTestId('materials-blocking').textContent()).toContain('户口簿或居住证');
    await page.getByTestId('notice-button').click();
    await expect.poll(() => page.getByTestId('one-time-notice').textContent()).toContain('户口簿或居住证（原件）');
    expect(await page.getByTestId('one-time-notice').textContent()).toContain('刘佳');
    await page.keyboard.press('Escape');

    // The autosaved draft survives the server being killed.
    await expect.poll(() => page.getByTestId('draft-status').textContent(), { timeout: 10_000 }).toContain('草稿已保存');
    await page.close();
    await server.stop('SIGKILL');
    server = await startServer(data.path);

    const again = await browser.newPage();
    await again.goto(server.url);
    await signIn(again, PASSWORD);
    await again.getByTestId('drafts-tab').click();
    await again.getByTestId('draft-row').first().click();
    await expect.poll(() => again.getByTestId('item-title').textContent()).toBe('生育登记');
    expect(await again.locator('#root_spouse_name').inputValue()).toBe('陈斌');
    expect(await again.locator('#root_existingChildren_0_name').inputValue()).toBe('陈一诺');

    // Importing a scan of the household register marks that material received.
    await again.getByTestId('capture-household-register').click();
    await again.getByTestId('import-input').setInputFiles(scan);
    await expect.poll(() => again.getByTestId('page-count').textContent(), { timeout: 20_000 }).toContain('1');
    await again.keyboard.press('Escape');
    await expect.poll(() => again.getByTestId('capture-household-register').textContent()).toContain('1 页');
    await expect.poll(() => again.getByTestId('material-household-register').textContent()).toContain('已收取');

    // The wrong check character is refused with a Chinese message naming the field.
    await again.getByTestId('accept-button').click();
    await expect.poll(() => again.locator('.ant-form, form').first().textContent()).toMatch(/公民身份号码.*校验位/);
    expect(await again.getByTestId('accepted-case-no').count()).toBe(0);

    await again.locator('#root_spouse_idNumber').fill(spouseId);
    await again.getByTestId('accept-button').click();
    const caseNo = again.getByTestId('accepted-case-no');
    await caseNo.waitFor({ timeout: 15_000 });
    expect(await caseNo.textContent()).toMatch(/^32011300-\d{8}-01-0001$/);
    await again.keyboard.press('Enter');
    await again.getByTestId('drafts-tab').click();
    expect(await again.getByTestId('draft-row').count()).toBe(0);
    await again.close();
  });

  it('prefills a returning applicant from the earlier case and says so', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await signIn(page, PASSWORD);
    await openItem(page, 'lnyd', '老年人优待证办理');
    await page.locator('#root_applicant_idNumber').fill(mother);
    await expect.poll(() => page.getByTestId('prefill-notice').textContent()).toContain('已从办件 32011300-');
    expect(await page.locator('#root_applicant_name').inputValue()).toBe('刘佳');
    expect(await page.locator('#root_applicant_mobile').inputValue()).toBe('13851234567');

    // Her household register scanned for the first case is reused without rescanning.
    await openItem(page, 'sydj', '生育登记');
    await page.locator('#root_applicant_idNumber').fill(mother);
    await page.getByTestId('capture-household-register').click();
    await page.getByTestId('reuse-search').click();
    await page.getByTestId('reuse-apply').first().click();
    await expect.poll(() => page.getByTestId('page-count').textContent(), { timeout: 20_000 }).toContain('1');
    await expect.poll(() => page.getByTestId('page-strip').textContent()).toContain('复用 32011300-');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('material-household-register').textContent()).toContain('复用');
    await page.close();
  });
});
