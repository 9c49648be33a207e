/**
 * Form validation for item forms, shared by the renderer (before submit), the workstation
 * core (at the contract boundary: the renderer is untrusted) and the back office.
 */
import Ajv, { type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { addOneWindowFormats } from './formats';
import { dropNoise, errorDetail, labelled } from './messages';
import { fieldLabel } from './schema-walk';

export interface FormError {
  /** Dotted data path, e.g. "applicant.idNumber" or "members.0.name"; "" for the whole form. */
  path: string;
  /** Chinese, naming the field by its schema title: "公民身份号码：校验位错误，应为X". */
  message: string;
  /** The Ajv keyword that failed (required, format, type…), for callers that branch on it. */
  keyword: string;
}

export type FormValidationResult = { ok: true } | { ok: false; errors: FormError[] };

export interface FormValidator {
  /** Validates `data` against `schema` (compiled once and cached). Throws if the schema itself is broken. */
  validate(schema: object, data: unknown): FormValidationResult;
}

/** Ajv settings every form validator uses; exported so other Ajv users can match them. */
export const FORM_AJV_OPTIONS: Options = {
  allErrors: true,
  // Catalogue schemas carry UI-only words (title on consts, $comment…): accept them.
  strict: false,
  // Errors then carry the failing value and the parent schema (for reasons and titles).
  verbose: true,
};

/** A new Ajv with ajv-formats and our formats (id-card, uscc, mobile, date). */
export function createFormAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ ...FORM_AJV_OPTIONS, ...options });
  addFormats(ajv);
  addOneWindowFormats(ajv);
  return ajv;
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** One error as a clerk reads it: where it sits, which field it names, and what is wrong. */
export interface FormErrorParts {
  /** Data path segments; a `required` error points at the missing field itself. */
  segments: string[];
  /** The field's Chinese label ("家庭成员第2项 成员姓名"), if the schema gives one. */
  label: string | undefined;
  /** The Chinese detail without the label ("为必填项"). */
  detail: string;
}

/**
 * Describes one Ajv-shaped error against `schema`. Exported so other validators that produce
 * Ajv-shaped errors (the eval-free one in renderer/src/forms/rjsf-validator.ts) word them exactly like this one.
 */
export function describeFormError(schema: object, e: ErrorObject): FormErrorParts {
  const segments = pointerSegments(e.instancePath);
  let leafTitle: string | undefined;
  if (e.keyword === 'required' || e.keyword === 'dependentRequired' || e.keyword === 'dependencies') {
    const missing = String(e.params.missingProperty);
    segments.push(missing);
    const declared = (e.parentSchema as { properties?: Record<string, { title?: unknown }> } | undefined)
      ?.properties?.[missing]?.title;
    leafTitle = typeof declared === 'string' ? declared : undefined;
  } else {
    const own = (e.parentSchema as { title?: unknown } | undefined)?.title;
    leafTitle = typeof own === 'string' ? own : undefined;
  }
  return { segments, label: fieldLabel(schema, segments, leafTitle), detail: errorDetail(e) };
}

/** Turns Ajv's raw errors for `schema` into clerk-facing ones. */
export function toFormErrors(schema: object, errors: readonly ErrorObject[]): FormError[] {
  const out: FormError[] = [];
  const seen = new Set<string>();
  for (const e of dropNoise([...errors])) {
    const { segments, label, detail } = describeFormError(schema, e);
    const error: FormError = {
      path: segments.join('.'),
      message: labelled(label, detail),
      keyword: e.keyword,
    };
    const key = `${error.path}\u0000${error.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(error);
    }
  }
  return out;
}

const MAX_KEYED_SCHEMAS = 500;

/**
 * A validator that compiles each schema once: by object identity, and by its JSON text for
 * equal schemas that arrive as new objects (e.g. parsed again from the catalogue).
 */
export function createFormValidator(options: { ajv?: Ajv } = {}): FormValidator {
  const ajv = options.ajv ?? createFormAjv();
  const byIdentity = new WeakMap<object, ValidateFunction>();
  const byText = new Map<string, ValidateFunction>();

  const compile = (schema: object): ValidateFunction => {
    const cached = byIdentity.get(schema);
    if (cached) return cached;
    const text = JSON.stringify(schema);
    let fn = byText.get(text);
    if (!fn) {
      const id = (schema as { $id?: unknown }).$id;
      // A changed schema under an old $id (a new catalogue version) replaces the old one.
      if (typeof id === 'string' && ajv.getSchema(id)) ajv.removeSchema(id);
      fn = ajv.compile(schema);
      if (byText.size >= MAX_KEYED_SCHEMAS) byText.delete(byText.keys().next().value as string);
      byText.set(text, fn);
    }
    byIdentity.set(schema, fn);
    return fn;
  };

  return {
    validate(schema, data) {
      const fn = compile(schema);
      if (fn(data)) return { ok: true };
      return { ok: false, errors: toFormErrors(schema, fn.errors ?? []) };
    },
  };
}
