/** What the push, pull and health parts of one engine share: dependencies and runtime state. */
import type { WorkstationDb } from '../database';
import { fullJitterDelay } from './backoff';
import { BackofficeError, type BackofficeClient } from './http';
import type { Uploader } from './uploader';
import type { DeviceCredentials, SyncEngineDeps, SyncTuning } from './types';

export interface Runtime {
  online: boolean;
  /** The back office refused the device (401): loops wait for a new enrolment. */
  authProblem: string | null;
  lastError: string | null;
  /** Adaptive batch size: halves on a 5xx push, doubles back on success (poison isolation). */
  maxBatch: number;
  /** The back office refused a push carrying the audit chain head (an older version): stop sending it. */
  auditHeadRefused?: boolean;
}

export interface SyncContext {
  db: WorkstationDb;
  deps: SyncEngineDeps;
  client: BackofficeClient;
  uploader: Uploader;
  tuning: SyncTuning;
  runtime: Runtime;
  now: () => Date;
  random: () => number;
  device: string;
  credentials(): Promise<DeviceCredentials | null>;
  /** A request succeeded: the back office is reachable. */
  succeeded(): void;
  /** A request failed: record it; `offline` failures start the health probe. */
  failed(error: unknown): void;
  emitStatus(): void;
  /** Waits ms, or less when the engine stops. */
  sleep(ms: number): Promise<void>;
  /** stop() was called: failures from now on are the stop's doing, not the entries'. */
  stopping(): boolean;
}

/** The ISO time a retry number `attempt` (1-based) becomes due. */
export function retryAt(ctx: SyncContext, attempt: number): string {
  const delay = fullJitterDelay(attempt - 1, ctx.tuning.backoffBaseMs, ctx.tuning.backoffCapMs, ctx.random);
  return new Date(ctx.now().getTime() + Math.max(delay, 50)).toISOString();
}

export function messageOf(error: unknown): string {
  if (error instanceof BackofficeError) return error.message;
  return `同步出错：${(error as Error)?.message ?? String(error)}`;
}
