/**
 * The case lifecycle (办件生命周期): every move a case can make, declared once. The window
 * (clerk, supervisor) accepts, refuses, takes supplements, hands out and withdraws; the sync
 * engine ('system') applies what the back office decided. Anything not declared here is
 * refused with an IllegalTransitionError, whose Chinese message goes to the clerk unchanged.
 * Pure code: no Node, no DOM.
 */
import { ROLE_NAMES, type Role } from '../auth/roles';
import { ContractError } from '../contract/errors';
import { CASE_STATE_NAMES, CASE_STATES, type CaseState } from './status';

/** Who causes a transition: a signed-in role, or the sync engine applying back-office events. */
export type CaseActorRole = Role | 'system';
export const CASE_ACTOR_ROLES = ['clerk', 'supervisor', 'admin', 'system'] as const satisfies readonly CaseActorRole[];
export const CASE_ACTOR_NAMES: Record<CaseActorRole, string> = { ...ROLE_NAMES, system: '同步服务' };

export interface TransitionSpec {
  /** Chinese name of the action, as the clerk sees it. */
  name: string;
  from: readonly CaseState[];
  to: CaseState;
  by: readonly CaseActorRole[];
}

const WINDOW = ['clerk', 'supervisor'] as const;
const SYSTEM = ['system'] as const;

/**
 * The transitions. System administrators (admin) cause none: they run the workstation, not
 * cases. A supervisor can do everything a clerk can.
 */
export const CASE_TRANSITIONS = {
  /** 受理: the checked form and materials become a case with a number and a promised date. */
  accept: { name: '受理', from: ['draft'], to: 'accepted', by: WINDOW },
  /** 不予受理: the item is not this center's, or the applicant is not eligible; a written notice is issued. */
  'refuse-intake': { name: '不予受理', from: ['draft'], to: 'not-accepted', by: WINDOW },
  /** The back office cannot be reached: the case waits in the outbox. */
  queue: { name: '转入待上报', from: ['accepted'], to: 'queued', by: SYSTEM },
  /** The back office confirmed the push. */
  submit: { name: '上报', from: ['accepted', 'queued'], to: 'submitted', by: SYSTEM },
  /**
   * The back office opened its review. Also from before 'submitted': the feed can report the
   * case received before the push's own answer is settled (an answer lost on the network).
   */
  receive: { name: '后台接收', from: ['accepted', 'queued', 'submitted'], to: 'in-review', by: SYSTEM },
  /** 补正: a department wants more materials. */
  'request-supplement': { name: '要求补正', from: ['in-review'], to: 'supplement-requested', by: SYSTEM },
  /**
   * The materials wanted arrived: collected at this window (clerk), or reported by the back
   * office when it received them another way (system).
   */
  supplement: { name: '补正材料', from: ['supplement-requested'], to: 'in-review', by: [...WINDOW, 'system'] },
  approve: { name: '批准', from: ['in-review'], to: 'approved', by: SYSTEM },
  /** 不予许可: also while waiting for a supplement that never came. */
  refuse: { name: '不予许可', from: ['in-review', 'supplement-requested'], to: 'refused', by: SYSTEM },
  /** The certificate or licence (证照) is made and ready at the window. */
  'issue-certificate': { name: '制证', from: ['approved'], to: 'certificate-ready', by: SYSTEM },
  /** 出件: handed over at the window to the applicant or an authorised agent. */
  'hand-out': { name: '出件', from: ['certificate-ready'], to: 'handed-out', by: WINDOW },
  /** 寄递送达: sent by express; recorded with its tracking number. */
  deliver: { name: '寄递送达', from: ['certificate-ready'], to: 'delivered', by: WINDOW },
  /** 撤回: the applicant withdraws before a decision (at the window, or via the back office). */
  withdraw: {
    name: '撤回',
    from: ['accepted', 'queued', 'submitted', 'in-review', 'supplement-requested'],
    to: 'withdrawn',
    by: [...WINDOW, 'system'],
  },
} as const satisfies Record<string, TransitionSpec>;

export type CaseEvent = keyof typeof CASE_TRANSITIONS;
export const CASE_EVENTS = Object.keys(CASE_TRANSITIONS) as CaseEvent[];
export const CASE_EVENT_NAMES = Object.fromEntries(CASE_EVENTS.map((e) => [e, CASE_TRANSITIONS[e].name])) as Record<CaseEvent, string>;

const SPECS: Record<CaseEvent, TransitionSpec> = CASE_TRANSITIONS;

export function isCaseState(value: unknown): value is CaseState {
  return typeof value === 'string' && (CASE_STATES as readonly string[]).includes(value);
}

export function isCaseEvent(value: unknown): value is CaseEvent {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CASE_TRANSITIONS, value);
}

function isActorRole(value: unknown): value is CaseActorRole {
  return typeof value === 'string' && (CASE_ACTOR_ROLES as readonly string[]).includes(value);
}

export type IllegalTransitionReason = 'state' | 'role' | 'unknown';

/**
 * A move the lifecycle does not allow. code CONFLICT when the case is in the wrong state (or the
 * state or event is unknown), FORBIDDEN when the actor may not cause it; the message is Chinese.
 */
export class IllegalTransitionError extends ContractError {
  readonly from: string;
  readonly event: string;
  readonly actor: string;
  readonly reason: IllegalTransitionReason;
  constructor(from: string, event: string, actor: string, reason: IllegalTransitionReason) {
    super(reason === 'role' ? 'FORBIDDEN' : 'CONFLICT', illegalMessage(from, event, actor, reason), { from, event, actor, reason });
    this.name = 'IllegalTransitionError';
    this.from = from;
    this.event = event;
    this.actor = actor;
    this.reason = reason;
  }
}

function illegalMessage(from: string, event: string, actor: string, reason: IllegalTransitionReason): string {
  if (!isCaseState(from)) return `未知的办件状态“${from}”`;
  if (!isCaseEvent(event)) return `未知的办件操作“${event}”`;
  if (!isActorRole(actor)) return `未知的操作角色“${actor}”，不能执行“${SPECS[event].name}”`;
  if (reason === 'role') return `${CASE_ACTOR_NAMES[actor]}无权对办件执行“${SPECS[event].name}”`;
  return `办件当前状态为“${CASE_STATE_NAMES[from]}”，不能执行“${SPECS[event].name}”`;
}

/** The state after `event`; throws IllegalTransitionError when the move is not declared for this state and actor. */
export function transition(from: CaseState, event: CaseEvent, actor: CaseActorRole): { to: CaseState } {
  if (!isCaseState(from) || !isCaseEvent(event) || !isActorRole(actor)) throw new IllegalTransitionError(from, event, actor, 'unknown');
  const spec = SPECS[event];
  if (!spec.from.includes(from)) throw new IllegalTransitionError(from, event, actor, 'state');
  if (!spec.by.includes(actor)) throw new IllegalTransitionError(from, event, actor, 'role');
  return { to: spec.to };
}

export function canTransition(from: CaseState, event: CaseEvent, actor: CaseActorRole): boolean {
  return isCaseState(from) && isCaseEvent(event) && SPECS[event].from.includes(from) && SPECS[event].by.includes(actor);
}

/** The events this actor may cause from this state, in declaration order (what the UI offers). */
export function allowedEvents(from: CaseState, actor: CaseActorRole): CaseEvent[] {
  return CASE_EVENTS.filter((e) => canTransition(from, e, actor));
}

/** States no event leaves (办结 or closed): refused, handed out, delivered, withdrawn, not accepted. */
export function isFinalState(state: CaseState): boolean {
  return CASE_EVENTS.every((e) => !SPECS[e].from.includes(state));
}
