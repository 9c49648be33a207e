/**
 * Loads the working-day calendar from resources/calendar/YYYY.json (one file per year, as
 * published by the State Council each November). Every error names the file at fault.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CALENDAR_FILE_NAME as YEAR_FILE,
  CalendarDataError,
  checkCalendarFileText,
  createWorkingCalendar,
  type CalendarYear,
  type WorkingCalendar,
} from '../../shared/calendar';

/**
 * resources/calendar of this checkout, found from this module's own location: two levels up
 * from electron/calendar/ when run from source, one or two from out/main/ when bundled.
 * A packaged app keeps resources elsewhere and should pass its directory explicitly.
 */
export function defaultCalendarDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = here, i = 0; i < 4; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'resources', 'calendar');
    if (existsSync(candidate)) return candidate;
  }
  return path.resolve(here, '../../resources/calendar');
}

/** Reads and validates every YYYY.json in `dir` (other files are ignored), in year order. */
export async function readCalendarYears(dir: string = defaultCalendarDir()): Promise<CalendarYear[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new CalendarDataError(`无法读取节假日数据目录 ${dir}：${(e as Error).message}`, { file: dir });
  }
  const files = names.filter((n) => YEAR_FILE.test(n)).sort();
  if (files.length === 0) {
    throw new CalendarDataError(`节假日数据目录 ${dir} 中没有 YYYY.json 格式的数据文件`, { file: dir });
  }
  const years: CalendarYear[] = [];
  for (const name of files) {
    const file = path.join(dir, name);
    try {
      // The back office's `calendar publish` runs the same check (shared/calendar/bundle.ts).
      years.push(checkCalendarFileText(name, await readFile(file, 'utf8')));
    } catch (e) {
      if (e instanceof CalendarDataError) throw new CalendarDataError(e.message, { problems: e.problems, file });
      throw e;
    }
  }
  return years;
}

/** The calendar built from every year file in `dir` (default: the repository's resources/calendar). */
export async function loadWorkingCalendar(dir: string = defaultCalendarDir()): Promise<WorkingCalendar> {
  return createWorkingCalendar(await readCalendarYears(dir));
}
