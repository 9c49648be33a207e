/**
 * Browser-test harness: a real `onewindow serve` process (browser mode) on a temp data folder,
 * and a real headless Chromium driven by playwright-core.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';
import { appPath } from '../../electron/paths';
import { findChromium } from '../../scripts/chromium.js';

export interface ServerHandle {
  url: string;
  origin: string;
  oneTimePassword?: string;
  /** The embedded back office (training configuration) and its training reviewers. */
  backofficeUrl?: string;
  reviewers?: { usernames: string[]; password: string } | null;
  process: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function tempDataDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'onewindow-e2e-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Starts browser mode and resolves once it printed its URL. */
export function startServer(dataDir: string, extraArgs: string[] = []): Promise<ServerHandle> {
  const child = spawn(process.execPath, [appPath('bin', 'onewindow.js'), 'serve', '--json', '--port', '0', '--data-dir', dataDir, ...extraArgs], {
    env: { ...process.env, ONEWINDOW_CONFIG: join(dataDir, 'no-system-config.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 90_000);
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${stderr}`)));
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      const info = JSON.parse(line) as {
        url: string;
        firstAdmin: { oneTimePassword: string } | null;
        backofficeUrl: string | null;
        trainingReviewers: { usernames: string[]; password: string } | null;
      };
      resolve({
        url: info.url,
        origin: new URL(info.url).origin,
        oneTimePassword: info.firstAdmin?.oneTimePassword,
        backofficeUrl: info.backofficeUrl ?? undefined,
        reviewers: info.trainingReviewers,
        process: child,
        stop: (signal = 'SIGTERM') =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill(signal);
          }),
      });
    });
  });
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchBrowser(extra: Partial<LaunchOptions> = {}): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('未找到 Chromium：请运行 apt-get install -y chromium');
  return chromium.launch({ executablePath, headless: true, ...extra, args: [...CHROMIUM_ARGS, ...(extra.args ?? [])] });
}

/** Calls the embedded back office's reviewer API as the reviewers' UI does (JSON, bearer token). */
export async function reviewApi(server: ServerHandle, path: string, init: RequestInit & { token?: string } = {}) {
  const r = await fetch(server.backofficeUrl + path, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
  });
  return { status: r.status, body: (await r.json()) as any };
}
