/** Calendar dates written YYYY-MM-DD (the form's `date` format): the day must exist. */
import { compact, invalid, isRealDate, type Invalid } from './common';

const SUBJECT = '日期';

export type DateErrorCode = 'EMPTY' | 'FORMAT' | 'INVALID_DATE';
export interface DateValid {
  valid: true;
  value: string;
}
export type DateResult = DateValid | Invalid<DateErrorCode>;

export function validateDate(value: string): DateResult {
  const v = compact(value);
  if (v === '') return invalid(SUBJECT, 'EMPTY', '未填写');
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return invalid(SUBJECT, 'FORMAT', `“${v}”格式不正确，应为YYYY-MM-DD，如2024-03-01`);
  if (!isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    return invalid(SUBJECT, 'INVALID_DATE', `${v}不是有效日期`);
  }
  return { valid: true, value: v };
}
