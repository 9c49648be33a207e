/**
 * Publishing to every window: catalogue versions, the restricted list (失信名单) and the holiday
 * calendar (工作日历; its files pass shared/calendar/bundle.ts, the workstation loader's checks). A catalogue
 * is checked with exactly the workstation loader's rules (shared/sync/catalog-bundle.ts) and
 * refused when anything is wrong, so a window never receives a version it would have to skip
 * items of. Workstations download the bundle, check its SHA-256 and the same rules again,
 * and switch over (electron/sync/apply-publications.ts).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CALENDAR_BUNDLE_FORMAT, CALENDAR_FILE_NAME, calendarBundleSchema, checkCalendarFileText, checkCalendarFiles, parseCalendarBundle, type CalendarBundle } from '../shared/calendar';
import type { BroadcastChangeType } from '../shared/sync/changes';
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

/**
 * Reads a calendar year file (must be named YYYY.json) or every YYYY.json of a folder (others
 * are ignored, as by the loader) and checks them. Returns the files as parsed JSON.
 */
export async function readCalendarInput(path: string): Promise<{ files: Record<string, unknown>; years: number[] }> {
  let names: { name: string; file: string }[];
  try {
    names = (await stat(path)).isDirectory()
      ? (await readdir(path)).filter((n) => CALENDAR_FILE_NAME.test(n)).sort().map((name) => ({ name, file: join(path, name) }))
      : [{ name: basename(path), file: path }];
  } catch (error) {
    throw new PublicationError(`无法读取 ${path}：${(error as Error).message}`);
  }
  if (!names.length) throw new PublicationError(`目录 ${path} 中没有 YYYY.json 格式的节假日数据文件，未发布`);
  const files: Record<string, unknown> = {};
  const problems: CatalogProblem[] = [];
  for (const { name, file } of names) {
    try {
      // The workstation loader's own check (electron/calendar uses the same function).
      files[name] = checkCalendarFileText(name, await readFile(file, 'utf8'));
    } catch (error) {
      problems.push({ file: name, message: (error as Error).message });
    }
  }
  if (problems.length) throw new PublicationError(`工作日历有 ${problems.length} 处错误，未发布`, problems);
  return { files, years: Object.values(files).map((y) => (y as { year: number }).year) };
}

/**
 * The calendar bundle to publish: the years of the latest published calendar with the new files
 * added (a year given again replaces the published one), so the latest bundle always holds every
 * year and a window that missed a publication loses nothing.
 */
export function buildCalendarBundle(previous: CalendarBundle | null, files: Record<string, unknown>, version: string, now: Date): CalendarBundle {
  const parsed = calendarBundleSchema.safeParse({ format: CALENDAR_BUNDLE_FORMAT, version, createdAt: now.toISOString(), files: { ...(previous?.files ?? {}), ...files } });
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new PublicationError(`工作日历无法打包：${i.path.join('.') || '（根）'} ${i.message}`);
  }
  const bundle = parsed.data;
  const checked = checkCalendarFiles(bundle.files);
  if (checked.problems.length) throw new PublicationError(`工作日历有 ${checked.problems.length} 处错误，未发布`, checked.problems);
  return bundle;
}

/**
 * The bundle of the latest calendar publication that passes the checks, or null when there is
 * none. One that fails (sent raw with publishCalendarUpdate) was refused by every window, so the
 * next publication builds on the one before it.
 */
export async function latestCalendarBundle(ctx: BackofficeContext): Promise<CalendarBundle | null> {
  const rows = await ctx.db
    .select({ sha256: sql<string | null>`${changes.data}->'bundle'->>'sha256'` })
    .from(changes)
    .where(and(eq(changes.type, 'calendar-updated'), sql`${changes.deviceId} is null`))
    .orderBy(desc(changes.seq))
    .limit(20);
  for (const { sha256 } of rows) {
    if (!sha256) continue;
    try {
      const { stream } = await ctx.blobs.openRead(sha256);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
      const bundle = parseCalendarBundle(Buffer.concat(chunks).toString('utf8'));
      if (!checkCalendarFiles(bundle.files).problems.length) return bundle;
    } catch {
      // unreadable or malformed: look further back
    }
  }
  return null;
}

/** The version label of the latest publication of a kind, or null. */
export async function latestPublishedVersion(ctx: BackofficeContext, type: BroadcastChangeType): Promise<string | null> {
  const [row] = await ctx.db
    .select({ version: sql<string>`${changes.data}->>'version'` })
    .from(changes)
    .where(and(eq(changes.type, type), sql`${changes.deviceId} is null`))
    .orderBy(desc(changes.seq))
    .limit(1);
  return row?.version ?? null;
}

/** Whether a version label was published before (labels are never reused). */
export async function wasPublished(ctx: BackofficeContext, type: BroadcastChangeType, version: string): Promise<boolean> {
  const [row] = await ctx.db
    .select({ seq: changes.seq })
    .from(changes)
    .where(and(eq(changes.type, type), sql`${changes.data}->>'version' = ${version}`))
    .limit(1);
  return Boolean(row);
}
