/** Small typed access to the sync_state key/value table. */
import { eq } from 'drizzle-orm';
import { syncState } from '../../db/schema';
import type { WorkstationDb } from '../database';

export const STATE_KEYS = {
  cursor: 'feed.cursor',
  device: 'device',
  lastSuccessAt: 'last-success-at',
  publication: (type: string) => `publication.${type}`,
  /** Local audit entries queued for shipping up to this number (audit-ship.ts). */
  auditQueued: 'audit.queued',
  /** The back office's last answer about the audit chain head (witnessed head, or a flag). */
  auditWitness: 'audit.witness',
} as const;

export interface EnrolledDevice {
  deviceId: string;
  centerCode: string;
  windowNo: string;
  label?: string;
  enrolledAt: string;
  baseUrl: string;
}

export function readState<T>(db: WorkstationDb, key: string): T | null {
  const row = db.select({ value: syncState.value }).from(syncState).where(eq(syncState.key, key)).get();
  return row ? (JSON.parse(row.value) as T) : null;
}

export function writeState(db: WorkstationDb, key: string, value: unknown, at: string): void {
  const json = JSON.stringify(value);
  db.insert(syncState)
    .values({ key, value: json, updatedAt: at })
    .onConflictDoUpdate({ target: syncState.key, set: { value: json, updatedAt: at } })
    .run();
}

export function readCursor(db: WorkstationDb): number {
  return readState<number>(db, STATE_KEYS.cursor) ?? 0;
}
