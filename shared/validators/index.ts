/** Standard-number validators (公民身份号码, 统一社会信用代码, 手机号码, 日期). Pure: runs anywhere. */
import { validateDate, type DateResult } from './date';
import { validateIdCard, type IdCardResult } from './id-card';
import { validateMobile, type MobileResult } from './mobile';
import { validateUscc, type UsccResult } from './uscc';

export type { Invalid } from './common';
export { isRealDate, isLeapYear } from './common';
export * from './id-card';
export * from './uscc';
export * from './mobile';
export * from './date';

export type ValueKind = 'id-card' | 'uscc' | 'mobile' | 'date';

export type ValueResult<K extends ValueKind> = K extends 'id-card'
  ? IdCardResult
  : K extends 'uscc'
    ? UsccResult
    : K extends 'mobile'
      ? MobileResult
      : DateResult;

/** Validates `value` as the given kind; every result has `valid`, and failures a Chinese `reason`. */
export function validateValue<K extends ValueKind>(kind: K, value: string): ValueResult<K> {
  switch (kind) {
    case 'id-card':
      return validateIdCard(value) as ValueResult<K>;
    case 'uscc':
      return validateUscc(value) as ValueResult<K>;
    case 'mobile':
      return validateMobile(value) as ValueResult<K>;
    case 'date':
      return validateDate(value) as ValueResult<K>;
    default:
      throw new RangeError(`unknown value kind: ${String(kind)}`);
  }
}
