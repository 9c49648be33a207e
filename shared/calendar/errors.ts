/**
 * Typed errors of the working-day calendar. Each carries a stable `code` that callers
 * (CLI, IPC, HTTP) can pass on as-is; `message` is Chinese and shown to people.
 */
export type CalendarErrorCode = 'OUT_OF_RANGE' | 'INVALID_DATE' | 'INVALID_ARGUMENT' | 'INVALID_CALENDAR';

export class CalendarError extends Error {
  readonly code: CalendarErrorCode;
  constructor(code: CalendarErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The date falls in a year the holiday data does not cover: we never guess. */
export class CalendarRangeError extends CalendarError {
  readonly year: number;
  constructor(year: number) {
    super('OUT_OF_RANGE', `工作日历未包含${year}年，请更新节假日数据`);
    this.year = year;
  }
}

/** Not a 'YYYY-MM-DD' string naming a real calendar day. */
export class CalendarDateError extends CalendarError {
  readonly input: unknown;
  constructor(input: unknown) {
    super('INVALID_DATE', `日期无效：“${String(input)}”，应为 YYYY-MM-DD 格式的真实日期`);
    this.input = input;
  }
}

/** A bad count of working days (negative, fractional, not a number). */
export class CalendarArgumentError extends CalendarError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

/** The holiday data itself is wrong. `problems` lists every fault found, `file` names the file when loaded from disk. */
export class CalendarDataError extends CalendarError {
  readonly problems: string[];
  readonly file?: string;
  constructor(message: string, options: { problems?: string[]; file?: string } = {}) {
    super('INVALID_CALENDAR', message);
    this.problems = options.problems ?? [message];
    this.file = options.file;
  }
}

export function isCalendarError(e: unknown): e is CalendarError {
  return e instanceof CalendarError;
}
