import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CalendarArgumentError,
  CalendarDataError,
  CalendarDateError,
  CalendarRangeError,
  createWorkingCalendar,
  formatCivilDate,
  parseCalendarYear,
  parseCivilDate,
  type CalendarYear,
  type WorkingCalendar,
} from '../../shared/calendar';
import { runCalendarCommand } from '../../electron/calendar/cli';
import { defaultCalendarDir, loadWorkingCalendar, readCalendarYears } from '../../electron/calendar';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = path.join(repoRoot, 'resources/calendar');

let calendar: WorkingCalendar;
let years: CalendarYear[];
const tempDirs: string[] = [];

beforeAll(async () => {
  years = await readCalendarYears(dataDir);
  calendar = await loadWorkingCalendar();
});

afterAll(async () => {
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function tempCalendarDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'onewindow-calendar-'));
  tempDirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text, 'utf8');
  return dir;
}

function year(y: number): CalendarYear {
  return structuredClone(years.find((c) => c.year === y)!);
}

function captureIO() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: { stdout: (s: string) => void (out.stdout += s), stderr: (s: string) => void (out.stderr += s) },
  };
}

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('shipped holiday data', () => {
  it('covers 2025 and 2026 from the default directory and names the notices', () => {
    expect(path.resolve(defaultCalendarDir())).toBe(dataDir);
    expect(calendar.coveredYears()).toEqual([2025, 2026]);
    expect(year(2025).source).toContain('国务院办公厅关于2025年部分节假日安排的通知');
    expect(year(2025).source).toContain('国办发明电〔2024〕12号');
    expect(year(2026).source).toContain('国务院办公厅关于2026年部分节假日安排的通知');
  });

  it('gives each year 248 working days and 13 net statutory holidays', () => {
    // 365 days − 104 weekend days − 13 net holidays (全国年节及纪念日放假办法, 2024 revision).
    expect(calendar.workingDaysBetween('2025-01-01', '2025-12-31')).toBe(248); // 1/1 is a holiday anyway
    expect(calendar.workingDaysBetween('2025-12-31', '2026-12-31')).toBe(248);
    for (const y of [2025, 2026]) {
      const cal = year(y);
      let weekdayOff = 0;
      for (const h of cal.holidays) {
        for (let d = parseCivilDate(h.from); d <= parseCivilDate(h.to); d++) {
          if (!isWeekend(formatCivilDate(d))) weekdayOff++;
        }
      }
      expect(weekdayOff - cal.workdays.length).toBe(13);
    }
  });

  it('marks every adjusted workday as a worked weekend day', () => {
    for (const cal of years) {
      for (const w of cal.workdays) {
        expect(isWeekend(w.date)).toBe(true);
        expect(calendar.isWorkingDay(w.date)).toBe(true);
      }
    }
  });
});

function isWeekend(date: string): boolean {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 || d === 6;
}

describe('isWorkingDay', () => {
  it.each([
    ['2025-03-07', true], // Friday
    ['2025-03-08', false], // Saturday
    ['2025-03-09', false], // Sunday
    ['2025-01-26', true], // Sunday, 春节调休
    ['2025-01-28', false], // 除夕, Tuesday
    ['2025-02-04', false], // last day of 春节
    ['2025-02-05', true],
    ['2025-10-08', false], // 国庆节、中秋节
    ['2025-10-11', true], // Saturday, 调休
    ['2026-01-04', true], // Sunday, 元旦调休
    ['2026-02-23', false], // Monday inside 春节
    ['2026-09-20', true], // Sunday, 国庆调休
  ])('%s → %s', (date, expected) => {
    expect(calendar.isWorkingDay(date)).toBe(expected);
  });
});

describe('addWorkingDays', () => {
  it.each([
    // 1/25 Sat off, 1/26 Sun worked (1), 1/27 Mon (2), 1/28–2/4 off, 2/5 Wed (3).
    ['2025-01-24', 3, '2025-02-05'],
    ['2025-01-24', 1, '2025-01-26'],
    ['2025-01-27', 1, '2025-02-05'],
    ['2025-02-07', 1, '2025-02-08'], // Saturday 调休
    ['2025-03-07', 1, '2025-03-10'], // Friday → Monday
    ['2025-03-08', 1, '2025-03-10'], // from a Saturday
    ['2025-09-26', 1, '2025-09-28'], // Sunday 调休 before National Day
    ['2025-09-30', 1, '2025-10-09'],
    ['2025-09-30', 3, '2025-10-11'], // Saturday 调休 after it
    ['2025-09-30', 4, '2025-10-13'],
    ['2025-09-20', 20, '2025-10-23'],
    ['2026-02-13', 1, '2026-02-14'], // Saturday 调休 before 春节 2026
    ['2026-02-13', 2, '2026-02-24'],
    ['2026-04-30', 2, '2026-05-07'], // 5/1–5/5 off
    ['2026-05-08', 1, '2026-05-09'], // Saturday 调休
    // Across the year: 12/31 Wed (1), 1/1–1/3 off, 1/4 Sun worked (2), 1/5 Mon (3).
    ['2025-12-30', 3, '2026-01-05'],
  ])('%s + %i → %s', (date, n, expected) => {
    expect(calendar.addWorkingDays(date, n)).toBe(expected);
  });

  it('with n = 0 returns the day itself when working, else the next working day', () => {
    expect(calendar.addWorkingDays('2025-03-07', 0)).toBe('2025-03-07');
    expect(calendar.addWorkingDays('2025-10-11', 0)).toBe('2025-10-11'); // Saturday 调休
    expect(calendar.addWorkingDays('2025-03-08', 0)).toBe('2025-03-10'); // plain Saturday
    expect(calendar.addWorkingDays('2025-10-03', 0)).toBe('2025-10-09'); // inside National Day
    expect(calendar.addWorkingDays('2025-01-31', 0)).toBe('2025-02-05'); // inside Spring Festival
    expect(calendar.addWorkingDays('2026-01-01', 0)).toBe('2026-01-04'); // 元旦 → Sunday 调休
  });

  it('refuses years without data instead of guessing', () => {
    const e = catchError(() => calendar.addWorkingDays('2026-12-30', 5));
    expect(e).toBeInstanceOf(CalendarRangeError);
    expect((e as CalendarRangeError).code).toBe('OUT_OF_RANGE');
    expect((e as CalendarRangeError).year).toBe(2027);
    expect(e.message).toBe('工作日历未包含2027年，请更新节假日数据');
    expect(calendar.addWorkingDays('2026-12-30', 1)).toBe('2026-12-31');
    expect(() => calendar.addWorkingDays('2024-12-31', 1)).toThrow('工作日历未包含2024年');
    expect(() => calendar.addWorkingDays('2027-03-01', 0)).toThrow(CalendarRangeError);
    expect(() => calendar.isWorkingDay('2024-06-03')).toThrow(CalendarRangeError);
    // n = 0 on the last day is fine; on a non-working last day it would have to look into 2027.
    expect(calendar.addWorkingDays('2026-12-31', 0)).toBe('2026-12-31');
    expect(() => calendar.addWorkingDays('2026-12-31', 1_000_000)).toThrow(CalendarRangeError);
  });

  it('rejects malformed dates and counts', () => {
    for (const bad of ['2025-02-29', '2025-1-5', '2025/01/05', '20250105', '', '2025-13-01', ' 2025-01-05']) {
      const e = catchError(() => calendar.addWorkingDays(bad, 1));
      expect(e).toBeInstanceOf(CalendarDateError);
      expect((e as CalendarDateError).code).toBe('INVALID_DATE');
    }
    for (const n of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => calendar.addWorkingDays('2025-03-03', n)).toThrow(CalendarArgumentError);
    }
  });

  it('does not depend on the host time zone', () => {
    const saved = process.env.TZ;
    try {
      for (const tz of ['America/Los_Angeles', 'Pacific/Kiritimati', 'Asia/Shanghai']) {
        process.env.TZ = tz;
        expect(calendar.addWorkingDays('2025-01-24', 3)).toBe('2025-02-05');
        expect(calendar.addWorkingDays('2025-12-30', 3)).toBe('2026-01-05');
        expect(calendar.isWorkingDay('2025-01-26')).toBe(true);
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('workingDaysBetween', () => {
  it('counts working days after from, up to and including to', () => {
    expect(calendar.workingDaysBetween('2025-01-24', '2025-02-05')).toBe(3);
    expect(calendar.workingDaysBetween('2025-02-05', '2025-01-24')).toBe(-3);
    expect(calendar.workingDaysBetween('2025-12-30', '2026-01-05')).toBe(3);
    expect(calendar.workingDaysBetween('2025-10-01', '2025-10-08')).toBe(0);
    expect(calendar.workingDaysBetween('2025-03-05', '2025-03-05')).toBe(0);
    expect(() => calendar.workingDaysBetween('2026-12-01', '2027-01-10')).toThrow('工作日历未包含2027年');
  });

  const dayArb = fc
    .integer({ min: parseCivilDate('2025-01-01'), max: parseCivilDate('2026-10-31') })
    .map((d) => formatCivilDate(d));

  it('is the inverse of addWorkingDays', () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: 1, max: 40 }), (date, n) => {
        const due = calendar.addWorkingDays(date, n);
        expect(due > date).toBe(true);
        expect(calendar.isWorkingDay(due)).toBe(true);
        expect(calendar.workingDaysBetween(date, due)).toBe(n);
        expect(calendar.workingDaysBetween(due, date)).toBe(-n);
        expect(calendar.addWorkingDays(date, n + 1) > due).toBe(true);
        // n = 0 lands on the first working day not before date, which then counts as 0 away.
        const start = calendar.addWorkingDays(date, 0);
        expect(calendar.isWorkingDay(start)).toBe(true);
        expect(calendar.workingDaysBetween(date, start)).toBe(calendar.isWorkingDay(date) ? 0 : 1);
      }),
      { numRuns: 300 },
    );
  });

  it('is additive over consecutive ranges', () => {
    fc.assert(
      fc.property(dayArb, dayArb, dayArb, (a, b, c) => {
        expect(calendar.workingDaysBetween(a, b) + calendar.workingDaysBetween(b, c)).toBe(
          calendar.workingDaysBetween(a, c),
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('validating holiday data', () => {
  function problemOf(mutate: (c: CalendarYear) => void, y = 2025): CalendarDataError {
    const cal = year(y);
    mutate(cal);
    const e = catchError(() => createWorkingCalendar([cal]));
    expect(e).toBeInstanceOf(CalendarDataError);
    expect((e as CalendarDataError).code).toBe('INVALID_CALENDAR');
    return e as CalendarDataError;
  }

  it('rejects a workday that is not a weekend day', () => {
    const e = problemOf((c) => c.workdays.push({ name: '劳动节调休', date: '2025-04-28' }));
    expect(e.message).toContain('2025年节假日数据');
    expect(e.message).toContain('2025-04-28');
    expect(e.message).toContain('星期一，不是周末');
  });

  it('rejects overlapping and duplicate holidays', () => {
    const overlap = problemOf((c) => c.holidays.push({ name: '端午节', from: '2025-05-05', to: '2025-05-07' }));
    expect(overlap.message).toContain('2025-05-05');
    expect(overlap.message).toContain('“劳动节”和“端午节”');
    const dup = problemOf((c) => c.holidays.push({ ...c.holidays[0] }));
    expect(dup.message).toContain('2025-01-01');
    expect(dup.message).toContain('重复');
  });

  it('rejects a holiday outside its year, reversed or implausibly long', () => {
    expect(problemOf((c) => (c.holidays[0].from = '2024-12-31')).message).toContain('2024-12-31 不在 2025 年内');
    expect(problemOf((c) => (c.holidays[1].to = '2025-01-20')).message).toContain('结束日期 2025-01-20 早于开始日期');
    expect(problemOf((c) => (c.holidays[5].to = '2025-12-08')).message).toContain('超过 15 天');
  });

  it('rejects a workday inside a holiday, twice, or in another year', () => {
    expect(problemOf((c) => c.workdays.push({ name: 'x', date: '2025-02-01' })).message).toContain('与放假安排“春节”重叠');
    expect(problemOf((c) => c.workdays.push({ ...c.workdays[0] })).message).toContain('2025-01-26（春节调休）重复出现');
    expect(problemOf((c) => c.workdays.push({ name: 'x', date: '2026-01-04' })).message).toContain('不在 2025 年内');
  });

  it('rejects malformed shapes with the field path', () => {
    expect(problemOf((c) => (c.holidays[2].from = '2025-4-4')).message).toContain('holidays[2].from');
    expect(problemOf((c) => (c.holidays = [])).message).toContain('至少应有一项放假安排');
    expect(problemOf((c) => ((c as Record<string, unknown>).extra = 1)).message).toContain('extra');
    expect(problemOf((c) => (c.workdays[0].date = '2025-02-30')).message).toContain('不是真实存在的日期');
  });

  it('rejects the same year twice and an empty calendar', () => {
    expect(() => createWorkingCalendar([year(2025), year(2025)])).toThrow('2025年的节假日数据重复');
    expect(() => createWorkingCalendar([])).toThrow(CalendarDataError);
  });

  it('lists every problem, not only the first', () => {
    const e = problemOf((c) => {
      c.workdays.push({ name: 'a', date: '2025-03-03' });
      c.workdays.push({ name: 'b', date: '2025-03-04' });
    });
    expect(e.problems).toHaveLength(2);
  });

  it('uses the label it is given', () => {
    expect(() => parseCalendarYear({ year: 2025 }, '节假日数据文件 2025.json')).toThrow(/^节假日数据文件 2025\.json格式错误/);
  });
});

describe('loading files', () => {
  async function loadError(files: Record<string, string>): Promise<CalendarDataError> {
    const dir = await tempCalendarDir(files);
    const e = await loadWorkingCalendar(dir).then(
      () => {
        throw new Error('expected an error');
      },
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(CalendarDataError);
    return e as CalendarDataError;
  }
  const good2025 = () => JSON.stringify(year(2025));

  it('reads only YYYY.json files and accepts a UTF-8 BOM', async () => {
    const dir = await tempCalendarDir({
      '2025.json': `\uFEFF${good2025()}`,
      'README.md': '# notes',
      'draft-2027.json': '{ not json',
    });
    const cal = await loadWorkingCalendar(dir);
    expect(cal.coveredYears()).toEqual([2025]);
    expect(cal.addWorkingDays('2025-01-24', 3)).toBe('2025-02-05');
  });

  it('names the file that is not JSON', async () => {
    const e = await loadError({ '2025.json': good2025(), '2026.json': '{ "year": 2026, ' });
    expect(e.message).toContain('节假日数据文件 2026.json不是有效的 JSON');
    expect(e.file).toMatch(/2026\.json$/);
  });

  it('names the file and the date of a semantic error', async () => {
    const bad = year(2026);
    bad.workdays.push({ name: '国庆节调休', date: '2026-10-09' }); // a Friday
    const e = await loadError({ '2025.json': good2025(), '2026.json': JSON.stringify(bad) });
    expect(e.message).toContain('2026.json');
    expect(e.message).toContain('2026-10-09');
    expect(e.file).toMatch(/2026\.json$/);
  });

  it('rejects a file whose year disagrees with its name', async () => {
    const e = await loadError({ '2024.json': good2025() });
    expect(e.message).toContain('2024.json中的 year 为 2025');
  });

  it('rejects an empty or missing directory', async () => {
    await expect(loadError({ 'notes.txt': 'x' })).resolves.toBeInstanceOf(CalendarDataError);
    await expect(loadWorkingCalendar(path.join(tmpdir(), 'onewindow-no-such-dir'))).rejects.toThrow(
      '无法读取节假日数据目录',
    );
  });
});

describe('calendar CLI', () => {
  it('prints the date, as JSON with --json', async () => {
    const a = captureIO();
    expect(await runCalendarCommand(['calendar', 'add-working-days', '2025-01-24', '3', '--json'], a.io)).toBe(0);
    expect(JSON.parse(a.out.stdout)).toEqual({ date: '2025-02-05' });
    const b = captureIO();
    expect(await runCalendarCommand(['add-working-days', '2025-09-30', '1'], b.io)).toBe(0);
    expect(b.out.stdout).toBe('2025-10-09\n');
    expect(b.out.stderr).toBe('');
  });

  it('reports an out-of-range year and a bad date with exit code 1', async () => {
    const a = captureIO();
    expect(await runCalendarCommand(['add-working-days', '2027-01-04', '1', '--json'], a.io)).toBe(1);
    expect(JSON.parse(a.out.stdout)).toEqual({ error: 'OUT_OF_RANGE', message: '工作日历未包含2027年，请更新节假日数据' });
    const b = captureIO();
    expect(await runCalendarCommand(['add-working-days', '2025-02-30', '1', '--json'], b.io)).toBe(1);
    expect(JSON.parse(b.out.stdout).error).toBe('INVALID_DATE');
    const c = captureIO();
    expect(await runCalendarCommand(['add-working-days', '2027-01-04', '1'], c.io)).toBe(1);
    expect(c.out.stdout).toBe('');
    expect(c.out.stderr).toContain('工作日历未包含2027年');
  });

  it('reports broken data files with exit code 1', async () => {
    const dir = await tempCalendarDir({ '2025.json': '[]' });
    const a = captureIO();
    expect(await runCalendarCommand(['add-working-days', '2025-03-03', '1', '--json'], a.io, { calendarDir: dir })).toBe(1);
    const body = JSON.parse(a.out.stdout);
    expect(body.error).toBe('INVALID_CALENDAR');
    expect(body.message).toContain('2025.json');
  });

  it.each([
    [[]],
    [['calendar']],
    [['is-holiday', '2025-01-01']],
    [['add-working-days', '2025-01-01']],
    [['add-working-days', '2025-01-01', '-1']],
    [['add-working-days', '2025-01-01', '1.5']],
    [['add-working-days', '2025-01-01', 'three']],
    [['add-working-days', '2025-01-01', '1', 'extra']],
    [['add-working-days', '2025-01-01', '1', '--yaml']],
  ])('bad usage %j exits 2 with a usage line', async (argv) => {
    const a = captureIO();
    expect(await runCalendarCommand(argv, a.io)).toBe(2);
    expect(a.out.stderr).toContain('用法：onewindow calendar add-working-days');
    expect(a.out.stdout).toBe('');
  });
});

describe('shared/calendar stays portable', () => {
  it('imports nothing from Node', async () => {
    const dir = path.join(repoRoot, 'shared/calendar');
    for (const name of await readdir(dir)) {
      const text = await readFile(path.join(dir, name), 'utf8');
      expect(text, name).not.toMatch(/from ['"](node:|fs|path|os)/);
    }
  });
});

describe('workingDaysBetween edge', () => {
  it('returns 0, not -0, for a backwards range without working days (found by the property test)', () => {
    expect(Object.is(calendar.workingDaysBetween('2026-10-31', '2026-10-30'), 0)).toBe(true);
  });
});
