/**
 * The center dashboard through the real core: real SQLite, real cases accepted at two windows
 * (from drafts, so the handling time is measured), the real holiday calendar, and direct inserts
 * for volume. "Today" is Wednesday 30 September 2026, the eve of the National Day holiday.
 */
import { join } from 'node:path';
import { ulid } from 'ulid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DashboardSummary } from '../../shared/contract/dashboard';
import type { Workstation } from '../../electron/workstation';
import { COMPANY_ITEM, COMPLETE_MATERIALS, PERSONAL_ITEM, idNumber, personalFormData, writeCatalogFixture } from '../helpers/catalog-fixture';
import { orgCodeCheckChar, usccCheckChar } from '../../shared/validators';
import { openTestWorkstation, signInAdmin, tempDir } from '../helpers/workstation';

const PASSWORD = 'Counter2026pass';
let dir: ReturnType<typeof tempDir>;
let ws: Workstation;
let admin: string;
let clock = Date.parse('2026-09-30T09:00:00+08:00');
const minutes = (n: number) => (clock += n * 60_000);
/** Moves the clock past the idle lock and signs the admin in again. */
async function later(n: number) {
  minutes(n);
  admin = (await ws.dispatch('auth.signIn', { username: 'admin', password: PASSWORD }, {})).session!;
}

const open = (windowNo: string) =>
  openTestWorkstation(join(dir.path, 'data'), { catalogDir: join(dir.path, 'catalog'), now: () => new Date(clock), flags: { windowNo } });

async function call<T = any>(channel: string, input: unknown, sessionId = admin): Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }> {
  return (await ws.dispatch(channel, input, { sessionId })).envelope as never;
}
async function ok<T = any>(channel: string, input: unknown, sessionId = admin): Promise<T> {
  const r = await call<T>(channel, input, sessionId);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.data;
}
const summary = (input: Record<string, unknown> = {}, sessionId = admin) => ok<DashboardSummary>('dashboard.summary', input, sessionId);

async function addUser(username: string, role: 'clerk' | 'supervisor'): Promise<string> {
  const { oneTimePassword } = await ok<{ oneTimePassword: string }>('users.add', { username, displayName: username, role });
  const r = await ws.dispatch('auth.signIn', { username, password: oneTimePassword }, {});
  await ws.dispatch('auth.changePassword', { currentPassword: oneTimePassword, newPassword: 'Window03pass' }, { sessionId: r.session! });
  return r.session!;
}

/** A personal case filled in a draft that was opened `openMinutes` before acceptance. */
async function acceptFromDraft(openMinutes: number, seq: string) {
  const formData = personalFormData('李建国', idNumber('19580101', seq));
  const { draftId } = await ok<{ draftId: string }>('drafts.save', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData, materials: COMPLETE_MATERIALS });
  await later(openMinutes);
  return ok<{ id: string; caseNo: string; promisedDate: string | null }>('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData, materials: COMPLETE_MATERIALS, draftId });
}

function creditCode(): string {
  const body = 'MA1QX001';
  const first17 = `91320113${body}${orgCodeCheckChar(body)}`;
  return first17 + usccCheckChar(first17);
}

const companyCase = () =>
  ok<{ id: string }>('cases.accept', {
    itemCode: COMPANY_ITEM.code,
    itemVersion: COMPANY_ITEM.version,
    formData: { company: { name: '南京栖霞示例科技有限公司', creditCode: creditCode(), legalRepresentative: '陈明' }, applicant: personalFormData('周敏', idNumber('19800202', '222')).applicant },
  });

/** Cases straight into SQLite: volume and states the window cannot reach on its own. */
function insertCase(c: { createdAt: string; windowNo?: string; itemCode?: string; itemName?: string; status?: string; promisedDate?: string | null; startedAt?: string | null }) {
  const id = ulid();
  ws.database.sqlite
    .prepare(
      `insert into cases (id, case_no, item_code, item_version, item_name, department, applicant_name, applicant_id_type, applicant_id_no, form_data, materials, status, promised_date, center_code, window_no, created_by, created_at, updated_at, started_at)
       values (?, ?, ?, 1, ?, 'MZ', '测试', 'id-card', ?, '{}', '[]', ?, ?, '32011300', ?, 'test', ?, ?, ?)`,
    )
    .run(id, `T-${id}`, c.itemCode ?? 'QX-TEST-001', c.itemName ?? '测试事项', idNumber('19700101', '001'), c.status ?? 'accepted', c.promisedDate ?? null, c.windowNo ?? '09', c.createdAt, c.createdAt, c.startedAt ?? null);
  return id;
}

beforeEach(async () => {
  dir = tempDir();
  clock = Date.parse('2026-09-30T09:00:00+08:00');
  writeCatalogFixture(join(dir.path, 'catalog'));
  ws = await open('01');
  admin = await signInAdmin(ws, PASSWORD);
});
afterEach(async () => {
  await ws.close();
  dir.remove();
});

/** Window 01: two personal cases from drafts (5 and 7 minutes) and one company case without a draft; window 02: one from a 12-minute draft. */
async function dayOfWork() {
  const a = await acceptFromDraft(5, '101');
  const b = await acceptFromDraft(7, '102');
  await companyCase();
  await ws.close();
  ws = await open('02');
  admin = (await ws.dispatch('auth.signIn', { username: 'admin', password: PASSWORD }, {})).session!;
  const c = await acceptFromDraft(12, '103');
  return { a, b, c };
}

describe('intake and handling time', () => {
  it('counts today per window and per item, and averages item opened → accepted', async () => {
    const { a } = await dayOfWork();
    const s = await summary();
    expect(s.range).toEqual({ from: '2026-09-30', to: '2026-09-30', today: '2026-09-30', days: 1 });
    expect(s.intake.total).toBe(4);
    expect(s.intake.byWindow).toEqual([
      { windowNo: '01', count: 3 },
      { windowNo: '02', count: 1 },
    ]);
    expect(s.intake.byItem).toEqual([
      { itemCode: PERSONAL_ITEM.code, itemName: PERSONAL_ITEM.name, count: 3 },
      { itemCode: COMPANY_ITEM.code, itemName: COMPANY_ITEM.name, count: 1 },
    ]);
    expect(s.intake.byHour).toEqual([{ hour: 9, count: 4 }]);
    // The company case had no draft: not measured. (5 + 7 + 12) / 3 minutes = 8 minutes.
    expect(s.handling.measured).toBe(3);
    expect(s.handling.averageSeconds).toBeCloseTo(480, 3);
    expect(s.handling.byWindow.map((w) => [w.windowNo, w.measured, Math.round(w.averageSeconds)])).toEqual([
      ['01', 2, 360],
      ['02', 1, 720],
    ]);
    // The start time is kept on the case itself.
    const started = ws.database.sqlite.prepare('select started_at as s, created_at as c from cases where id = ?').get(a.id) as { s: string; c: string };
    expect(Date.parse(started.c) - Date.parse(started.s)).toBe(5 * 60_000);
  });

  it('counts civil days in Asia/Shanghai and honours the date range', async () => {
    // 00:30 on 30 September in Nanjing is still 29 September in UTC; 23:59 on the 29th is the day before.
    insertCase({ createdAt: '2026-09-29T16:30:00.000Z', windowNo: '05' });
    insertCase({ createdAt: '2026-09-29T15:59:00.000Z', windowNo: '05' });
    insertCase({ createdAt: '2026-09-28T02:00:00.000Z', windowNo: '06' });
    insertCase({ createdAt: '2026-09-30T03:00:00.000Z', windowNo: '05', status: 'not-accepted' });
    expect((await summary()).intake.byWindow).toEqual([{ windowNo: '05', count: 1 }]);
    expect((await summary()).intake.byHour).toEqual([{ hour: 0, count: 1 }]);
    const yesterday = await summary({ from: '2026-09-29', to: '2026-09-29' });
    expect(yesterday.intake.byWindow).toEqual([{ windowNo: '05', count: 1 }]);
    expect(yesterday.intake.byHour).toEqual([{ hour: 23, count: 1 }]);
    const week = await summary({ from: '2026-09-24' });
    expect(week.range).toEqual({ from: '2026-09-24', to: '2026-09-30', today: '2026-09-30', days: 7 });
    expect(week.intake.total).toBe(3);
    const bad = await call('dashboard.summary', { from: '2026-10-02', to: '2026-10-01' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe('INVALID_INPUT');
    const tooLong = await call('dashboard.summary', { from: '2024-01-01', to: '2026-01-01' });
    expect(!tooLong.ok && tooLong.error.message).toContain('统计区间最长');
  });

  it('aggregates volume in SQLite exactly', async () => {
    const expected = new Map<string, number>();
    const items = new Map<string, number>();
    let handlingSum = 0;
    let handlingN = 0;
    const base = Date.parse('2026-09-30T00:00:00+08:00');
    ws.database.sqlite.transaction(() => {
      for (let i = 0; i < 20_000; i++) {
        // Spread over 30 Sep and the three days before; only today's count.
        const at = new Date(base - (i % 4) * 86_400_000 + (i % 600) * 60_000);
        const windowNo = String((i % 7) + 1).padStart(2, '0');
        const item = `QX-VOL-${i % 13}`;
        const seconds = 60 + (i % 17) * 30;
        insertCase({ createdAt: at.toISOString(), windowNo, itemCode: item, itemName: `事项${i % 13}`, startedAt: new Date(at.getTime() - seconds * 1000).toISOString() });
        if (i % 4 === 0) {
          expected.set(windowNo, (expected.get(windowNo) ?? 0) + 1);
          items.set(item, (items.get(item) ?? 0) + 1);
          handlingSum += seconds;
          handlingN++;
        }
      }
    })();
    const s = await summary();
    expect(s.intake.total).toBe(5000);
    expect(s.intake.byWindow).toEqual([...expected].sort().map(([windowNo, count]) => ({ windowNo, count })));
    expect(Object.fromEntries(s.intake.byItem.map((r) => [r.itemCode, r.count]))).toEqual(Object.fromEntries(items));
    expect(s.handling.measured).toBe(handlingN);
    expect(s.handling.averageSeconds).toBeCloseTo(handlingSum / handlingN, 3);
    // Index range scans, never a scan of the whole table.
    const plan = ws.database.sqlite
      .prepare(`explain query plan select window_no, count(*) from cases where created_at >= ? and created_at < ? and status <> 'not-accepted' group by window_no`)
      .all('2026-09-29T16:00:00.000Z', '2026-09-30T16:00:00.000Z') as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/SEARCH cases USING (COVERING )?INDEX/);
  });
});

describe('deadlines against the official calendar', () => {
  it('counts due soon in working days across the National Day holiday, and overdue', async () => {
    const { a } = await dayOfWork();
    // PERSONAL_ITEM promises 3 working days: 1–7 October are off, Saturday 10 October is a make-up workday.
    expect(a.promisedDate).toBe('2026-10-10');
    const overdue = insertCase({ createdAt: '2026-09-20T02:00:00.000Z', status: 'in-review', promisedDate: '2026-09-29' });
    insertCase({ createdAt: '2026-09-20T02:00:00.000Z', status: 'approved', promisedDate: '2026-09-28' });
    // 9 October is only "within 3 working days" because the holiday is not counted.
    insertCase({ createdAt: '2026-09-25T02:00:00.000Z', status: 'submitted', promisedDate: '2026-10-09' });
    insertCase({ createdAt: '2026-09-25T02:00:00.000Z', status: 'accepted', promisedDate: '2026-10-12' });
    insertCase({ createdAt: '2026-09-25T02:00:00.000Z', status: 'withdrawn', promisedDate: '2026-10-08' });
    const s = await summary();
    expect(s.deadlines.dueSoonDays).toBe(3);
    expect(s.deadlines.dueSoonUntil).toBe('2026-10-10');
    // Three personal cases (10 Oct), the company case (1 working day: 8 Oct) and the inserted one of 9 Oct.
    expect(s.deadlines.dueSoon).toBe(5);
    expect(s.deadlines.overdue).toBe(1);
    expect(s.deadlines.cases.map((c) => [c.promisedDate, c.overdue, c.workingDaysLeft])).toEqual([
      ['2026-09-29', true, -1],
      ['2026-10-08', false, 1],
      ['2026-10-09', false, 2],
      ['2026-10-10', false, 3],
      ['2026-10-10', false, 3],
      ['2026-10-10', false, 3],
    ]);
    expect(s.deadlines.cases[0]!.id).toBe(overdue);
    const oneDay = await summary({ dueSoonDays: 1 });
    expect([oneDay.deadlines.dueSoonUntil, oneDay.deadlines.dueSoon]).toEqual(['2026-10-08', 1]);
  });

  it('does not guess due soon outside the calendar’s years', async () => {
    insertCase({ createdAt: '2027-06-01T02:00:00.000Z', status: 'in-review', promisedDate: '2027-06-02' });
    clock = Date.parse('2027-06-10T09:00:00+08:00');
    await later(0);
    const s = await summary();
    expect(s.deadlines.dueSoonUntil).toBeNull();
    expect(s.deadlines.dueSoon).toBeNull();
    expect(s.deadlines.overdue).toBe(1);
    expect(s.deadlines.cases.map((c) => [c.promisedDate, c.overdue, c.workingDaysLeft])).toEqual([['2027-06-02', true, null]]);
  });
});

describe('sync backlog', () => {
  it('shows the outbox depth, the oldest entry’s age and dead letters', async () => {
    await acceptFromDraft(2, '201');
    await later(30);
    await companyCase();
    await later(15);
    let s = await summary();
    expect(s.sync).toMatchObject({ enabled: false, online: false, backlog: 2, dead: 0, lastSuccessAt: null });
    expect(s.sync.oldestPendingAgeSeconds).toBe(45 * 60);
    ws.database.sqlite.prepare(`update outbox set status = 'dead', last_error = '后台拒收' where rowid = (select min(rowid) from outbox)`).run();
    s = await summary();
    expect(s.sync).toMatchObject({ backlog: 1, dead: 1 });
    expect(s.sync.oldestPendingAgeSeconds).toBe(15 * 60);
  });
});

describe('satisfaction', () => {
  it('reads the 好差评 recorded in case_ratings for the range', async () => {
    let s = await summary();
    expect(s.satisfaction).toEqual({ available: false, count: 0, average: null, byLevel: [1, 2, 3, 4, 5].map((level) => ({ level, count: 0 })), negative: 0 });
    const { a, b, c } = await dayOfWork();
    const rate = ws.database.sqlite.prepare('insert into case_ratings (case_id, level, comment, rated_at, "window") values (?, ?, ?, ?, ?)');
    // One through the applicant screen's real channels, the others straight into the table.
    const asked = await ok<{ rating: { requestId: string } }>('applicant.requestRating', { caseId: a.id });
    await ok('applicant.rate', { requestId: asked.rating.requestId, level: 5 });
    rate.run(b.id, 4, '很好', new Date(clock).toISOString(), '01');
    rate.run(c.id, 1, '排队太久', new Date(clock).toISOString(), '02');
    const old = insertCase({ createdAt: '2026-09-01T02:00:00.000Z' });
    rate.run(old, 2, null, '2026-09-01T03:00:00.000Z', '09');
    s = await summary();
    expect(s.satisfaction.available).toBe(true);
    expect(s.satisfaction.count).toBe(3);
    expect(s.satisfaction.average).toBeCloseTo(10 / 3, 6);
    expect(s.satisfaction.byLevel).toEqual([1, 2, 3, 4, 5].map((level) => ({ level, count: level === 1 || level === 4 || level === 5 ? 1 : 0 })));
    expect(s.satisfaction.negative).toBe(1);
    expect((await summary({ from: '2026-09-01' })).satisfaction).toMatchObject({ count: 4, negative: 2 });
    // A day without ratings still says ratings are recorded here.
    expect((await summary({ from: '2026-09-15', to: '2026-09-15' })).satisfaction).toMatchObject({ available: true, count: 0, average: null });
  });
});

describe('access', () => {
  it('answers supervisors and admins, refuses clerks and anonymous callers', async () => {
    const supervisor = await addUser('zhangwei', 'supervisor');
    const clerk = await addUser('lifang', 'clerk');
    expect((await call('dashboard.summary', {}, supervisor)).ok).toBe(true);
    const refused = await call('dashboard.summary', {}, clerk);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('FORBIDDEN');
    const anonymous = (await ws.dispatch('dashboard.summary', {}, {})).envelope;
    expect(anonymous.ok).toBe(false);
  });
});
