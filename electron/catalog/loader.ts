/**
 * Loads the item catalogue from resources/catalog: departments.json, _common.json (shared form
 * blocks) and one file per department. Every item is checked against the meta-schema and its
 * form is compiled; a broken definition is reported with its file, item and field and skipped,
 * and the rest of the catalogue still loads.
 */
import Ajv from 'ajv';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  catalogFileSchema,
  departmentSchema,
  itemDefinitionSchema,
  type Department,
  type ItemDefinition,
} from '../../shared/catalog/item-definition';
import { appPath } from '../paths';

export interface CatalogProblem {
  file: string;
  itemCode?: string;
  field?: string;
  message: string;
}

export interface LoadedItem extends ItemDefinition {
  /** The form schema with the shared definitions it refers to copied in. */
  resolvedSchema: Record<string, unknown>;
  file: string;
}

export interface LoadedCatalog {
  departments: Department[];
  items: LoadedItem[];
  problems: CatalogProblem[];
}

export function defaultCatalogDir(): string {
  return appPath('resources', 'catalog');
}

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

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

export interface LoadOptions {
  /** Load only these file names from `dir` (e.g. when checking one file). */
  only?: string[];
  /** Where departments.json and _common.json come from when `dir` has none: the shipped catalogue. */
  baseDir?: string;
}

export function loadCatalog(dir = defaultCatalogDir(), options: LoadOptions = {}): LoadedCatalog {
  const problems: CatalogProblem[] = [];
  const base = (name: string) => (existsSync(join(dir, name)) ? join(dir, name) : join(options.baseDir ?? defaultCatalogDir(), name));
  const departments = departmentSchema.array().parse(readJson(base('departments.json')));
  const deptCodes = new Set(departments.map((d) => d.code));
  const common = ((readJson(base('_common.json')) as { definitions?: Record<string, unknown> }).definitions ?? {});
  const ajv = new Ajv({ strict: false, allErrors: true });
  for (const f of FORMATS) ajv.addFormat(f, true);

  const items: LoadedItem[] = [];
  const seen = new Map<string, string>();
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'departments.json' && !f.startsWith('_'))
    .filter((f) => !options.only || options.only.includes(f))
    .sort();
  for (const file of files) {
    let raw: unknown;
    try {
      raw = readJson(join(dir, file));
    } catch (err) {
      problems.push({ file, message: `不是有效的 JSON：${(err as Error).message}` });
      continue;
    }
    const shape = catalogFileSchema.safeParse(raw);
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
