/**
 * Holiday calendar files and their distribution bundle. The workstation's loader
 * (electron/calendar) and the back office's `calendar publish` run these very checks, so a
 * window never receives data its loader would refuse. Pure: files come in already read.
 *
 * Bundle (UTF-8 JSON, stored as a broadcast blob and announced with `calendar-updated`):
 * { "format": "onewindow-calendar/1", "version": "2026.11.1", "createdAt": "…Z",
 *   "files": { "2027.json": { "year": 2027, … }, … } }
 * A bundle carries every year the back office has published so far (cumulative), so a window
 * that missed a publication while offline still gets every year from the latest one.
 */
import { z } from 'zod';
import { CalendarDataError } from './errors';
import { parseCalendarYear, type CalendarYear } from './working-days';

export const CALENDAR_BUNDLE_FORMAT = 'onewindow-calendar/1';
/** Only files named after their four-digit year are calendar data (draft-2027.json is ignored). */
export const CALENDAR_FILE_NAME = /^(\d{4})\.json$/;

export interface CalendarProblem {
  file: string;
  message: string;
}

export const calendarBundleSchema = z.strictObject({
  format: z.literal(CALENDAR_BUNDLE_FORMAT),
  version: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, '版本号只能含字母、数字、点、下划线和连字符'),
  createdAt: z.string().min(1),
  files: z.record(z.string().regex(CALENDAR_FILE_NAME, '文件名应为四位年份，如 2027.json'), z.unknown()),
});
export type CalendarBundle = z.infer<typeof calendarBundleSchema>;

/**
 * Checks one year file (already parsed JSON) named `name` (e.g. "2027.json"): its content and
 * that its `year` matches the name. Throws CalendarDataError naming the file.
 */
export function checkCalendarFile(name: string, json: unknown): CalendarYear {
  const m = CALENDAR_FILE_NAME.exec(name);
  const label = `节假日数据文件 ${name}`;
  if (!m) throw new CalendarDataError(`${label}的文件名应为四位年份，如 2027.json`, { file: name });
  let year: CalendarYear;
  try {
    year = parseCalendarYear(json, label);
  } catch (e) {
    if (e instanceof CalendarDataError) throw new CalendarDataError(e.message, { problems: e.problems, file: name });
    throw e;
  }
  const fileYear = Number(m[1]);
  if (year.year !== fileYear) {
    throw new CalendarDataError(`${label}中的 year 为 ${year.year}，与文件名中的 ${fileYear} 年不一致`, { file: name });
  }
  return year;
}

/** Same as checkCalendarFile, from the file's text (UTF-8; a BOM from Notepad is tolerated). */
export function checkCalendarFileText(name: string, text: string): CalendarYear {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new CalendarDataError(`节假日数据文件 ${name}不是有效的 JSON：${(e as Error).message}`, { file: name });
  }
  return checkCalendarFile(name, json);
}

/** Checks every file and reports every problem (one per file at most), years in order. */
export function checkCalendarFiles(files: Record<string, unknown>): { years: CalendarYear[]; problems: CalendarProblem[] } {
  const years: CalendarYear[] = [];
  const problems: CalendarProblem[] = [];
  for (const name of Object.keys(files).sort()) {
    try {
      years.push(checkCalendarFile(name, files[name]));
    } catch (e) {
      if (!(e instanceof CalendarDataError)) throw e;
      problems.push({ file: name, message: e.message });
    }
  }
  if (!years.length && !problems.length) problems.push({ file: '（无）', message: '没有 YYYY.json 格式的节假日数据文件' });
  return { years, problems };
}

/** Parses a bundle's text (shape only; run checkCalendarFiles on its files). Throws CalendarDataError. */
export function parseCalendarBundle(text: string): CalendarBundle {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CalendarDataError('工作日历发布包不是有效的 JSON');
  }
  const parsed = calendarBundleSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new CalendarDataError(`工作日历发布包格式有误：${i.path.join('.') || '（根）'} ${i.message}`);
  }
  return parsed.data;
}

/** Years of `base` with those of `overlay` added; a year in both comes from `overlay`. Sorted. */
export function mergeCalendarYears(base: readonly CalendarYear[], overlay: readonly CalendarYear[]): CalendarYear[] {
  const byYear = new Map<number, CalendarYear>();
  for (const y of base) byYear.set(y.year, y);
  for (const y of overlay) byYear.set(y.year, y);
  return [...byYear.values()].sort((a, b) => a.year - b.year);
}
