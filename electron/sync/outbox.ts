/**
 * The outbox as a durable job queue. Entries are written by the capabilities in the same
 * transaction as the change they carry (electron/cases: accept → `case.create`); this module
 * only moves them along: pending → done, pending → dead (never deleted), dead → pending.
 *
 * Order: entries leave in insertion order (SQLite rowid). For one case, an entry waits while an
 * earlier entry of the same case is pending or dead, so a supplement never overtakes its case.
 */
import { and, asc, count, eq, inArray, isNotNull, min, sql } from 'drizzle-orm';
import { cases, outbox } from '../../db/schema';
import { canTransition } from '../../shared/cases/state-machine';
import { createAuditLog } from '../audit';
import { transitionCase, writeTimeline, type TransitionActor } from '../cases/transition';
import type { CaseStatus } from '../../shared/cases/status';
import type { WorkstationDb } from '../database';
import type { OutboxPayload } from './payload';
import type { OutboxEntryView } from './types';

export type OutboxRow = typeof outbox.$inferSelect;

interface QueueRow {
  id: string;
  caseId: string | null;
  status: string;
  nextAttemptAt: string | null;
}

/** The next entries to send: pending, due, and first in line for their case. */
export function selectBatch(db: WorkstationDb, nowIso: string, limit: number): OutboxRow[] {
  const queue: QueueRow[] = db
    .select({ id: outbox.id, caseId: outbox.caseId, status: outbox.status, nextAttemptAt: outbox.nextAttemptAt })
    .from(outbox)
    .where(inArray(outbox.status, ['pending', 'dead']))
    .orderBy(asc(sql`rowid`))
    .all();
  const waiting = new Set<string>();
  const ids: string[] = [];
  for (const row of queue) {
    if (ids.length >= limit) break;
    const behind = row.caseId !== null && waiting.has(row.caseId);
    if (row.caseId !== null) waiting.add(row.caseId);
    if (behind || row.status !== 'pending') continue;
    if (row.nextAttemptAt && row.nextAttemptAt > nowIso) continue;
    ids.push(row.id);
  }
  if (!ids.length) return [];
  const rows = db.select().from(outbox).where(inArray(outbox.id, ids)).all();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)!).filter(Boolean);
}

/** When the earliest pending entry becomes due (null: nothing pending). */
export function nextDueAt(db: WorkstationDb): string | null {
  const row = db
    .select({ at: min(sql<string>`coalesce(${outbox.nextAttemptAt}, '')`) })
    .from(outbox)
    .where(eq(outbox.status, 'pending'))
    .get();
  return row?.at ?? null;
}

export function counts(db: WorkstationDb): { backlog: number; dead: number; oldestPendingAt: string | null } {
  const pending = db.select({ n: count(), oldest: min(outbox.createdAt) }).from(outbox).where(eq(outbox.status, 'pending')).get();
  const dead = db.select({ n: count() }).from(outbox).where(eq(outbox.status, 'dead')).get();
  return { backlog: pending?.n ?? 0, dead: dead?.n ?? 0, oldestPendingAt: pending?.oldest ?? null };
}

/**
 * Marks an entry done; for `case.create` also moves the case to 'submitted' with a timeline
 * entry. Call inside the caller's transaction.
 */
export function settleDone(tx: WorkstationDb, row: OutboxRow, result: 'applied' | 'duplicate', mutationId: string, at: string, device: string): boolean {
  tx.update(outbox).set({ status: 'done', attempts: row.attempts + 1, nextAttemptAt: null, lastError: null, updatedAt: at }).where(eq(outbox.id, row.id)).run();
  if (!row.caseId) return false;
  const current = tx.select({ status: cases.status }).from(cases).where(eq(cases.id, row.caseId)).get();
  if (!current) return false;
  // The state machine decides (electron/cases/transition.ts); the feed may already have moved the case further.
  const moves = row.kind === 'case.create' && canTransition(current.status as CaseStatus, 'submit', 'system');
  const type = row.kind === 'case.create' ? 'submitted' : `${row.kind.replace('case.', '')}-submitted`;
  const actor: TransitionActor = { name: 'sync', role: 'system', centerCode: null, windowNo: null, device };
  const detail = { outboxId: row.id, mutationId, result };
  if (moves) transitionCase(tx, createAuditLog(tx, device, () => new Date(at)), row.caseId, 'submit', actor, { at, type, detail, action: 'sync.submit' });
  else writeTimeline(tx, row.caseId, { type, from: current.status, to: current.status, actor, at, detail });
  return true;
}

/** Moves an entry to the dead letters with a Chinese reason; a refusal is remembered with its mutation id. */
export function settleDead(tx: WorkstationDb, row: OutboxRow, reason: string, at: string, refusal?: { mutationId: string; code?: string }): void {
  let payload = row.payload;
  if (refusal) {
    const stored = JSON.parse(row.payload) as OutboxPayload;
    const meta = stored._sync ?? {};
    stored._sync = { ...meta, refusals: [...(meta.refusals ?? []), { mutationId: refusal.mutationId, code: refusal.code, reason, at }] };
    payload = JSON.stringify(stored);
  }
  tx.update(outbox)
    .set({ status: 'dead', payload, attempts: row.attempts + 1, nextAttemptAt: null, lastError: reason, updatedAt: at })
    .where(eq(outbox.id, row.id))
    .run();
}

/** Counts a failed attempt and schedules the next one. */
export function scheduleRetry(tx: WorkstationDb, row: OutboxRow, error: string, at: string, nextAttemptAt: string): void {
  tx.update(outbox)
    .set({ attempts: sql`${outbox.attempts} + 1`, nextAttemptAt, lastError: error, updatedAt: at })
    .where(and(eq(outbox.id, row.id), eq(outbox.status, 'pending')))
    .run();
}

/** The back office is reachable again: everything waiting out a back-off may go now. */
export function clearBackoff(db: WorkstationDb): number {
  return db.update(outbox).set({ nextAttemptAt: null }).where(and(eq(outbox.status, 'pending'), isNotNull(outbox.nextAttemptAt))).run().changes;
}

export function toView(row: OutboxRow): OutboxEntryView {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    lastError: row.lastError,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
