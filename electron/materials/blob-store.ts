/**
 * Content-addressed file store for captured pages and built PDFs: `<dataDir>/blobs/ab/cd/<sha256>`.
 *
 * - Every file is sealed with AES-256-GCM (electron/keys/aead.ts, format `OWB1 | key id(8) |
 *   iv | ciphertext | tag`, the name as additional data) under the blob key derived from the
 *   data master key. The name stays the SHA-256 of the PLAIN bytes, checked again after
 *   decryption. A file that does not decrypt is refused like one that does not hash.
 *   Plain files of an earlier version are still read (hash-verified) and sealed by `reseal()`.
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
import { mkdir, open, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { headerOf, isSealed, open as openSealed, overhead, seal, SealedDataError, type SealFormat } from '../keys/aead';
import { keysForDataDir, type WorkstationKeys } from '../keys';
import { BlobIntegrityError, BlobNotFoundError } from './errors';

export const BLOB_FORMAT: SealFormat = { magic: Buffer.from('OWB1'), headerBytes: 8 };
/** Bytes a sealed blob file has beyond its plain content. */
export const BLOB_OVERHEAD = overhead(BLOB_FORMAT);
/** Written after a complete reseal pass: holds the key id every blob was sealed with. */
const SEALED_MARKER = '.sealed';

export const SHA256_PATTERN = /^[0-9a-f]{64}$/;
const TEMP_SUFFIX = '.tmp';

export interface PutResult {
  sha256: string;
  size: number;
  /** false when an intact blob with these bytes was already stored. */
  created: boolean;
}

export interface BlobStat {
  /** Size of the plain content. */
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
   * Seals every blob not sealed with the current key (plain files of an earlier version, or
   * files of the previous key during a rotation). Idempotent and safe to interrupt: each file
   * is replaced atomically, and a rerun skips what is done. `onlyIfNeeded` skips the walk when
   * a complete pass already ran under the current key.
   */
  reseal(options?: { onlyIfNeeded?: boolean }): Promise<{ resealed: number; kept: number; damaged: string[] }>;
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

export function createBlobStore(dataDir: string, options: { now?: () => number; keys?: WorkstationKeys } = {}): BlobStore {
  const root = join(dataDir, 'blobs');
  const now = options.now ?? Date.now;
  let keys = options.keys;
  const keyring = () => (keys ??= keysForDataDir(dataDir)).blobKeyring();
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

  /** The plain bytes of a stored file, verified against its name; `sealedWith` is null for a plain legacy file. */
  function unseal(sha: string, path: string, file: Buffer): { plain: Buffer; sealedWith: Buffer | null } {
    let plain: Buffer;
    let sealedWith: Buffer | null = null;
    if (isSealed(BLOB_FORMAT, file)) {
      sealedWith = headerOf(BLOB_FORMAT, file);
      const key = keyring().byId(sealedWith);
      if (!key) throw new BlobIntegrityError(sha, null, path, 'unknown-key');
      try {
        plain = openSealed(BLOB_FORMAT, key, file, sha);
      } catch (e) {
        if (e instanceof SealedDataError) throw new BlobIntegrityError(sha, null, path, 'authentication');
        throw e;
      }
    } else plain = file; // a plain file written before blobs were encrypted
    const actual = sha256Hex(plain);
    if (actual !== sha) throw new BlobIntegrityError(sha, actual, path, 'hash');
    return { plain, sealedWith };
  }

  async function readFileOf(sha: string): Promise<{ path: string; file: Buffer }> {
    const path = pathOf(sha);
    try {
      return { path, file: await readFile(path) };
    } catch (e) {
      if (isMissing(e)) throw new BlobNotFoundError(sha);
      throw e;
    }
  }

  async function readVerified(sha: string): Promise<Uint8Array> {
    const { path, file } = await readFileOf(sha);
    const { plain } = unseal(sha, path, file);
    return new Uint8Array(plain.buffer, plain.byteOffset, plain.byteLength);
  }

  /** Seals `bytes` and puts the file under its name atomically (temp, fsync, rename, fsync folder). */
  async function writeSealed(sha: string, bytes: Uint8Array): Promise<void> {
    const path = pathOf(sha);
    const { id, key } = keyring().seal;
    const sealed = seal(BLOB_FORMAT, key, bytes, sha, id);
    const folder = await ensureFolder(sha);
    const temp = join(folder, `${sha}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
    const handle = await open(temp, 'wx', 0o600);
    try {
      try {
        let offset = 0;
        while (offset < sealed.byteLength) {
          const { bytesWritten } = await handle.write(sealed, offset, sealed.byteLength - offset);
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
  }

  /** Plain size of a stored file, from its length and magic (no decryption). */
  async function plainSize(path: string, fileSize: number): Promise<number> {
    if (fileSize < BLOB_OVERHEAD) return fileSize;
    const handle = await open(path, 'r');
    try {
      const head = Buffer.alloc(BLOB_FORMAT.magic.length);
      await handle.read(head, 0, head.length, 0);
      return head.equals(BLOB_FORMAT.magic) ? fileSize - BLOB_OVERHEAD : fileSize;
    } finally {
      await handle.close();
    }
  }

  /** Every stored blob name (not temp files), folder by folder. */
  async function* allBlobs(): AsyncGenerator<string> {
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
        for (const f of await list(join(root, a.name, b.name))) {
          if (f.isFile() && SHA256_PATTERN.test(f.name) && f.name.startsWith(a.name + b.name)) yield f.name;
        }
      }
    }
  }

  const store: BlobStore = {
    root,
    pathOf,

    async put(bytes) {
      const sha = sha256Hex(bytes);
      const path = pathOf(sha);
      try {
        const found = await readFileOf(sha);
        // A plain file of an earlier version is rewritten sealed below.
        if (unseal(sha, found.path, found.file).sealedWith) {
          const t = new Date(now());
          await utimes(path, t, t).catch(() => undefined);
          return { sha256: sha, size: bytes.byteLength, created: false };
        }
      } catch (e) {
        if (!(e instanceof BlobNotFoundError) && !(e instanceof BlobIntegrityError)) throw e;
        // Missing, or damaged on disk: (re)write it atomically below.
      }
      await writeSealed(sha, bytes);
      return { sha256: sha, size: bytes.byteLength, created: true };
    },

    get: readVerified,

    async has(sha) {
      return (await store.stat(sha)) !== null;
    },

    async stat(sha) {
      try {
        const path = pathOf(sha);
        const s = await stat(path);
        return s.isFile() ? { size: await plainSize(path, s.size), mtimeMs: s.mtimeMs } : null;
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

    async reseal(opts = {}) {
      const target = keyring().seal.id;
      const marker = join(root, SEALED_MARKER);
      if (opts.onlyIfNeeded) {
        const done = await readFile(marker, 'utf8').catch(() => '');
        if (done.trim() === target.toString('hex')) return { resealed: 0, kept: 0, damaged: [] };
      }
      const result = { resealed: 0, kept: 0, damaged: [] as string[] };
      for await (const sha of allBlobs()) {
        let found;
        try {
          found = await readFileOf(sha);
        } catch (e) {
          if (e instanceof BlobNotFoundError) continue; // swept meanwhile
          throw e;
        }
        if (isSealed(BLOB_FORMAT, found.file) && headerOf(BLOB_FORMAT, found.file).equals(target)) {
          result.kept++;
          continue;
        }
        let plain: Buffer;
        try {
          plain = unseal(sha, found.path, found.file).plain;
        } catch (e) {
          // Left as it is for IT (never deleted); the rest of the pass goes on.
          if (e instanceof BlobIntegrityError) {
            result.damaged.push(sha);
            continue;
          }
          throw e;
        }
        await writeSealed(sha, plain);
        result.resealed++;
      }
      if (result.damaged.length === 0) {
        await mkdir(root, { recursive: true });
        await writeFile(marker, target.toString('hex'));
      }
      return result;
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
