/**
 * The audit trail (全网留痕): every sign-in, sign-out, case change and admin action is appended
 * with actor, role, device and time. Each entry's hash covers the previous entry's hash, so an
 * edited, deleted or reordered row breaks the chain and `verify()` names the first broken one.
 * Append inside the caller's transaction so the trace and the action commit together.
 */
import { createHash } from 'node:crypto';
import { asc, desc } from 'drizzle-orm';
import { auditLog } from '../../db/schema';
import type { WorkstationDb } from '../database';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntryInput {
  actor: string;
  role: string;
  action: string;
  caseId?: string | null;
  detail?: Record<string, unknown>;
}

export interface AuditVerifyResult {
  ok: boolean;
  entries: number;
  /** id of the first entry whose hash or link does not hold. */
  firstBrokenId?: number;
  reason?: string;
}

type Row = typeof auditLog.$inferSelect;

function entryHash(prevHash: string, row: Omit<Row, 'id' | 'prevHash' | 'hash'>): string {
  const canonical = JSON.stringify([row.at, row.actor, row.role, row.device, row.action, row.caseId ?? null, row.detail]);
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

export interface AuditLog {
  append(entry: AuditEntryInput): void;
  verify(): AuditVerifyResult;
  recent(limit: number): Row[];
  /** The newest entry's number and hash (the chain head the back office witnesses), or null. */
  head(): { seq: number; hash: string } | null;
}

export function createAuditLog(db: WorkstationDb, device: string, now: () => Date = () => new Date()): AuditLog {
  return {
    append(entry) {
      const last = db.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1).get();
      const prevHash = last?.hash ?? GENESIS_HASH;
      const row = {
        at: now().toISOString(),
        actor: entry.actor,
        role: entry.role,
        device,
        action: entry.action,
        caseId: entry.caseId ?? null,
        detail: JSON.stringify(entry.detail ?? {}),
      };
      db.insert(auditLog).values({ ...row, prevHash, hash: entryHash(prevHash, row) }).run();
    },
    verify() {
      let prev = GENESIS_HASH;
      let count = 0;
      let lastId = 0;
      for (const row of db.select().from(auditLog).orderBy(asc(auditLog.id)).all()) {
        count++;
        if (row.id <= lastId) return { ok: false, entries: count, firstBrokenId: row.id, reason: '顺序被改动' };
        lastId = row.id;
        if (row.prevHash !== prev) return { ok: false, entries: count, firstBrokenId: row.id, reason: '与上一条记录的链接断开（有记录被删除或调换）' };
        if (entryHash(prev, row) !== row.hash) return { ok: false, entries: count, firstBrokenId: row.id, reason: '记录内容被改动' };
        prev = row.hash;
      }
      return { ok: true, entries: count };
    },
    recent(limit) {
      return db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(limit).all();
    },
    head() {
      return db.select({ seq: auditLog.id, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1).get() ?? null;
    },
  };
}
