/**
 * The district back office (区级后台): composition root. Builds the database, blob store,
 * notifier and HTTP routes. All state is in the database (and the blob folder), so several
 * instances can run behind a load balancer against one PostgreSQL and one blob store.
 */
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  DEFAULT_MAX_BLOB_BYTES,
  DEFAULT_MAX_CHUNK_BYTES,
  MAX_WAIT_SECONDS,
} from '../shared/sync';
import { createAdmin, type BackofficeAdmin } from './admin';
import { blobRoutes } from './blobs/routes';
import { FsBlobStore } from './blobs/store';
import type { BackofficeContext, BackofficeLimits } from './context';
import { openDatabase, type DatabaseConfig } from './db/connect';
import { deviceAdminRoutes, publicRoutes } from './devices/routes';
import { frameworkErrors, installErrorHandlers } from './http/errors';
import { reviewRoutes } from './review/routes';
import { verifyRoutes } from './review/verify';
import { ChangeNotifier, listenToPostgres } from './sync/notifier';
import { syncRoutes } from './sync/routes';
import { reviewWebUi } from './web-server';

export type { BackofficeAdmin } from './admin';
export type { DatabaseConfig } from './db/connect';

export interface BackofficeOptions {
  database: DatabaseConfig;
  /** Folder for blob bytes (local disk or a mount shared by all instances). */
  blobDir: string;
  /** Fastify's JSON request log to stdout. */
  logger?: boolean;
  /** Trust X-Forwarded-* from a load balancer in front. */
  trustProxy?: boolean;
  limits?: Partial<BackofficeLimits>;
  /** The clock (tests). */
  now?: () => Date;
  /** Address printed in certificate QR links, e.g. https://zwfw.qixia.gov.cn/backoffice (default: the listening address). */
  publicUrl?: string;
  /** Serve HTTPS with this certificate (PEM, chain allowed) and key; workstations trust it through their backofficeCaFile. */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

export interface Backoffice {
  app: FastifyInstance;
  /** Starts listening (default port 0 = any free port, host 127.0.0.1); returns the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Ends long-polls, stops the server, closes the database. Safe to call twice. */
  close(): Promise<void>;
  admin: BackofficeAdmin;
}

/** How long close() lets requests in flight finish before cutting their connections. */
const CLOSE_GRACE_MS = 1_500;

export const DEFAULT_LIMITS: BackofficeLimits = {
  maxChunkBytes: DEFAULT_MAX_CHUNK_BYTES,
  maxBlobBytes: DEFAULT_MAX_BLOB_BYTES,
  maxPushBodyBytes: 16 * 1024 * 1024,
  maxWaitSeconds: MAX_WAIT_SECONDS,
  pollIntervalMs: 5_000,
  uploadLeaseMs: 60_000,
  enrolmentCodeTtlHours: 24,
  reviewerSessionHours: 12,
};

export async function createBackoffice(options: BackofficeOptions): Promise<Backoffice> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  limits.maxWaitSeconds = Math.min(limits.maxWaitSeconds, MAX_WAIT_SECONDS);
  const blobs = new FsBlobStore(options.blobDir);
  await blobs.init();
  const database = await openDatabase(options.database);

  const app = (
    options.tls
      ? Fastify({ logger: options.logger ?? false, trustProxy: options.trustProxy ?? false, frameworkErrors, https: { cert: options.tls.cert, key: options.tls.key } })
      : Fastify({ logger: options.logger ?? false, trustProxy: options.trustProxy ?? false, frameworkErrors })
  ) as unknown as FastifyInstance;
  const shutdown = new AbortController();
  let publicUrl = options.publicUrl?.replace(/\/+$/, '');
  const notifier = new ChangeNotifier();
  const ctx: BackofficeContext = {
    db: database.db,
    dbKind: database.kind,
    blobs,
    notifier,
    limits,
    now: options.now ?? (() => new Date()),
    shutdown: shutdown.signal,
    log: app.log,
    publicUrl: () => publicUrl ?? 'http://127.0.0.1',
  };
  const listener =
    database.kind === 'postgres' && database.url
      ? listenToPostgres(database.url, notifier, (error) => app.log.warn({ err: error }, 'LISTEN connection failed; polling until it is back'))
      : undefined;

  try {
    installErrorHandlers(app);
    app.addHook('onSend', async (_request, reply) => {
      reply.header('x-content-type-options', 'nosniff');
    });
    app.addHook('preClose', async () => shutdown.abort());
    await app.register(async (scope) => publicRoutes(scope, ctx));
    await app.register(async (scope) => blobRoutes(scope, ctx));
    await app.register(async (scope) => syncRoutes(scope, ctx));
    await app.register(async (scope) => reviewRoutes(scope, ctx));
    await app.register(async (scope) => deviceAdminRoutes(scope, ctx));
    await app.register(async (scope) => verifyRoutes(scope, ctx));
    await app.register(reviewWebUi);
    await app.ready();
  } catch (error) {
    await listener?.close();
    await database.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    app,
    admin: createAdmin(ctx),
    async listen(port = 0, host = '127.0.0.1') {
      await app.listen({ port, host });
      const address = app.server.address() as AddressInfo;
      const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const url = `${options.tls ? 'https' : 'http'}://${shown}:${address.port}`;
      publicUrl ??= url;
      return url;
    },
    close() {
      closing ??= (async () => {
        shutdown.abort();
        // Long-polls end at once (shutdown signal). fastify closes the connections that are idle
        // when close starts; one whose response was still finishing (a blob download the client
        // just read to the end) turns idle a moment later and would then sit out the 72 s
        // keep-alive timeout. So: keep closing idle connections while closing, and after a short
        // grace cut the rest (a client that stopped reading a download).
        const server = app.server as { closeIdleConnections?: () => void; closeAllConnections?: () => void };
        const sweep = setInterval(() => server.closeIdleConnections?.(), 50);
        const cut = setTimeout(() => server.closeAllConnections?.(), CLOSE_GRACE_MS);
        try {
          await app.close();
        } finally {
          clearInterval(sweep);
          clearTimeout(cut);
        }
        await listener?.close();
        await database.close();
      })();
      return closing;
    },
  };
}
