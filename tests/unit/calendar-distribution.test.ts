/**
 * Holiday calendar distribution: the back office checks a calendar file or folder with the
 * workstation loader's own rules and publishes it; a real workstation core pulls it over the
 * change feed, checks its hash and content, stores it in its data folder and swaps the calendar
 * used for promised dates and the dashboard. A year nobody published stays uncovered.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackofficeAdminCommand } from '../../backoffice/main';
import { PublicationError } from '../../backoffice/publications';
import { seedPgliteDataDir, startTestBackoffice, type TestBackoffice } from '../../backoffice/testing';
import { installedCalendarDir } from '../../electron/calendar/installed';
import { applyPage } from '../../electron/sync/pull';
import { readCursor } from '../../electron/sync/state';
import { appliedEvents } from '../../db/schema';
import type { Workstation } from '../../electron/workstation';
import { CALENDAR_BUNDLE_FORMAT, CalendarRangeError, parseCalendarBundle } from '../../shared/calendar';
import { waitFor } from '../chaos/sync-fixture';
import { COMPLETE_MATERIALS, PERSONAL_ITEM, personalFormData, writeCatalogFixture } from '../helpers/catalog-fixture';
import { openTestWorkstation, signInAdmin, tempDir } from '../helpers/workstation';

let bo: TestBackoffice;
let dir: ReturnType<typeof tempDir>;
let ws: Workstation | undefined;
let session: string;
const logs: string[] = [];
// Wednesday 30 December 2026, 10:00 in Nanjing: three working days on reach into 2027.
const clock = new Date('2026-12-30T10:00:00+08:00').getTime();

/** Test data shaped like a State Council notice (not the real 2027/2028 arrangements). */
function yearData(year: number) {
  return {
    year,
    source: `测试数据：国务院办公厅关于${year}年部分节假日安排的通知（模拟）`,
    holidays: [
      { name: '元旦', from: `${year}-01-01`, to: `${year}-01-03` },
      { name: '劳动节', from: `${year}-05-01`, to: `${year}-05-05` },
    ],
    workdays: [] as { name: string; date: string }[],
  };
}

function writeYear(folder: string, year: number, data: unknown = yearData(year)): string {
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${year}.json`);
  writeFileSync(file, JSON.stringify(data));
  return file;
}

async function openWorkstation(): Promise<Workstation> {
  return openTestWorkstation(join(dir.path, 'data'), {
    sync: true,
    catalogDir: join(dir.path, 'catalog'),
    now: () => new Date(clock),
    log: (line) => logs.push(line),
    flags: { backofficeUrl: bo.baseUrl },
  });
}

async function call<T = any>(channel: string, input: unknown): Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }> {
  return (await ws!.dispatch(channel, input, { sessionId: session })).envelope as never;
}

/** Accepts a case of the 3-working-day item and returns its promised date. */
async function acceptAndGetPromisedDate(): Promise<string | null> {
  const r = await call<{ id: string; caseNo: string }>('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData(), materials: [...COMPLETE_MATERIALS] });
  if (!r.ok) throw new Error(r.error.message);
  const list = await call<{ rows: { id: string; promisedDate: string | null }[] }>('cases.list', {});
  if (!list.ok) throw new Error(list.error.message);
  return list.data.rows.find((row) => row.id === r.data.id)!.promisedDate;
}

beforeAll(async () => {
  dir = tempDir('onewindow-calendar-dist-');
  writeCatalogFixture(join(dir.path, 'catalog'));
  bo = await startTestBackoffice();
}, 60_000);

afterAll(async () => {
  await ws?.close();
  await bo?.close();
  dir?.remove();
});

describe('calendar publication at the back office', () => {
  it('refuses files the workstation loader would refuse, naming the file and the date', async () => {
    const bad = join(dir.path, 'bad');
    // 2027-01-04 is a Monday: no make-up workday is needed on a weekday.
    writeYear(bad, 2027, { ...yearData(2027), workdays: [{ name: '元旦调休', date: '2027-01-04' }] });
    writeYear(bad, 2028, yearData(2029));
    const error = await bo.backoffice.admin.publishCalendar({ path: bad, version: 'bad.1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublicationError);
    const problems = (error as PublicationError).problems;
    expect(problems.map((p) => p.file)).toEqual(['2027.json', '2028.json']);
    expect(problems[0]!.message).toContain('2027-01-04');
    expect(problems[0]!.message).toContain('不是周末');
    expect(problems[1]!.message).toContain('与文件名中的 2028 年不一致');
    // A single file must be named after its year, as the loader would only read it so.
    const draft = join(dir.path, 'draft');
    mkdirSync(draft, { recursive: true });
    writeFileSync(join(draft, 'draft-2027.json'), JSON.stringify(yearData(2027)));
    const misnamed = await bo.backoffice.admin.publishCalendar({ path: join(draft, 'draft-2027.json') }).catch((e: PublicationError) => e);
    expect((misnamed as PublicationError).problems).toEqual([{ file: 'draft-2027.json', message: expect.stringContaining('文件名应为四位年份') }]);
    await expect(bo.backoffice.admin.publishCalendar({ path: draft })).rejects.toThrow(/没有 YYYY\.json/);
    // A label that cannot name the workstation's folder is refused before anything is broadcast.
    await expect(bo.backoffice.admin.publishCalendar({ path: writeYear(join(dir.path, 'label'), 2027), version: '2027/1' })).rejects.toThrow(/版本号只能含字母/);
  });
});

describe('calendar distribution to a workstation', () => {
  it('flags 2027 until the back office publishes it, then computes 2027 promised dates and due-soon', async () => {
    ws = await openWorkstation();
    session = await signInAdmin(ws);
    const code = await bo.backoffice.admin.createEnrolmentCode({ centerCode: ws.config().values.centerCode, windowNo: ws.config().values.windowNo });
    await ws.sync!.engine.enrol(code, 'calendar-test');

    // Before: 2027 is not covered, so nothing is guessed.
    expect(() => ws!.workingCalendar()!.addWorkingDays('2026-12-30', 3)).toThrow(CalendarRangeError);
    expect(await acceptAndGetPromisedDate()).toBeNull();
    const before = await call<{ deadlines: { dueSoonUntil: string | null } }>('dashboard.summary', {});
    expect(before.ok && before.data.deadlines.dueSoonUntil).toBeNull();
    // The case list's due-soon filter counts working days too: it says so rather than guess.
    expect(await call('cases.list', { deadline: 'due-soon' })).toMatchObject({ ok: false, error: { code: 'CONFIG_INVALID', message: expect.stringContaining('工作日历') } });

    const published = await bo.backoffice.admin.publishCalendar({ path: writeYear(join(dir.path, 'y2027'), 2027), version: '2026.12.1', note: '2027年节假日安排' });
    expect(published).toMatchObject({ version: '2026.12.1', years: [2027], added: [2027] });

    const live = ws;
    await waitFor('calendar 2027 installed', () => live.workingCalendar()?.coveredYears().includes(2027), 30_000);
    expect(live.sync!.publications.installed('calendar-updated')).toMatchObject({ version: '2026.12.1', sha256: published.sha256 });
    // 12-31 is day 1, 1-1…1-3 元旦, 1-4 day 2, 1-5 day 3; the shipped years are still there.
    expect(live.workingCalendar()!.coveredYears()).toEqual([2025, 2026, 2027]);
    expect(await acceptAndGetPromisedDate()).toBe('2027-01-05');
    const after = await call<{ deadlines: { dueSoonUntil: string | null } }>('dashboard.summary', {});
    expect(after.ok && after.data.deadlines.dueSoonUntil).toBe('2027-01-05');
    // Promised 2027-01-05, three working days away: due soon (the first case has no promised date).
    const dueSoon = await call<{ total: number; rows: { promisedDate: string | null }[] }>('cases.list', { deadline: 'due-soon' });
    expect(dueSoon.ok && dueSoon.data.rows.map((r) => r.promisedDate)).toEqual(['2027-01-05']);
    // 2028 was never published: still flagged.
    expect(() => live.workingCalendar()!.addWorkingDays('2028-01-03', 0)).toThrow(CalendarRangeError);

    // Stored in the data folder, beside (not over) the shipped calendar.
    const stored = installedCalendarDir(join(dir.path, 'data'));
    expect(stored!.startsWith(join(dir.path, 'data', 'calendar'))).toBe(true);
    expect(JSON.parse(readFileSync(join(stored!, '2027.json'), 'utf8')).year).toBe(2027);
  }, 60_000);

  it('keeps the current calendar when a published bundle fails the checks', async () => {
    const live = ws!;
    const broken = { format: CALENDAR_BUNDLE_FORMAT, version: '2026.12.2', createdAt: new Date().toISOString(), files: { '2028.json': { ...yearData(2028), holidays: [{ name: '元旦', from: '2028-01-03', to: '2028-01-01' }] } } };
    await bo.backoffice.admin.publishCalendarUpdate({ version: '2026.12.2', bundle: new TextEncoder().encode(JSON.stringify(broken)) });
    await waitFor('refusal logged', () => logs.some((l) => l.includes('2026.12.2') && l.includes('失败')), 30_000);
    expect(logs.find((l) => l.includes('2026.12.2'))).toContain('2028.json');
    expect(live.workingCalendar()!.coveredYears()).toEqual([2025, 2026, 2027]);
    expect(live.sync!.publications.installed('calendar-updated')?.version).toBe('2026.12.1');
  }, 40_000);

  it('publishes cumulatively: a later publication of 2028 still carries 2027', async () => {
    const live = ws!;
    const published = await bo.backoffice.admin.publishCalendar({ path: writeYear(join(dir.path, 'y2028'), 2028), version: '2027.11.1' });
    expect(published).toMatchObject({ years: [2027, 2028], added: [2028] });
    await waitFor('calendar 2028 installed', () => live.workingCalendar()?.coveredYears().includes(2028), 30_000);
    expect(live.workingCalendar()!.coveredYears()).toEqual([2025, 2026, 2027, 2028]);
    const bytes = await live.sync!.engine.fetchBlob(published.sha256);
    expect(Object.keys(parseCalendarBundle(new TextDecoder().decode(bytes)).files).sort()).toEqual(['2027.json', '2028.json']);
    // A label is never reused.
    await expect(bo.backoffice.admin.publishCalendar({ path: join(dir.path, 'y2028'), version: '2027.11.1' })).rejects.toThrow(/已发布过/);
  }, 40_000);

  it('loads the installed calendar again after a restart', async () => {
    await ws!.close();
    ws = await openWorkstation();
    expect(ws.workingCalendar()!.coveredYears()).toEqual([2025, 2026, 2027, 2028]);
    expect(ws.workingCalendar()!.addWorkingDays('2026-12-30', 3)).toBe('2027-01-05');
  }, 40_000);
});

describe('feed tolerance', () => {
  it('records an event type this build does not know as ignored and moves the cursor on', async () => {
    const other = await openTestWorkstation(join(dir.path, 'older'), { catalogDir: join(dir.path, 'catalog') });
    try {
      const now = () => new Date(clock);
      const unknown = { seq: 7, eventId: '01JD0000000000000000000007', type: 'holiday-calendar-v9', at: new Date(clock).toISOString(), data: { anything: true } };
      const result = applyPage({ db: other.database.db, now }, [unknown], 7);
      expect(result).toMatchObject({ applied: 0, publications: [] });
      expect(readCursor(other.database.db)).toBe(7);
      const rows = other.database.db.select().from(appliedEvents).all();
      expect(rows).toEqual([expect.objectContaining({ eventId: unknown.eventId, type: 'holiday-calendar-v9', outcome: 'ignored' })]);
    } finally {
      await other.close();
    }
  });
});

describe('onewindow backoffice admin calendar publish (CLI)', () => {
  it('checks, refuses with the problems listed, and publishes', async () => {
    const data = join(dir.path, 'cli-backoffice');
    await seedPgliteDataDir(join(data, 'pgdata'));
    const out = { stdout: '', stderr: '' };
    const io = { stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) }, env: {} };
    const broken = join(dir.path, 'cli-broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, '2027.json'), '{ not json');
    expect(await runBackofficeAdminCommand(['calendar', 'publish', broken, '--data', data], io)).toBe(1);
    expect(out.stderr).toContain('2027.json');
    expect(out.stderr).toContain('不是有效的 JSON');
    expect(await runBackofficeAdminCommand(['calendar', 'publish', writeYear(join(dir.path, 'cli-ok'), 2027), '--version', '2026.12.9', '--data', data], io)).toBe(0);
    expect(out.stdout).toMatch(/已发布工作日历 2026\.12\.9（本次 2027 年；共含 2027 年，SHA-256 [0-9a-f]{64}）/);
    expect(await runBackofficeAdminCommand(['calendar', 'publish'], io)).toBe(2);
    expect(existsSync(join(data, 'pgdata'))).toBe(true);
  }, 90_000);
});
