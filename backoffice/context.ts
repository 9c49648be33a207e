/** What every back-office module needs, built once by createBackoffice (the composition root). */
import type { FastifyBaseLogger } from 'fastify';
import type { BlobStore } from './blobs/store';
import type { BackofficeDb, OpenDatabase } from './db/connect';
import type { ChangeNotifier } from './sync/notifier';

export interface BackofficeLimits {
  maxChunkBytes: number;
  maxBlobBytes: number;
  maxPushBodyBytes: number;
  /** Long-poll cap in seconds. */
  maxWaitSeconds: number;
  /** How often a long-poll re-reads the feed even without a wake-up (ms). */
  pollIntervalMs: number;
  /** How long an upload request may hold a partial blob (ms). */
  uploadLeaseMs: number;
  enrolmentCodeTtlHours: number;
  reviewerSessionHours: number;
}

export interface BackofficeContext {
  db: BackofficeDb;
  dbKind: OpenDatabase['kind'];
  blobs: BlobStore;
  notifier: ChangeNotifier;
  limits: BackofficeLimits;
  /** The clock; tests may move it. */
  now: () => Date;
  /** Aborted when the server shuts down: long-polls return at once. */
  shutdown: AbortSignal;
  log: FastifyBaseLogger;
  /** The back office's address as people reach it (certificate QR links), without a trailing slash. */
  publicUrl: () => string;
}
