/**
 * Public types of the sync engine: what it needs (plain constructor arguments) and what it
 * reports. Nothing here imports `electron`: the shell injects the credential store
 * (safeStorage), browser mode the encrypted file of credential-file.ts.
 */
import type { BroadcastChangeType, ChangeEvent, MaterialSubmission } from '../../shared/sync';
import type { WorkstationDb } from '../database';

export interface DeviceCredentials {
  deviceId: string;
  deviceSecret: string;
}

/**
 * Where the device secret lives. `load` returns null before enrolment. A `save` that throws
 * makes `enrol` fail (the code is then spent: ask IT for a new one).
 */
export interface CredentialStore {
  load(): Promise<DeviceCredentials | null>;
  save(credentials: DeviceCredentials): Promise<void>;
}

/** Local content-addressed files (scans). `read` must return the bytes whose SHA-256 is `sha256`. */
export interface BlobSource {
  read(sha256: string): Promise<Uint8Array>;
}

/** One material of a case as the materials capability holds it (statuses outside the wire set are left out). */
export interface CaseMaterial {
  materialId: string;
  name: string;
  status: MaterialSubmission['status'] | 'missing';
  blobs: string[];
  deferUntil?: string | null;
}

export interface ApprovalRoute {
  lead: string;
  co: string[];
}

type MaybePromise<T> = T | Promise<T>;

export interface SyncTuning {
  /** Most mutations per push (the protocol allows 100). */
  maxBatch: number;
  /** Back-off: full jitter, delay = random × min(cap, base × 2^attempt). */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** Health probes while offline: full jitter up to this cap. */
  probeCapMs: number;
  /** Long-poll length asked of the back office (it caps at 30 s). */
  longPollSeconds: number;
  /** Any single request but the long-poll. */
  requestTimeoutMs: number;
  /** Upload chunk size (the back office accepts up to 8 MiB). */
  chunkBytes: number;
  /** Blobs uploaded in parallel. */
  uploadConcurrency: number;
  /** How often an idle push loop looks at the outbox without a poke. */
  idlePollMs: number;
}

export interface SyncEngineDeps {
  db: WorkstationDb;
  /** The back office, e.g. https://backoffice.qixia.gov.cn (no trailing slash needed). */
  baseUrl: string;
  credentials: CredentialStore;
  blobs: BlobSource;
  /** The case's materials with the SHA-256 of every page, in order. */
  materialsForCase(caseId: string): MaybePromise<CaseMaterial[]>;
  /** The approval route (主办/协办) of the item version the case was accepted on. */
  approvalFor(itemCode: string, itemVersion: number): MaybePromise<ApprovalRoute>;
  now: () => Date;
  /** [0, 1): jitter source, injectable for tests. */
  random?: () => number;
  fetch?: typeof fetch;
  /** Who writes the sync timeline entries (case_events.device), e.g. "ws-32011300-01". */
  deviceLabel?: string;
  onEvent(event: SyncEngineEvent): void;
  tuning?: Partial<SyncTuning>;
  /**
   * Ship the local audit trail (audit.append through the outbox) and show the back office the
   * chain head with every push (audit-ship.ts). On in the workstation (runtime.ts).
   */
  shipAudit?: boolean;
}

/** What the UI shows: never the OS online flag, always what the back office answered. */
export interface SyncStatus {
  /** The back office answered the last request or health probe. */
  online: boolean;
  enrolled: boolean;
  deviceId: string | null;
  /** The device was refused (revoked, unknown): syncing stopped until re-enrolment. */
  authProblem: string | null;
  running: boolean;
  /** Outbox entries still to send. */
  backlog: number;
  oldestPendingAt: string | null;
  lastSuccessAt: string | null;
  /** Entries in the dead-letter state (refused by the back office or unusable locally). */
  dead: number;
  /** Chinese, for the clerk or IT. */
  lastError: string | null;
  cursor: number;
}

export interface CaseSyncState {
  caseId: string;
  /** none: nothing to send; pending: waiting or retrying; submitted: the back office has it; dead: refused. */
  state: 'none' | 'pending' | 'submitted' | 'dead';
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  entries: OutboxEntryView[];
}

export interface OutboxEntryView {
  id: string;
  kind: string;
  status: 'pending' | 'done' | 'dead';
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DeadLetter extends OutboxEntryView {
  caseId: string | null;
  caseNo: string | null;
  applicantName: string | null;
  itemName: string | null;
  payload: unknown;
}

export type Publication = Extract<ChangeEvent, { type: BroadcastChangeType }>;

export type SyncEngineEvent =
  /** A case's status or timeline changed (a push completed, a decision arrived). */
  | { type: 'case.changed'; caseId: string }
  /** Backlog, online state or errors changed. */
  | { type: 'sync.status'; status: SyncStatus }
  /** An entry went to the dead-letter state. */
  | { type: 'sync.dead'; outboxId: string; caseId: string | null; reason: string }
  /** Broadcasts (catalogue, restricted list, holiday calendar). Also kept in sync_state. */
  | { type: BroadcastChangeType; event: Publication };

export interface EnrolResult {
  deviceId: string;
  centerCode: string;
  windowNo: string;
  label?: string;
}

export interface SyncEngine {
  /** Trades a one-time code for device credentials (saved through the credential store). */
  enrol(code: string, deviceName: string): Promise<EnrolResult>;
  /** Starts the push, pull and health loops; returns at once. */
  start(): void;
  /** Stops the loops, aborting requests in flight; resolves when they have ended. */
  stop(): Promise<void>;
  /** Push now instead of waiting for the idle poll (call after accepting a case). */
  poke(): void;
  status(): SyncStatus;
  caseSyncState(caseId: string): CaseSyncState;
  /** Puts a dead entry back in the queue (with a fresh mutation id when the back office refused it). */
  retryDead(outboxId: string): void;
  /** Every dead entry with its case and the back office's reason, for escalation. */
  exportDead(): DeadLetter[];
  /** Downloads a blob of this device's cases (a certificate) and checks its SHA-256. */
  fetchBlob(sha256: string): Promise<Uint8Array>;
  /** The latest broadcast of a kind seen on the feed, kept across restarts. */
  latestPublication(type: Publication['type']): Publication | null;
  /** One push round and one pull page, without the loops (tests, the CLI). */
  syncOnce(): Promise<{ pushed: number; pulled: number }>;
}
