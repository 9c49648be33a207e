/**
 * The one way a stored case changes status. transitionCase() asks the state machine
 * (shared/cases/state-machine.ts) whether the move is allowed from the case's current status
 * for this actor, then updates the case, writes the timeline entry (who, role, when, from which
 * center, window and device) and the audit entry — all in the caller's transaction, so the
 * move and its trace commit together or not at all.
 */
import { eq } from 'drizzle-orm';
import { caseEvents, cases } from '../../db/schema';
import { CASE_TRANSITIONS, transition, type CaseActorRole, type CaseEvent } from '../../shared/cases/state-machine';
import type { CaseState, CaseStatus } from '../../shared/cases/status';
import { ContractError } from '../../shared/contract/errors';
import type { AuditLog } from '../audit';
import type { WorkstationDb } from '../database';

/** Who moves the case and from where. `role` 'system' is the sync engine applying back-office events. */
export interface TransitionActor {
  /** A username, or for 'system' the source (e.g. "backoffice", a reviewer's name). */
  name: string;
  role: CaseActorRole;
  centerCode: string | null;
  windowNo: string | null;
  device: string;
}

export interface TransitionOptions {
  /** Timeline entry type; defaults to the new status (e.g. 'withdrawn'). */
  type?: string;
  detail?: Record<string, unknown>;
  /** ISO instant of the move (default now). */
  at?: string;
  /** When the move happened elsewhere (a back-office event's own time) for the timeline. */
  eventAt?: string;
  /** Audit action; defaults to `case.<event>`. */
  action?: string;
}

export interface TransitionResult {
  caseId: string;
  from: CaseStatus;
  to: CaseStatus;
  event: CaseEvent;
}

/**
 * Moves a stored case by `event`. Throws NOT_FOUND for an unknown case and the state machine's
 * IllegalTransitionError (CONFLICT / FORBIDDEN, Chinese message) for a move it does not allow.
 * Call inside a transaction (db.transaction((tx) => transitionCase(tx, …))).
 */
export function transitionCase(tx: WorkstationDb, audit: Pick<AuditLog, 'append'>, caseId: string, event: CaseEvent, actor: TransitionActor, options: TransitionOptions = {}): TransitionResult {
  const current = tx.select({ status: cases.status }).from(cases).where(eq(cases.id, caseId)).get();
  if (!current) throw new ContractError('NOT_FOUND', '未找到该办件');
  const from = current.status as CaseStatus;
  const { to } = transition(from, event, actor.role);
  const at = options.at ?? new Date().toISOString();
  tx.update(cases).set({ status: to, updatedAt: at }).where(eq(cases.id, caseId)).run();
  writeTimeline(tx, caseId, { type: options.type ?? to, from, to: to as CaseStatus, actor, at: options.eventAt ?? at, detail: { event, ...options.detail } });
  audit.append({
    actor: actor.name,
    role: actor.role,
    action: options.action ?? `case.${event}`,
    caseId,
    detail: { event, from, to, ...(actor.windowNo ? { windowNo: actor.windowNo } : {}), ...options.detail },
  });
  return { caseId, from, to: to as CaseStatus, event };
}

/**
 * The first entry of a case that is born in a state (受理 → accepted, 不予受理 → not-accepted):
 * the machine still decides, from 'draft'.
 */
export function createdTransition(event: CaseEvent, role: CaseActorRole): CaseStatus {
  return transition('draft' satisfies CaseState, event, role).to as CaseStatus;
}

/** A timeline entry, with or without a status change (refused or already-applied moves keep from = to). */
export function writeTimeline(
  tx: WorkstationDb,
  caseId: string,
  entry: { type: string; from: string | null; to: string | null; actor: TransitionActor; at: string; detail?: Record<string, unknown> },
): void {
  tx.insert(caseEvents)
    .values({
      caseId,
      type: entry.type,
      fromStatus: entry.from,
      toStatus: entry.to,
      actor: entry.actor.name,
      actorRole: entry.actor.role,
      device: entry.actor.device,
      centerCode: entry.actor.centerCode,
      windowNo: entry.actor.windowNo,
      at: entry.at,
      detail: JSON.stringify(entry.detail ?? {}),
    })
    .run();
}

/** The Chinese name of an event, for messages. */
export const eventName = (event: CaseEvent): string => CASE_TRANSITIONS[event].name;
