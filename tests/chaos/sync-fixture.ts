/**
 * Shared by the sync unit tests, the chaos suite and the drain benchmark: deterministic scan
 * pages per case, an in-memory and an on-disk content-addressed blob source, a credential
 * store in memory, and accepting real cases through the workstation's own dispatch.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BlobSource, CaseMaterial, CredentialStore, DeviceCredentials } from '../../electron/sync';
import type { Workstation } from '../../electron/workstation';
import { COMPLETE_MATERIALS, idNumber, PERSONAL_ITEM, personalFormData } from '../helpers/catalog-fixture';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Deterministic pseudo-random bytes (AES-256-CTR keystream keyed by the seed): fast and reproducible. */
export function pageBytes(seed: string, size: number): Uint8Array {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return new Uint8Array(Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]));
}

/** One page every case shares (a printed notice): content addressing must store it once. */
export const SHARED_PAGE = pageBytes('shared-notice-page', 3 * 1024);

export interface PagePlan {
  /** Bytes per generated page, or a range each page's size is drawn from (by its seed). JSON-safe: it crosses to child processes. */
  pageSize: number | { min: number; max: number };
  /** Pages per material. */
  pages: number;
  /** Append the shared page to the first material. */
  shared?: boolean;
}

/** The pages of each received material of a case, derived from the case id alone. */
export function casePages(caseId: string, plan: PagePlan): { materialId: string; name: string; pages: Uint8Array[] }[] {
  const names: Record<string, string> = Object.fromEntries(PERSONAL_ITEM.materials.map((m) => [m.id, m.name]));
  return COMPLETE_MATERIALS.map((m, index) => {
    const pages = Array.from({ length: plan.pages }, (_, page) => {
      const seed = `${caseId}/${m.materialId}/${page}`;
      const range = plan.pageSize;
      const size = typeof range === 'number' ? range : range.min + (createHash('sha256').update(seed).digest().readUInt32BE(0) % (range.max - range.min));
      return pageBytes(seed, size);
    });
    if (plan.shared && index === 0) pages.push(SHARED_PAGE);
    return { materialId: m.materialId, name: names[m.materialId] ?? m.materialId, pages };
  });
}

export interface MemoryBlobs extends BlobSource {
  store: Map<string, Uint8Array>;
  put(bytes: Uint8Array): string;
}

export function memoryBlobs(): MemoryBlobs {
  const store = new Map<string, Uint8Array>();
  return {
    store,
    put(bytes) {
      const sha = sha256Hex(bytes);
      store.set(sha, bytes);
      return sha;
    },
    async read(sha) {
      const bytes = store.get(sha);
      if (!bytes) throw Object.assign(new Error(`no blob ${sha}`), { code: 'ENOENT' });
      return bytes;
    },
  };
}

/** Content-addressed files on disk: `<dir>/<sha>`, written temp → rename. */
export function fileBlobs(dir: string): BlobSource & { put(bytes: Uint8Array): string } {
  mkdirSync(dir, { recursive: true });
  return {
    put(bytes) {
      const sha = sha256Hex(bytes);
      const path = join(dir, sha);
      if (!existsSync(path)) {
        writeFileSync(`${path}.tmp`, bytes);
        renameSync(`${path}.tmp`, path);
      }
      return sha;
    },
    async read(sha) {
      return new Uint8Array(readFileSync(join(dir, sha)));
    },
  };
}

/** materialsForCase over a blob source: pages are generated and stored on first use. */
export function materialsFromPlan(blobs: { put(bytes: Uint8Array): string }, plan: PagePlan): (caseId: string) => CaseMaterial[] {
  return (caseId) =>
    casePages(caseId, plan).map((m) => ({ materialId: m.materialId, name: m.name, status: 'received' as const, blobs: m.pages.map((p) => blobs.put(p)) }));
}

export function memoryCredentials(initial: DeviceCredentials | null = null): CredentialStore & { current(): DeviceCredentials | null } {
  let value = initial;
  return {
    current: () => value,
    async load() {
      return value;
    },
    async save(c) {
      value = c;
    },
  };
}

/** Accepts one real case of PERSONAL_ITEM through the workstation's dispatch; returns its id. */
export async function acceptCase(ws: Workstation, sessionId: string, n: number): Promise<{ id: string; caseNo: string }> {
  const seq = String(100 + (n % 800)).padStart(3, '0');
  const result = await ws.dispatch(
    'cases.accept',
    { itemCode: PERSONAL_ITEM.code, itemVersion: PERSONAL_ITEM.version, formData: personalFormData(`申请人${n}`, idNumber('19550310', seq)), materials: COMPLETE_MATERIALS },
    { sessionId },
  );
  if (!result.envelope.ok) throw new Error(`accept failed: ${JSON.stringify(result.envelope)}`);
  const data = result.envelope.data as { id: string; caseNo: string };
  return { id: data.id, caseNo: data.caseNo };
}

/** Polls until check() is truthy or the time is up (then throws with the label). */
export async function waitFor<T>(label: string, check: () => T | Promise<T>, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
