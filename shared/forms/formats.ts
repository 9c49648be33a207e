/**
 * The JSON-Schema formats item forms use, backed by the standard-number validators, so a form
 * field and a direct `validateValue` call can never disagree.
 */
import type Ajv from 'ajv';
import { validateDate, validateIdCard, validateMobile, validateUscc } from '../validators';

export const ONE_WINDOW_FORMATS = ['id-card', 'uscc', 'mobile', 'date'] as const;
export type OneWindowFormat = (typeof ONE_WINDOW_FORMATS)[number];

type Check = (value: string) => { valid: true } | { valid: false; detail: string };

/** Format name → validator; failures carry the validator's Chinese detail ("校验位错误，应为X"). */
export const FORMAT_CHECKS: Readonly<Record<OneWindowFormat, Check>> = {
  'id-card': (v) => validateIdCard(v),
  uscc: (v) => validateUscc(v),
  mobile: (v) => validateMobile(v),
  date: (v) => validateDate(v),
};

/** Generic wording when the failing value is not at hand (e.g. @rjsf errors without data). */
export const FORMAT_NAMES: Readonly<Record<string, string>> = {
  'id-card': '公民身份号码',
  uscc: '统一社会信用代码',
  mobile: '手机号码',
  date: '日期（YYYY-MM-DD）',
  'date-time': '日期时间',
  time: '时间',
  email: '电子邮箱',
  uri: '网址',
  url: '网址',
  ipv4: 'IPv4地址',
  ipv6: 'IPv6地址',
};

export function isOneWindowFormat(name: unknown): name is OneWindowFormat {
  return typeof name === 'string' && (ONE_WINDOW_FORMATS as readonly string[]).includes(name);
}

/** For @rjsf/validator-ajv8: `customizeValidator({ customFormats }, localizeFormErrors)`. */
export const customFormats: Record<OneWindowFormat, (value: string) => boolean> = {
  'id-card': (v) => FORMAT_CHECKS['id-card'](v).valid,
  uscc: (v) => FORMAT_CHECKS.uscc(v).valid,
  mobile: (v) => FORMAT_CHECKS.mobile(v).valid,
  date: (v) => FORMAT_CHECKS.date(v).valid,
};

/** Registers id-card, uscc, mobile and date (replacing ajv-formats' date) on `ajv`; returns it. */
export function addOneWindowFormats(ajv: Ajv): Ajv {
  for (const name of ONE_WINDOW_FORMATS) {
    ajv.addFormat(name, { type: 'string', validate: customFormats[name] });
  }
  return ajv;
}
