/**
 * `onewindow calendar …` subcommands. Exit codes: 0 done, 1 the date cannot be computed
 * (bad date, year without holiday data, broken data files), 2 bad usage.
 */
import { isCalendarError } from '../../shared/calendar';
import { loadWorkingCalendar } from './index';

export interface CalendarCommandIO {
  stdout(s: string): void;
  stderr(s: string): void;
}

export interface CalendarCommandOptions {
  /** Directory of the YYYY.json files; defaults to the repository's resources/calendar. */
  calendarDir?: string;
}

export const CALENDAR_USAGE = '用法：onewindow calendar add-working-days <日期 YYYY-MM-DD> <工作日数 n> [--json]';

/**
 * Runs `calendar add-working-days <YYYY-MM-DD> <n> [--json]`. `argv` may start with the
 * word "calendar" or directly with the subcommand. Prints the resulting date (with --json:
 * `{"date":"YYYY-MM-DD"}`) and resolves to the exit code.
 */
export async function runCalendarCommand(
  argv: string[],
  io: CalendarCommandIO,
  options: CalendarCommandOptions = {},
): Promise<number> {
  const args = argv[0] === 'calendar' ? argv.slice(1) : [...argv];
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${CALENDAR_USAGE}\n`);
    return 0;
  }
  const json = args.includes('--json');
  const rest = args.filter((a) => a !== '--json');
  const [command, date, count, ...extra] = rest;

  const usage = (why: string): number => {
    io.stderr(`${why}\n${CALENDAR_USAGE}\n`);
    return 2;
  };
  if (command === undefined) return usage('缺少子命令。');
  if (command !== 'add-working-days') return usage(`未知的子命令：${command}。`);
  const unknown = rest.find((a) => a.startsWith('-') && !/^-?\d+$/.test(a));
  if (unknown !== undefined) return usage(`未知的选项：${unknown}。`);
  if (date === undefined || count === undefined) return usage('缺少参数。');
  if (extra.length > 0) return usage(`多余的参数：${extra.join(' ')}。`);
  if (!/^\d+$/.test(count) || !Number.isSafeInteger(Number(count))) {
    return usage(`工作日数应为非负整数：${count}。`);
  }

  try {
    const calendar = await loadWorkingCalendar(options.calendarDir);
    const result = calendar.addWorkingDays(date, Number(count));
    io.stdout(json ? `${JSON.stringify({ date: result })}\n` : `${result}\n`);
    return 0;
  } catch (e) {
    if (!isCalendarError(e)) throw e;
    if (json) io.stdout(`${JSON.stringify({ error: e.code, message: e.message })}\n`);
    else io.stderr(`错误：${e.message}\n`);
    return 1;
  }
}
