/** Unauthenticated endpoints: enrolment, service info, health. */
import type { FastifyInstance } from 'fastify';
import {
  enrolRequestSchema,
  MAX_CHANGES_PER_PAGE,
  MAX_MUTATIONS_PER_PUSH,
  SYNC_ROUTES,
  SYNC_PROTOCOL_VERSION,
  type BackofficeInfo,
} from '../../shared/sync';
import type { BackofficeContext } from '../context';
import { ping } from '../db/connect';
import { ApiError, parseRequest } from '../http/errors';
import { authenticateReviewer } from '../review/accounts';
import { deviceOverview, enrolDevice } from './service';

export async function publicRoutes(app: FastifyInstance, ctx: BackofficeContext): Promise<void> {
  app.post('/v1/devices/enrol', async (request, reply) => {
    const body = parseRequest(enrolRequestSchema, request.body);
    const caseNumbers = (request.query as Record<string, unknown>)?.caseNumbers === '1';
    return reply.status(201).send(await enrolDevice(ctx, body, { caseNumbers }));
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

/** IT's overview of the windows (the reviewers' web UI page 窗口状态); reviewers marked itAdmin only. */
export async function deviceAdminRoutes(app: FastifyInstance, ctx: BackofficeContext): Promise<void> {
  app.get(SYNC_ROUTES.adminDevices, async (request, reply) => {
    const reviewer = await authenticateReviewer(ctx, request.headers.authorization);
    if (!reviewer.itAdmin) throw new ApiError(403, 'FORBIDDEN', '仅信息管理员可查看窗口状态');
    reply.header('cache-control', 'no-store');
    return deviceOverview(ctx);
  });
}
