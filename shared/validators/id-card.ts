/**
 * 公民身份号码 (GB 11643-1999): 6-digit address code (GB/T 2260) + 8-digit birth date
 * (YYYYMMDD) + 3-digit sequence (odd = male) + check character (ISO 7064 MOD 11-2).
 */
import {
  PROVINCE_CODES,
  charCount,
  compact,
  invalid,
  isRealDate,
  isoDate,
  localIsoDate,
  maskMiddle,
  type Invalid,
} from './common';

const SUBJECT = '公民身份号码';
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
const EARLIEST_BIRTH = '1900-01-01';

export type IdCardErrorCode =
  | 'EMPTY'
  | 'LENGTH'
  | 'CHARS'
  | 'REGION'
  | 'BIRTH_DATE'
  | 'FUTURE_BIRTH'
  | 'CHECK_DIGIT';

export interface IdCardValid {
  valid: true;
  /** Normalised: whitespace removed, full-width folded, trailing x upper-cased. */
  value: string;
  /** YYYY-MM-DD. */
  birthDate: string;
  sex: 'male' | 'female';
  /** The 6-digit address code (GB/T 2260) at registration. */
  regionCode: string;
}

export type IdCardInvalid = Invalid<IdCardErrorCode>;
export type IdCardResult = IdCardValid | IdCardInvalid;

/** The ISO 7064 MOD 11-2 check character for the first 17 digits. Throws on other input. */
export function idCardCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) {
    throw new RangeError(`idCardCheckChar expects 17 digits, got "${first17}"`);
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

/**
 * Checks a 公民身份号码. `today` (default: now, local time) bounds the birth date; pass it
 * explicitly where the result must not depend on the clock.
 */
export function validateIdCard(value: string, today: Date = new Date()): IdCardResult {
  const id = compact(value).toUpperCase();
  if (id === '') return invalid(SUBJECT, 'EMPTY', '未填写');

  const length = charCount(id);
  if (length !== 18) {
    const hint = length === 15 && /^\d{15}$/.test(id) ? '（15位旧号码已停用，请填写18位号码）' : '';
    return invalid(SUBJECT, 'LENGTH', `应为18位，当前为${length}位${hint}`);
  }

  for (let i = 0; i < 18; i++) {
    const ch = id[i];
    const ok = i < 17 ? ch >= '0' && ch <= '9' : (ch >= '0' && ch <= '9') || ch === 'X';
    if (!ok) {
      const rule = i < 17 ? '前17位只能是数字' : '第18位只能是数字或X';
      return invalid(SUBJECT, 'CHARS', `第${i + 1}位“${ch}”不是有效字符，${rule}`);
    }
  }

  const regionCode = id.slice(0, 6);
  if (!PROVINCE_CODES.has(regionCode.slice(0, 2))) {
    return invalid(SUBJECT, 'REGION', `地址码“${regionCode}”无效，前两位不是省级行政区划代码`);
  }

  const raw = id.slice(6, 14);
  const year = Number(raw.slice(0, 4));
  const month = Number(raw.slice(4, 6));
  const day = Number(raw.slice(6, 8));
  if (!isRealDate(year, month, day)) {
    return invalid(SUBJECT, 'BIRTH_DATE', `出生日期“${raw}”不是有效日期`);
  }
  const birthDate = isoDate(year, month, day);
  if (birthDate < EARLIEST_BIRTH) {
    return invalid(SUBJECT, 'BIRTH_DATE', `出生日期${birthDate}早于1900年`);
  }
  if (birthDate > localIsoDate(today)) {
    return invalid(SUBJECT, 'FUTURE_BIRTH', `出生日期${birthDate}晚于今天`);
  }

  const expected = idCardCheckChar(id.slice(0, 17));
  if (id[17] !== expected) {
    return invalid(SUBJECT, 'CHECK_DIGIT', `校验位错误，应为${expected}`);
  }

  return {
    valid: true,
    value: id,
    birthDate,
    sex: Number(id[16]) % 2 === 1 ? 'male' : 'female',
    regionCode,
  };
}

/**
 * For lists and logs (PIPL): an 18-character number keeps its first 4 and last 4 characters
 * ("3201**********1234"); anything else keeps only its first and last character.
 */
export function maskIdNumber(value: string): string {
  const id = compact(value);
  return charCount(id) === 18 ? maskMiddle(id.toUpperCase(), 4, 4) : maskMiddle(id, 1, 1);
}
