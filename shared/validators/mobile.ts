/** Mainland China mobile numbers: 11 digits, 1[3-9]xxxxxxxxx, optionally written +86 / 0086 / 86. */
import { charCount, compact, invalid, maskMiddle, type Invalid } from './common';

const SUBJECT = '手机号码';

export type MobileErrorCode = 'EMPTY' | 'CHARS' | 'LENGTH' | 'PREFIX';
export interface MobileValid {
  valid: true;
  /** The bare 11 digits. */
  value: string;
}
export type MobileInvalid = Invalid<MobileErrorCode>;
export type MobileResult = MobileValid | MobileInvalid;

/** Drops spaces, hyphens and a country prefix; returns what is left (not necessarily valid). */
function normalizeMobile(value: string): string {
  let n = compact(value).replace(/-/g, '');
  if (n.startsWith('+86')) n = n.slice(3);
  else if (n.startsWith('0086')) n = n.slice(4);
  else if (n.length === 13 && n.startsWith('86')) n = n.slice(2);
  return n;
}

export function validateMobile(value: string): MobileResult {
  const n = normalizeMobile(value);
  if (n === '') return invalid(SUBJECT, 'EMPTY', '未填写');
  const bad = Array.from(n).find((ch) => ch < '0' || ch > '9');
  if (bad !== undefined) return invalid(SUBJECT, 'CHARS', `含有无效字符“${bad}”，只能填写数字`);
  if (n.length !== 11) return invalid(SUBJECT, 'LENGTH', `应为11位，当前为${charCount(n)}位`);
  if (!/^1[3-9]/.test(n)) return invalid(SUBJECT, 'PREFIX', `应以13至19开头，当前为“${n.slice(0, 2)}”`);
  return { valid: true, value: n };
}

/** "138****5678" for a valid number; otherwise only the first and last character stay visible. */
export function maskMobile(value: string): string {
  const r = validateMobile(value);
  return r.valid ? maskMiddle(r.value, 3, 4) : maskMiddle(compact(value), 1, 1);
}
