/**
 * Content-addressed file store for captured pages and built PDFs: `<dataDir>/blobs/ab/cd/<sha256>`.
 *
 * - A blob appears under its real name only complete and durable: the bytes go to a temp
 *   file in the same folder, are fsynced, renamed over the final name (atomic on one file
 *   system) and the folder is fsynced so the rename itself survives a power cut. A crash
 *   leaves at most a `*.tmp` file, which is never served and is swept by removeOrphans.
 * - The same bytes are never written twice: an intact existing blob is kept (its mtime is
 *   refreshed so a concurrent orphan sweep cannot take it); a damaged one is replaced.
 * - Every read is verified against the name: a blob that does not hash to its name throws
 *   BlobIntegrityError, never returns wrong bytes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobIntegrityError, BlobNotFoundError } from './errors';

export const SHA256_PATTERN = /^[0-9a-f]{64}$/;
const TEMP_SUFFIX = '.tmp';

export interface PutResult {
  sha256: string;
  size: number;
  /** false when an intact blob with these bytes was already stored. */
  created: boolean;
}

export interface BlobStat {
  size: number;
  mtimeMs: number;
}

export interface OrphanSweep {
  /** Blobs deleted (not referenced, older than the grace period). */
  removed: string[];
  bytesFreed: number;
  /** Stale temp files of interrupted writes. */
  tempFilesRemoved: number;
  /** Unreferenced blobs kept because they are younger than the grace period. */
  keptYoung: number;
}

export interface BlobStore {
  readonly root: string;
  put(bytes: Uint8Array): Promise<PutResult>;
  /** The verified bytes. BlobNotFoundError / BlobIntegrityError otherwise. */
  get(sha256: string): Promise<Uint8Array>;
  has(sha256: string): Promise<boolean>;
  stat(sha256: string): Promise<BlobStat | null>;
  /** Hashes the stored file without returning it: true when intact. */
  verify(sha256: string): Promise<boolean>;
  pathOf(sha256: string): string;
  /**
   * Deletes blobs not in `referenced` whose file is older than `olderThanMs`, and temp files
   * older than that. Young files are kept: a page being stored right now has its blob on disk
   * before its database row, and must not be swept in between.
   */
  removeOrphans(referenced: ReadonlySet<string>, olderThanMs: number): Promise<OrphanSweep>;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function checkName(sha256: string): void {
  if (!SHA256_PATTERN.test(sha256)) throw new TypeError(`not a SHA-256 name: ${String(sha256).slice(0, 80)}`);
}

/** fsync a directory so a rename or a new entry in it is durable. Windows cannot open folders for this. */
async function syncDir(path: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const isMissing = (e: unknown) => (e as NodeJS.ErrnoException)?.code === 'ENOENT';

export function createBlobStore(dataDir: string, options: { now?: () => number } = {}): BlobStore {
  const root = join(dataDir, 'blobs');
  const now = options.now ?? Date.now;
  const folderOf = (sha: string) => join(root, sha.slice(0, 2), sha.slice(2, 4));
  const pathOf = (sha: string) => {
    checkName(sha);
    return join(folderOf(sha), sha);
  };

  async function ensureFolder(sha: string): Promise<string> {
    const folder = folderOf(sha);
    const first = await mkdir(folder, { recursive: true });
    if (first) {
      // New folders are entries of their parents: make those entries durable too.
      await syncDir(folder);
      await syncDir(join(folder, '..'));
      await syncDir(root);
      await syncDir(join(root, '..')).catch(() => undefined);
    }
    return folder;
  }

  async function readVerified(sha: string): Promise<Uint8Array> {
    const path = pathOf(sha);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (e) {
      if (isMissing(e)) throw new BlobNotFoundError(sha);
      throw e;
    }
    const actual = sha256Hex(bytes);
    if (actual !== sha) throw new BlobIntegrityError(sha, actual, path);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  const store: BlobStore = {
    root,
    pathOf,

    async put(bytes) {
      const sha = sha256Hex(bytes);
      const path = pathOf(sha);
      try {
        await readVerified(sha);
        const t = new Date(now());
        await utimes(path, t, t).catch(() => undefined);
        return { sha256: sha, size: bytes.byteLength, created: false };
      } catch (e) {
        if (!(e instanceof BlobNotFoundError) && !(e instanceof BlobIntegrityError)) throw e;
        // Missing, or damaged on disk: (re)write it atomically below.
      }
      const folder = await ensureFolder(sha);
      const temp = join(folder, `${sha}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
      const handle = await open(temp, 'wx', 0o644);
      try {
        try {
          let offset = 0;
          while (offset < bytes.byteLength) {
            const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset);
            offset += bytesWritten;
          }
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temp, path);
      } catch (e) {
        await unlink(temp).catch(() => undefined);
        throw e;
      }
      await syncDir(folder);
      return { sha256: sha, size: bytes.byteLength, created: true };
    },

    get: readVerified,

    async has(sha) {
      return (await store.stat(sha)) !== null;
    },

    async stat(sha) {
      try {
        const s = await stat(pathOf(sha));
        return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : null;
      } catch (e) {
        if (isMissing(e)) return null;
        throw e;
      }
    },

    async verify(sha) {
      try {
        await readVerified(sha);
        return true;
      } catch (e) {
        if (e instanceof BlobIntegrityError || e instanceof BlobNotFoundError) return false;
        throw e;
      }
    },

    async removeOrphans(referenced, olderThanMs) {
      const result: OrphanSweep = { removed: [], bytesFreed: 0, tempFilesRemoved: 0, keptYoung: 0 };
      const cutoff = now() - Math.max(0, olderThanMs);
      const list = async (dir: string) => {
        try {
          return await readdir(dir, { withFileTypes: true });
        } catch (e) {
          if (isMissing(e)) return [];
          throw e;
        }
      };
      for (const a of await list(root)) {
        if (!a.isDirectory() || !/^[0-9a-f]{2}$/.test(a.name)) continue;
        for (const b of await list(join(root, a.name))) {
          if (!b.isDirectory() || !/^[0-9a-f]{2}$/.test(b.name)) continue;
          const folder = join(root, a.name, b.name);
          for (const f of await list(folder)) {
            if (!f.isFile()) continue;
            const isTemp = f.name.endsWith(TEMP_SUFFIX);
            const isBlob = SHA256_PATTERN.test(f.name) && f.name.startsWith(a.name + b.name);
            if (!isTemp && !isBlob) continue; // not ours: leave it alone
            if (isBlob && referenced.has(f.name)) continue;
            const path = join(folder, f.name);
            let s;
            try {
              s = await stat(path);
            } catch (e) {
              if (isMissing(e)) continue;
              throw e;
            }
            if (s.mtimeMs > cutoff) {
              if (isBlob) result.keptYoung++;
              continue;
            }
            try {
              await unlink(path);
            } catch (e) {
              if (isMissing(e)) continue;
              throw e;
            }
            if (isTemp) result.tempFilesRemoved++;
            else {
              result.removed.push(f.name);
              result.bytesFreed += s.size;
            }
          }
        }
      }
      return result;
    },
  };
  return store;
}
