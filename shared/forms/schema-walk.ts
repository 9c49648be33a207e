/** Finding the schema (and its Chinese title) behind a data path, through $ref and allOf/if/then. */

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Resolves a local `$ref` ("#/definitions/person", "#/$defs/x") against the root; other refs stay as they are. */
export function resolveRef(root: unknown, schema: unknown, depth = 0): unknown {
  if (!isObject(schema) || typeof schema.$ref !== 'string' || !schema.$ref.startsWith('#') || depth > 16) {
    return schema;
  }
  let target: unknown = root;
  const pointer = schema.$ref.slice(1);
  for (const raw of pointer.split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    target = isObject(target) || Array.isArray(target) ? (target as Json)[key] : undefined;
  }
  return target === undefined ? schema : resolveRef(root, target, depth + 1);
}

/** Every subschema that may describe `segment` of data validated by `schema`. */
function childSchemas(root: unknown, schema: unknown, segment: string): Json[] {
  const out: Json[] = [];
  const visit = (s: unknown, depth: number): void => {
    const r = resolveRef(root, s);
    if (!isObject(r) || depth > 8) return;
    const props = r.properties;
    if (isObject(props) && segment in props) {
      const child = resolveRef(root, props[segment]);
      if (isObject(child)) out.push(child);
    }
    if (/^\d+$/.test(segment)) {
      const items = Array.isArray(r.prefixItems) ? r.prefixItems : r.items;
      const child = resolveRef(root, Array.isArray(items) ? items[Number(segment)] : items);
      if (isObject(child)) out.push(child);
    }
    for (const key of ['allOf', 'anyOf', 'oneOf']) {
      const list = r[key];
      if (Array.isArray(list)) list.forEach((sub) => visit(sub, depth + 1));
    }
    if (r.then !== undefined) visit(r.then, depth + 1);
    if (r.else !== undefined) visit(r.else, depth + 1);
  };
  visit(schema, 0);
  return out;
}

function titleOf(schemas: Json[]): string | undefined {
  const withTitle = schemas.find((s) => typeof s.title === 'string' && s.title.trim() !== '');
  return withTitle?.title as string | undefined;
}

/**
 * A Chinese label for the field at `segments`: its schema title, prefixed with the list item
 * it sits in ("家庭成员第2项 姓名"). `leafTitle` overrides the title found for the last segment.
 */
export function fieldLabel(root: unknown, segments: readonly string[], leafTitle?: string): string | undefined {
  const top = resolveRef(root, root);
  let current: Json[] = isObject(top) ? [top] : [];
  let title = titleOf(current);
  let itemLabel: string | undefined;
  for (const segment of segments) {
    const next = current.flatMap((s) => childSchemas(root, s, segment));
    if (/^\d+$/.test(segment)) itemLabel = `${title ?? '列表'}第${Number(segment) + 1}项`;
    current = next;
    title = titleOf(next);
  }
  const lastIsIndex = segments.length > 0 && /^\d+$/.test(segments[segments.length - 1]);
  const leaf = leafTitle ?? (lastIsIndex ? undefined : title);
  const label = [itemLabel, leaf].filter(Boolean).join(' ');
  return label === '' ? undefined : label;
}
