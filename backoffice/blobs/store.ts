/**
 * Where blob bytes live. The database knows which blobs exist and how far uploads got; the
 * store only holds bytes. This one is a folder (local disk or a shared mount); an object
 * store (S3 multipart) fits the same interface when the back office outgrows one machine.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { isSha256 } from '../../shared/sync';

export interface BlobStore {
  /** Durably writes data at offset of the partial blob, dropping anything after offset first. */
  writeChunk(sha256: string, offset: number, data: Uint8Array): Promise<void>;
  /** SHA-256 (lower-case hex) of the partial blob as it stands. */
  hashPartial(sha256: string): Promise<string>;
  /** Makes the partial blob the stored blob (atomic). */
  commitPartial(sha256: string): Promise<void>;
  discardPartial(sha256: string): Promise<void>;
  /**
   * Stores a whole blob whose hash the caller checked (certificates, one-request uploads);
   * no-op when present. knownAbsent (the database has no row): skip looking, an identical
   * file left by a crash is simply replaced.
   */
  putBytes(sha256: string, data: Uint8Array, options?: { knownAbsent?: boolean }): Promise<void>;
  openRead(sha256: string): Promise<{ stream: Readable; size: number }>;
  /** First bytes of a stored blob, to sniff its type. */
  readHead(sha256: string, length: number): Promise<Uint8Array>;
}

function assertSha(sha256: string): void {
  // Paths are built from the hash: never let anything else near the file system.
  if (!isSha256(sha256)) throw new Error(`invalid sha256: ${JSON.stringify(sha256)}`);
}

export class FsBlobStore implements BlobStore {
  /** Folders made by this process: one mkdir per folder, not one per blob. */
  private readonly folders = new Set<string>();

  constructor(private readonly root: string) {}

  /** root/ab/cd/abcd… */
  pathOf(sha256: string): string {
    assertSha(sha256);
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  private partialPath(sha256: string): string {
    assertSha(sha256);
    return join(this.root, '.partial', sha256);
  }

  async init(): Promise<void> {
    await mkdir(join(this.root, '.partial'), { recursive: true });
    await mkdir(join(this.root, '.tmp'), { recursive: true });
  }

  async writeChunk(sha256: string, offset: number, data: Uint8Array): Promise<void> {
    const handle = await open(this.partialPath(sha256), constants.O_RDWR | constants.O_CREAT, 0o600);
    try {
      await handle.truncate(offset);
      let written = 0;
      while (written < data.byteLength) {
        const { bytesWritten } = await handle.write(data, written, data.byteLength - written, offset + written);
        written += bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async hashPartial(sha256: string): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(this.partialPath(sha256))) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  async commitPartial(sha256: string): Promise<void> {
    await this.moveIntoPlace(this.partialPath(sha256), sha256);
  }

  async discardPartial(sha256: string): Promise<void> {
    await rm(this.partialPath(sha256), { force: true });
  }

  async putBytes(sha256: string, data: Uint8Array, options: { knownAbsent?: boolean } = {}): Promise<void> {
    if (!options.knownAbsent && (await exists(this.pathOf(sha256)))) return;
    const temp = join(this.root, '.tmp', `${sha256}.${randomBytes(6).toString('hex')}`);
    try {
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await this.moveIntoPlace(temp, sha256);
    } catch (error) {
      await rm(temp, { force: true }); // a full disk must not leave half a file in .tmp
      throw error;
    }
  }

  async openRead(sha256: string): Promise<{ stream: Readable; size: number }> {
    const path = this.pathOf(sha256);
    const { size } = await stat(path);
    return { stream: createReadStream(path), size };
  }

  async readHead(sha256: string, length: number): Promise<Uint8Array> {
    const handle = await open(this.pathOf(sha256), 'r');
    try {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  /** rename is atomic within one file system; fsync the folder so the new name survives a crash. */
  private async moveIntoPlace(from: string, sha256: string): Promise<void> {
    const target = this.pathOf(sha256);
    const folder = dirname(target);
    if (!this.folders.has(folder)) {
      await mkdir(folder, { recursive: true });
      this.folders.add(folder);
    }
    try {
      await rename(from, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // The folder went away behind our back (an operator's clean-up): make it again.
      this.folders.delete(folder);
      await mkdir(folder, { recursive: true });
      await rename(from, target);
    }
    const dir = await open(dirname(target), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Good enough to let a browser show scans and PDFs inline; everything else is octet-stream. */
export function sniffMediaType(head: Uint8Array): string {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'application/pdf';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0x52, 0x49, 0x46, 0x46) && head[8] === 0x57 && head[9] === 0x45 && head[10] === 0x42 && head[11] === 0x50) return 'image/webp';
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return 'image/tiff';
  return 'application/octet-stream';
}
