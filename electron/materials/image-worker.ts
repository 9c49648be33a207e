/**
 * Image worker: decoding, compression, rotation, cropping, thumbnails and PDF work, off the
 * main thread so the window never freezes while a page is processed. Requests are served one
 * at a time in arrival order, so pages are stored in the order they were captured.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { toWorkerErrorData } from './errors';
import { MIME_TYPES, checkSize, inspectImageHeader, requireKnownType } from './file-type';
import { normalizeImage, renderEdits, thumbnail } from './images';
import { assembleMaterialPdf, rotatePdfPage, splitPdf } from './pdf';
import type { BytesReply, ImageWorkerData, ImageWorkerReply, ImageWorkerRequest, IngestReply, RenderReply } from './protocol';

if (!parentPort) throw new Error('image-worker must run in a worker thread');
const port: MessagePort = parentPort;
const { limits } = workerData as ImageWorkerData;
const send = (m: ImageWorkerReply): void => port.postMessage(m);

async function handle(req: ImageWorkerRequest): Promise<IngestReply | RenderReply | BytesReply> {
  switch (req.op) {
    case 'ingest': {
      checkSize(req.bytes, limits);
      const kind = requireKnownType(req.bytes, req.fileName);
      if (kind === 'pdf') {
        const pages = await splitPdf(req.bytes, limits);
        return { kind, pages: pages.map((bytes) => ({ bytes, mime: MIME_TYPES.pdf, width: null, height: null })) };
      }
      const page = await normalizeImage(req.bytes, kind, limits);
      return { kind, pages: [{ bytes: page.bytes, mime: MIME_TYPES.jpeg, width: page.width, height: page.height }] };
    }
    case 'render': {
      if (req.edits.length === 0 && req.mime === MIME_TYPES.pdf) {
        return { page: { bytes: req.source, mime: MIME_TYPES.pdf, width: null, height: null } };
      }
      if (req.mime === MIME_TYPES.pdf) {
        const turn = req.edits.reduce((sum, e) => (e.op === 'rotate' ? sum + e.degrees : sum), 0);
        return { page: { bytes: await rotatePdfPage(req.source, turn), mime: MIME_TYPES.pdf, width: null, height: null } };
      }
      if (req.edits.length === 0) {
        // Back to the page as first stored: no re-encoding at all.
        const { width, height } = await inspectImageHeader(req.source, 'jpeg', limits);
        return { page: { bytes: req.source, mime: MIME_TYPES.jpeg, width, height } };
      }
      const page = await renderEdits(req.source, req.edits);
      return { page: { bytes: page.bytes, mime: MIME_TYPES.jpeg, width: page.width, height: page.height } };
    }
    case 'thumbnail':
      return thumbnail(req.bytes, req.maxSide);
    case 'assemble':
      return { bytes: await assembleMaterialPdf(req.pages, req.meta) };
  }
}

let queue: Promise<void> = Promise.resolve();
port.on('message', (req: ImageWorkerRequest) => {
  queue = queue.then(async () => {
    try {
      send({ type: 'result', id: req.id, ok: true, value: await handle(req) });
    } catch (e) {
      send({ type: 'result', id: req.id, ok: false, error: toWorkerErrorData(e) });
    }
  });
});
send({ type: 'ready' });
