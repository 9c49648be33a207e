/**
 * The caller's side of the image worker: one warm worker thread, started on first use. A
 * crashed or stuck worker fails its pending calls with MaterialWorkerError (nothing is stored
 * for them) and the next call starts a fresh one.
 *
 * Started the same way as electron/identity/face: from the TypeScript sources (tsx, vitest)
 * the entry is `image-worker.ts`, loaded through tsx's ESM register() called inside the
 * worker first (on Node 20 `execArgv: ['--import', 'tsx']` does not reach a worker's entry);
 * from the bundle it is `materials-image-worker.js` beside the bundled main file.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MaterialWorkerError, errorText, fromWorkerErrorData } from './errors';
import type { MaterialFileLimits } from './file-type';
import type { ImageWorkerData, ImageWorkerReply, ImageWorkerRequest, ImageWorkerRequestBody } from './protocol';

const require = createRequire(import.meta.url);

const DEV_BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.tsxApi).then((tsx) => { tsx.register(); return import(workerData.entry); });
`;

/** tsx's ESM API (its package exports give require() the .cjs twin, whose register() misresolves). */
function tsxEsmApiUrl(): string {
  return pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
}

/** The bundle's entry name: electron.vite.config.ts must build it beside out/main/index.js. */
export const BUNDLED_WORKER_FILE = 'materials-image-worker.js';

export function defaultImageWorkerUrl(): URL {
  const here = import.meta.url;
  // The file name is a variable so bundlers leave the URL alone.
  const file = here.endsWith('.ts') ? 'image-worker.ts' : BUNDLED_WORKER_FILE;
  return new URL(`./${file}`, here);
}

export interface ImageWorkerOptions {
  limits: MaterialFileLimits;
  workerUrl?: string | URL;
  /** A call without a reply in this time ends the worker (default 60 s). */
  timeoutMs?: number;
  heapMb?: number;
}

export interface ImageWorker {
  call<T>(body: ImageWorkerRequestBody): Promise<T>;
  /** Worker threads started so far (a restart after a crash counts). */
  starts(): number;
  close(): Promise<void>;
  /** Tests: end the worker the way a crash would. */
  killForTests(): Promise<void>;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

interface Running {
  worker: Worker;
  pending: Map<number, Pending>;
  dead: boolean;
}

export function createImageWorker(options: ImageWorkerOptions): ImageWorker {
  const url = options.workerUrl ? new URL(options.workerUrl) : defaultImageWorkerUrl();
  const timeoutMs = options.timeoutMs ?? 60_000;
  const heapMb = options.heapMb ?? 512;
  const data: ImageWorkerData = { limits: options.limits };
  let run: Running | null = null;
  let closed = false;
  let nextId = 1;
  let starts = 0;

  function fail(r: Running, err: Error): void {
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
    const common = { stdout: true, resourceLimits: { maxOldGenerationSizeMb: heapMb } } as const;
    const worker = url.pathname.endsWith('.ts')
      ? new Worker(DEV_BOOT, { ...common, eval: true, workerData: { ...data, entry: url.href, tsxApi: tsxEsmApiUrl() } })
      : new Worker(url, { ...common, workerData: data });
    worker.stdout.pipe(process.stderr);
    const r: Running = { worker, pending: new Map(), dead: false };
    worker.unref();
    worker.on('message', (m: ImageWorkerReply) => {
      if (m.type !== 'result') return;
      const p = r.pending.get(m.id);
      if (!p) return;
      r.pending.delete(m.id);
      clearTimeout(p.timer);
      if (r.pending.size === 0) worker.unref();
      if (m.ok) p.resolve(m.value);
      else p.reject(fromWorkerErrorData(m.error));
    });
    worker.on('error', (e) => fail(r, new MaterialWorkerError('工作线程出错', errorText(e))));
    worker.on('exit', (code) => fail(r, new MaterialWorkerError('工作线程已退出', `exit code ${code}`)));
    return r;
  }

  return {
    async call<T>(body: ImageWorkerRequestBody): Promise<T> {
      if (closed) throw new MaterialWorkerError('服务已关闭');
      if (!run) {
        try {
          run = spawn();
        } catch (e) {
          throw new MaterialWorkerError('无法启动工作线程', errorText(e));
        }
      }
      const r = run;
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        // A stuck decode cannot be interrupted: end the worker, the next call starts a new one.
        const timer = setTimeout(() => fail(r, new MaterialWorkerError('处理超时', `no reply in ${timeoutMs} ms`)), timeoutMs);
        r.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        r.worker.ref(); // keep the process alive while someone waits on the worker
        try {
          r.worker.postMessage({ ...body, id } satisfies ImageWorkerRequest);
        } catch (e) {
          r.pending.delete(id);
          clearTimeout(timer);
          reject(new MaterialWorkerError('无法发送数据', errorText(e)));
        }
      });
    },
    starts: () => starts,
    async close() {
      closed = true;
      const r = run;
      run = null;
      if (!r) return;
      fail(r, new MaterialWorkerError('服务已关闭'));
      await r.worker.terminate().catch(() => undefined);
    },
    async killForTests() {
      if (run) await run.worker.terminate();
    },
  };
}
