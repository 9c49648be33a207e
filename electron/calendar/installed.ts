/**
 * The holiday calendar the back office published, kept in the workstation's data folder
 * beside (never over) the shipped resources/calendar:
 *   <dataDir>/calendar/versions/<version>-<sha12>/YYYY.json   one folder per installed bundle
 *   <dataDir>/calendar/current.json                           { version, sha256, dir }, replaced atomically
 * The calendar in use is the shipped years with the published ones added (a year in both comes
 * from the back office), at start and after each install alike.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createWorkingCalendar, mergeCalendarYears, type CalendarBundle, type CalendarYear, type WorkingCalendar } from '../../shared/calendar';
import { defaultCalendarDir, readCalendarYears } from './index';

const CURRENT_FILE = 'current.json';

export function pulledCalendarRoot(dataDir: string): string {
  return join(dataDir, 'calendar');
}

/** The folder of the calendar pulled last, or null when none was installed. */
export function installedCalendarDir(dataDir: string): string | null {
  const root = pulledCalendarRoot(dataDir);
  try {
    const current = JSON.parse(readFileSync(join(root, CURRENT_FILE), 'utf8')) as { dir?: unknown };
    if (typeof current.dir !== 'string' || !/^[A-Za-z0-9._-]+$/.test(current.dir)) return null;
    const dir = join(root, 'versions', current.dir);
    return existsSync(dir) ? dir : null;
  } catch {
    return null;
  }
}

/** Writes a checked bundle's year files into a fresh version folder and makes it current. */
export function installCalendarBundle(dataDir: string, bundle: CalendarBundle, sha256: string): string {
  const root = pulledCalendarRoot(dataDir);
  const name = `${bundle.version}-${sha256.slice(0, 12)}`;
  const final = join(root, 'versions', name);
  if (!existsSync(final)) {
    // Written aside and renamed: a version folder is either complete or absent.
    const staging = join(root, 'versions', `.staging-${name}`);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    // File names were checked by the bundle schema (YYYY.json, no path separators).
    for (const [file, json] of Object.entries(bundle.files)) writeFileSync(join(staging, file), JSON.stringify(json, null, 2), { flush: true });
    renameSync(staging, final);
  }
  const tmp = join(root, `${CURRENT_FILE}.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify({ version: bundle.version, sha256, dir: name }), { flush: true });
  renameSync(tmp, join(root, CURRENT_FILE));
  return final;
}

export interface WorkstationCalendarOptions {
  /** The shipped calendar folder (default: resources/calendar). */
  dir?: string;
  dataDir: string;
  log?: (line: string) => void;
}

/**
 * The shipped years plus the installed ones. Either part may be missing or broken (logged);
 * undefined only when neither loads. Years not covered stay uncovered: nothing is guessed.
 */
export async function loadWorkstationCalendar(o: WorkstationCalendarOptions): Promise<WorkingCalendar | undefined> {
  const log = o.log ?? (() => undefined);
  let shipped: CalendarYear[] = [];
  let pulled: CalendarYear[] = [];
  try {
    shipped = await readCalendarYears(o.dir ?? defaultCalendarDir());
  } catch (e) {
    log(`[calendar] ${(e as Error).message}`);
  }
  const installed = installedCalendarDir(o.dataDir);
  if (installed) {
    try {
      pulled = await readCalendarYears(installed);
    } catch (e) {
      log(`[calendar] 区级后台下发的工作日历无法加载，仅使用程序自带数据：${(e as Error).message}`);
    }
  }
  const years = mergeCalendarYears(shipped, pulled);
  return years.length ? createWorkingCalendar(years) : undefined;
}
