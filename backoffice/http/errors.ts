/** Typed API errors and the one place that turns any failure into `{ error: { code, message } }`. */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { parseWire, SYNC_ERROR_MESSAGES, type SyncErrorCode } from '../../shared/sync';

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: SyncErrorCode,
    message: string = SYNC_ERROR_MESSAGES[code],
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body() {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

/** Validate request data; 400 INVALID_REQUEST with the Chinese issues in details. */
export function parseRequest<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const parsed = parseWire(schema, data);
  if (!parsed.ok) {
    throw new ApiError(400, 'INVALID_REQUEST', `请求格式不正确：${parsed.summary}`, { issues: parsed.issues });
  }
  return parsed.value;
}

const FASTIFY_CODES: Record<string, [number, SyncErrorCode]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'PAYLOAD_TOO_LARGE'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'INVALID_REQUEST'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'INVALID_REQUEST'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'INVALID_REQUEST'],
};

/**
 * Router-level failures (a malformed URL such as `/v1/blobs/%`, a bad content type) happen
 * before any handler: pass as Fastify's `frameworkErrors` so they get the same typed body.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
  const [status, code] = mapped ?? [400, 'INVALID_REQUEST' as const];
  void reply.status(status).send(new ApiError(status, code).body());
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
      return reply.status(error.statusCode).send(error.body());
    }
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) {
      return reply.status(mapped[0]).send(new ApiError(mapped[0], mapped[1]).body());
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send(new ApiError(error.statusCode, 'INVALID_REQUEST').body());
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send(new ApiError(500, 'INTERNAL').body());
  });
  app.setNotFoundHandler((_request, reply) => reply.status(404).send(new ApiError(404, 'NOT_FOUND').body()));
}
