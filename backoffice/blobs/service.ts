/**
 * Resumable, verified, content-addressed uploads. The database holds the truth (which blobs
 * are complete, how many bytes of a partial are durable, who may write it right now); the
 * store holds the bytes. No state lives in the process, so any instance can take the next chunk.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, inArray, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { BlobUploadResponse } from '../../shared/sync';
import type { BackofficeContext } from '../context';
import type { Tx } from '../db/connect';
import { blobUploads, blobs, broadcastBlobs, caseBlobs, cases } from '../db/schema';
import { ApiError } from '../http/errors';
import { sniffMediaType } from './store';

export type BlobStatus =
  | { state: 'complete'; size: number; mediaType: string }
  | { state: 'partial'; offset: number; total: number }
  | { state: 'absent' };

/** One query for both tables: HEAD and every PUT ask it, so a second round trip per request counts. */
export async function blobStatus(ctx: BackofficeContext, sha256: string): Promise<BlobStatus> {
  const rows = await ctx.db
    .select({ complete: sql<boolean>`true`, size: blobs.size, mediaType: blobs.mediaType, total: blobs.size })
    .from(blobs)
    .where(eq(blobs.sha256, sha256))
    .unionAll(
      ctx.db
        .select({ complete: sql<boolean>`false`, size: blobUploads.received, mediaType: sql<string>`''`, total: blobUploads.total })
        .from(blobUploads)
        .where(eq(blobUploads.sha256, sha256)),
    );
  // A completed blob wins over a leftover upload row (a whole-blob PUT does not delete one).
  const row = rows.find((r) => r.complete) ?? rows[0];
  if (!row) return { state: 'absent' };
  if (row.complete) return { state: 'complete', size: Number(row.size), mediaType: row.mediaType };
  return { state: 'partial', offset: Number(row.size), total: Number(row.total) };
}

function offsetConflict(code: 'UPLOAD_OFFSET_MISMATCH' | 'UPLOAD_BUSY', offset: number): ApiError {
  return new ApiError(409, code, undefined, { offset }, { 'upload-offset': String(offset) });
}

/** Appends one chunk; completes (verify, move into place, record) when it is the last one. */
export async function putChunk(
  ctx: BackofficeContext,
  sha256: string,
  offset: number,
  total: number,
  chunk: Uint8Array,
): Promise<{ status: 200 | 201; body: BlobUploadResponse }> {
  if (total > ctx.limits.maxBlobBytes) throw new ApiError(413, 'BLOB_TOO_LARGE', `文件超过大小上限（${ctx.limits.maxBlobBytes} 字节）`);
  const existing = await blobStatus(ctx, sha256);
  if (existing.state === 'complete') {
    // Never stored twice: report success without touching the bytes.
    return { status: 200, body: { sha256, offset: existing.size, total: existing.size, complete: true } };
  }
  if (chunk.byteLength === 0 || offset + chunk.byteLength > total) {
    throw new ApiError(400, 'CHUNK_OUT_OF_RANGE', undefined, { offset, length: chunk.byteLength, total });
  }
  if (existing.state === 'absent' && offset === 0 && chunk.byteLength === total) return putWhole(ctx, sha256, chunk);

  const owner = randomBytes(12).toString('hex');
  await claimUpload(ctx, sha256, offset, total, owner);
  const end = offset + chunk.byteLength;
  try {
    await ctx.blobs.writeChunk(sha256, offset, chunk);
    if (end < total) {
      await ctx.db
        .update(blobUploads)
        .set({ received: end, leaseOwner: null, leaseUntil: null, updatedAt: ctx.now() })
        .where(and(eq(blobUploads.sha256, sha256), eq(blobUploads.leaseOwner, owner)));
      return { status: 200, body: { sha256, offset: end, total, complete: false } };
    }
    const actual = await ctx.blobs.hashPartial(sha256);
    if (actual !== sha256) {
      await ctx.blobs.discardPartial(sha256);
      await ctx.db.delete(blobUploads).where(eq(blobUploads.sha256, sha256));
      throw new ApiError(422, 'BLOB_HASH_MISMATCH', undefined, { expected: sha256, actual });
    }
    await ctx.blobs.commitPartial(sha256);
    const mediaType = sniffMediaType(await ctx.blobs.readHead(sha256, 16));
    await ctx.db.transaction(async (tx) => {
      await recordBlob(tx, sha256, total, mediaType, ctx.now());
      await tx.delete(blobUploads).where(eq(blobUploads.sha256, sha256));
    });
    return { status: 201, body: { sha256, offset: total, total, complete: true } };
  } catch (error) {
    // Give the partial back so the client can resume from the last durable offset.
    await ctx.db
      .update(blobUploads)
      .set({ leaseOwner: null, leaseUntil: null })
      .where(and(eq(blobUploads.sha256, sha256), eq(blobUploads.leaseOwner, owner)))
      .catch(() => undefined);
    throw error;
  }
}

/**
 * The whole blob in one request (a scanned page: one PUT): verified in memory, written once to
 * a temp file, fsynced and renamed into place (the folder fsynced), then one row. No partial,
 * no lease row, no second read: nothing is acknowledged before the bytes and the name are on
 * disk. Two devices sending the same blob at once both rename identical, verified bytes.
 */
async function putWhole(ctx: BackofficeContext, sha256: string, data: Uint8Array): Promise<{ status: 201; body: BlobUploadResponse }> {
  const actual = createHash('sha256').update(data).digest('hex');
  if (actual !== sha256) throw new ApiError(422, 'BLOB_HASH_MISMATCH', undefined, { expected: sha256, actual });
  await ctx.blobs.putBytes(sha256, data, { knownAbsent: true });
  await ctx.db
    .insert(blobs)
    .values({ sha256, size: data.byteLength, mediaType: sniffMediaType(data.subarray(0, 16)), createdAt: ctx.now() })
    .onConflictDoNothing();
  return { status: 201, body: { sha256, offset: data.byteLength, total: data.byteLength, complete: true } };
}

/**
 * Takes the upload's lease if the client's offset is the durable one. A new upload must
 * start at 0. A lease left by a crashed request expires after uploadLeaseMs.
 */
async function claimUpload(ctx: BackofficeContext, sha256: string, offset: number, total: number, owner: string): Promise<void> {
  const now = ctx.now();
  const leaseUntil = new Date(now.getTime() + ctx.limits.uploadLeaseMs);
  if (offset === 0) {
    const inserted = await ctx.db
      .insert(blobUploads)
      .values({ sha256, total, received: 0, leaseOwner: owner, leaseUntil, startedAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning({ sha256: blobUploads.sha256 });
    if (inserted.length) return;
    // A partial begun with another total can never complete (a blob has one length): a client
    // starting over at 0 with a different total replaces it, once no request holds its lease.
    const restarted = await ctx.db
      .update(blobUploads)
      .set({ total, received: 0, leaseOwner: owner, leaseUntil, startedAt: now, updatedAt: now })
      .where(and(eq(blobUploads.sha256, sha256), ne(blobUploads.total, total), or(isNull(blobUploads.leaseUntil), lt(blobUploads.leaseUntil, now))))
      .returning({ sha256: blobUploads.sha256 });
    if (restarted.length) {
      await ctx.blobs.discardPartial(sha256);
      return;
    }
  }
  const claimed = await ctx.db
    .update(blobUploads)
    .set({ leaseOwner: owner, leaseUntil, updatedAt: now })
    .where(
      and(
        eq(blobUploads.sha256, sha256),
        eq(blobUploads.received, offset),
        eq(blobUploads.total, total),
        or(isNull(blobUploads.leaseUntil), lt(blobUploads.leaseUntil, now)),
      ),
    )
    .returning({ sha256: blobUploads.sha256 });
  if (claimed.length) return;

  const [upload] = await ctx.db.select().from(blobUploads).where(eq(blobUploads.sha256, sha256));
  if (!upload) {
    // Completed meanwhile by someone else, or nothing started yet.
    const status = await blobStatus(ctx, sha256);
    if (status.state === 'complete') throw offsetConflict('UPLOAD_OFFSET_MISMATCH', status.size);
    throw offsetConflict('UPLOAD_OFFSET_MISMATCH', 0);
  }
  if (upload.total !== total) {
    throw new ApiError(409, 'UPLOAD_TOTAL_MISMATCH', undefined, { offset: upload.received, total: upload.total }, { 'upload-offset': String(upload.received) });
  }
  if (upload.received !== offset) throw offsetConflict('UPLOAD_OFFSET_MISMATCH', upload.received);
  throw offsetConflict('UPLOAD_BUSY', upload.received);
}

async function recordBlob(tx: Tx, sha256: string, size: number, mediaType: string, now: Date): Promise<void> {
  await tx.insert(blobs).values({ sha256, size, mediaType, createdAt: now }).onConflictDoNothing();
}

/** Stores bytes made by the back office itself (certificates, published bundles). */
export async function storeServerBlob(ctx: BackofficeContext, tx: Tx, data: Uint8Array, mediaType: string): Promise<{ sha256: string; size: number }> {
  const sha256 = createHash('sha256').update(data).digest('hex');
  await ctx.blobs.putBytes(sha256, data);
  await recordBlob(tx, sha256, data.byteLength, mediaType, ctx.now());
  return { sha256, size: data.byteLength };
}

/** Which of these blobs are not complete yet (sorted, unique). */
export async function findMissingBlobs(tx: Tx, shas: string[]): Promise<string[]> {
  const wanted = [...new Set(shas)].sort();
  if (!wanted.length) return [];
  const rows = await tx
    .select({ sha256: blobs.sha256 })
    .from(blobs)
    .where(inArray(blobs.sha256, wanted));
  const present = new Set(rows.map((r) => r.sha256));
  return wanted.filter((s) => !present.has(s));
}

/** A device may download blobs of its own cases (scans, certificates) and broadcast blobs. */
export async function deviceMayRead(ctx: BackofficeContext, deviceId: string, sha256: string): Promise<boolean> {
  const [broadcast] = await ctx.db.select({ sha256: broadcastBlobs.sha256 }).from(broadcastBlobs).where(eq(broadcastBlobs.sha256, sha256));
  if (broadcast) return true;
  const rows = await ctx.db
    .select({ caseId: caseBlobs.caseId })
    .from(caseBlobs)
    .innerJoin(cases, eq(cases.id, caseBlobs.caseId))
    .where(and(eq(caseBlobs.sha256, sha256), eq(cases.deviceId, deviceId)))
    .limit(1);
  return rows.length > 0;
}
