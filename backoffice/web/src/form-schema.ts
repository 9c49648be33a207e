/**
 * The item's form schema, for field titles. Cases reach the back office with their form data
 * only (no schema), so the titles come from the catalogue bundled at build time
 * (resources/catalog), one department file loaded on demand, and only when the item code AND
 * version match the case: a newer or unknown item falls back to the raw field keys.
 */
import { resolveRef } from '../../../shared/forms/schema-walk';

type Json = Record<string, unknown>;

interface CatalogItem {
  code: string;
  version: number;
  form?: { schema?: Json };
}

const catalogFiles = import.meta.glob<{ items: CatalogItem[] }>(['../../../resources/catalog/*.json', '!../../../resources/catalog/departments.json', '!../../../resources/catalog/_common.json']);
const commonFile = import.meta.glob<{ definitions: Json }>('../../../resources/catalog/_common.json');

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The schema of the item's form with the shared blocks ($ref "#/definitions/…") in place. */
export async function loadFormSchema(itemCode: string, itemVersion: number): Promise<Json | undefined> {
  const department = /^[A-Z]{2}-([A-Z]{2,8})-/.exec(itemCode)?.[1]?.toLowerCase();
  if (!department) return undefined;
  const loadFile = Object.entries(catalogFiles).find(([path]) => path.endsWith(`/${department}.json`))?.[1];
  if (!loadFile) return undefined;
  const [file, common] = await Promise.all([loadFile(), Object.values(commonFile)[0]?.()]);
  const item = file.items.find((i) => i.code === itemCode && i.version === itemVersion);
  const schema = item?.form?.schema;
  if (!isObject(schema)) return undefined;
  const own = isObject(schema.definitions) ? schema.definitions : {};
  return { ...schema, definitions: { ...(common?.definitions ?? {}), ...own } };
}

/** Every subschema that may describe `key` of an object (properties, allOf/anyOf/oneOf, if/then/else). */
export function childSchema(root: Json | undefined, schema: unknown, key: string): Json | undefined {
  if (!root) return undefined;
  const found: Json[] = [];
  const visit = (s: unknown, depth: number): void => {
    const r = resolveRef(root, s);
    if (!isObject(r) || depth > 8) return;
    if (isObject(r.properties) && key in r.properties) {
      const child = resolveRef(root, r.properties[key]);
      if (isObject(child)) found.push(child);
    }
    for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = r[k];
      if (Array.isArray(list)) list.forEach((sub) => visit(sub, depth + 1));
    }
    if (r.then !== undefined) visit(r.then, depth + 1);
    if (r.else !== undefined) visit(r.else, depth + 1);
  };
  visit(schema, 0);
  // Merge what the branches say; the first title wins.
  return found.length ? Object.assign({}, ...[...found].reverse()) : undefined;
}

/** The schema of an array's items. */
export function itemSchema(root: Json | undefined, schema: Json | undefined): Json | undefined {
  if (!root || !schema) return undefined;
  const items = resolveRef(root, schema.items);
  return isObject(items) ? items : undefined;
}

/** Property order: the schema's (through its branches) first, then any other keys in the data. */
export function orderedKeys(root: Json | undefined, schema: Json | undefined, data: Json): string[] {
  const order: string[] = [];
  const visit = (s: unknown, depth: number): void => {
    const r = root ? resolveRef(root, s) : s;
    if (!isObject(r) || depth > 8) return;
    if (isObject(r.properties)) order.push(...Object.keys(r.properties));
    for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = r[k];
      if (Array.isArray(list)) list.forEach((sub) => visit(sub, depth + 1));
    }
    if (r.then !== undefined) visit(r.then, depth + 1);
    if (r.else !== undefined) visit(r.else, depth + 1);
  };
  visit(schema, 0);
  const present = new Set(Object.keys(data));
  const known = [...new Set(order)].filter((k) => present.has(k));
  return [...known, ...Object.keys(data).filter((k) => !known.includes(k))];
}

/** The option title of an enum value ("general" → "普通注销"), when the schema names it. */
export function optionTitle(schema: Json | undefined, value: unknown): string | undefined {
  const options = schema?.oneOf ?? schema?.anyOf;
  if (!Array.isArray(options)) return undefined;
  const match = options.find((o) => isObject(o) && o.const === value && typeof o.title === 'string') as Json | undefined;
  return match?.title as string | undefined;
}
