/**
 * Real processes for the chaos suite: the back office (`backoffice/main.ts`, embedded
 * PGlite in a data folder) and the workstation core (workstation-child.ts), both run with
 * `node --import tsx`, both on 127.0.0.1 only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { appRoot } from '../../electron/paths';

const ROOT = appRoot();

/** A port that was free a moment ago (the back office must come back on the same one). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function runTsx(script: string, args: string[], env: Record<string, string> = {}, ipc = false): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs a back-office admin command to completion; returns its stdout. */
export async function backofficeAdmin(dataDir: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const child = runTsx('backoffice/main.ts', ['admin', ...args, '--data', dataDir], env);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  if (code !== 0) throw new Error(`admin ${args[0]} failed (${code}): ${err}`);
  return out;
}

export interface BackofficeProcess {
  readonly pid: number | undefined;
  readonly starts: number;
  start(): Promise<void>;
  /** SIGKILL: no shutdown, no flush, whatever was in flight. */
  kill(): Promise<void>;
  /** SIGTERM and wait: a clean stop (before reading its database in process). */
  stop(): Promise<void>;
}

export function backofficeProcess(dataDir: string, port: number, log: (line: string) => void = () => undefined): BackofficeProcess {
  let child: ChildProcess | undefined;
  let starts = 0;
  const exited = (c: ChildProcess) => new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('exit', () => resolve())));
  return {
    get pid() {
      return child?.pid;
    },
    get starts() {
      return starts;
    },
    async start() {
      const c = runTsx('backoffice/main.ts', ['serve', '--port', String(port), '--data', dataDir]);
      child = c;
      starts++;
      let err = '';
      c.stderr!.on('data', (d) => {
        err += d;
        log(`[backoffice] ${String(d).trim()}`);
      });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`back office did not start in 60 s: ${err}`)), 60_000);
        c.stdout!.on('data', (d) => {
          if (String(d).includes('后台服务已启动')) {
            clearTimeout(timer);
            resolve();
          }
        });
        c.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`back office exited (${code}) while starting: ${err}`));
        });
      });
    },
    async kill() {
      if (!child) return;
      const c = child;
      c.kill('SIGKILL');
      await exited(c);
    },
    async stop() {
      if (!child) return;
      const c = child;
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 20_000);
      await exited(c);
      clearTimeout(timer);
    },
  };
}

export interface ChildStatus {
  type: 'status';
  accepted: number;
  backlog: number;
  dead: number;
  online: boolean;
  lastError: string | null;
  cursor: number;
  byStatus: Record<string, number>;
}

export interface WorkstationProcess {
  readonly pid: number | undefined;
  readonly starts: number;
  /** The last status the child reported (every 250 ms). */
  readonly last: ChildStatus | undefined;
  start(): Promise<void>;
  /** SIGKILL: the core dies mid-whatever, SQLite keeps only committed transactions. */
  kill(): Promise<void>;
  /** SIGTERM: the child stops its engine and closes the database. */
  stop(): Promise<void>;
}

/** The workstation core + sync engine in a child process (workstation-child.ts). */
export function workstationProcess(config: Record<string, unknown>, log: (line: string) => void = () => undefined): WorkstationProcess {
  let child: ChildProcess | undefined;
  let starts = 0;
  let last: ChildStatus | undefined;
  const exited = (c: ChildProcess) => new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('exit', () => resolve())));
  return {
    get pid() {
      return child?.pid;
    },
    get starts() {
      return starts;
    },
    get last() {
      return last;
    },
    async start() {
      const c = runTsx('tests/chaos/workstation-child.ts', [], { CHAOS_WORKSTATION: JSON.stringify(config) }, true);
      child = c;
      starts++;
      let err = '';
      c.stderr!.on('data', (d) => {
        err += d;
        log(`[workstation] ${String(d).trim()}`);
      });
      c.stdout!.on('data', (d) => log(`[workstation] ${String(d).trim()}`));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`workstation did not start in 60 s: ${err}`)), 60_000);
        c.on('message', (m: { type: string }) => {
          if (m.type === 'ready') {
            clearTimeout(timer);
            resolve();
          }
          if (m.type === 'status') last = m as ChildStatus;
        });
        c.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`workstation exited (${code}) while starting: ${err}`));
        });
      });
    },
    async kill() {
      if (!child) return;
      const c = child;
      c.kill('SIGKILL');
      await exited(c);
    },
    async stop() {
      if (!child) return;
      const c = child;
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 20_000);
      await exited(c);
      clearTimeout(timer);
    },
  };
}
