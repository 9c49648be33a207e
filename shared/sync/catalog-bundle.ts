/**
 * Catalogue distribution: the checks every catalogue must pass (the workstation's loader and
 * the back office's `catalog publish` run the very same code) and the bundle a published
 * version travels in. Pure (no Node): files come in already read.
 *
 * Not re-exported from shared/sync/index.ts on purpose: it pulls in Ajv, which the reviewers'
 * web UI does not need.
 *
 * Bundle (UTF-8 JSON, stored as a blob and announced with `catalog-updated`):
 * { "format": "onewindow-catalog/1", "version": "2026.03.1", "createdAt": "…Z",
 *   "files": { "departments.json": {…}, "_common.json": {…}, "scjg.json": {…}, … } }
 */
import Ajv from 'ajv';
import { z } from 'zod';
import {
  catalogFileSchema,
  departmentSchema,
  itemDefinitionSchema,
  type Department,
  type ItemDefinition,
} from '../catalog/item-definition';

export interface CatalogProblem {
  file: string;
  itemCode?: string;
  field?: string;
  message: string;
}

export interface CheckedItem extends ItemDefinition {
  /** The form schema with the shared definitions it refers to copied in. */
  resolvedSchema: Record<string, unknown>;
  file: string;
}

export interface CheckedCatalog {
  departments: Department[];
  items: CheckedItem[];
  problems: CatalogProblem[];
}

/** One department file as read: its parsed JSON, or why it could not be parsed. */
export type CatalogFileInput = { name: string; json: unknown } | { name: string; error: string };

const FORMATS = ['id-card', 'uscc', 'mobile', 'date'];

function refsIn(node: unknown, found: Set<string>): void {
  if (Array.isArray(node)) {
    for (const n of node) refsIn(n, found);
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') {
        const m = /^#\/definitions\/([A-Za-z0-9_-]+)$/.exec(v);
        found.add(m ? m[1]! : `!${v}`);
      } else refsIn(v, found);
    }
  }
}

/** Copies the common definitions the schema uses (transitively) into its `definitions`. */
export function resolveFormSchema(schema: Record<string, unknown>, common: Record<string, unknown>): Record<string, unknown> {
  const needed = new Set<string>();
  const queue = [schema];
  const definitions: Record<string, unknown> = {};
  while (queue.length) {
    const found = new Set<string>();
    refsIn(queue.pop(), found);
    for (const name of found) {
      if (name.startsWith('!')) throw new Error(`不支持的引用 ${name.slice(1)}：只能引用 #/definitions/ 下的公共表单块`);
      if (needed.has(name)) continue;
      if (!(name in common)) throw new Error(`引用了不存在的公共表单块 #/definitions/${name}`);
      needed.add(name);
      definitions[name] = common[name];
      queue.push(common[name] as Record<string, unknown>);
    }
  }
  return needed.size ? { ...schema, definitions } : { ...schema };
}

/**
 * Checks a catalogue: every item against the meta-schema, known departments, unique codes, a
 * form that compiles. A broken item is reported (file, item, field) and left out; the rest
 * stands. Throws only when departments.json itself is unusable.
 */
export function checkCatalogFiles(input: { departments: unknown; common: unknown; files: CatalogFileInput[] }): CheckedCatalog {
  const problems: CatalogProblem[] = [];
  const departments = departmentSchema.array().parse(input.departments);
  const deptCodes = new Set(departments.map((d) => d.code));
  const common = (input.common as { definitions?: Record<string, unknown> } | null)?.definitions ?? {};
  const ajv = new Ajv({ strict: false, allErrors: true });
  for (const f of FORMATS) ajv.addFormat(f, true);

  const items: CheckedItem[] = [];
  const seen = new Map<string, string>();
  for (const entry of [...input.files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const file = entry.name;
    if ('error' in entry) {
      problems.push({ file, message: `不是有效的 JSON：${entry.error}` });
      continue;
    }
    const shape = catalogFileSchema.safeParse(entry.json);
    if (!shape.success) {
      problems.push({ file, message: '文件结构应为 { "department": "部门代码", "items": [...] }' });
      continue;
    }
    shape.data.items.forEach((candidate, index) => {
      const code = (candidate as { code?: unknown })?.code;
      const itemCode = typeof code === 'string' ? code : `#${index + 1}`;
      const parsed = itemDefinitionSchema.safeParse(candidate);
      if (!parsed.success) {
        for (const issue of parsed.error.issues.slice(0, 5)) {
          problems.push({ file, itemCode, field: issue.path.join('.') || undefined, message: issue.message });
        }
        return;
      }
      const item = parsed.data;
      const unknownDept = [item.department, item.approval.lead, ...item.approval.co].find((d) => !deptCodes.has(d));
      if (unknownDept) {
        problems.push({ file, itemCode, field: 'department', message: `未知部门代码 ${unknownDept}（见 departments.json）` });
        return;
      }
      if (seen.has(item.code)) {
        problems.push({ file, itemCode, field: 'code', message: `事项编码重复（已见于 ${seen.get(item.code)}）` });
        return;
      }
      let resolvedSchema: Record<string, unknown>;
      try {
        resolvedSchema = resolveFormSchema(item.form.schema as Record<string, unknown>, common);
        ajv.compile(resolvedSchema);
      } catch (err) {
        problems.push({ file, itemCode, field: 'form.schema', message: `表单定义无法编译：${(err as Error).message}` });
        return;
      }
      seen.set(item.code, file);
      items.push({ ...item, resolvedSchema, file });
    });
  }
  return { departments, items, problems };
}

export const CATALOG_BUNDLE_FORMAT = 'onewindow-catalog/1';
/** A department file name inside a bundle (also the file name on disk: nothing else may reach it). */
export const CATALOG_FILE_NAME = /^[A-Za-z0-9_-]{1,64}\.json$/;

export const catalogBundleSchema = z
  .object({
    format: z.literal(CATALOG_BUNDLE_FORMAT),
    version: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, '版本号只能含字母、数字、点、下划线和连字符'),
    createdAt: z.iso.datetime({ offset: true }),
    files: z.record(z.string().regex(CATALOG_FILE_NAME, '文件名应为 xxx.json'), z.unknown()),
  })
  .strict()
  .refine((b) => 'departments.json' in b.files && '_common.json' in b.files, '目录包须包含 departments.json 和 _common.json');
export type CatalogBundle = z.infer<typeof catalogBundleSchema>;

/** Checks a bundle with the loader's rules. */
export function checkCatalogBundle(bundle: CatalogBundle): CheckedCatalog {
  return checkCatalogFiles({
    departments: bundle.files['departments.json'],
    common: bundle.files['_common.json'],
    files: Object.entries(bundle.files)
      .filter(([name]) => name !== 'departments.json' && !name.startsWith('_'))
      .map(([name, json]) => ({ name, json })),
  });
}

/** Parses bundle bytes; throws with a Chinese message when they are not a catalogue bundle. */
export function parseCatalogBundle(text: string): CatalogBundle {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('事项目录包不是有效的 JSON');
  }
  const parsed = catalogBundleSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`事项目录包格式有误：${i.path.join('.') || '（根）'} ${i.message}`);
  }
  return parsed.data;
}
