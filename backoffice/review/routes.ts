/**
 * Reviewer endpoints (department staff; the web UI comes later):
 *   POST /v1/review/login, POST /v1/review/logout, GET /v1/review/queue,
 *   GET /v1/review/cases/:caseId, GET /v1/review/blobs/:sha256,
 *   POST /v1/review/tasks/:taskId/decision
 */
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { decisionRequestSchema, isUlid, reviewerLoginRequestSchema } from '../../shared/sync';
import { shaParam } from '../blobs/routes';
import type { BackofficeContext } from '../context';
import { reviewTasks } from '../db/schema';
import { sendBlob } from '../http/blob-reply';
import { ApiError, parseRequest } from '../http/errors';
import { authenticateReviewer, login, logout } from './accounts';
import { decideTask } from './decisions';
import { reviewCase, reviewerMayRead, reviewQueue } from './queries';

function ulidParam(params: unknown, name: string, notFound: 'CASE_NOT_FOUND' | 'TASK_NOT_FOUND'): string {
  const value = (params as Record<string, unknown>)[name];
  if (typeof value !== 'string' || !isUlid(value)) throw new ApiError(404, notFound);
  return value;
}

export async function reviewRoutes(app: FastifyInstance, ctx: BackofficeContext): Promise<void> {
  app.post('/v1/review/login', async (request) => {
    const body = parseRequest(reviewerLoginRequestSchema, request.body);
    return login(ctx, body.username, body.password);
  });

  app.post('/v1/review/logout', async (request, reply) => {
    await logout(ctx, request.headers.authorization);
    return reply.status(204).send();
  });

  app.get('/v1/review/queue', async (request) => {
    const reviewer = await authenticateReviewer(ctx, request.headers.authorization);
    return { tasks: await reviewQueue(ctx, reviewer) };
  });

  app.get('/v1/review/cases/:caseId', async (request) => {
    const reviewer = await authenticateReviewer(ctx, request.headers.authorization);
    return reviewCase(ctx, reviewer, ulidParam(request.params, 'caseId', 'CASE_NOT_FOUND'));
  });

  app.get('/v1/review/blobs/:sha256', async (request, reply) => {
    const reviewer = await authenticateReviewer(ctx, request.headers.authorization);
    const sha = shaParam(request.params);
    if (!(await reviewerMayRead(ctx, reviewer, sha))) throw new ApiError(404, 'BLOB_NOT_FOUND');
    return sendBlob(ctx, reply, sha);
  });

  app.post('/v1/review/tasks/:taskId/decision', async (request) => {
    const reviewer = await authenticateReviewer(ctx, request.headers.authorization);
    const taskId = ulidParam(request.params, 'taskId', 'TASK_NOT_FOUND');
    // Another department's task is not even said to exist, whatever the body says.
    const [task] = await ctx.db.select({ department: reviewTasks.department }).from(reviewTasks).where(eq(reviewTasks.id, taskId));
    if (!task || task.department !== reviewer.department) throw new ApiError(404, 'TASK_NOT_FOUND');
    const body = parseRequest(decisionRequestSchema, request.body);
    return decideTask(ctx, reviewer, taskId, body);
  });
}
