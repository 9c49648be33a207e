/**
 * The face service: validates input on the calling thread (cheap header checks), runs
 * decoding and inference in one warm worker thread, and turns every failure into a
 * FaceError. A dead worker fails its pending calls with WORKER_FAILED; the next call
 * starts a fresh one.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { decide, euclideanDistance, resolveThresholds } from './decision';
import { DEFAULT_DETECTOR } from './engine';
import { FaceError, errorText, fromFaceErrorData } from './errors';
import { DEFAULT_IMAGE_LIMITS, inspectImage } from './image';
import type { DescribeReply, DetectReply, FaceReply, FaceRequest, FaceRequestBody, FaceWorkerData, StatsReply } from './protocol';
import type {
  FaceCompareResult,
  FaceDetectResult,
  FaceModelInfo,
  FaceService,
  FaceServiceOptions,
  FaceWorkerStats,
} from './types';

const require = createRequire(import.meta.url);

/**
 * From the TypeScript sources (tsx, vitest) the worker is `face-worker.ts`, loaded through
 * tsx's ESM register() called inside the worker first: on Node 20 `execArgv: ['--import', 'tsx']` does not
 * reach a worker's entry module (ERR_UNKNOWN_FILE_EXTENSION). From a bundle it is
 * `face-worker.js` beside the bundled file (the file name is a variable so bundlers leave
 * the URL alone).
 */
const DEV_BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.tsxApi).then((tsx) => { tsx.register(); return import(workerData.entry); });
`;

/** tsx's ESM API (its package exports give require() the .cjs twin, whose register() misresolves). */
function tsxEsmApiUrl(): string {
  return pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
}

export function defaultWorkerUrl(): URL {
  const here = import.meta.url;
  const file = here.endsWith('.ts') ? 'face-worker.ts' : 'face-worker.js';
  return new URL(`./${file}`, here);
}

function startWorker(url: URL, data: FaceWorkerData, heapMb: number): Worker {
  const common = {
    stdout: true, // keep stdout clean for `--json` callers; forwarded to stderr below
    resourceLimits: { maxOldGenerationSizeMb: heapMb },
  } as const;
  const worker = url.pathname.endsWith('.ts')
    ? new Worker(DEV_BOOT, {
        ...common,
        eval: true,
        workerData: { ...data, entry: url.href, tsxApi: tsxEsmApiUrl() },
      })
    : new Worker(url, { ...common, workerData: data });
  worker.stdout.pipe(process.stderr);
  return worker;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: FaceError): void;
  timer: NodeJS.Timeout;
}

interface Running {
  worker: Worker;
  ready: Promise<{ model: FaceModelInfo; loadMs: number }>;
  pending: Map<number, Pending>;
  holds: number;
  dead: boolean;
}

function positive<T extends object>(settings: T): T {
  for (const [k, v] of Object.entries(settings)) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`人脸比对参数无效：${k}=${String(v)}`);
  }
  return settings;
}

/**
 * Test hook, not part of FaceService: waits until the worker is busy with a request, then
 * ends it the way a crash would.
 */
const killers = new WeakMap<FaceService, () => Promise<void>>();
export async function killFaceWorkerForTests(service: FaceService): Promise<void> {
  await killers.get(service)?.();
}

export function createFaceService(options: FaceServiceOptions = {}): FaceService {
  const thresholds = resolveThresholds(options.thresholds);
  const limits = positive({ ...DEFAULT_IMAGE_LIMITS, ...options.limits });
  const detector = positive({ ...DEFAULT_DETECTOR, ...options.detector });
  const timeoutMs = options.callTimeoutMs ?? 60_000;
  const heapMb = options.workerHeapMb ?? 1024;
  const workerUrl = options.workerUrl ? new URL(options.workerUrl) : defaultWorkerUrl();

  let run: Running | null = null;
  let closed = false;
  let nextId = 1;
  let starts = 0;
  let lastModel: FaceModelInfo | undefined;
  let lastLoadMs = 0;

  const workerFailed = (why: string, detail?: string) =>
    new FaceError('WORKER_FAILED', `人脸比对服务异常（${why}），请稍后重试`, { detail });

  /** The worker keeps the process alive only while someone waits on it. */
  function hold(r: Running, delta: number): void {
    r.holds += delta;
    if (r.dead) return;
    if (r.holds > 0) r.worker.ref();
    else r.worker.unref();
  }

  function fail(r: Running, err: FaceError): void {
    if (r.dead) return;
    r.dead = true;
    if (run === r) run = null;
    for (const p of r.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    r.pending.clear();
    void r.worker.terminate().catch(() => undefined);
  }

  function spawn(): Running {
    starts++;
    const worker = startWorker(workerUrl, { limits, detector }, heapMb);
    let readyResolve!: (v: { model: FaceModelInfo; loadMs: number }) => void;
    let readyReject!: (e: FaceError) => void;
    const ready = new Promise<{ model: FaceModelInfo; loadMs: number }>((res, rej) => {
      readyResolve = res;
      readyReject = rej;
    });
    ready.catch(() => undefined); // rejections are delivered through callers
    const r: Running = { worker, ready, pending: new Map(), holds: 0, dead: false };
    worker.unref();

    worker.on('message', (m: FaceReply) => {
      if (m.type === 'ready') {
        lastModel = m.model;
        lastLoadMs = m.loadMs;
        readyResolve({ model: m.model, loadMs: m.loadMs });
      } else if (m.type === 'load-failed') {
        const err = workerFailed('模型加载失败', m.error.detail ?? m.error.message);
        readyReject(err);
        fail(r, err);
      } else {
        const p = r.pending.get(m.id);
        if (!p) return;
        r.pending.delete(m.id);
        clearTimeout(p.timer);
        if (m.ok) p.resolve(m.value);
        else p.reject(fromFaceErrorData(m.error));
      }
    });
    worker.on('error', (e) => {
      const err = workerFailed('工作线程出错', errorText(e));
      readyReject(err);
      fail(r, err);
    });
    worker.on('exit', (code) => {
      const err = workerFailed('工作线程已退出', `exit code ${code}`);
      readyReject(err);
      fail(r, err);
    });
    return r;
  }

  async function ready(): Promise<Running> {
    if (closed) throw new FaceError('WORKER_FAILED', '人脸比对服务已关闭');
    if (!run) {
      try {
        run = spawn();
      } catch (e) {
        throw workerFailed('无法启动工作线程', errorText(e));
      }
    }
    const r = run;
    hold(r, +1);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        r.ready,
        new Promise((_, rej) => {
          timer = setTimeout(() => {
            const err = workerFailed('模型加载超时');
            fail(r, err);
            rej(err);
          }, timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      hold(r, -1);
    }
    return r;
  }

  async function call<T>(req: FaceRequestBody): Promise<T> {
    const r = await ready();
    if (r.dead) throw workerFailed('工作线程已退出');
    const id = nextId++;
    hold(r, +1);
    try {
      return await new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          // A stuck inference cannot be interrupted: end the worker, the next call restarts it.
          fail(r, workerFailed('处理超时', `no reply in ${timeoutMs} ms`));
        }, timeoutMs);
        r.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        try {
          r.worker.postMessage({ ...req, id } satisfies FaceRequest);
        } catch (e) {
          r.pending.delete(id);
          clearTimeout(timer);
          reject(workerFailed('无法发送数据', errorText(e)));
        }
      });
    } finally {
      hold(r, -1);
    }
  }

  /** postMessage clones a view's whole ArrayBuffer: send only the image's own bytes. */
  const tight = (b: Uint8Array): Uint8Array => (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : b.slice());

  async function inspectAt(bytes: Uint8Array, image: 0 | 1): Promise<void> {
    try {
      await inspectImage(bytes, limits);
    } catch (e) {
      if (e instanceof FaceError) e.image = image;
      throw e;
    }
  }

  function verdict(a: Float32Array, b: Float32Array) {
    const distance = Math.round(euclideanDistance(a, b) * 1e4) / 1e4;
    const decision = decide(distance, thresholds);
    return { decision, match: decision === 'match', distance, thresholds: { ...thresholds } };
  }

  const service: FaceService = {
    thresholds,

    async describe(image) {
      const t0 = performance.now();
      await inspectImage(image, limits);
      const inspectMs = performance.now() - t0;
      await ready();
      const t1 = performance.now();
      const reply = await call<DescribeReply>({ op: 'describe', images: [tight(image)] });
      return { descriptor: reply.descriptors[0], ms: Math.round(inspectMs + performance.now() - t1) };
    },

    compareDescriptors(a, b) {
      return verdict(a, b);
    },

    async compare(imageA, imageB) {
      const t0 = performance.now();
      await inspectAt(imageA, 0);
      await inspectAt(imageB, 1);
      const inspectMs = performance.now() - t0;
      await ready(); // model loading is not part of the comparison time
      const t1 = performance.now();
      const reply = await call<DescribeReply>({ op: 'describe', images: [tight(imageA), tight(imageB)] });
      const result: FaceCompareResult = {
        ...verdict(reply.descriptors[0], reply.descriptors[1]),
        faces: [reply.faces[0], reply.faces[1]],
        ms: Math.round(inspectMs + performance.now() - t1),
        model: lastModel ?? { name: 'unknown', version: 'unknown' },
      };
      return result;
    },

    async detect(image, opts) {
      const t0 = performance.now();
      await inspectImage(image, limits);
      const reply = await call<DetectReply>({ op: 'detect', image: tight(image), landmarks: opts?.landmarks ?? true });
      const result: FaceDetectResult = {
        faces: reply.boxes.length,
        boxes: reply.boxes,
        width: reply.width,
        height: reply.height,
        ms: Math.round(performance.now() - t0),
      };
      if (opts?.landmarks ?? true) result.landmarks = reply.landmarks;
      return result;
    },

    async warmUp() {
      await ready();
    },

    async stats() {
      const s = await call<StatsReply>({ op: 'stats' });
      return { ...s, loadMs: Math.round(lastLoadMs), workerStarts: starts } satisfies FaceWorkerStats;
    },

    async close() {
      closed = true;
      const r = run;
      run = null;
      if (!r) return;
      const err = new FaceError('WORKER_FAILED', '人脸比对服务已关闭');
      for (const p of r.pending.values()) {
        clearTimeout(p.timer);
        p.reject(err);
      }
      r.pending.clear();
      r.dead = true;
      await r.worker.terminate();
    },
  };

  killers.set(service, async () => {
    for (let waited = 0; !(run && run.pending.size > 0) && waited < 10_000; waited += 5) {
      await new Promise((res) => setTimeout(res, 5));
    }
    if (run) await run.worker.terminate();
  });
  return service;
}
