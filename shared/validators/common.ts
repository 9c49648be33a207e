/**
 * Pieces shared by the standard-number validators. Pure TypeScript: this folder runs in the
 * renderer, the workstation core and the back office alike (no Node, no DOM).
 */

/** A failed check. `reason` is a full Chinese sentence naming the subject ("公民身份号码应为18位…");
 * `detail` is the same without the subject, for messages that already name the field
 * ("经办人公民身份号码：应为18位…"). */
export interface Invalid<Code extends string> {
  valid: false;
  code: Code;
  reason: string;
  detail: string;
}

export function invalid<Code extends string>(subject: string, code: Code, detail: string): Invalid<Code> {
  return { valid: false, code, reason: subject + detail, detail };
}

/**
 * Clerks type with Chinese IMEs: full-width digits and letters (１２Ｘ) and full-width spaces
 * are folded to ASCII by NFKC; all whitespace is then dropped.
 */
export function compact(value: string): string {
  return String(value ?? '')
    .normalize('NFKC')
    .replace(/\s+/g, '');
}

/** Number of user-visible characters (code points), for "当前为N位". */
export function charCount(value: string): number {
  return Array.from(value).length;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** True when year-month-day is a day that exists in the proleptic Gregorian calendar. */
export function isRealDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const days = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= days[month - 1];
}

export function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The local calendar day of `date` as YYYY-MM-DD (the counter PC runs on Beijing time). */
export function localIsoDate(date: Date): string {
  return isoDate(date.getFullYear(), date.getMonth() + 1, date.getDate());
}

/**
 * First two digits of GB/T 2260 codes: the 34 provincial-level divisions. 71/81/82 are
 * Taiwan, Hong Kong and Macao; 83 appears in residence permits for Taiwan residents.
 */
export const PROVINCE_CODES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15',
  '21', '22', '23',
  '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54',
  '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
]);

/** Keeps `head` leading and `tail` trailing characters and stars the rest (length preserved). */
export function maskMiddle(value: string, head: number, tail: number): string {
  const chars = Array.from(value);
  if (chars.length === 0) return '';
  if (chars.length <= head + tail) {
    // Too short to hide anything while showing both ends: show at most one end character.
    if (chars.length <= 2) return '*'.repeat(chars.length);
    return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1];
  }
  return chars.slice(0, head).join('') + '*'.repeat(chars.length - head - tail) + chars.slice(chars.length - tail).join('');
}
