/**
 * Applies change-feed events to the local database. Called inside one transaction per page,
 * which also stores the cursor, so a crash leaves either the whole page applied or none of it.
 * An event already in applied_events is skipped: applying an event twice changes nothing.
 *
 * Every status change goes through the state machine (electron/cases/transition.ts, as
 * 'system'): a late or replayed event the machine refuses never pulls a case back, and the
 * statuses the window sets itself afterwards (handed out, delivered) are final. A refused move
 * is still recorded in the timeline (from = to, with the machine's reason), never thrown away.
 */
import { eq } from 'drizzle-orm';
import { appliedEvents, caseCertificates, cases } from '../../db/schema';
import { CASE_TRANSITIONS, canTransition, IllegalTransitionError, transition, type CaseEvent } from '../../shared/cases/state-machine';
import type { CaseStatus } from '../../shared/cases/status';
import type { ChangeEvent } from '../../shared/sync';
import { createAuditLog } from '../audit';
import { transitionCase, writeTimeline, type TransitionActor } from '../cases/transition';
import type { WorkstationDb } from '../database';
import { STATE_KEYS, writeState } from './state';
import type { Publication } from './types';

/**
 * What an event means for the case: the lifecycle event it causes, the timeline entry type and
 * who acted. `quiet`: an event that only lifts a case still behind (a department's opinion
 * never ends a 补正 wait); when the case is already further, it is a plain timeline entry.
 */
function caseEffect(event: ChangeEvent): { event: CaseEvent | null; quiet?: boolean; type: string; actor: string } | null {
  switch (event.type) {
    case 'case-received':
      return { event: 'receive', quiet: true, type: 'received', actor: 'backoffice' };
    case 'decision':
      return event.data.scope === 'overall'
        ? { event: event.data.outcome === 'approved' ? 'approve' : 'refuse', type: 'decision', actor: 'backoffice' }
        : // A department's opinion keeps the case in review; a 补正 request comes as its own event.
          { event: 'receive', quiet: true, type: 'department-decision', actor: event.data.decidedBy };
    case 'supplement-requested':
      return { event: 'request-supplement', type: 'supplement-requested', actor: 'backoffice' };
    case 'supplement-received':
      return { event: SUPPLEMENT_OUTCOME[event.data.status], type: 'supplement-received', actor: 'backoffice' };
    case 'certificate-issued':
      return { event: 'issue-certificate', type: 'certificate-issued', actor: 'backoffice' };
    case 'case-withdrawn':
      return { event: 'withdraw', type: 'withdrawn', actor: 'backoffice' };
    default:
      return null;
  }
}

/** The back office's status after a supplement arrived → the lifecycle event that reaches it. */
const SUPPLEMENT_OUTCOME: Record<string, CaseEvent | null> = {
  'in-review': 'supplement',
  'supplement-requested': null,
  approved: 'approve',
  refused: 'refuse',
  withdrawn: 'withdraw',
};

/**
 * The events that carry the case to `event`: the event itself, or 'receive' first when the
 * feed reports a later step before this PC saw the case received (an answer lost on the way).
 */
function pathTo(current: string, event: CaseEvent): CaseEvent[] | null {
  const from = current as CaseStatus;
  if (canTransition(from, event, 'system')) return [event];
  if (event !== 'receive' && canTransition(from, 'receive', 'system') && canTransition('in-review', event, 'system')) return ['receive', event];
  return null;
}

/** Why the machine refused, in Chinese, for the timeline. */
function refusal(current: string, event: CaseEvent): string {
  try {
    transition(current as CaseStatus, event, 'system');
    return '';
  } catch (err) {
    return err instanceof IllegalTransitionError ? err.message : String(err);
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

  if (event.type === 'catalog-updated' || event.type === 'restricted-list-updated' || event.type === 'calendar-updated') {
    writeState(tx, STATE_KEYS.publication(event.type), event, at);
    record('applied', null);
    return { outcome: 'applied', publication: event };
  }
  const effect = caseEffect(event);
  const caseId = 'caseId' in event ? event.caseId : undefined;
  const current = caseId ? tx.select({ status: cases.status, centerCode: cases.centerCode, windowNo: cases.windowNo }).from(cases).where(eq(cases.id, caseId)).get() : undefined;
  if (!effect || !caseId || !current) {
    // A case this database does not hold (a reinstalled PC) or a type this build does not know.
    record('ignored', caseId ?? null);
    return { outcome: 'ignored' };
  }
  // Audit entries carry this workstation's device label (electron/workstation.ts: ws-<center>-<window>).
  const audit = createAuditLog(tx, `ws-${current.centerCode}-${current.windowNo}`, () => new Date(at));
  const actor: TransitionActor = { name: effect.actor, role: 'system', centerCode: null, windowNo: null, device: 'backoffice' };
  const detail = { eventId: event.eventId, seq: event.seq, ...event.data };
  const path = effect.event ? pathTo(current.status, effect.event) : null;
  if (path) {
    path.forEach((step, i) => {
      const last = i === path.length - 1;
      transitionCase(tx, audit, caseId, step, actor, {
        at,
        eventAt: event.at,
        type: last ? effect.type : 'received',
        detail: last ? detail : { eventId: event.eventId, seq: event.seq, catchUp: true },
        action: `sync.${step}`,
      });
    });
  } else {
    // No move: already further (a late event), or refused by the machine; the timeline keeps it.
    const already = effect.event !== null && CASE_TRANSITIONS[effect.event].to === current.status;
    const reason = effect.event && !effect.quiet && !already ? refusal(current.status, effect.event) : '';
    writeTimeline(tx, caseId, { type: effect.type, from: current.status, to: current.status, actor, at: event.at, detail: reason ? { ...detail, notApplied: reason } : detail });
    if (reason) audit.append({ actor: effect.actor, role: 'system', action: 'sync.refused-transition', caseId, detail: { eventId: event.eventId, type: event.type, status: current.status, reason } });
  }
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
  record('applied', caseId);
  return { outcome: 'applied', caseId };
}
