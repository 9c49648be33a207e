/**
 * Device blob endpoints:
 *   HEAD /v1/blobs/:sha256  200 + Content-Length when stored; 404 + Upload-Offset otherwise
 *   PUT  /v1/blobs/:sha256?offset=N&total=T  (application/octet-stream chunk)
 *   GET  /v1/blobs/:sha256  download (own cases' blobs and broadcast blobs)
 */
import type { FastifyInstance } from 'fastify';
import { blobUploadQuerySchema, isSha256, UPLOAD_LENGTH_HEADER, UPLOAD_OFFSET_HEADER } from '../../shared/sync';
import type { BackofficeContext } from '../context';
import { authenticateDevice } from '../devices/service';
import { sendBlob } from '../http/blob-reply';
import { ApiError, parseRequest } from '../http/errors';
import { blobStatus, deviceMayRead, putChunk } from './service';

/** The one gate between a URL and a file path: exactly 64 lower-case hex characters. */
export function shaParam(params: unknown): string {
  const sha = (params as { sha256?: unknown }).sha256;
  if (typeof sha !== 'string' || !isSha256(sha)) throw new ApiError(400, 'INVALID_SHA256');
  return sha;
}

export async function blobRoutes(app: FastifyInstance, ctx: BackofficeContext): Promise<void> {
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: ctx.limits.maxChunkBytes }, (_req, body, done) =>
    done(null, body),
  );

  app.route({
    method: 'HEAD',
    url: '/v1/blobs/:sha256',
    handler: async (request, reply) => {
      await authenticateDevice(ctx, request.headers.authorization, request.headers);
      const sha = shaParam(request.params);
      const status = await blobStatus(ctx, sha);
      if (status.state === 'complete') {
        return reply.status(200).header('content-length', String(status.size)).header('content-type', status.mediaType).send();
      }
      reply.header(UPLOAD_OFFSET_HEADER, String(status.state === 'partial' ? status.offset : 0));
      if (status.state === 'partial') reply.header(UPLOAD_LENGTH_HEADER, String(status.total));
      return reply.status(404).send();
    },
  });

  app.get('/v1/blobs/:sha256', { exposeHeadRoute: false }, async (request, reply) => {
    const device = await authenticateDevice(ctx, request.headers.authorization, request.headers);
    const sha = shaParam(request.params);
    if (!(await deviceMayRead(ctx, device.id, sha))) throw new ApiError(404, 'BLOB_NOT_FOUND');
    return sendBlob(ctx, reply, sha);
  });

  app.put('/v1/blobs/:sha256', { bodyLimit: ctx.limits.maxChunkBytes }, async (request, reply) => {
    await authenticateDevice(ctx, request.headers.authorization, request.headers);
    const sha = shaParam(request.params);
    const { offset, total } = parseRequest(blobUploadQuerySchema, request.query);
    if (!Buffer.isBuffer(request.body)) {
      throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', '分片须以 application/octet-stream 发送');
    }
    const result = await putChunk(ctx, sha, offset, total, request.body);
    return reply.status(result.status).header(UPLOAD_OFFSET_HEADER, String(result.body.offset)).send(result.body);
  });
}
