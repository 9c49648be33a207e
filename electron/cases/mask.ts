/**
 * Masking of personal data on the way out of read paths (cases.get): every field the item's
 * form declares with the `id-card` or `mobile` format is masked with the shared helpers, the
 * detail of every address block is cut to its first characters, and any ID or mobile number
 * left in other text (undeclared fields, timeline details) is masked too. Over-masking is
 * fine; the full value is one audited `pii.reveal` away for a supervisor.
 */
import { resolveRef } from '../../shared/forms';
import { maskIdNumber, maskMobile } from '../../shared/validators';
import { maskMiddle } from '../../shared/validators/common';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** 18/15-digit ID numbers and mainland mobiles inside free text (not part of longer digit runs). */
const ID_IN_TEXT = /(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])/g;
const MOBILE_IN_TEXT = /(?<!\d)1[3-9]\d{9}(?!\d)/g;

/** Characters of an address's 详细地址 left visible (the 所在区划 is its own field). */
const ADDRESS_VISIBLE = 3;

/** Masks ID and mobile numbers found anywhere in `text`. */
function maskText(text: string): string {
  return text.replace(ID_IN_TEXT, (m) => maskIdNumber(m)).replace(MOBILE_IN_TEXT, (m) => maskMobile(m));
}

function maskAddressDetail(text: string): string {
  return maskMiddle(text, ADDRESS_VISIBLE, 0);
}

/** Every property schema `schema` may give to `key`, through $ref, allOf/anyOf/oneOf and if/then/else. */
function propertySchemas(root: Json, schema: unknown, key: string, depth = 0): Json[] {
  const s = resolveRef(root, schema);
  if (!isObject(s) || depth > 8) return [];
  const out: Json[] = [];
  if (isObject(s.properties) && key in s.properties) out.push(s.properties[key] as Json);
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = s[k];
    if (Array.isArray(list)) for (const sub of list) out.push(...propertySchemas(root, sub, key, depth + 1));
  }
  for (const k of ['then', 'else'] as const) if (s[k] !== undefined) out.push(...propertySchemas(root, s[k], key, depth + 1));
  return out;
}

function isAddressSchema(root: Json, schemas: Json[]): boolean {
  return schemas.some((raw) => {
    if (typeof raw.$ref === 'string' && /\/address$/.test(raw.$ref)) return true;
    const s = resolveRef(root, raw);
    return isObject(s) && isObject(s.properties) && 'division' in s.properties && 'detail' in s.properties;
  });
}

function formatOf(root: Json, schemas: Json[]): string | undefined {
  for (const raw of schemas) {
    const s = resolveRef(root, raw);
    if (isObject(s) && typeof s.format === 'string') return s.format;
  }
  return undefined;
}

/** Known keys of the shared blocks (person, agent), for data whose schema is gone or undeclared. */
const KEY_FORMATS: Record<string, 'id-card' | 'mobile'> = { idNumber: 'id-card', mobile: 'mobile' };

/**
 * A deep copy of `formData` with ID numbers, mobile numbers and address details masked, guided
 * by the item's form schema (`null` when the item's version is no longer known: keys and
 * patterns still catch the shared blocks).
 */
export function maskFormData(formSchema: Json | null, formData: Json): Json {
  const root = formSchema ?? {};
  const walk = (value: unknown, schemas: Json[], key: string | null, inAddress: boolean): unknown => {
    if (typeof value === 'string') {
      const format = formatOf(root, schemas) ?? (key ? KEY_FORMATS[key] : undefined);
      if (format === 'id-card') return maskIdNumber(value);
      if (format === 'mobile') return maskMobile(value);
      if (inAddress && key === 'detail') return maskAddressDetail(value);
      return maskText(value);
    }
    if (Array.isArray(value)) {
      const items = schemas.flatMap((raw) => {
        const s = resolveRef(root, raw);
        return isObject(s) && isObject(s.items) ? [s.items as Json] : [];
      });
      return value.map((v) => walk(v, items, null, false));
    }
    if (isObject(value)) {
      const address = isAddressSchema(root, schemas) || ('division' in value && 'detail' in value);
      const out: Json = {};
      for (const [k, v] of Object.entries(value)) out[k] = walk(v, schemas.flatMap((s) => propertySchemas(root, s, k)), k, address);
      return out;
    }
    return value;
  };
  return walk(formData, [root], null, false) as Json;
}

/** Timeline details are written masked; this catches anything that was not (older entries, the back office). */
export function maskDetail(detail: Json): Json {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return maskText(v);
    if (Array.isArray(v)) return v.map(walk);
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(detail) as Json;
}
