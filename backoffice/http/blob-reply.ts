/** Streams a stored blob. Content-addressed, so it never changes: cache it, but privately. */
import type { FastifyReply } from 'fastify';
import type { BackofficeContext } from '../context';
import { blobStatus } from '../blobs/service';
import { ApiError } from './errors';

export async function sendBlob(ctx: BackofficeContext, reply: FastifyReply, sha256: string): Promise<FastifyReply> {
  const status = await blobStatus(ctx, sha256);
  if (status.state !== 'complete') throw new ApiError(404, 'BLOB_NOT_FOUND');
  const { stream, size } = await ctx.blobs.openRead(sha256);
  return reply
    .header('content-type', status.mediaType)
    .header('content-length', String(size))
    .header('cache-control', 'private, max-age=31536000, immutable')
    .header('etag', `"${sha256}"`)
    .header('x-content-type-options', 'nosniff')
    .send(stream);
}
