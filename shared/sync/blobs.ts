/**
 * Blobs (scans, certificates, catalogue bundles) are content-addressed by SHA-256.
 *
 * Upload: `HEAD /v1/blobs/:sha256` first. 200 → already there, never upload again.
 * 404 → the `Upload-Offset` header says how many bytes the server already holds (0 when none);
 * send the rest in chunks: `PUT /v1/blobs/:sha256?offset=N&total=T` with an
 * `application/octet-stream` body. A 409 carries the server's offset (header and body): resume
 * there. The hash is checked when the last byte arrives; a mismatch (422) discards the partial.
 */
import { z } from 'zod';
import { sha256Schema } from './primitives';

export const UPLOAD_OFFSET_HEADER = 'upload-offset';
export const UPLOAD_LENGTH_HEADER = 'upload-length';
export const BLOB_CONTENT_TYPE = 'application/octet-stream';

/** Defaults; the server's actual limits are in `GET /v1/info`. */
export const DEFAULT_MAX_CHUNK_BYTES = 8 * 1024 * 1024;
export const DEFAULT_MAX_BLOB_BYTES = 200 * 1024 * 1024;

export const blobUploadQuerySchema = z
  .object({
    offset: z.coerce.number().int().min(0),
    total: z.coerce.number().int().min(1),
  })
  .strict();

/** Body of a successful PUT (200 partial, 201 completed now, 200 already complete). */
export const blobUploadResponseSchema = z
  .object({
    sha256: sha256Schema,
    /** Bytes the server holds durably: the next chunk starts here. */
    offset: z.number().int().min(0),
    total: z.number().int().min(1),
    complete: z.boolean(),
  })
  .strict();
export type BlobUploadResponse = z.infer<typeof blobUploadResponseSchema>;
