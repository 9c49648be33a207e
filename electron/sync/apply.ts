/**
 * Applies change-feed events to the local database. Called inside one transaction per page,
 * which also stores the cursor, so a crash leaves either the whole page applied or none of it.
 * An event already in applied_events is skipped: applying an event twice changes nothing.
 *
 * Case statuses only move forward (shared/cases/status.ts): a late or replayed event never
 * pulls a case back, and statuses the window sets itself afterwards (handed out, delivered)
 * are never overwritten by the back office.
 */
import { eq } from 'drizzle-orm';
import { appliedEvents, caseCertificates, caseEvents, cases } from '../../db/schema';
import type { CaseStatus } from '../../shared/cases/status';
import type { ChangeEvent } from '../../shared/sync';
import type { WorkstationDb } from '../database';
import { STATE_KEYS, writeState } from './state';
import type { Publication } from './types';

const RANK: Record<CaseStatus, number> = {
  accepted: 0,
  queued: 0,
  submitted: 1,
  'in-review': 2,
  'supplement-requested': 2,
  approved: 3,
  refused: 3,
  withdrawn: 3,
  'certificate-ready': 4,
  'handed-out': 5,
  delivered: 5,
  'not-accepted': 9,
};
/** Statuses nothing from the back office changes any more. */
const SETTLED = new Set<string>(['refused', 'withdrawn', 'handed-out', 'delivered', 'not-accepted']);

/** `raise`: only lift a case that is behind `wanted` (a department's opinion never ends a 补正 wait). */
function nextStatus(current: string, wanted: CaseStatus | null, raise: boolean): string {
  if (!wanted || SETTLED.has(current)) return current;
  const from = RANK[current as CaseStatus] ?? 0;
  return RANK[wanted] > from || (!raise && RANK[wanted] === from) ? wanted : current;
}

/** What an event means for the case: its target status, timeline entry type and who acted. */
function caseEffect(event: ChangeEvent): { status: CaseStatus | null; raise?: boolean; type: string; actor: string } | null {
  switch (event.type) {
    case 'case-received':
      return { status: 'in-review', raise: true, type: 'received', actor: 'backoffice' };
    case 'decision':
      return event.data.scope === 'overall'
        ? { status: event.data.outcome, type: 'decision', actor: 'backoffice' }
        : // A department's opinion keeps the case in review; a 补正 request comes as its own event.
          { status: 'in-review', raise: true, type: 'department-decision', actor: event.data.decidedBy };
    case 'supplement-requested':
      return { status: 'supplement-requested', type: 'supplement-requested', actor: 'backoffice' };
    case 'supplement-received':
      return { status: event.data.status, type: 'supplement-received', actor: 'backoffice' };
    case 'certificate-issued':
      return { status: 'certificate-ready', type: 'certificate-issued', actor: 'backoffice' };
    case 'case-withdrawn':
      return { status: 'withdrawn', type: 'withdrawn', actor: 'backoffice' };
    default:
      return null;
  }
}

export interface AppliedOutcome {
  /** The case whose status or timeline changed. */
  caseId?: string;
  publication?: Publication;
  outcome: 'applied' | 'ignored' | 'seen-before';
}

/** Applies one event inside the caller's transaction. */
export function applyEvent(tx: WorkstationDb, event: ChangeEvent, at: string): AppliedOutcome {
  const seen = tx.select({ id: appliedEvents.eventId }).from(appliedEvents).where(eq(appliedEvents.eventId, event.eventId)).get();
  if (seen) return { outcome: 'seen-before' };
  const record = (outcome: 'applied' | 'ignored', caseId: string | null) =>
    tx.insert(appliedEvents).values({ eventId: event.eventId, seq: event.seq, type: event.type, caseId, outcome, appliedAt: at }).run();

  if (event.type === 'catalog-updated' || event.type === 'restricted-list-updated') {
    writeState(tx, STATE_KEYS.publication(event.type), event, at);
    record('applied', null);
    return { outcome: 'applied', publication: event };
  }
  const effect = caseEffect(event);
  const caseId = 'caseId' in event ? event.caseId : undefined;
  const current = caseId ? tx.select({ status: cases.status }).from(cases).where(eq(cases.id, caseId)).get() : undefined;
  if (!effect || !caseId || !current) {
    // A case this database does not hold (a reinstalled PC) or a type this build does not know.
    record('ignored', caseId ?? null);
    return { outcome: 'ignored' };
  }
  const status = nextStatus(current.status, effect.status, effect.raise ?? false);
  if (status !== current.status) tx.update(cases).set({ status, updatedAt: at }).where(eq(cases.id, caseId)).run();
  if (event.type === 'certificate-issued') {
    const { blob } = event.data;
    tx.insert(caseCertificates)
      .values({
        caseId,
        certificateNo: event.data.certificateNo,
        sha256: blob.sha256,
        size: blob.size,
        mediaType: blob.mediaType,
        fileName: blob.fileName ?? null,
        issuedAt: event.data.issuedAt,
        recordedAt: at,
      })
      .onConflictDoNothing()
      .run();
  }
  tx.insert(caseEvents)
    .values({
      caseId,
      type: effect.type,
      fromStatus: current.status,
      toStatus: status,
      actor: effect.actor,
      device: 'backoffice',
      at: event.at,
      detail: JSON.stringify({ eventId: event.eventId, seq: event.seq, ...event.data }),
    })
    .run();
  record('applied', caseId);
  return { outcome: 'applied', caseId };
}
