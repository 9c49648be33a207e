/**
 * Resumable, content-addressed uploads (docs/SYNC.md "Blobs"). A blob that fits in one chunk
 * (a scanned page) is sent whole in one PUT; a bigger one asks HEAD first, so what the back
 * office holds is never sent again and a partial resumes at the offset the server acknowledged
 * (durable on its disk). The bytes are hashed here before they leave, and the server hashes
 * them again on arrival.
 */
import { createHash } from 'node:crypto';
import { SYNC_ROUTES, UPLOAD_OFFSET_HEADER, blobUploadResponseSchema } from '../../shared/sync';
import { BackofficeError, type BackofficeClient } from './http';
import { LocalProblem } from './payload';
import type { BlobSource, DeviceCredentials } from './types';

export interface Uploader {
  /** Makes sure the back office holds the blob. Throws BackofficeError or LocalProblem. */
  ensure(sha256: string, credentials: DeviceCredentials): Promise<void>;
  /** The back office said it lacks these (e.g. restored from a backup): ask again next time. */
  forget(shas: Iterable<string>): void;
  /** Bytes sent in PUT bodies so far (for benchmarks and tests). */
  readonly bytesSent: number;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function createUploader(client: BackofficeClient, blobs: BlobSource, options: { chunkBytes: number }): Uploader {
  /** Blobs the back office confirmed in this run; it never deletes a completed blob. */
  const known = new Set<string>();
  let chunkBytes = options.chunkBytes;
  let bytesSent = 0;

  async function readVerified(sha256: string): Promise<Uint8Array> {
    let bytes: Uint8Array;
    try {
      bytes = await blobs.read(sha256);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new LocalProblem(`本地找不到材料文件 ${sha256.slice(0, 12)}…，无法上报`);
      // The materials store's own verdicts (its messages are Chinese and say what to do).
      if (code === 'BLOB_MISSING' || code === 'BLOB_CORRUPT') throw new LocalProblem((error as Error).message);
      throw new BackofficeError('transient', `读取本地材料文件失败：${(error as Error).message}`);
    }
    if (sha256Hex(bytes) !== sha256) throw new LocalProblem(`本地材料文件 ${sha256.slice(0, 12)}… 已损坏（SHA-256 不符），无法上报`);
    return bytes;
  }

  function offsetFrom(error: BackofficeError): number | undefined {
    const details = error.details as { offset?: unknown } | undefined;
    return typeof details?.offset === 'number' ? details.offset : undefined;
  }

  async function serverHas(sha256: string, credentials: DeviceCredentials): Promise<{ has: true } | { has: false; offset: number }> {
    const head = await client.call(SYNC_ROUTES.blob(sha256), { method: 'HEAD', credentials, accept: [404] });
    if (head.status === 200) return { has: true };
    return { has: false, offset: Number(head.headers.get(UPLOAD_OFFSET_HEADER) ?? 0) || 0 };
  }

  /** Uploads under way: a second ask for the same blob waits for the first instead of racing it. */
  const inFlight = new Map<string, Promise<void>>();

  function ensure(sha256: string, credentials: DeviceCredentials): Promise<void> {
    if (known.has(sha256)) return Promise.resolve();
    const running = inFlight.get(sha256);
    if (running) return running;
    const upload = ensureOnce(sha256, credentials).finally(() => inFlight.delete(sha256));
    inFlight.set(sha256, upload);
    return upload;
  }

  async function ensureOnce(sha256: string, credentials: DeviceCredentials): Promise<void> {
    let bytes: Uint8Array;
    try {
      bytes = await readVerified(sha256);
    } catch (error) {
      // A local copy gone bad is harmless when the back office already holds the blob.
      if (error instanceof LocalProblem && (await serverHas(sha256, credentials)).has) {
        known.add(sha256);
        return;
      }
      throw error;
    }
    const total = bytes.byteLength;
    let offset = 0;
    // A blob that fits in one chunk goes whole without asking first: the PUT answers "already
    // stored" (nothing written) or the offset of a partial, so a HEAD would only add a round trip.
    if (total > chunkBytes) {
      const status = await serverHas(sha256, credentials);
      if (status.has) {
        known.add(sha256);
        return;
      }
      offset = status.offset > total ? 0 : status.offset;
    }
    let restarts = 0;
    // Bounded: every turn either moves the offset forward or counts a restart.
    for (let turn = 0; turn < Math.ceil(total / 1024) + 20; turn++) {
      const chunk = bytes.subarray(offset, Math.min(total, offset + chunkBytes));
      try {
        const result = await client.call(SYNC_ROUTES.blobUpload(sha256, offset, total), { method: 'PUT', bytes: chunk, credentials });
        bytesSent += chunk.byteLength;
        const body = blobUploadResponseSchema.parse(result.body);
        if (body.complete) {
          known.add(sha256);
          return;
        }
        offset = body.offset;
      } catch (error) {
        if (!(error instanceof BackofficeError)) throw new BackofficeError('transient', `上传应答无法识别：${(error as Error).message}`);
        if (error.status === 409 && error.code === 'UPLOAD_OFFSET_MISMATCH') {
          const at = offsetFrom(error) ?? 0;
          if (at >= total) {
            // Finished by another request meanwhile: confirm with HEAD.
            const again = await client.call(SYNC_ROUTES.blob(sha256), { method: 'HEAD', credentials, accept: [404] });
            if (again.status === 200) {
              known.add(sha256);
              return;
            }
            offset = 0;
          } else {
            offset = at;
          }
          continue;
        }
        if (error.status === 409 && error.code === 'UPLOAD_TOTAL_MISMATCH' && offset !== 0 && restarts < 2) {
          restarts++; // a partial with another length is not ours to resume: the server replaces it from 0
          offset = 0;
          continue;
        }
        if (error.status === 422 && error.code === 'BLOB_HASH_MISMATCH' && restarts < 2) {
          restarts++; // damaged on the way: the server dropped the partial, start over
          offset = 0;
          continue;
        }
        if (error.status === 413 && error.code === 'PAYLOAD_TOO_LARGE' && chunkBytes > 64 * 1024) {
          chunkBytes = Math.floor(chunkBytes / 2);
          continue;
        }
        if (error.status === 413) throw new LocalProblem(`材料文件过大，区级后台拒收：${error.message}`);
        throw error;
      }
    }
    throw new BackofficeError('transient', `文件 ${sha256.slice(0, 12)}… 上传未能完成，稍后重试`);
  }

  return {
    ensure,
    forget(shas) {
      for (const s of shas) known.delete(s);
    },
    get bytesSent() {
      return bytesSent;
    },
  };
}
