/** Unauthenticated endpoints: enrolment, service info, health. */
import type { FastifyInstance } from 'fastify';
import {
  enrolRequestSchema,
  MAX_CHANGES_PER_PAGE,
  MAX_MUTATIONS_PER_PUSH,
  SYNC_PROTOCOL_VERSION,
  type BackofficeInfo,
} from '../../shared/sync';
import type { BackofficeContext } from '../context';
import { ping } from '../db/connect';
import { ApiError, parseRequest } from '../http/errors';
import { enrolDevice } from './service';

export async function publicRoutes(app: FastifyInstance, ctx: BackofficeContext): Promise<void> {
  app.post('/v1/devices/enrol', async (request, reply) => {
    const body = parseRequest(enrolRequestSchema, request.body);
    return reply.status(201).send(await enrolDevice(ctx, body));
  });

  app.get('/v1/info', async (): Promise<BackofficeInfo> => ({
    service: 'onewindow-backoffice',
    protocolVersion: SYNC_PROTOCOL_VERSION,
    time: ctx.now().toISOString(),
    limits: {
      maxChunkBytes: ctx.limits.maxChunkBytes,
      maxBlobBytes: ctx.limits.maxBlobBytes,
      maxMutationsPerPush: MAX_MUTATIONS_PER_PUSH,
      maxWaitSeconds: ctx.limits.maxWaitSeconds,
      maxChangesPerPage: MAX_CHANGES_PER_PAGE,
    },
  }));

  app.get('/healthz', async () => {
    try {
      await ping(ctx.db);
    } catch {
      throw new ApiError(503, 'UNAVAILABLE');
    }
    return { ok: true };
  });
}
