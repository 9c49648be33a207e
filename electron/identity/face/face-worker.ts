/**
 * Worker entry: loads the models once, then serves requests one at a time (tfjs-wasm is
 * single-threaded; running two at once would only double the peak memory).
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { loadEngine, type Engine } from './engine';
import { FaceError, toFaceErrorData } from './errors';
import { decodeImage } from './image';
import type { DescribeReply, DetectReply, FaceReply, FaceRequest, FaceWorkerData, StatsReply } from './protocol';

if (!parentPort) throw new Error('face-worker must run in a worker thread');
const port: MessagePort = parentPort;
const { limits, detector } = workerData as FaceWorkerData;
const send = (m: FaceReply): void => port.postMessage(m);

async function handle(engine: Engine, req: FaceRequest): Promise<DescribeReply | DetectReply | StatsReply> {
  switch (req.op) {
    case 'describe': {
      const out: DescribeReply = { descriptors: [], faces: [] };
      for (let i = 0; i < req.images.length; i++) {
        try {
          const img = await decodeImage(req.images[i], limits);
          const d = await engine.describe(img);
          out.descriptors.push(d.descriptor);
          out.faces.push(d.faces);
        } catch (e) {
          if (e instanceof FaceError) e.image = i as 0 | 1;
          throw e;
        }
      }
      return out;
    }
    case 'detect': {
      const img = await decodeImage(req.image, limits);
      const faces = await engine.detect(img, req.landmarks);
      return {
        boxes: faces.map((f) => f.box),
        landmarks: faces.map((f) => f.landmarks),
        width: img.original.width,
        height: img.original.height,
      };
    }
    case 'stats': {
      const mem = process.memoryUsage();
      const tf = engine.memory();
      return { rss: mem.rss, heapUsed: mem.heapUsed, tensorBytes: tf.numBytes, numTensors: tf.numTensors, backend: engine.backend };
    }
  }
}

async function main(): Promise<void> {
  const engine = await loadEngine(detector);
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (req: FaceRequest) => {
    queue = queue.then(async () => {
      try {
        send({ type: 'result', id: req.id, ok: true, value: await handle(engine, req) });
      } catch (e) {
        send({ type: 'result', id: req.id, ok: false, error: toFaceErrorData(e) });
      }
    });
  });
  send({ type: 'ready', model: engine.model, loadMs: engine.loadMs });
}

// A failed model load is reported as a message, so the service can say WORKER_FAILED.
main().catch((e: unknown) => send({ type: 'load-failed', error: toFaceErrorData(e) }));
