/**
 * Device sync endpoints:
 *   POST /v1/push     { deviceId, mutations } → { results }
 *   GET  /v1/changes  ?since&wait&limit → { events, cursor, hasMore } (long-poll)
 *   GET  /v1/audit/head → the audit chain head last witnessed for the device, and flags
 */
import type { FastifyInstance } from 'fastify';
import { changesQuerySchema, pushRequestSchema } from '../../shared/sync';
import type { BackofficeContext } from '../context';
import { authenticateDevice } from '../devices/service';
import { ApiError, parseRequest } from '../http/errors';
import { auditHeadOf, witnessAuditHead } from '../cases/witness';
import { waitForChanges } from './feed';
import { pushMutations } from './push';

export async function syncRoutes(app: FastifyInstance, ctx: BackofficeContext): Promise<void> {
  app.post('/v1/push', { bodyLimit: ctx.limits.maxPushBodyBytes }, async (request) => {
    const device = await authenticateDevice(ctx, request.headers.authorization, request.headers);
    const body = parseRequest(pushRequestSchema, request.body);
    if (body.deviceId !== device.id) throw new ApiError(403, 'DEVICE_MISMATCH');
    const results = await pushMutations(ctx, device, body.mutations);
    // Witnessed after the mutations, so entries shipped in this very push are already held.
    return body.auditHead ? { results, auditWitness: await witnessAuditHead(ctx, device.id, body.auditHead) } : { results };
  });

  app.get('/v1/audit/head', async (request) => {
    const device = await authenticateDevice(ctx, request.headers.authorization, request.headers);
    return auditHeadOf(ctx, device.id);
  });

  app.get('/v1/changes', async (request, reply) => {
    const device = await authenticateDevice(ctx, request.headers.authorization, request.headers);
    const query = parseRequest(changesQuerySchema, request.query);
    const gone = new AbortController();
    // The response's 'close' fires when the client hangs up before we answer.
    const onClose = () => gone.abort();
    reply.raw.once('close', onClose);
    try {
      const waitMs = Math.min(query.wait, ctx.limits.maxWaitSeconds) * 1000;
      return await waitForChanges(ctx, device.id, query.since, query.limit, waitMs, gone.signal);
    } finally {
      reply.raw.off('close', onClose);
    }
  });
}
