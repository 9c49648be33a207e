/**
 * Materials capture (材料采集): every page of every material, captured with the document
 * camera or imported, stored so that nothing is lost or corrupted (docs/MATERIALS.md).
 *
 * - Bytes are checked and compressed in the image worker (never on the main thread), then
 *   written to the content-addressed blob store (atomic, fsynced, deduplicated) and only then
 *   recorded in SQLite (synchronous=FULL) in one transaction: a row always names a complete file.
 * - A draft owns its pages while the clerk fills the form; attachDraftToCase() re-points them
 *   to the case inside the acceptance transaction. An accepted case's pages are never changed
 *   or deleted here; pages may be added to it (补交).
 * - Reads are verified against the hash: a damaged file is refused, never served.
 * Plain Node: no `electron` import.
 */
import { and, asc, count, desc, eq, inArray, isNotNull, isNull, max, notInArray, sql } from 'drizzle-orm';
import { ulid } from 'ulid';
import { blobs, cases, drafts, materialPages, materialPdfs } from '../../db/schema';
import { ContractError } from '../../shared/contract/errors';
import { MATERIAL_LIMITS, type MaterialPage, type PageOwner } from '../../shared/contract/materials';
import type { WorkstationDb } from '../database';
import { createBlobStore, type BlobStore, type OrphanSweep } from './blob-store';
import type { WorkstationKeys } from '../keys';
import { BlobIntegrityError, BlobNotFoundError, MaterialFileError, MaterialWorkerError } from './errors';
import { DEFAULT_FILE_LIMITS, MIME_TYPES, type MaterialFileLimits } from './file-type';
import { THUMBNAIL_SIDES, cropProblem, type CropRect, type PageEdit } from './images';
import type { BytesReply, IngestReply, RenderReply } from './protocol';
import { createImageWorker, type ImageWorker } from './worker-client';

export type { PageOwner, MaterialPage } from '../../shared/contract/materials';
export { createBlobStore, sha256Hex, type BlobStore } from './blob-store';
export { BlobIntegrityError, BlobNotFoundError, MaterialFileError, MaterialWorkerError } from './errors';
export { DEFAULT_FILE_LIMITS, detectFileType, inspectMaterialFile } from './file-type';
export { PAGE_COMPRESSION } from './images';

export interface MaterialsServiceOptions {
  db: WorkstationDb;
  /** The workstation's data folder; blobs live in `<dataDir>/blobs`. */
  dataDir: string;
  now?: () => Date;
  limits?: Partial<MaterialFileLimits>;
  maxPagesPerMaterial?: number;
  /** Image worker entry override (tests). */
  workerUrl?: string | URL;
  workerTimeoutMs?: number;
  /** A case's pages changed (pages added after acceptance: the sync engine may need to send them). */
  onChange?: (owner: PageOwner, materialId: string) => void;
  /** Blobs other capabilities keep in the same store (e.g. certificates): never swept. */
  extraReferenced?: () => Iterable<string>;
  /** The keys blobs are sealed with. Default: the data folder's key file (electron/keys). */
  keys?: WorkstationKeys;
}

export interface AddPageInput {
  owner: PageOwner;
  materialId: string;
  bytes: Uint8Array;
  source: 'camera' | 'import';
  fileName?: string;
  /** Who captured it (username), kept with the page. */
  by?: string;
}

export interface PagesAdded {
  added: MaterialPage[];
  materialPageCount: number;
}

export interface ReuseCandidate {
  materialId: string;
  caseId: string;
  caseNo: string;
  acceptedAt: string;
  pages: MaterialPage[];
}

export interface MaterialsService {
  readonly blobs: BlobStore;
  addPage(input: AddPageInput): Promise<PagesAdded>;
  listPages(owner: PageOwner, materialId?: string): MaterialPage[];
  reorderPages(owner: PageOwner, materialId: string, pageIds: readonly string[]): MaterialPage[];
  deletePage(owner: PageOwner, pageId: string): { materialId: string; materialPageCount: number };
  rotatePage(pageId: string, degrees: number): Promise<MaterialPage>;
  cropPage(pageId: string, rect: CropRect): Promise<MaterialPage>;
  /** The page's verified bytes. BlobIntegrityError / BlobNotFoundError when the file is damaged or gone. */
  readPage(pageId: string): Promise<{ bytes: Uint8Array; mime: string; sha256: string }>;
  /** A JPEG of the page for the UI; null for PDF pages. */
  pageImage(pageId: string, size: keyof typeof THUMBNAIL_SIDES): Promise<{ page: MaterialPage; dataUrl: string | null; width: number | null; height: number | null }>;
  /** Assembles the material's PDF (pages in order, metadata), stores it, returns its SHA-256. */
  buildMaterialPdf(caseId: string, materialId: string, caseNo: string, materialName: string): Promise<string>;
  /** Re-points a draft's pages to its case. Synchronous: call it inside the acceptance transaction. */
  attachDraftToCase(tx: WorkstationDb, draftId: string, caseId: string): number;
  /** Each material of the case with the SHA-256 of its pages, in order. */
  materialsForSync(caseId: string): { materialId: string; blobs: string[] }[];
  reuseCandidates(applicantIdNo: string, materialIds?: readonly string[]): ReuseCandidate[];
  reuse(input: { owner: PageOwner; materialId: string; fromPageIds: readonly string[]; by?: string }): Promise<PagesAdded>;
  /** Where a page belongs. NOT_FOUND for an unknown page. */
  ownerOfPage(pageId: string): { owner: PageOwner; materialId: string };
  /** NOT_FOUND unless the draft exists and is `username`'s, or the case exists. */
  checkOwner(owner: PageOwner, username?: string): void;
  /** Deletes a discarded draft's page rows (their files go with the next sweep). */
  removeDraftPages(draftId: string): number;
  /** Page rows whose draft no longer exists and that never reached a case. */
  removeAbandonedDraftPages(): number;
  /** Deletes blob files no row references, older than `graceMs` (default one day), and stale temp files. */
  collectGarbage(options?: { graceMs?: number }): Promise<OrphanSweep>;
  close(): Promise<void>;
}

type PageRow = typeof materialPages.$inferSelect;

const PDF = MIME_TYPES.pdf;

function toView(r: PageRow): MaterialPage {
  return {
    id: r.id,
    materialId: r.materialId,
    order: r.pageOrder,
    kind: r.mime === PDF ? 'pdf' : 'image',
    mime: r.mime,
    width: r.width,
    height: r.height,
    size: r.size,
    sha256: r.sha256,
    source: r.source,
    fileName: r.fileName,
    originCaseNo: r.originCaseNo,
    edited: r.edits !== '[]',
    createdAt: r.createdAt,
  };
}

const ownerWhere = (owner: PageOwner) => ('draftId' in owner ? eq(materialPages.draftId, owner.draftId) : eq(materialPages.caseId, owner.caseId));
const ownerColumns = (owner: PageOwner) => ('draftId' in owner ? { draftId: owner.draftId, caseId: null } : { draftId: null, caseId: owner.caseId });

/** Consecutive rotations fold into one; a full turn disappears. */
function withEdit(edits: PageEdit[], edit: PageEdit): PageEdit[] {
  const last = edits[edits.length - 1];
  if (edit.op === 'rotate' && last?.op === 'rotate') {
    const turn = (last.degrees + edit.degrees) % 360;
    return turn === 0 ? edits.slice(0, -1) : [...edits.slice(0, -1), { op: 'rotate', degrees: turn as 90 | 180 | 270 }];
  }
  return [...edits, edit];
}

/** Worker and file errors as the clerk should see them. */
function asContractError(e: unknown): unknown {
  if (e instanceof MaterialFileError) return new ContractError('VALIDATION_FAILED', e.message, { code: e.code });
  if (e instanceof MaterialWorkerError) return new ContractError('INTERNAL', e.message, { code: e.code });
  if (e instanceof BlobIntegrityError || e instanceof BlobNotFoundError) return new ContractError('INTERNAL', e.message, { code: e.code, sha256: e.sha256 });
  return e;
}

/** A tiny async mutex: storing pages and sweeping orphans never interleave. */
function createLock() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** Test hook, not part of MaterialsService: ends the image worker the way a crash would, once it is busy. */
const killers = new WeakMap<MaterialsService, () => Promise<void>>();
export async function killMaterialsWorkerForTests(service: MaterialsService): Promise<void> {
  await killers.get(service)?.();
}

export function createMaterialsService(options: MaterialsServiceOptions): MaterialsService {
  const { db } = options;
  const now = options.now ?? (() => new Date());
  const limits: MaterialFileLimits = { ...DEFAULT_FILE_LIMITS, ...options.limits };
  const maxPages = options.maxPagesPerMaterial ?? MATERIAL_LIMITS.maxPagesPerMaterial;
  const store = createBlobStore(options.dataDir, { now: () => now().getTime(), ...(options.keys ? { keys: options.keys } : {}) });
  const worker: ImageWorker = createImageWorker({ limits, workerUrl: options.workerUrl, timeoutMs: options.workerTimeoutMs });
  const exclusive = createLock();
  /** Edits of one page run one after another (two quick rotations must both count). */
  const pageChains = new Map<string, Promise<unknown>>();
  const thumbs = new Map<string, { dataUrl: string; width: number; height: number }>();
  const THUMB_CACHE_BYTES = 24 * 1024 * 1024;
  let thumbBytes = 0;

  const call = async <T>(body: Parameters<ImageWorker['call']>[0]): Promise<T> => {
    try {
      return await worker.call<T>(body);
    } catch (e) {
      throw asContractError(e);
    }
  };

  function findPage(pageId: string): PageRow {
    const row = db.select().from(materialPages).where(eq(materialPages.id, pageId)).get();
    if (!row) throw new ContractError('NOT_FOUND', '未找到该材料页（可能已被删除），请刷新后重试');
    return row;
  }

  function ownerExists(tx: WorkstationDb, owner: PageOwner, username?: string): boolean {
    if ('draftId' in owner) {
      const d = tx.select({ createdBy: drafts.createdBy }).from(drafts).where(eq(drafts.id, owner.draftId)).get();
      return !!d && (username === undefined || d.createdBy === username);
    }
    return !!tx.select({ id: cases.id }).from(cases).where(eq(cases.id, owner.caseId)).get();
  }

  function checkOwner(owner: PageOwner, username?: string): void {
    if (ownerExists(db, owner, username)) return;
    throw new ContractError(
      'NOT_FOUND',
      'draftId' in owner ? '草稿不存在（可能已受理或已删除），本页未保存。如已受理，请在办件中补充材料' : '未找到该办件',
    );
  }

  function assertEditable(owner: PageOwner): void {
    if ('caseId' in owner) throw new ContractError('CONFLICT', '办件已受理，已提交的材料页不能再修改或删除；如需补正，请追加新的页面');
  }

  function pageCount(tx: WorkstationDb, owner: PageOwner, materialId: string): number {
    return tx.select({ n: count() }).from(materialPages).where(and(ownerWhere(owner), eq(materialPages.materialId, materialId))).get()?.n ?? 0;
  }

  function tooMany(existing: number, adding: number): ContractError {
    return new ContractError(
      'VALIDATION_FAILED',
      `每份材料最多 ${maxPages} 页：已有 ${existing} 页，本次 ${adding} 页，超出上限。请删除多余页面或拆分后再导入`,
      { code: 'TOO_MANY_PAGES' },
    );
  }

  function listOf(tx: WorkstationDb, owner: PageOwner, materialId?: string): PageRow[] {
    return tx
      .select()
      .from(materialPages)
      .where(materialId === undefined ? ownerWhere(owner) : and(ownerWhere(owner), eq(materialPages.materialId, materialId)))
      .orderBy(asc(materialPages.materialId), asc(materialPages.pageOrder), asc(materialPages.id))
      .all();
  }

  /** Writes the files, then the rows in one transaction that re-checks the owner and the page limit. */
  async function storePages(
    owner: PageOwner,
    materialId: string,
    pages: { bytes?: Uint8Array; sha256?: string; size: number; mime: string; width: number | null; height: number | null }[],
    meta: { source: 'camera' | 'import' | 'reuse'; fileName?: string; by?: string; originCaseNo?: (i: number) => string | null },
  ): Promise<PagesAdded> {
    return exclusive(async () => {
      const stored: { sha256: string; size: number }[] = [];
      for (const p of pages) {
        if (p.bytes) {
          const put = await store.put(p.bytes);
          stored.push({ sha256: put.sha256, size: put.size });
        } else stored.push({ sha256: p.sha256!, size: p.size });
      }
      const at = now();
      const iso = at.toISOString();
      const rows = db.transaction((tx) => {
        // The draft may have been accepted or discarded while the worker was busy.
        if (!ownerExists(tx, owner)) checkOwner(owner);
        const existing = pageCount(tx, owner, materialId);
        if (existing + pages.length > maxPages) throw tooMany(existing, pages.length);
        const top = tx
          .select({ top: max(materialPages.pageOrder) })
          .from(materialPages)
          .where(and(ownerWhere(owner), eq(materialPages.materialId, materialId)))
          .get()?.top;
        let order = top === null || top === undefined ? 0 : top + 1;
        const out: PageRow[] = [];
        pages.forEach((p, i) => {
          const { sha256, size } = stored[i];
          tx.insert(blobs).values({ sha256, size, mime: p.mime, createdAt: iso }).onConflictDoNothing().run();
          const row: PageRow = {
            id: ulid(at.getTime()),
            ...ownerColumns(owner),
            materialId,
            pageOrder: order++,
            sha256,
            sourceSha256: sha256,
            edits: '[]',
            size,
            mime: p.mime,
            width: p.width,
            height: p.height,
            source: meta.source,
            fileName: meta.fileName ?? null,
            originCaseNo: meta.originCaseNo?.(i) ?? null,
            createdBy: meta.by ?? null,
            createdAt: iso,
            updatedAt: iso,
          };
          tx.insert(materialPages).values(row).run();
          out.push(row);
        });
        return { out, total: existing + pages.length };
      });
      if ('caseId' in owner) options.onChange?.(owner, materialId);
      return { added: rows.out.map(toView), materialPageCount: rows.total };
    });
  }

  /** Runs an edit of one page after the previous edit of the same page has finished. */
  function serialPerPage<T>(pageId: string, fn: () => Promise<T>): Promise<T> {
    const prev = pageChains.get(pageId) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    pageChains.set(pageId, tail);
    void tail.then(() => {
      if (pageChains.get(pageId) === tail) pageChains.delete(pageId);
    });
    return run;
  }

  async function edit(pageId: string, make: (row: PageRow) => PageEdit): Promise<MaterialPage> {
    return serialPerPage(pageId, async () => {
      const row = findPage(pageId);
      const owner: PageOwner = row.caseId ? { caseId: row.caseId } : { draftId: row.draftId! };
      assertEditable(owner);
      const edits = withEdit(JSON.parse(row.edits) as PageEdit[], make(row));
      const source = await readVerified(row.sourceSha256);
      const { page } = await call<RenderReply>({ op: 'render', source, mime: row.mime, edits });
      return exclusive(async () => {
        const put = await store.put(page.bytes);
        const iso = now().toISOString();
        const updated = db.transaction((tx) => {
          tx.insert(blobs).values({ sha256: put.sha256, size: put.size, mime: page.mime, createdAt: iso }).onConflictDoNothing().run();
          const res = tx
            .update(materialPages)
            .set({ sha256: put.sha256, size: put.size, width: page.width, height: page.height, edits: JSON.stringify(edits), updatedAt: iso })
            .where(and(eq(materialPages.id, pageId), eq(materialPages.edits, row.edits), isNull(materialPages.caseId)))
            .run();
          if (res.changes !== 1) throw new ContractError('CONFLICT', '该页已被修改、删除或已随办件受理，请刷新后重试');
          return tx.select().from(materialPages).where(eq(materialPages.id, pageId)).get()!;
        });
        return toView(updated);
      });
    });
  }

  async function readVerified(sha256: string): Promise<Uint8Array> {
    try {
      return await store.get(sha256);
    } catch (e) {
      throw asContractError(e);
    }
  }

  function rememberThumb(key: string, value: { dataUrl: string; width: number; height: number }): void {
    thumbs.set(key, value);
    thumbBytes += value.dataUrl.length;
    for (const [k, v] of thumbs) {
      if (thumbBytes <= THUMB_CACHE_BYTES) break;
      thumbs.delete(k);
      thumbBytes -= v.dataUrl.length;
    }
  }

  const service: MaterialsService = {
    blobs: store,

    async addPage(input) {
      checkOwner(input.owner);
      const existing = pageCount(db, input.owner, input.materialId);
      if (existing >= maxPages) throw tooMany(existing, 1);
      const reply = await call<IngestReply>({ op: 'ingest', bytes: input.bytes, fileName: input.fileName });
      return storePages(
        input.owner,
        input.materialId,
        reply.pages.map((p) => ({ ...p, size: p.bytes.byteLength })),
        { source: input.source, fileName: input.fileName, by: input.by },
      );
    },

    listPages(owner, materialId) {
      checkOwner(owner);
      return listOf(db, owner, materialId).map(toView);
    },

    reorderPages(owner, materialId, pageIds) {
      assertEditable(owner);
      checkOwner(owner);
      return db.transaction((tx) => {
        const current = listOf(tx, owner, materialId);
        const wanted = new Set(pageIds);
        if (wanted.size !== pageIds.length || current.length !== pageIds.length || current.some((p) => !wanted.has(p.id))) {
          throw new ContractError('CONFLICT', '页面列表已发生变化（有页面被添加或删除），请刷新后重新排序');
        }
        const iso = now().toISOString();
        pageIds.forEach((id, i) => tx.update(materialPages).set({ pageOrder: i, updatedAt: iso }).where(eq(materialPages.id, id)).run());
        return listOf(tx, owner, materialId).map(toView);
      });
    },

    deletePage(owner, pageId) {
      assertEditable(owner);
      return db.transaction((tx) => {
        const row = tx.select().from(materialPages).where(and(eq(materialPages.id, pageId), ownerWhere(owner))).get();
        if (!row) throw new ContractError('NOT_FOUND', '未找到该材料页（可能已被删除），请刷新后重试');
        tx.delete(materialPages).where(eq(materialPages.id, pageId)).run();
        const rest = listOf(tx, owner, row.materialId);
        rest.forEach((p, i) => {
          if (p.pageOrder !== i) tx.update(materialPages).set({ pageOrder: i }).where(eq(materialPages.id, p.id)).run();
        });
        return { materialId: row.materialId, materialPageCount: rest.length };
      });
    },

    rotatePage(pageId, degrees) {
      const turn = (((degrees % 360) + 360) % 360) as 0 | 90 | 180 | 270;
      if (![90, 180, 270].includes(turn)) {
        return Promise.reject(new ContractError('VALIDATION_FAILED', '只能按 90° 的倍数旋转', { code: 'BAD_ROTATION' }));
      }
      return edit(pageId, () => ({ op: 'rotate', degrees: turn as 90 | 180 | 270 }));
    },

    cropPage(pageId, rect) {
      return edit(pageId, (row) => {
        if (row.mime === PDF || row.width === null || row.height === null) {
          throw new ContractError('VALIDATION_FAILED', 'PDF 页面不能裁剪（可旋转）；如需裁剪，请用高拍仪重新拍摄该页', { code: 'PDF_CROP' });
        }
        const problem = cropProblem(rect, row.width, row.height);
        if (problem) throw new ContractError('VALIDATION_FAILED', problem, { code: 'BAD_CROP' });
        return { op: 'crop', rect: { left: rect.left, top: rect.top, width: rect.width, height: rect.height } };
      });
    },

    async readPage(pageId) {
      const row = findPage(pageId);
      return { bytes: await store.get(row.sha256), mime: row.mime, sha256: row.sha256 };
    },

    async pageImage(pageId, size) {
      const row = findPage(pageId);
      const page = toView(row);
      if (row.mime === PDF) return { page, dataUrl: null, width: null, height: null };
      const key = `${row.sha256}:${size}`;
      let hit = thumbs.get(key);
      if (!hit) {
        const bytes = await readVerified(row.sha256);
        const r = await call<BytesReply>({ op: 'thumbnail', bytes, maxSide: THUMBNAIL_SIDES[size] });
        hit = { dataUrl: `data:image/jpeg;base64,${Buffer.from(r.bytes).toString('base64')}`, width: r.width ?? 0, height: r.height ?? 0 };
        rememberThumb(key, hit);
      }
      return { page, dataUrl: hit.dataUrl, width: hit.width, height: hit.height };
    },

    async buildMaterialPdf(caseId, materialId, caseNo, materialName) {
      const rows = listOf(db, { caseId }, materialId);
      if (rows.length === 0) throw new ContractError('NOT_FOUND', `办件 ${caseNo} 的“${materialName}”没有已采集的页面`);
      const pages = [];
      for (const r of rows) pages.push({ mime: r.mime, bytes: await readVerified(r.sha256) });
      const at = now();
      const reply = await call<BytesReply>({ op: 'assemble', pages, meta: { caseNo, materialId, materialName, createdAt: at } });
      return exclusive(async () => {
        const put = await store.put(reply.bytes);
        const iso = at.toISOString();
        db.transaction((tx) => {
          tx.insert(blobs).values({ sha256: put.sha256, size: put.size, mime: PDF, createdAt: iso }).onConflictDoNothing().run();
          tx.insert(materialPdfs)
            .values({ caseId, materialId, sha256: put.sha256, pageCount: rows.length, builtAt: iso })
            .onConflictDoUpdate({ target: [materialPdfs.caseId, materialPdfs.materialId], set: { sha256: put.sha256, pageCount: rows.length, builtAt: iso } })
            .run();
        });
        return put.sha256;
      });
    },

    attachDraftToCase(tx, draftId, caseId) {
      const iso = now().toISOString();
      return tx.update(materialPages).set({ draftId: null, caseId, updatedAt: iso }).where(eq(materialPages.draftId, draftId)).run().changes;
    },

    materialsForSync(caseId) {
      const rows = listOf(db, { caseId });
      const out: { materialId: string; blobs: string[] }[] = [];
      for (const r of rows) {
        const last = out[out.length - 1];
        if (last?.materialId === r.materialId) last.blobs.push(r.sha256);
        else out.push({ materialId: r.materialId, blobs: [r.sha256] });
      }
      return out;
    },

    reuseCandidates(applicantIdNo, materialIds) {
      const key = applicantIdNo.trim().toUpperCase();
      const filters = [eq(cases.applicantIdNo, key), isNotNull(materialPages.caseId)];
      if (materialIds) {
        if (materialIds.length === 0) return [];
        filters.push(inArray(materialPages.materialId, [...materialIds]));
      }
      const rows = db
        .select({ page: materialPages, caseNo: cases.caseNo, acceptedAt: cases.createdAt })
        .from(materialPages)
        .innerJoin(cases, eq(materialPages.caseId, cases.id))
        .where(and(...filters))
        .orderBy(desc(cases.createdAt), asc(materialPages.materialId), asc(materialPages.pageOrder))
        .limit(2000)
        .all();
      const groups = new Map<string, ReuseCandidate>();
      for (const r of rows) {
        const k = `${r.page.caseId}\u0000${r.page.materialId}`;
        let g = groups.get(k);
        if (!g) {
          g = { materialId: r.page.materialId, caseId: r.page.caseId!, caseNo: r.caseNo, acceptedAt: r.acceptedAt, pages: [] };
          groups.set(k, g);
        }
        g.pages.push(toView(r.page));
      }
      return [...groups.values()];
    },

    async reuse(input) {
      checkOwner(input.owner);
      const ids = [...new Set(input.fromPageIds)];
      const rows = db
        .select({ page: materialPages, caseNo: cases.caseNo })
        .from(materialPages)
        .innerJoin(cases, eq(materialPages.caseId, cases.id))
        .where(inArray(materialPages.id, ids))
        .all();
      const byId = new Map(rows.map((r) => [r.page.id, r]));
      const picked = ids.map((id) => byId.get(id));
      if (picked.some((r) => !r)) {
        throw new ContractError('VALIDATION_FAILED', '只能复用已受理办件中的材料页（所选页面不存在或尚未受理）', { code: 'NOT_REUSABLE' });
      }
      if (picked.some((r) => r!.page.materialId !== input.materialId)) {
        throw new ContractError('VALIDATION_FAILED', '所选页面属于其他材料，不能复用到本材料', { code: 'OTHER_MATERIAL' });
      }
      if ('caseId' in input.owner && picked.some((r) => r!.page.caseId === (input.owner as { caseId: string }).caseId)) {
        throw new ContractError('VALIDATION_FAILED', '不能把办件自己的材料页复用到本办件', { code: 'SAME_CASE' });
      }
      // A damaged file is never propagated to a new case.
      for (const r of picked) await readVerified(r!.page.sha256);
      return storePages(
        input.owner,
        input.materialId,
        picked.map((r) => ({ sha256: r!.page.sha256, size: r!.page.size, mime: r!.page.mime, width: r!.page.width, height: r!.page.height })),
        { source: 'reuse', by: input.by, originCaseNo: (i) => picked[i]!.page.originCaseNo ?? picked[i]!.caseNo },
      );
    },

    ownerOfPage(pageId) {
      const row = findPage(pageId);
      return { owner: row.caseId ? { caseId: row.caseId } : { draftId: row.draftId! }, materialId: row.materialId };
    },

    checkOwner,

    removeDraftPages(draftId) {
      return db.delete(materialPages).where(eq(materialPages.draftId, draftId)).run().changes;
    },

    removeAbandonedDraftPages() {
      return db
        .delete(materialPages)
        .where(and(isNotNull(materialPages.draftId), notInArray(materialPages.draftId, db.select({ id: drafts.id }).from(drafts))))
        .run().changes;
    },

    collectGarbage(opts = {}) {
      const graceMs = opts.graceMs ?? 24 * 3600_000;
      return exclusive(async () => {
        const referenced = new Set<string>();
        const cutoff = new Date(now().getTime() - graceMs).toISOString();
        db.transaction((tx) => {
          // Rows of blobs nothing points at any more (deleted pages, superseded edits and PDFs).
          tx.run(sql`DELETE FROM ${blobs} WHERE ${blobs.createdAt} < ${cutoff}
            AND ${blobs.sha256} NOT IN (SELECT ${materialPages.sha256} FROM ${materialPages})
            AND ${blobs.sha256} NOT IN (SELECT ${materialPages.sourceSha256} FROM ${materialPages})
            AND ${blobs.sha256} NOT IN (SELECT ${materialPdfs.sha256} FROM ${materialPdfs})`);
          for (const r of tx.select({ s: blobs.sha256 }).from(blobs).all()) referenced.add(r.s);
        });
        for (const s of options.extraReferenced?.() ?? []) referenced.add(s);
        return store.removeOrphans(referenced, graceMs);
      });
    },

    async close() {
      await worker.close();
      thumbs.clear();
    },
  };
  killers.set(service, async () => {
    await new Promise((resolve) => setTimeout(resolve, 30)); // let the call reach the worker
    await worker.killForTests();
  });
  return service;
}
