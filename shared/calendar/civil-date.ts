/**
 * Civil dates ('YYYY-MM-DD', no time of day, no time zone) as integer day numbers
 * (days since 1970-01-01). All arithmetic is done in UTC so the host's time zone and
 * daylight saving can never shift a day.
 */
import { CalendarDateError } from './errors';

const MS_PER_DAY = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of a valid civil date, or undefined (wrong shape or no such day, e.g. 2025-02-29). */
export function tryParseCivilDate(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = DATE_PATTERN.exec(value);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 onto 1900–1999.
  t.setUTCFullYear(year, month - 1, day);
  if (t.getUTCFullYear() !== year || t.getUTCMonth() !== month - 1 || t.getUTCDate() !== day) return undefined;
  return t.getTime() / MS_PER_DAY;
}

export function parseCivilDate(value: unknown): number {
  const day = tryParseCivilDate(value);
  if (day === undefined) throw new CalendarDateError(value);
  return day;
}

export function isValidCivilDate(value: unknown): boolean {
  return tryParseCivilDate(value) !== undefined;
}

export function formatCivilDate(day: number): string {
  const t = new Date(day * MS_PER_DAY);
  const y = String(t.getUTCFullYear()).padStart(4, '0');
  const m = String(t.getUTCMonth() + 1).padStart(2, '0');
  const d = String(t.getUTCDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

export function yearOfDay(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOfDay(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCDay();
}

export function isWeekendDay(day: number): boolean {
  const w = weekdayOfDay(day);
  return w === 0 || w === 6;
}

export const WEEKDAY_NAMES = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'] as const;
