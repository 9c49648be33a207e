/**
 * The applicant screen in a real browser: the clerk opens it as a second tab (same session),
 * pushes the draft for the citizen to confirm, the citizen signs with the mouse on the canvas,
 * the case is accepted and rated (好差评); the next citizen never sees the previous one's data.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber } from '../helpers/catalog-fixture';
import { firstSignIn, openItem, pickOption, setMaterial } from './flows';
import { launchBrowser, startServer, tempDataDir, type ServerHandle } from './harness';

let browser: Browser;
let data: ReturnType<typeof tempDataDir>;
let server: ServerHandle;

beforeAll(async () => {
  data = tempDataDir();
  // No back office needed here: a closed port instead of the embedded one starts faster.
  server = await startServer(data.path, ['--backoffice-url', 'http://127.0.0.1:9']);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  data?.remove();
});

const FIRST = { name: '周桂兰', id: idNumber('19480605', '322'), mobile: '13770001234' };
const SECOND = { name: '钱文海', id: idNumber('19500811', '157'), mobile: '13770005678' };

async function fillCitizen(page: Page, citizen: typeof FIRST) {
  await openItem(page, 'lnyd', '老年人优待证办理');
  await page.locator('#root_applicant_name').fill(citizen.name);
  await page.locator('#root_applicant_idNumber').fill(citizen.id);
  await page.locator('#root_applicant_mobile').fill(citizen.mobile);
  await pickOption(page, 'root_residence_division', '燕子矶街道');
  await page.locator('#root_residence_detail').fill('燕子矶街道和燕路1号');
  await pickOption(page, 'root_hukou', '本市户籍');
  await setMaterial(page, 'id-card', '已收取');
  await setMaterial(page, 'photo', '已收取');
}

/** A contract call from a page, with that page's cookies (the clerk's session). */
async function core(page: Page, channel: string, input: unknown): Promise<any> {
  return page.evaluate(
    async ([c, i]) => (await fetch(`/api/call/${c}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(i) })).json(),
    [channel, input] as const,
  );
}

/** Draws a signature-like stroke with real mouse moves over the canvas. */
async function drawSignature(page: Page, testId: string) {
  await page.getByTestId(testId).scrollIntoViewIfNeeded();
  const box = (await page.getByTestId(testId).boundingBox())!;
  const y0 = box.y + box.height / 2;
  await page.mouse.move(box.x + 30, y0);
  await page.mouse.down();
  for (let i = 0; i <= 40; i++) {
    const x = box.x + 30 + i * ((box.width - 60) / 40);
    await page.mouse.move(x, y0 + Math.sin(i / 3) * box.height * 0.3, { steps: 2 });
  }
  await page.mouse.up();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.25);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.75, { steps: 10 });
  await page.mouse.up();
}

const stageOf = (page: Page) => page.getByTestId('applicant-screen').getAttribute('data-stage');

describe('applicant screen', () => {
  let context: BrowserContext;
  let clerk: Page;
  let applicant: Page;

  it('shows the current case, takes a drawn signature and the rating, and never the previous citizen', async () => {
    context = await browser.newContext();
    clerk = await context.newPage();
    await clerk.goto(server.url);
    await firstSignIn(clerk, server.oneTimePassword!, 'Window07pass');
    await fillCitizen(clerk, FIRST);

    // The clerk opens the second tab: it pairs through the same session cookie.
    [applicant] = await Promise.all([context.waitForEvent('page'), clerk.getByTestId('open-applicant-screen').click()]);
    await applicant.getByTestId('applicant-idle').waitFor();
    expect(await applicant.getByTestId('applicant-controls').count()).toBe(0);
    expect(await applicant.getByTestId('item-search').count()).toBe(0);

    // The citizen confirms the summary: masked ID, materials, promised date, fees.
    await clerk.getByTestId('applicant-show').click();
    await expect.poll(() => applicant.getByTestId('applicant-name').textContent(), { timeout: 10_000 }).toBe(FIRST.name);
    expect(await applicant.getByTestId('applicant-id').textContent()).toBe(`${FIRST.id.slice(0, 4)}**********${FIRST.id.slice(-4)}`);
    expect(await applicant.getByTestId('applicant-item').textContent()).toBe('老年人优待证办理');
    expect(await applicant.getByTestId('applicant-materials').textContent()).toContain('已收取');
    expect(await applicant.getByTestId('applicant-fees').textContent()).toBeTruthy();
    expect(await applicant.getByTestId('applicant-promised').textContent()).toMatch(/\d{4}-\d{2}-\d{2}|即办|以后台确认为准/);
    const shown = (await applicant.content()) ?? '';
    expect(shown).not.toContain(FIRST.id);
    expect(shown).not.toContain(FIRST.mobile);

    // The citizen signs with the mouse; the PNG arrives in the core and is stored with the draft.
    await clerk.getByTestId('request-signature-application').click();
    await applicant.getByTestId('signature-canvas').waitFor();
    await drawSignature(applicant, 'signature-canvas');
    await applicant.getByTestId('signature-submit').click();
    // A refusal would show on the pad: say it rather than time out.
    await expect
      .poll(async () => ((await applicant.getByTestId('signature-error').count()) ? await applicant.getByTestId('signature-error').textContent() : await stageOf(applicant)), { timeout: 10_000 })
      .toBe('confirm');
    await applicant.getByTestId('applicant-signed-application').waitFor();
    await clerk.getByTestId('signed-application').waitFor({ timeout: 10_000 });
    const view = await core(clerk, 'applicant.view', {});
    expect(view.data.signed).toEqual([expect.objectContaining({ purpose: 'application', source: 'applicant-screen' })]);

    // Accepted: the signature goes with the case; the citizen rates it.
    await clerk.getByTestId('accept-button').click();
    const caseNo = (await clerk.getByTestId('accepted-case-no').textContent())!;
    await expect.poll(() => applicant.getByTestId('applicant-case-no').textContent(), { timeout: 10_000 }).toBe(caseNo);
    await clerk.getByTestId('request-rating').click();
    await applicant.getByTestId('applicant-rating').waitFor();
    await applicant.getByTestId('rating-level-2').click();
    await applicant.getByTestId('rating-comment').fill('等候时间较长');
    await applicant.getByTestId('rating-submit').click();
    await applicant.getByTestId('applicant-thanks').waitFor();
    await expect.poll(() => clerk.getByTestId('rating-stage').textContent()).toContain('已评价');

    const list = await core(clerk, 'cases.list', { query: caseNo });
    const caseId = list.data.rows[0].id as string;
    const detail = await core(clerk, 'cases.get', { id: caseId });
    const types = detail.data.events.map((e: { type: string }) => e.type);
    expect(types).toContain('rating-dissatisfied');
    expect(detail.data.events.find((e: { type: string }) => e.type === 'rating-dissatisfied').detail).toMatchObject({ level: 2, comment: '等候时间较长' });
    // Once per case.
    expect((await core(clerk, 'applicant.requestRating', { caseId })).error.code).toBe('CONFLICT');

    // Next citizen: the screen empties, then shows only the new citizen.
    await clerk.getByRole('button', { name: /继续受理下一件/ }).click();
    await expect.poll(() => stageOf(applicant), { timeout: 10_000 }).toBe('idle');
    await fillCitizen(clerk, SECOND);
    await clerk.getByTestId('applicant-show').click();
    await expect.poll(() => applicant.getByTestId('applicant-name').textContent(), { timeout: 10_000 }).toBe(SECOND.name);
    const second = await applicant.content();
    for (const leaked of [FIRST.name, FIRST.id.slice(-4), caseNo]) expect(second).not.toContain(leaked);
    expect(await applicant.getByTestId('applicant-signed-application').count()).toBe(0);

    // Fallback: the citizen signs on the clerk's screen; it is stored for this draft only.
    await clerk.getByTestId('sign-here').click();
    await clerk.getByTestId('clerk-signature-canvas').waitFor();
    await drawSignature(clerk, 'clerk-signature-canvas');
    await clerk.getByTestId('clerk-signature-submit').click();
    await clerk.getByTestId('signed-application').waitFor({ timeout: 10_000 });
    const fallback = await core(clerk, 'applicant.view', {});
    expect(fallback.data.signed).toEqual([expect.objectContaining({ purpose: 'application', source: 'clerk-screen' })]);
    expect(fallback.data.summary.applicantName).toBe(SECOND.name);

    // Signing out empties the applicant screen.
    await clerk.getByText('退出').click();
    await expect.poll(() => stageOf(applicant), { timeout: 10_000 }).toBe('idle');
    expect(await applicant.content()).not.toContain(SECOND.name);
    await context.close();
  }, 360_000);
});
