/**
 * 统一社会信用代码 (GB 32100-2015): registration authority (1) + entity type (1) + division
 * code of the registering authority (6, GB/T 2260) + organization code (9, GB 11714, with
 * its own check character) + check character (1, MOD 31 over the 31-character alphabet).
 */
import { PROVINCE_CODES, charCount, compact, invalid, type Invalid } from './common';

const SUBJECT = '统一社会信用代码';
/** The code's alphabet: digits and upper-case letters without I, O, Z, S, V. */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const FORBIDDEN_LETTERS = 'IOZSV';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** Registration authorities (登记管理部门) assigned by GB 32100 and its amendments. */
export const USCC_AUTHORITIES: Readonly<Record<string, string>> = {
  '1': '机构编制',
  '2': '外交',
  '3': '司法行政',
  '4': '文化',
  '5': '民政',
  '6': '旅游',
  '7': '宗教',
  '8': '工会',
  '9': '市场监督管理（工商）',
  A: '中央军委改革和编制办公室',
  N: '农业',
  Y: '其他',
};

export type UsccErrorCode =
  | 'EMPTY'
  | 'LENGTH'
  | 'CHARS'
  | 'AUTHORITY'
  | 'DIVISION'
  | 'ORG_CODE_CHECK'
  | 'CHECK_CHAR';

export interface UsccValid {
  valid: true;
  /** Normalised: whitespace removed, full-width folded, upper-cased. */
  value: string;
  /** Character 1, e.g. "9" (市场监督管理). */
  authority: string;
  /** Character 2, e.g. "1" (企业, under authority 9). */
  entityType: string;
  /** Characters 3–8. */
  divisionCode: string;
  /** Characters 9–17, the GB 11714 organization code. */
  orgCode: string;
}

export type UsccInvalid = Invalid<UsccErrorCode>;
export type UsccResult = UsccValid | UsccInvalid;

/** GB 11714 character value: digits 0–9, letters A=10 … Z=35 (the full Latin alphabet). */
function orgCharValue(ch: string): number {
  return ch >= '0' && ch <= '9' ? ch.charCodeAt(0) - 48 : ch.charCodeAt(0) - 55;
}

/** The GB 11714 check character for an organization code body of 8 digits/letters. */
export function orgCodeCheckChar(first8: string): string {
  if (!/^[0-9A-Z]{8}$/.test(first8)) {
    throw new RangeError(`orgCodeCheckChar expects 8 digits or upper-case letters, got "${first8}"`);
  }
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += orgCharValue(first8[i]) * ORG_WEIGHTS[i];
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** The final check character for the first 17 characters. Throws on other input. */
export function usccCheckChar(first17: string): string {
  if (first17.length !== 17 || [...first17].some((ch) => !USCC_ALPHABET.includes(ch))) {
    throw new RangeError(`usccCheckChar expects 17 characters of ${USCC_ALPHABET}, got "${first17}"`);
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i]) * WEIGHTS[i];
  const c = 31 - (sum % 31);
  return USCC_ALPHABET[c === 31 ? 0 : c];
}

export function validateUscc(value: string): UsccResult {
  const code = compact(value).toUpperCase();
  if (code === '') return invalid(SUBJECT, 'EMPTY', '未填写');

  const length = charCount(code);
  if (length !== 18) return invalid(SUBJECT, 'LENGTH', `应为18位，当前为${length}位`);

  for (let i = 0; i < 18; i++) {
    const ch = code[i];
    if (FORBIDDEN_LETTERS.includes(ch)) {
      return invalid(SUBJECT, 'CHARS', `第${i + 1}位含有字母“${ch}”，统一社会信用代码不使用字母I、O、Z、S、V`);
    }
    if (!USCC_ALPHABET.includes(ch)) {
      return invalid(SUBJECT, 'CHARS', `第${i + 1}位“${ch}”不是有效字符，只能是数字或大写字母`);
    }
  }

  const authority = code[0];
  if (!(authority in USCC_AUTHORITIES)) {
    return invalid(SUBJECT, 'AUTHORITY', `第1位登记管理部门代码“${authority}”无效`);
  }

  const divisionCode = code.slice(2, 8);
  // "10xxxx" marks units registered at national level.
  if (!/^\d{6}$/.test(divisionCode) || !(PROVINCE_CODES.has(divisionCode.slice(0, 2)) || divisionCode.startsWith('10'))) {
    return invalid(SUBJECT, 'DIVISION', `第3至8位行政区划码“${divisionCode}”无效，应为6位行政区划代码`);
  }

  const orgCode = code.slice(8, 17);
  const orgCheck = orgCodeCheckChar(orgCode.slice(0, 8));
  if (orgCode[8] !== orgCheck) {
    return invalid(SUBJECT, 'ORG_CODE_CHECK', `第9至17位组织机构代码“${orgCode}”的校验位错误，第17位应为${orgCheck}`);
  }

  const expected = usccCheckChar(code.slice(0, 17));
  if (code[17] !== expected) {
    return invalid(SUBJECT, 'CHECK_CHAR', `校验码错误，第18位应为${expected}`);
  }

  return { valid: true, value: code, authority, entityType: code[1], divisionCode, orgCode };
}
