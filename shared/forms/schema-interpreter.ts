/**
 * Form validation without code generation: the `jsonschema` package interprets the schema
 * (Ajv turns it into JavaScript source and evaluates that, which a strict Content Security
 * Policy forbids).
 * Errors come out in Ajv's shape, so `toFormErrors` / `describeFormError` word them exactly
 * as the Ajv-based validator does. No @rjsf import here: the core and back office load this.
 */
import type { ErrorObject } from 'ajv';
import { Validator, ValidatorResult, type Options, type Schema, type SchemaContext, type ValidationError } from 'jsonschema';
import { FORMAT_CHECKS, isOneWindowFormat } from './formats';
import { errorDetail } from './messages';
import { resolveRef } from './schema-walk';
import { toFormErrors, type FormValidator } from './validator';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An error in Ajv's `ErrorObject` shape (with `verbose` fields), from the interpreter. */
export interface InterpretedError extends ErrorObject {
  /** The schema object that holds the failing keyword. */
  parentSchema?: Json;
}

/**
 * Formats jsonschema may check with its own patterns: the ones ajv-formats also knows, so both
 * validators agree. Any other format name that is not ours is treated as valid.
 */
const STANDARD_FORMATS = new Set(['date-time', 'time', 'email', 'hostname', 'ipv4', 'ipv6', 'uri', 'uri-reference', 'uuid', 'regex', 'json-pointer', 'relative-json-pointer', 'uri-template']);

/** jsonschema's internals the overrides below call (not in its type declarations). */
interface ValidatorInternals {
  validateSchema(instance: unknown, schema: unknown, options: Options, ctx: SchemaContext): ValidatorResult;
}

type Attribute = (instance: unknown, schema: Json, options: Options, ctx: SchemaContext) => ValidatorResult | string | null | undefined;

/**
 * A jsonschema Validator with our formats. `format` is replaced rather than fed through
 * `customFormats`, because jsonschema's built-in `date` pattern would win over a custom `date`
 * (2023-02-29 would pass) and custom formats also receive non-strings.
 */
function createEngine(): Validator {
  const engine = new Validator();
  const attributes = engine.attributes as unknown as Record<string, Attribute>;
  const builtinFormat = attributes.format;
  const builtinOneOf = attributes.oneOf;

  attributes.format = (instance, schema, options, ctx) => {
    const name = schema.format;
    if (typeof name === 'string' && STANDARD_FORMATS.has(name)) return builtinFormat.call(engine, instance, schema, options, ctx);
    const result = new ValidatorResult(instance, schema as Schema, options, ctx);
    if (isOneWindowFormat(name) && typeof instance === 'string' && !FORMAT_CHECKS[name](instance).valid) {
      result.addError({ name: 'format', argument: name, message: `does not conform to the "${name}" format` });
    }
    return result;
  };

  // Ajv says whether no branch or several matched (`passingSchemas`); jsonschema does not.
  attributes.oneOf = (instance, schema, options, ctx) => {
    const result = builtinOneOf.call(engine, instance, schema, options, ctx);
    if (result instanceof ValidatorResult && !result.valid && Array.isArray(schema.oneOf)) {
      const self = engine as unknown as ValidatorInternals;
      const passing = schema.oneOf.flatMap((branch, i) => (self.validateSchema(instance, branch, options, ctx).valid ? [i] : []));
      for (const e of result.errors) if (e.name === 'oneOf') e.argument = passing.length > 1 ? passing : null;
    }
    return result;
  };
  return engine;
}

const engine = createEngine();

/**
 * `schema` with the root's `definitions`/`$defs` in reach, so a subschema that rjsf hands over
 * alone (`isValid(option, data, root)`) can still resolve `#/definitions/x`.
 */
export function withRootDefinitions(schema: unknown, rootSchema: unknown): unknown {
  if (!isObject(schema) || !isObject(rootSchema) || schema === rootSchema) return schema;
  const out: Json = { ...schema };
  for (const key of ['definitions', '$defs']) {
    const fromRoot = rootSchema[key];
    if (isObject(fromRoot)) out[key] = { ...fromRoot, ...(isObject(schema[key]) ? schema[key] : {}) };
  }
  return out;
}

/** JSON-pointer of every object inside `root`, for Ajv-style `schemaPath`s. Cached per root. */
const pointerCache = new WeakMap<object, Map<unknown, string>>();

function pointersOf(root: unknown): Map<unknown, string> {
  if (!isObject(root)) return new Map();
  let index = pointerCache.get(root);
  if (index) return index;
  const found = new Map<unknown, string>();
  const walk = (node: unknown, pointer: string): void => {
    if (typeof node !== 'object' || node === null || found.has(node)) return;
    found.set(node, pointer);
    const id = (node as Json).$id;
    if (typeof id === 'string' && !found.has(id)) found.set(id, pointer);
    for (const [key, child] of Object.entries(node)) walk(child, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  };
  walk(root, '#');
  index = found;
  pointerCache.set(root, index);
  return index;
}

function toPointer(path: readonly (string | number)[]): string {
  return path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** Ajv's `params` for a jsonschema error, or undefined for wrapper errors Ajv does not report. */
function ajvParams(e: ValidationError, parent: Json | undefined): Record<string, unknown> | undefined {
  const arg = e.argument as unknown;
  switch (e.name) {
    case 'allOf':
      return undefined; // a wrapper: the branch's own errors follow it
    case 'required':
      return { missingProperty: arg };
    case 'type': {
      const type = parent?.type;
      return { type: Array.isArray(type) ? type.join(',') : type };
    }
    case 'enum':
      return { allowedValues: parent?.enum };
    case 'const':
      return { allowedValue: parent?.const };
    case 'oneOf':
      return { passingSchemas: arg ?? null };
    case 'anyOf':
    case 'not':
      return {};
    case 'format':
      return { format: arg };
    case 'pattern':
      return { pattern: parent?.pattern };
    case 'additionalProperties':
      return { additionalProperty: arg };
    case 'multipleOf':
      return { multipleOf: arg };
    case 'dependencies': {
      const missing = /^property (.+) not found, required by/.exec(e.message);
      return missing ? { missingProperty: missing[1], property: String(e.path?.[e.path.length - 1] ?? '') } : undefined;
    }
    default:
      return { limit: arg };
  }
}

function toAjvError(e: ValidationError, pointers: Map<unknown, string>): InterpretedError | undefined {
  const parentRef = e.schema as unknown;
  const parent = isObject(parentRef) ? parentRef : undefined;
  const params = ajvParams(e, parent);
  if (!params) return undefined;
  const base = pointers.get(parentRef) ?? '#';
  const error: InterpretedError = {
    keyword: e.name,
    instancePath: toPointer(e.path ?? []),
    schemaPath: `${base}/${e.name}`,
    params,
    schema: parent?.[e.name],
    parentSchema: parent,
    data: e.instance,
  };
  error.message = errorDetail(error);
  return error;
}

/**
 * Validates `data` against `schema` by interpretation. `rootSchema` (default: `schema`) is where
 * `#/definitions/...` references resolve. Returns Ajv-shaped errors with Chinese `message`s
 * (details, without field labels); an empty list means valid. Throws on a broken schema
 * (e.g. an unresolvable `$ref`).
 */
export function interpretSchema(schema: unknown, data: unknown, rootSchema: unknown = schema): InterpretedError[] {
  const target = withRootDefinitions(schema, rootSchema);
  const result = engine.validate(data, target as Schema, {});
  if (result.valid) return [];
  const pointers = pointersOf(target);
  return result.errors.flatMap((e) => toAjvError(e, pointers) ?? []);
}

/** Whether `data` satisfies `schema`, without building errors; undefined when the schema cannot be evaluated. */
function verdict(schema: unknown, data: unknown, rootSchema: unknown): boolean | undefined {
  try {
    return engine.validate(data, withRootDefinitions(schema, rootSchema) as Schema, {}).valid;
  } catch {
    return undefined;
  }
}

/** True when `data` satisfies `schema`; false also when the schema cannot be evaluated. Never throws. */
export function schemaHolds(schema: unknown, data: unknown, rootSchema: unknown = schema): boolean {
  return verdict(schema, data, rootSchema) === true;
}

/**
 * The same contract as `createFormValidator()` (same paths, same Chinese messages) with no
 * code generation. Throws if the schema itself is broken.
 */
export function createInterpretedFormValidator(): FormValidator {
  return {
    validate(schema, data) {
      const errors = interpretSchema(schema, data);
      return errors.length === 0 ? { ok: true } : { ok: false, errors: toFormErrors(schema, errors) };
    },
  };
}

/* ---------- Treating untouched optional blocks as absent ---------- */

/** Decides an `if` condition for `value`; undefined when it cannot tell (both branches then count). */
export type ConditionCheck = (condition: unknown, value: unknown) => boolean | undefined;

interface Applied {
  /** The schemas that certainly apply: the schema, its allOf parts, active then/else branches. */
  direct: Json[];
  /** Those plus every oneOf/anyOf branch (used for lookups and, conservatively, for `required`). */
  all: Json[];
}

function appliedSchemas(root: unknown, schemas: readonly unknown[], value: unknown, holds: ConditionCheck): Applied {
  const direct: Json[] = [];
  const all: Json[] = [];
  const seen = new Set<Json>();
  const visit = (s: unknown, certain: boolean, depth: number): void => {
    const r = resolveRef(root, s);
    if (!isObject(r) || depth > 16 || seen.has(r)) return;
    seen.add(r);
    all.push(r);
    if (certain) direct.push(r);
    if (Array.isArray(r.allOf)) r.allOf.forEach((sub) => visit(sub, certain, depth + 1));
    for (const key of ['anyOf', 'oneOf']) {
      const list = r[key];
      if (Array.isArray(list)) list.forEach((sub) => visit(sub, false, depth + 1));
    }
    if (r.if !== undefined) {
      const verdict = holds(r.if, value);
      if (verdict !== false && r.then !== undefined) visit(r.then, certain && verdict === true, depth + 1);
      if (verdict !== true && r.else !== undefined) visit(r.else, certain && verdict === false, depth + 1);
    }
  };
  schemas.forEach((s) => visit(s, true, 0));
  return { direct, all };
}

function childSchemas(schemas: readonly Json[], key: string): unknown[] {
  return schemas.flatMap((s) => (isObject(s.properties) && s.properties[key] !== undefined ? [s.properties[key]] : []));
}

function itemSchemas(schemas: readonly Json[], index: number): unknown[] {
  return schemas.flatMap((s) => {
    const items = Array.isArray(s.items) ? (s.items[index] ?? s.additionalItems) : s.items;
    return items === undefined ? [] : [items];
  });
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Whether the clerk entered anything in `value`: blanks, empty lists and objects, and values
 * equal to the field's `default` or `const` (which rjsf fills in by itself) do not count.
 */
function hasContent(root: unknown, schemas: readonly unknown[], value: unknown, holds: ConditionCheck): boolean {
  if (isBlank(value)) return false;
  const { direct, all } = appliedSchemas(root, schemas, value, holds);
  if (direct.some((s) => ('default' in s && sameJson(s.default, value)) || ('const' in s && sameJson(s.const, value)))) return false;
  if (Array.isArray(value)) return value.some((item, i) => hasContent(root, itemSchemas(all, i), item, holds));
  if (isObject(value)) return Object.entries(value).some(([key, v]) => hasContent(root, childSchemas(all, key), v, holds));
  return true;
}

function prune(root: unknown, schemas: readonly unknown[], value: unknown, holds: ConditionCheck): unknown {
  if (Array.isArray(value)) {
    const { all } = appliedSchemas(root, schemas, value, holds);
    return value.map((item, i) => prune(root, itemSchemas(all, i), item, holds));
  }
  if (!isObject(value)) return value;
  const { all } = appliedSchemas(root, schemas, value, holds);
  const required = new Set(all.flatMap((s) => (Array.isArray(s.required) ? s.required.map(String) : [])));
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const child = childSchemas(all, key);
    if (!required.has(key)) {
      if (isBlank(v)) continue;
      // A block (object or list) only drops as a whole, and only when nothing in it was entered.
      if ((isObject(v) || Array.isArray(v)) && !hasContent(root, child, v, holds)) continue;
    }
    out[key] = prune(root, child, v, holds);
  }
  return out;
}

/**
 * A copy of `data` in which every optional property (not required by its object's schema,
 * its allOf parts or an active if/then/else branch) that holds nothing is removed: undefined,
 * null, '', and blocks (objects, lists) with nothing entered in them — e.g. the `agent: {}` rjsf
 * creates for an optional agent block whose inner fields are required. Required properties stay
 * (their errors are real), list items are never removed, and scalar values are never touched.
 * Conditions are decided with `holds` (default: the interpreter, with `schema` as root).
 * Pure: `data` is not modified.
 */
export function pruneEmptyOptional<T>(schema: object, data: T, holds?: ConditionCheck): T {
  const decide: ConditionCheck = holds ?? ((condition, value) => verdict(condition, value, schema));
  return prune(schema, [schema], data, decide) as T;
}
