/**
 * Chinese wording for Ajv errors. ajv-i18n's zh localizer is the base; the keywords a clerk
 * meets every day get plainer sentences, and format errors on our formats carry the
 * validator's own reason ("校验位错误，应为X").
 */
import type { ErrorObject } from 'ajv';
import localizeZh from 'ajv-i18n/localize/zh';
import { FORMAT_CHECKS, FORMAT_NAMES, isOneWindowFormat } from './formats';

const TYPE_NAMES: Record<string, string> = {
  string: '文本',
  integer: '整数',
  number: '数字',
  boolean: '是或否',
  object: '一组填写项',
  array: '列表',
  null: '空值',
};

const CHOOSE_FROM_LIST = '不在可选范围内，请从列表中选择';

/** What an error needs for its wording: Ajv's ErrorObject and @rjsf's errors both fit. */
export interface ErrorLike {
  keyword: string;
  params?: Record<string, unknown>;
  /** The failing value; present with Ajv's `verbose` option. */
  data?: unknown;
  /** The keyword's value (e.g. the oneOf list); present with `verbose`. */
  schema?: unknown;
  message?: string;
}

function typeNames(type: unknown): string {
  const list = Array.isArray(type) ? type : String(type ?? '').split(',');
  return list.map((t) => TYPE_NAMES[String(t).trim()] ?? String(t)).join('或');
}

function isConstList(list: unknown): boolean {
  return Array.isArray(list) && list.length > 0 && list.every((s) => typeof s === 'object' && s !== null && 'const' in s);
}

/** True when `message` is Ajv's or ajv-i18n's generic format sentence (no specific reason). */
export function isGenericFormatMessage(message: string | undefined): boolean {
  return !message || /must match format|应当匹配格式/.test(message);
}

/**
 * The Chinese detail for one error, without the field's name: "为必填项", "应为整数",
 * "校验位错误，应为X". Pure: does not touch `error`.
 */
export function errorDetail(error: ErrorLike): string {
  const p = error.params ?? {};
  switch (error.keyword) {
    case 'required':
      return '为必填项';
    case 'type':
      return `应为${typeNames(p.type)}`;
    case 'enum':
      return CHOOSE_FROM_LIST;
    case 'const':
      return `应为“${String(p.allowedValue)}”`;
    case 'oneOf':
      if (Array.isArray(p.passingSchemas)) return '同时符合多个可选项，无法确定';
      return isConstList(error.schema) || error.schema === undefined ? CHOOSE_FROM_LIST : '不符合任何一种填写方式';
    case 'anyOf':
      return isConstList(error.schema) ? CHOOSE_FROM_LIST : '不符合任何一种填写方式';
    case 'minimum':
      return `不应小于${String(p.limit)}`;
    case 'maximum':
      return `不应大于${String(p.limit)}`;
    case 'exclusiveMinimum':
      return `应大于${String(p.limit)}`;
    case 'exclusiveMaximum':
      return `应小于${String(p.limit)}`;
    case 'minLength':
      return `不应少于${String(p.limit)}个字符`;
    case 'maxLength':
      return `不应多于${String(p.limit)}个字符`;
    case 'minItems':
      return `至少应填写${String(p.limit)}项`;
    case 'maxItems':
      return `最多只能填写${String(p.limit)}项`;
    case 'pattern':
      return '格式不正确';
    case 'additionalProperties':
      return `不应包含未定义的字段“${String(p.additionalProperty)}”`;
    case 'format': {
      const format = String(p.format);
      if (isOneWindowFormat(format) && typeof error.data === 'string') {
        const result = FORMAT_CHECKS[format](error.data);
        if (!result.valid) return result.detail;
      }
      if (isOneWindowFormat(format) && !isGenericFormatMessage(error.message)) return error.message as string;
      return FORMAT_NAMES[format] ? `不是有效的${FORMAT_NAMES[format]}` : '格式不正确';
    }
    default: {
      const copy = { ...error, params: { ...p }, message: undefined } as unknown as ErrorObject;
      localizeZh([copy]);
      return copy.message ?? '填写有误';
    }
  }
}

/**
 * An Ajv `Localizer`: rewrites each error's `message` to its Chinese detail. Pass it to
 * @rjsf/validator-ajv8's `customizeValidator(options, localizeFormErrors)` (rjsf turns on Ajv's
 * `verbose`, so format errors get the validator's exact reason).
 */
export function localizeFormErrors(errors?: null | ErrorObject[]): void {
  for (const e of errors ?? []) e.message = errorDetail(e);
}

/** "公民身份号码：校验位错误，应为X"; just the detail when the field has no title. */
export function labelled(label: string | undefined, detail: string): string {
  if (!label) return detail;
  return detail.startsWith(`${label}：`) ? detail : `${label}：${detail}`;
}

/**
 * Drops errors a clerk should not see: `if` (its `then` errors say what is wrong) and the
 * per-branch errors under a failed oneOf/anyOf (the oneOf error itself says it once).
 */
export function dropNoise<T extends { keyword?: string; name?: string; schemaPath?: string }>(errors: T[]): T[] {
  const kw = (e: T) => e.keyword ?? e.name;
  const branchRoots = errors
    .filter((e) => (kw(e) === 'oneOf' || kw(e) === 'anyOf') && e.schemaPath)
    .map((e) => `${e.schemaPath}/`);
  return errors.filter((e) => {
    if (kw(e) === 'if') return false;
    const path = e.schemaPath;
    return !(path && branchRoots.some((root) => path.startsWith(root)));
  });
}
