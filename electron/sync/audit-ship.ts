/**
 * Ships the audit trail through the outbox. At the start of a push round, local audit entries
 * not yet queued become one `audit.append` outbox entry (up to 500), written together with the
 * "queued up to" mark in one transaction, so an entry is queued exactly once and then travels
 * like any mutation (idempotent by its outbox id; the back office also ignores a known entryId).
 * Every push carries the chain head; the back office's answer (witnessed / flagged) is kept in
 * sync_state for `onewindow audit verify`.
 */
import { ulid } from 'ulid';
import { outbox } from '../../db/schema';
import type { AuditHead, AuditWitness } from '../../shared/sync';
import { auditEntriesAfter, checkAgainstHead, localAuditHead } from '../audit/witness';
import type { WorkstationDb } from '../database';
import { readState, STATE_KEYS, writeState } from './state';

const BATCH = 500;

/** Queues the entries written since the last call; returns how many. */
export function queueAuditEntries(db: WorkstationDb, now: Date): number {
  const at = now.toISOString();
  return db.transaction((tx) => {
    const mark = readState<AuditHead>(tx, STATE_KEYS.auditQueued);
    // The entry last queued is gone or different: the trail was cut or rewritten under us. Ship
    // it all again — the back office ignores what it holds and flags what differs.
    const after = mark && checkAgainstHead(tx, mark).ok ? mark.seq : 0;
    const entries = auditEntriesAfter(tx, after, BATCH);
    if (!entries.length) return 0;
    tx.insert(outbox)
      .values({ id: ulid(now.getTime()), caseId: null, kind: 'audit.append', payload: JSON.stringify({ entries }), status: 'pending', createdAt: at, updatedAt: at })
      .run();
    const last = entries[entries.length - 1];
    writeState(tx, STATE_KEYS.auditQueued, { seq: last.seq!, hash: last.hash! } satisfies AuditHead, at);
    return entries.length;
  });
}

export function currentAuditHead(db: WorkstationDb): AuditHead | undefined {
  return localAuditHead(db) ?? undefined;
}

/** What the back office said about the last head shown to it. */
export interface WitnessRecord extends AuditWitness {
  at: string;
}

export function recordWitness(db: WorkstationDb, witness: AuditWitness, at: string): void {
  writeState(db, STATE_KEYS.auditWitness, { ...witness, at } satisfies WitnessRecord, at);
}

export function lastWitness(db: WorkstationDb): WitnessRecord | null {
  return readState<WitnessRecord>(db, STATE_KEYS.auditWitness);
}
