/**
 * Publishing to every window: catalogue versions and the restricted list (失信名单). A catalogue
 * is checked with exactly the workstation loader's rules (shared/sync/catalog-bundle.ts) and
 * refused when anything is wrong, so a window never receives a version it would have to skip
 * items of. Workstations download the bundle, check its SHA-256 and the same rules again,
 * and switch over (electron/sync/apply-publications.ts).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  CATALOG_BUNDLE_FORMAT,
  CATALOG_FILE_NAME,
  catalogBundleSchema,
  checkCatalogBundle,
  type CatalogBundle,
  type CatalogProblem,
} from '../shared/sync/catalog-bundle';
import type { BackofficeContext } from './context';
import { changes } from './db/schema';

export class PublicationError extends Error {
  constructor(
    message: string,
    readonly problems: CatalogProblem[] = [],
  ) {
    super(message);
    this.name = 'PublicationError';
  }
}

/** Reads a catalogue folder (departments.json, _common.json, one file per department) into a bundle. */
export async function readCatalogDir(dir: string, version: string, now: Date): Promise<CatalogBundle> {
  const names = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const files: Record<string, unknown> = {};
  const problems: CatalogProblem[] = [];
  for (const name of names) {
    if (!CATALOG_FILE_NAME.test(name)) {
      problems.push({ file: name, message: '文件名只能含字母、数字、下划线和连字符' });
      continue;
    }
    try {
      files[name] = JSON.parse(await readFile(join(dir, name), 'utf8'));
    } catch (error) {
      problems.push({ file: name, message: `不是有效的 JSON：${(error as Error).message}` });
    }
  }
  if (problems.length) throw new PublicationError(`事项目录有 ${problems.length} 处错误，未发布`, problems);
  const parsed = catalogBundleSchema.safeParse({ format: CATALOG_BUNDLE_FORMAT, version, createdAt: now.toISOString(), files });
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new PublicationError(`事项目录无法打包：${i.path.join('.') || '（根）'} ${i.message}`);
  }
  return parsed.data;
}

/** The loader's checks; any problem refuses the publication. Returns the number of items. */
export function assertCatalogPublishable(bundle: CatalogBundle): number {
  let checked;
  try {
    checked = checkCatalogBundle(bundle);
  } catch (error) {
    throw new PublicationError(`departments.json 无效：${(error as Error).message}`);
  }
  if (checked.problems.length) throw new PublicationError(`事项目录有 ${checked.problems.length} 处错误，未发布`, checked.problems);
  if (!checked.items.length) throw new PublicationError('事项目录中没有事项，未发布');
  return checked.items.length;
}

/** The restricted-list file as the workstation imports it (electron/identity/restricted-list.ts). */
const restrictedListFileSchema = z
  .object({
    source: z.string().trim().min(1).max(200),
    version: z.string().trim().min(1).max(64),
    generatedAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), '应为日期时间'),
    entries: z.array(z.object({ kind: z.enum(['person', 'enterprise']) }).loose()).min(1, '名单中没有条目'),
  })
  .strict();

export function checkRestrictedListFile(text: string): { version: string; entries: number; generatedAt: string } {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new PublicationError('名单文件不是有效的 JSON');
  }
  const parsed = restrictedListFileSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new PublicationError(`名单文件格式有误：${i.path.join('.') || '（根）'} ${i.message}`);
  }
  return { version: parsed.data.version, entries: parsed.data.entries.length, generatedAt: parsed.data.generatedAt };
}

/** The version label of the latest publication of a kind, or null. */
export async function latestPublishedVersion(ctx: BackofficeContext, type: 'catalog-updated' | 'restricted-list-updated'): Promise<string | null> {
  const [row] = await ctx.db
    .select({ version: sql<string>`${changes.data}->>'version'` })
    .from(changes)
    .where(and(eq(changes.type, type), sql`${changes.deviceId} is null`))
    .orderBy(desc(changes.seq))
    .limit(1);
  return row?.version ?? null;
}

/** Whether a version label was published before (labels are never reused). */
export async function wasPublished(ctx: BackofficeContext, type: 'catalog-updated' | 'restricted-list-updated', version: string): Promise<boolean> {
  const [row] = await ctx.db
    .select({ seq: changes.seq })
    .from(changes)
    .where(and(eq(changes.type, type), sql`${changes.data}->>'version' = ${version}`))
    .limit(1);
  return Boolean(row);
}
