import { describe, expect, it } from 'vitest';
import { ContractError } from '../../shared/contract/errors';
import {
  allowedEvents,
  canTransition,
  CASE_ACTOR_ROLES,
  CASE_EVENTS,
  CASE_TRANSITIONS,
  IllegalTransitionError,
  isFinalState,
  transition,
  type CaseActorRole,
  type CaseEvent,
} from '../../shared/cases/state-machine';
import { CASE_STATE_NAMES, CASE_STATES, CASE_STATUSES, type CaseState } from '../../shared/cases/status';

/** The lifecycle as the issue describes it, written out independently of the table under test. */
const EXPECTED: Record<CaseEvent, { from: CaseState[]; to: CaseState; by: CaseActorRole[] }> = {
  accept: { from: ['draft'], to: 'accepted', by: ['clerk', 'supervisor'] },
  'refuse-intake': { from: ['draft'], to: 'not-accepted', by: ['clerk', 'supervisor'] },
  queue: { from: ['accepted'], to: 'queued', by: ['system'] },
  submit: { from: ['accepted', 'queued'], to: 'submitted', by: ['system'] },
  receive: { from: ['accepted', 'queued', 'submitted'], to: 'in-review', by: ['system'] },
  'request-supplement': { from: ['in-review'], to: 'supplement-requested', by: ['system'] },
  supplement: { from: ['supplement-requested'], to: 'in-review', by: ['clerk', 'supervisor', 'system'] },
  approve: { from: ['in-review'], to: 'approved', by: ['system'] },
  refuse: { from: ['in-review', 'supplement-requested'], to: 'refused', by: ['system'] },
  'issue-certificate': { from: ['approved'], to: 'certificate-ready', by: ['system'] },
  'hand-out': { from: ['certificate-ready'], to: 'handed-out', by: ['clerk', 'supervisor'] },
  deliver: { from: ['certificate-ready'], to: 'delivered', by: ['clerk', 'supervisor'] },
  withdraw: { from: ['accepted', 'queued', 'submitted', 'in-review', 'supplement-requested'], to: 'withdrawn', by: ['clerk', 'supervisor', 'system'] },
};

function caught(fn: () => unknown): IllegalTransitionError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(IllegalTransitionError);
    return err as IllegalTransitionError;
  }
  throw new Error('expected an IllegalTransitionError');
}

describe('case state machine: the declared table', () => {
  it('declares exactly the expected events', () => {
    expect([...CASE_EVENTS].sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const e of CASE_EVENTS) {
      expect([...CASE_TRANSITIONS[e].from].sort(), e).toEqual([...EXPECTED[e].from].sort());
      expect(CASE_TRANSITIONS[e].to, e).toBe(EXPECTED[e].to);
      expect([...CASE_TRANSITIONS[e].by].sort(), e).toEqual([...EXPECTED[e].by].sort());
      expect(CASE_TRANSITIONS[e].name).toMatch(/^[\u4e00-\u9fa5]+$/);
    }
  });

  it('lists draft as a lifecycle state without making it a stored status', () => {
    expect(CASE_STATES).toContain('draft');
    expect(CASE_STATUSES).not.toContain('draft');
    for (const s of CASE_STATES) expect(CASE_STATE_NAMES[s]).toBeTruthy();
  });

  it('every state can be reached from draft and every non-final state can move', () => {
    const reached = new Set<CaseState>(['draft']);
    for (let grew = true; grew; ) {
      grew = false;
      for (const e of CASE_EVENTS) {
        const spec = CASE_TRANSITIONS[e];
        if (spec.from.some((f) => reached.has(f)) && !reached.has(spec.to)) {
          reached.add(spec.to);
          grew = true;
        }
      }
    }
    expect([...reached].sort()).toEqual([...CASE_STATES].sort());
    const finals = CASE_STATES.filter(isFinalState).sort();
    expect(finals).toEqual(['delivered', 'handed-out', 'not-accepted', 'refused', 'withdrawn']);
  });
});

describe('case state machine: every (state × event × actor)', () => {
  const all = CASE_STATES.flatMap((from) => CASE_EVENTS.flatMap((event) => CASE_ACTOR_ROLES.map((actor) => ({ from, event, actor }))));

  it('covers all combinations', () => {
    expect(all).toHaveLength(CASE_STATES.length * CASE_EVENTS.length * CASE_ACTOR_ROLES.length);
  });

  it.each(all)('$from --$event-> by $actor', ({ from, event, actor }) => {
    const spec = EXPECTED[event];
    const stateOk = spec.from.includes(from);
    const roleOk = spec.by.includes(actor);
    if (stateOk && roleOk) {
      expect(transition(from, event, actor)).toEqual({ to: spec.to });
      expect(canTransition(from, event, actor)).toBe(true);
      expect(allowedEvents(from, actor)).toContain(event);
      return;
    }
    const err = caught(() => transition(from, event, actor));
    expect(canTransition(from, event, actor)).toBe(false);
    expect(allowedEvents(from, actor)).not.toContain(event);
    expect(err).toBeInstanceOf(ContractError);
    expect(err.from).toBe(from);
    expect(err.event).toBe(event);
    expect(err.actor).toBe(actor);
    if (!stateOk) {
      expect(err.reason).toBe('state');
      expect(err.code).toBe('CONFLICT');
      expect(err.message).toBe(`办件当前状态为“${CASE_STATE_NAMES[from]}”，不能执行“${CASE_TRANSITIONS[event].name}”`);
    } else {
      expect(err.reason).toBe('role');
      expect(err.code).toBe('FORBIDDEN');
      expect(err.message).toContain('无权');
    }
    expect(err.toBody()).toMatchObject({ code: err.code, message: err.message });
  });
});

describe('case state machine: messages and roles', () => {
  it('says in Chinese what the state forbids', () => {
    const err = caught(() => transition('accepted', 'hand-out', 'clerk'));
    expect(err.message).toBe('办件当前状态为“已受理”，不能执行“出件”');
  });

  it('lets the window hand out but not the sync engine, and the sync engine approve but not the window', () => {
    expect(transition('certificate-ready', 'hand-out', 'clerk').to).toBe('handed-out');
    expect(caught(() => transition('certificate-ready', 'hand-out', 'system')).message).toBe('同步服务无权对办件执行“出件”');
    expect(transition('in-review', 'approve', 'system').to).toBe('approved');
    expect(caught(() => transition('in-review', 'approve', 'clerk')).message).toBe('窗口人员无权对办件执行“批准”');
  });

  it('gives a system administrator no case actions at all', () => {
    for (const s of CASE_STATES) expect(allowedEvents(s, 'admin')).toEqual([]);
    expect(caught(() => transition('draft', 'accept', 'admin')).message).toBe('系统管理员无权对办件执行“受理”');
  });

  it('gives a supervisor exactly what a clerk has', () => {
    for (const s of CASE_STATES) expect(allowedEvents(s, 'supervisor')).toEqual(allowedEvents(s, 'clerk'));
  });

  it('offers the window the right buttons', () => {
    expect(allowedEvents('draft', 'clerk')).toEqual(['accept', 'refuse-intake']);
    expect(allowedEvents('certificate-ready', 'clerk')).toEqual(['hand-out', 'deliver']);
    expect(allowedEvents('supplement-requested', 'clerk')).toEqual(['supplement', 'withdraw']);
    expect(allowedEvents('handed-out', 'clerk')).toEqual([]);
  });

  it('refuses unknown states, events and actors from untyped callers', () => {
    const unknownState = caught(() => transition('archived' as CaseState, 'accept', 'clerk'));
    expect(unknownState.reason).toBe('unknown');
    expect(unknownState.message).toBe('未知的办件状态“archived”');
    expect(caught(() => transition('draft', 'teleport' as CaseEvent, 'clerk')).message).toBe('未知的办件操作“teleport”');
    expect(caught(() => transition('draft', 'accept', 'guest' as CaseActorRole)).code).toBe('CONFLICT');
    expect(canTransition('draft', 'toString' as CaseEvent, 'clerk')).toBe(false);
    expect(allowedEvents('archived' as CaseState, 'clerk')).toEqual([]);
  });
});
