/**
 * The center dashboard in a real browser against the real core: a supervisor opens 中心看板,
 * sees the charts drawn (canvas) under the app's CSP and the same figures the core computes,
 * and follows a due case into the case list; a clerk has no menu entry and the channel refuses.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber } from '../helpers/catalog-fixture';
import { firstSignIn, signIn } from './flows';
import { launchBrowser, startServer, tempDataDir, type ServerHandle } from './harness';

let browser: Browser;
let data: ReturnType<typeof tempDataDir>;
let server: ServerHandle;
const users: Record<string, string> = {};

/** A contract call from the page itself (its session cookie), as the renderer makes it. */
function call(page: Page, channel: string, input: unknown): Promise<{ ok: boolean; data?: any; error?: { code: string; message: string } }> {
  return page.evaluate(
    async ([c, body]) => (await fetch(`/api/call/${c}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })).json(),
    [channel, JSON.stringify(input)] as const,
  );
}

const ITEM = 'QX-WJ-GG-002';
const formData = (seq: string) => ({
  applicant: { name: '王秀英', idNumber: idNumber('19550310', seq), mobile: '13912345678' },
  residence: { division: '320113003', detail: '华电路1号3栋201室' },
  hukou: 'local',
});
const materials = [
  { materialId: 'id-card', status: 'received' },
  { materialId: 'photo', status: 'received' },
];

async function signInFresh(username: string, oneTimePassword: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(server.url);
  await signIn(page, oneTimePassword, username);
  await page.getByText('请修改初始密码').waitFor();
  await page.getByLabel('当前密码').fill(oneTimePassword);
  await page.getByLabel('新密码', { exact: true }).fill('Window05pass');
  await page.getByLabel('确认新密码').fill('Window05pass');
  await page.getByRole('button', { name: '保存新密码' }).click();
  await page.getByTestId('item-search').waitFor();
  return page;
}

beforeAll(async () => {
  data = tempDataDir();
  // A back office that never answers: a light start, and a backlog that stays put.
  server = await startServer(data.path, ['--backoffice-url', 'http://127.0.0.1:9']);
  browser = await launchBrowser();
  // The admin creates the staff and accepts three cases (two filled in a draft first).
  const page = await browser.newPage();
  await page.goto(server.url);
  await firstSignIn(page, server.oneTimePassword!, 'Window01pass');
  for (const [username, role] of [['zhangwei', 'supervisor'], ['lifang', 'clerk']] as const) {
    const r = await call(page, 'users.add', { username, displayName: username, role });
    users[username] = r.data.oneTimePassword;
  }
  for (const seq of ['301', '302']) {
    const draft = await call(page, 'drafts.save', { itemCode: ITEM, itemVersion: 1, formData: formData(seq), materials });
    const r = await call(page, 'cases.accept', { itemCode: ITEM, itemVersion: 1, formData: formData(seq), materials, draftId: draft.data.draftId });
    expect(r.ok).toBe(true);
  }
  expect((await call(page, 'cases.accept', { itemCode: ITEM, itemVersion: 1, formData: formData('303'), materials })).ok).toBe(true);
  await page.close();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  data?.remove();
});

const statValue = (page: Page, testId: string) => page.getByTestId(testId).locator('.ant-statistic-content-value').textContent();

describe('center dashboard', () => {
  it('shows a supervisor the charts and the figures the core computes, and opens a due case in the list', async () => {
    const page = await signInFresh('zhangwei', users.zhangwei!);
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));

    await page.getByRole('menuitem', { name: '中心看板' }).click();
    await page.getByTestId('dashboard').waitFor();
    // Drawn by ECharts' canvas renderer under the CSP (no eval).
    for (const chart of ['chart-windows', 'chart-items', 'chart-hours', 'chart-handling']) {
      await page.getByTestId(chart).locator('canvas').first().waitFor({ timeout: 15_000 });
    }

    const core = await call(page, 'dashboard.summary', {});
    expect(core.ok).toBe(true);
    expect(core.data.intake.total).toBe(3);
    expect(core.data.intake.byWindow).toEqual([{ windowNo: '01', count: 3 }]);
    expect(core.data.handling.measured).toBe(2);
    await expect.poll(() => statValue(page, 'stat-intake')).toBe('3');
    expect(await statValue(page, 'stat-overdue')).toBe(String(core.data.deadlines.overdue));
    expect(await statValue(page, 'stat-due-soon')).toBe(String(core.data.deadlines.dueSoon ?? '—'));
    // Nothing reaches the back office: the three cases wait in the outbox.
    expect(core.data.sync).toMatchObject({ enabled: true, online: false, backlog: 3, dead: 0 });
    expect(await statValue(page, 'stat-backlog')).toBe('3');
    expect(await page.getByTestId('stat-satisfaction').textContent()).toMatch(/尚无评价记录|暂无评价|\/ 5/);

    // A new case refreshes the dashboard by itself (case.changed).
    const more = await call(page, 'cases.accept', { itemCode: ITEM, itemVersion: 1, formData: formData('304'), materials });
    expect(more.ok).toBe(true);
    await expect.poll(() => statValue(page, 'stat-intake'), { timeout: 10_000 }).toBe('4');

    // Item QX-WJ-GG-002 promises 0 working days: every case is due today and listed.
    const due = page.getByTestId('deadline-case');
    await expect.poll(() => due.count()).toBe(core.data.deadlines.cases.length + 1);
    const caseNo = (await due.first().textContent())!;
    await due.first().click();
    await expect.poll(() => page.getByTestId('case-total').textContent()).toContain('共 1 件');
    // The total can arrive a frame before ag-grid draws the row.
    await expect.poll(() => page.getByTestId('case-grid').textContent()).toContain(caseNo);

    expect(problems.filter((p) => !/favicon/.test(p))).toEqual([]);
    await page.close();
  });

  it('has no dashboard for a clerk, and the channel refuses one', async () => {
    const page = await signInFresh('lifang', users.lifang!);
    await expect.poll(() => page.getByRole('menuitem', { name: '办件（F3）' }).count()).toBe(1);
    expect(await page.getByRole('menuitem', { name: '中心看板' }).count()).toBe(0);
    const refused = await call(page, 'dashboard.summary', {});
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await page.close();
  });
});
