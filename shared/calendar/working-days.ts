/**
 * Working-day arithmetic for promised completion dates (承诺办结时限, counted in 工作日).
 * A working day is Monday–Friday, minus the State Council's days off (放假), plus its
 * adjusted weekend workdays (调休上班). The holiday data changes every year and lives in
 * resources/calendar/YYYY.json (format in docs/CALENDAR.md); dates in a year without data
 * throw CalendarRangeError instead of guessing. Pure code: no Node, no DOM.
 */
import { z } from 'zod';
import {
  formatCivilDate,
  isValidCivilDate,
  isWeekendDay,
  parseCivilDate,
  tryParseCivilDate,
  weekdayOfDay,
  WEEKDAY_NAMES,
  yearOfDay,
} from './civil-date';
import { CalendarArgumentError, CalendarDataError, CalendarRangeError } from './errors';

/** A holiday period longer than this is almost surely a typo (the longest so far is 9 days). */
export const MAX_HOLIDAY_SPAN_DAYS = 15;

const civilDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期应为 YYYY-MM-DD 格式')
  .refine(isValidCivilDate, '不是真实存在的日期');

const holidaySchema = z.strictObject({
  /** As the notice names it, e.g. "春节", "国庆节、中秋节". */
  name: z.string().trim().min(1, '名称不能为空'),
  /** First and last day off, inclusive; weekend days inside the period are included. */
  from: civilDate,
  to: civilDate,
});

const workdaySchema = z.strictObject({
  /** e.g. "春节调休". */
  name: z.string().trim().min(1, '名称不能为空'),
  /** A Saturday or Sunday that is worked (调休上班). */
  date: civilDate,
});

export const calendarYearSchema = z.strictObject({
  year: z.number().int().min(1970, '年份应在 1970–9999 之间').max(9999, '年份应在 1970–9999 之间'),
  /** The notice's title and document number, e.g. "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）". */
  source: z.string().trim().min(1, '应注明来源通知的标题和文号'),
  holidays: z.array(holidaySchema).min(1, '至少应有一项放假安排'),
  workdays: z.array(workdaySchema),
});

export type CalendarYear = z.infer<typeof calendarYearSchema>;
export type CalendarHoliday = CalendarYear['holidays'][number];
export type CalendarWorkday = CalendarYear['workdays'][number];

export interface WorkingCalendar {
  /** Whether the civil date is a working day. Throws CalendarDateError / CalendarRangeError. */
  isWorkingDay(date: string): boolean;
  /**
   * The day that is n working days after `date`, `date` itself not counted. n = 0 returns
   * `date` if it is a working day, else the next working day. n must be a non-negative integer.
   */
  addWorkingDays(date: string, n: number): string;
  /**
   * Working days in (from, to]: after `from`, up to and including `to`. Negative (the same
   * count, negated) when `to` is before `from`; 0 when they are equal.
   */
  workingDaysBetween(from: string, to: string): number;
  /** Years with holiday data, ascending. */
  coveredYears(): number[];
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out || '（根）';
}

/**
 * Validates one year's holiday data (shape, then meaning) and returns it typed.
 * `label` names the source in messages, e.g. "节假日数据文件 2025.json".
 * Throws CalendarDataError listing every problem found.
 */
export function parseCalendarYear(data: unknown, label?: string): CalendarYear {
  const where =
    label ??
    (typeof data === 'object' && data !== null && 'year' in data ? `${String(data.year)}年节假日数据` : '节假日数据');
  const parsed = calendarYearSchema.safeParse(data, { error: z.locales.zhCN().localeError });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${formatPath(i.path)}：${i.message}`);
    throw new CalendarDataError(`${where}格式错误：${problems.join('；')}`, { problems });
  }
  const problems = semanticProblems(parsed.data);
  if (problems.length > 0) {
    throw new CalendarDataError(`${where}有误：${problems.join('；')}`, { problems });
  }
  return parsed.data;
}

/** Checks that the shape cannot express: years, order, overlaps, workdays on weekends. */
function semanticProblems(cal: CalendarYear): string[] {
  const problems: string[] = [];
  const offBy = new Map<number, string>(); // day → holiday name
  for (const h of cal.holidays) {
    const from = parseCivilDate(h.from);
    const to = parseCivilDate(h.to);
    const label = `放假安排“${h.name}”`;
    let bad = false;
    for (const [day, text] of [
      [from, h.from],
      [to, h.to],
    ] as const) {
      if (yearOfDay(day) !== cal.year) {
        problems.push(`${label}的日期 ${text} 不在 ${cal.year} 年内`);
        bad = true;
      }
    }
    if (to < from) {
      problems.push(`${label}的结束日期 ${h.to} 早于开始日期 ${h.from}`);
      bad = true;
    } else if (to - from + 1 > MAX_HOLIDAY_SPAN_DAYS) {
      problems.push(`${label}从 ${h.from} 到 ${h.to} 共 ${to - from + 1} 天，超过 ${MAX_HOLIDAY_SPAN_DAYS} 天，请核对日期`);
      bad = true;
    }
    if (bad) continue;
    for (let day = from; day <= to; day++) {
      const other = offBy.get(day);
      if (other !== undefined) {
        problems.push(
          other === h.name
            ? `日期 ${formatCivilDate(day)} 在放假安排“${h.name}”中重复出现`
            : `日期 ${formatCivilDate(day)} 同时出现在放假安排“${other}”和“${h.name}”中`,
        );
      } else {
        offBy.set(day, h.name);
      }
    }
  }
  const worked = new Set<number>();
  for (const w of cal.workdays) {
    const day = parseCivilDate(w.date);
    const label = `调休上班日 ${w.date}（${w.name}）`;
    if (yearOfDay(day) !== cal.year) problems.push(`${label}不在 ${cal.year} 年内`);
    if (!isWeekendDay(day)) problems.push(`${label}是${WEEKDAY_NAMES[weekdayOfDay(day)]}，不是周末，无需调休上班`);
    const off = offBy.get(day);
    if (off !== undefined) problems.push(`${label}与放假安排“${off}”重叠`);
    if (worked.has(day)) problems.push(`${label}重复出现`);
    worked.add(day);
  }
  return problems;
}

/**
 * Builds a calendar from validated (or to-be-validated) year data. Every year is checked
 * again here, so data built in code gets the same guarantees as data read from files.
 */
export function createWorkingCalendar(years: readonly CalendarYear[]): WorkingCalendar {
  if (years.length === 0) throw new CalendarDataError('工作日历没有任何年份的节假日数据');
  const covered = new Set<number>();
  const offDays = new Set<number>();
  const extraWorkdays = new Set<number>();
  for (const raw of years) {
    const cal = parseCalendarYear(raw);
    if (covered.has(cal.year)) throw new CalendarDataError(`${cal.year}年的节假日数据重复`);
    covered.add(cal.year);
    for (const h of cal.holidays) {
      for (let d = parseCivilDate(h.from); d <= parseCivilDate(h.to); d++) offDays.add(d);
    }
    for (const w of cal.workdays) extraWorkdays.add(parseCivilDate(w.date));
  }
  const sortedYears = [...covered].sort((a, b) => a - b);

  function assertCovered(day: number): void {
    const year = yearOfDay(day);
    if (!covered.has(year)) throw new CalendarRangeError(year);
  }

  function isWorking(day: number): boolean {
    assertCovered(day);
    if (extraWorkdays.has(day)) return true;
    if (offDays.has(day)) return false;
    return !isWeekendDay(day);
  }

  /** Working days in (a, b], a <= b. */
  function countForward(a: number, b: number): number {
    let count = 0;
    for (let d = a + 1; d <= b; d++) if (isWorking(d)) count++;
    return count;
  }

  return {
    isWorkingDay(date) {
      return isWorking(parseCivilDate(date));
    },

    addWorkingDays(date, n) {
      let day = parseCivilDate(date);
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
        throw new CalendarArgumentError(`工作日数应为非负整数，实际为 ${String(n)}`);
      }
      assertCovered(day);
      if (n === 0) {
        while (!isWorking(day)) day++;
        return formatCivilDate(day);
      }
      // Each step checks coverage, so a long count runs into the first missing year and throws.
      for (let left = n; left > 0; ) {
        day++;
        if (isWorking(day)) left--;
      }
      return formatCivilDate(day);
    },

    workingDaysBetween(from, to) {
      const a = parseCivilDate(from);
      const b = parseCivilDate(to);
      assertCovered(a);
      assertCovered(b);
      // `0 - n`, not `-n`: a backwards range with no working day is 0, never -0.
      return a <= b ? countForward(a, b) : 0 - countForward(b, a);
    },

    coveredYears() {
      return [...sortedYears];
    },
  };
}

/** Re-exported so callers need one import for dates too. */
export { formatCivilDate, isValidCivilDate, parseCivilDate, tryParseCivilDate };
