/** Steps a clerk takes again and again, shared by the browser tests. */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export async function signIn(page: Page, password: string, username = 'admin') {
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
}

/** First sign-in of the printed admin: replaces the one-time password. */
export async function firstSignIn(page: Page, oneTimePassword: string, newPassword: string) {
  await signIn(page, oneTimePassword);
  await page.getByText('请修改初始密码').waitFor();
  await page.getByLabel('当前密码').fill(oneTimePassword);
  await page.getByLabel('新密码', { exact: true }).fill(newPassword);
  await page.getByLabel('确认新密码').fill(newPassword);
  await page.getByRole('button', { name: '保存新密码' }).click();
  await page.getByTestId('item-search').waitFor();
}

/** The dropdown just opened (a closing one may still be fading out). */
function openDropdown(page: Page) {
  return page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').last();
}

/** Chooses an option of an antd Select rendered by the form (by the field's id). */
export async function pickOption(page: Page, fieldId: string, optionText: string) {
  await page.locator(`#${fieldId}`).click();
  await openDropdown(page).locator('.ant-select-item-option', { hasText: optionText }).first().click();
}

/** Sets a material's status in the checklist. */
export async function setMaterial(page: Page, materialId: string, statusText: string) {
  await page.getByTestId(`material-${materialId}`).click();
  await openDropdown(page).locator('.ant-select-item-option', { hasText: statusText }).first().click();
}

/** Types a date into an antd DatePicker rendered by the form. */
export async function typeDate(page: Page, fieldId: string, date: string) {
  const input = page.locator(`#${fieldId}`);
  await input.click();
  await input.fill(date);
  await input.press('Enter');
}

/** Searches the catalogue and opens the first hit, checking it is the expected item. */
export async function openItem(page: Page, query: string, expectedName: string) {
  const search = page.getByTestId('item-search');
  await search.click();
  await search.fill('');
  await page.keyboard.type(query);
  await expect.poll(() => page.getByTestId('item-result').first().textContent()).toContain(expectedName);
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByTestId('item-title').textContent()).toBe(expectedName);
}
