/**
 * 信用审查: the restricted list (失信被执行人, 严重失信主体) kept locally so the check works
 * offline. Only keyed hashes are stored — HMAC-SHA256 with the workstation's own key of
 * `person:<公民身份号码>` or `enterprise:<统一社会信用代码>` — so the database never holds the
 * numbers and a copy of it cannot be searched without the key. An import replaces the whole
 * list in one transaction (the file is a full snapshot). Today it comes from a file
 * (`onewindow identity import-restricted-list`) or from the back office's change feed
 * (`restricted-list-updated`, installed by electron/sync/apply-publications.ts through the
 * same import, with importedBy = SYNC_IMPORTER).
 *
 * File format (UTF-8 JSON):
 * { "source": "…", "version": "…", "generatedAt": "2026-03-01T00:00:00+08:00",
 *   "entries": [ { "kind": "person", "idNumber": "…", "category": "失信被执行人" },
 *                { "kind": "enterprise", "creditCode": "…", "category": "严重失信主体名单" } ] }
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { identityRestrictedList, identityRestrictedListMeta } from '../../db/identity-schema';
import type { RestrictedListStatus } from '../../shared/contract/identity';
import { maskIdNumber, validateIdCard } from '../../shared/validators/id-card';
import { validateUscc } from '../../shared/validators/uscc';
import type { IdentityDb } from './db';
import { keyedHash, sha256Hex } from './keys';

export type SubjectKind = 'person' | 'enterprise';

export const DEFAULT_CATEGORY: Record<SubjectKind, string> = { person: '失信被执行人', enterprise: '严重失信主体名单' };
export const DEFAULT_STALE_DAYS = 7;
/** importedBy of a list installed from the back office's feed (electron/sync/apply-publications.ts). */
export const SYNC_IMPORTER = 'backoffice-sync';

const entrySchema = z.union([
  z.object({ kind: z.literal('person'), idNumber: z.string().min(1).max(40), category: z.string().trim().min(1).max(60).optional() }).strict(),
  z.object({ kind: z.literal('enterprise'), creditCode: z.string().min(1).max(40), category: z.string().trim().min(1).max(60).optional() }).strict(),
]);

const fileSchema = z
  .object({
    source: z.string().trim().min(1).max(200),
    version: z.string().trim().min(1).max(100),
    generatedAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), '应为日期时间，如 2026-03-01T00:00:00+08:00'),
    entries: z.array(z.unknown()).max(5_000_000),
  })
  .strict();

export interface ParsedRestrictedList {
  source: string;
  version: string;
  /** ISO-8601 UTC. */
  generatedAt: string;
  entries: { kind: SubjectKind; value: string; category: string }[];
  /** Entries left out, with why (numbers masked). */
  skipped: { index: number; reason: string }[];
  fileSha256: string;
}

export class RestrictedListError extends Error {
  override readonly name = 'RestrictedListError';
}

/**
 * A subject's normalised number and kind. With `kind` the value must be of that kind (a
 * 统一社会信用代码 can be all digits, like a 公民身份号码); without it, a valid ID number wins.
 */
export function subjectOf(value: string, today = new Date(), kind?: SubjectKind): { kind: SubjectKind; value: string } | { error: string } {
  const compact = value.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
  if (kind !== 'enterprise') {
    const r = validateIdCard(compact, today);
    if (r.valid) return { kind: 'person', value: r.value };
    if (kind === 'person') return { error: r.reason };
  }
  const r = validateUscc(compact);
  if (r.valid) return { kind: 'enterprise', value: r.value };
  return { error: kind === 'enterprise' || compact.length !== 18 || !/^\d{17}[\dX]$/.test(compact) ? r.reason : '应为有效的 18 位公民身份号码或统一社会信用代码' };
}

const maskCode = (v: string) => (v.length > 8 ? `${v.slice(0, 4)}${'*'.repeat(v.length - 8)}${v.slice(-4)}` : '****');
export const maskSubject = (kind: SubjectKind, value: string) => (kind === 'person' ? maskIdNumber(value) : maskCode(value));

/** Parses and checks a list file. Throws RestrictedListError (Chinese) when the file as a whole is unusable. */
export function parseRestrictedList(text: string, today = new Date()): ParsedRestrictedList {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new RestrictedListError('名单文件不是有效的 JSON');
  }
  const head = fileSchema.safeParse(json);
  if (!head.success) {
    const i = head.error.issues[0];
    throw new RestrictedListError(`名单文件格式有误：${i.path.join('.') || '（根）'} ${i.message}`);
  }
  const entries: ParsedRestrictedList['entries'] = [];
  const skipped: ParsedRestrictedList['skipped'] = [];
  head.data.entries.forEach((raw, index) => {
    const e = entrySchema.safeParse(raw);
    if (!e.success) return skipped.push({ index, reason: '条目格式有误（需要 kind 和 idNumber 或 creditCode）' });
    const given = e.data.kind === 'person' ? e.data.idNumber : e.data.creditCode;
    const subject = subjectOf(given, today, e.data.kind);
    if ('error' in subject) return skipped.push({ index, reason: subject.error });
    entries.push({ kind: subject.kind, value: subject.value, category: e.data.category ?? DEFAULT_CATEGORY[subject.kind] });
  });
  return {
    source: head.data.source,
    version: head.data.version,
    generatedAt: new Date(head.data.generatedAt).toISOString(),
    entries,
    skipped,
    fileSha256: sha256Hex(text),
  };
}

/** Replaces the list in one transaction (the caller may append its audit entry inside `inTx`). */
export function replaceRestrictedList(
  db: IdentityDb,
  key: Buffer,
  list: ParsedRestrictedList,
  by: string,
  now: Date,
  inTx?: () => void,
): { entries: number; skipped: number } {
  const rows = new Map<string, { keyHash: string; kind: SubjectKind; category: string }>();
  for (const e of list.entries) {
    const keyHash = keyedHash(key, e.kind, e.value);
    rows.set(keyHash, { keyHash, kind: e.kind, category: e.category });
  }
  const all = [...rows.values()];
  db.transaction((tx) => {
    tx.delete(identityRestrictedList).run();
    for (let i = 0; i < all.length; i += 500) tx.insert(identityRestrictedList).values(all.slice(i, i + 500)).run();
    const meta = {
      source: list.source,
      version: list.version,
      generatedAt: list.generatedAt,
      importedAt: now.toISOString(),
      importedBy: by,
      entries: all.length,
      skipped: list.skipped.length,
      fileSha256: list.fileSha256,
    };
    tx.insert(identityRestrictedListMeta)
      .values({ id: 1, ...meta })
      .onConflictDoUpdate({ target: identityRestrictedListMeta.id, set: meta })
      .run();
    inTx?.();
  });
  return { entries: all.length, skipped: list.skipped.length };
}

export function restrictedListStatus(db: IdentityDb, now: Date, staleDays = DEFAULT_STALE_DAYS): RestrictedListStatus {
  const meta = db.select().from(identityRestrictedListMeta).where(eq(identityRestrictedListMeta.id, 1)).get();
  if (!meta) {
    return {
      loaded: false,
      source: null,
      version: null,
      generatedAt: null,
      importedAt: null,
      ageDays: null,
      stale: true,
      entries: 0,
      message: '尚未导入失信名单，无法完成信用审查。名单由区级后台下发（联网同步后自动导入）；也可由信息技术人员执行 onewindow identity import-restricted-list <文件>',
    };
  }
  const ageDays = Math.max(0, Math.floor((now.getTime() - Date.parse(meta.generatedAt)) / 86_400_000));
  const stale = ageDays > staleDays;
  const age = `${ageDays === 0 ? '今天生成' : `${ageDays} 天前生成`}${meta.importedBy === SYNC_IMPORTER ? '，区级后台下发' : ''}`;
  return {
    loaded: true,
    source: meta.source,
    version: meta.version,
    generatedAt: meta.generatedAt,
    importedAt: meta.importedAt,
    ageDays,
    stale,
    entries: meta.entries,
    message: `失信名单 ${meta.version}（${meta.source}，${age}，共 ${meta.entries} 条）${stale ? `：已超过 ${staleDays} 天未更新，可能缺少新近列入的主体，请尽快更新` : ''}`,
  };
}

/** Looks a normalised subject up by its keyed hash. */
export function lookupSubject(db: IdentityDb, key: Buffer, kind: SubjectKind, value: string): { keyHash: string; category: string | null } {
  const keyHash = keyedHash(key, kind, value);
  const row = db.select({ category: identityRestrictedList.category }).from(identityRestrictedList).where(eq(identityRestrictedList.keyHash, keyHash)).get();
  return { keyHash, category: row?.category ?? null };
}
