/**
 * Shipping the audit trail to the back office and checking it against the head the back office
 * witnessed (docs/SYNC.md, "Audit witnessing"). A hash chain shows an edited, deleted or
 * reordered row, but not a tail cut off (or a tail rewritten with fresh hashes): the back office
 * holds a copy of the entries and the highest chain head each push showed it, so the local
 * trail must still contain that head with the same hash.
 */
import { createHash } from 'node:crypto';
import { asc, desc, eq, gt } from 'drizzle-orm';
import { auditLog } from '../../db/schema';
import { isUlid, type AuditEntry, type AuditHead } from '../../shared/sync';
import type { WorkstationDb } from '../database';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID made from the entry itself (time from `at`, the rest from its hash): a resend names the same entry. */
export function auditEntryId(at: string, hash: string): string {
  let time = Math.max(0, Math.min(Date.parse(at) || 0, 2 ** 48 - 1));
  let head = '';
  for (let i = 0; i < 10; i++) {
    head = CROCKFORD[time % 32] + head;
    time = Math.floor(time / 32);
  }
  const bytes = createHash('sha256').update(hash).digest();
  let tail = '';
  for (let i = 0; i < 16; i++) {
    // 5 bits per character from the digest (80 bits).
    const bit = i * 5;
    const value = ((bytes[bit >> 3] << 8) | bytes[(bit >> 3) + 1]) >> (11 - (bit & 7));
    tail += CROCKFORD[value & 31];
  }
  return head + tail;
}

type Row = typeof auditLog.$inferSelect;

/** One local row as the back office receives it (audit.append): the chain fields included. */
export function toWireEntry(row: Row): AuditEntry {
  let detail: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(row.detail) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) detail = parsed as Record<string, unknown>;
  } catch {
    detail = { raw: row.detail };
  }
  // The wire wants a ULID case id; anything else stays visible in the detail.
  const caseId = row.caseId && isUlid(row.caseId) ? row.caseId : undefined;
  if (row.caseId && !caseId) detail = { ...detail, caseRef: row.caseId };
  return {
    entryId: auditEntryId(row.at, row.hash),
    at: row.at,
    actor: row.actor.slice(0, 64),
    action: row.action.slice(0, 64),
    ...(caseId ? { caseId } : {}),
    ...(Object.keys(detail).length ? { detail } : {}),
    seq: row.id,
    role: row.role.slice(0, 32),
    device: row.device.slice(0, 64),
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

/** Entries after local number `afterSeq`, oldest first. */
export function auditEntriesAfter(db: WorkstationDb, afterSeq: number, limit: number): AuditEntry[] {
  return db.select().from(auditLog).where(gt(auditLog.id, afterSeq)).orderBy(asc(auditLog.id)).limit(limit).all().map(toWireEntry);
}

/** The newest entry of the local chain (null when the trail is empty). */
export function localAuditHead(db: WorkstationDb): AuditHead | null {
  const row = db.select({ seq: auditLog.id, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1).get();
  return row ?? null;
}

export interface HeadCheck {
  ok: boolean;
  /** Chinese, for IT. */
  reason?: string;
}

/** Does the local trail still hold the witnessed head, with the same hash, and nothing before it removed? */
export function checkAgainstHead(db: WorkstationDb, head: AuditHead): HeadCheck {
  if (head.seq === 0) return { ok: true };
  const row = db.select({ hash: auditLog.hash }).from(auditLog).where(eq(auditLog.id, head.seq)).get();
  if (!row) {
    const local = localAuditHead(db);
    return {
      ok: false,
      reason: `区级后台已见证第 ${head.seq} 条审计记录，本地却${local ? `只到第 ${local.seq} 条（或该条已被删除）` : '没有任何记录'}：审计记录末尾被删除`,
    };
  }
  if (row.hash !== head.hash) return { ok: false, reason: `第 ${head.seq} 条审计记录与区级后台见证的哈希不一致：审计记录被改写` };
  return { ok: true };
}

export interface WitnessReport {
  /** Where the head came from: the back office now, the last answer kept locally, or nowhere yet. */
  source: 'backoffice' | 'local' | 'none';
  ok: boolean;
  head: AuditHead | null;
  witnessedAt: string | null;
  /** Flags the back office raised about this device's trail (Chinese reasons). */
  flags: { code: string; reason: string; seq: number; at: string }[];
  reason?: string;
  /** Why the back office was not asked or did not answer. */
  unreachable?: string;
}

/**
 * Checks the local trail against the last witnessed head: the back office's, when `fetchHead`
 * answers; otherwise the last acknowledged head this PC kept (weaker: it lives in the same file).
 */
export async function checkWitness(
  db: WorkstationDb,
  local: { head: AuditHead; at: string } | null,
  fetchHead?: () => Promise<{ head: AuditHead | null; witnessedAt: string | null; flags: WitnessReport['flags'] }>,
): Promise<WitnessReport> {
  let unreachable: string | undefined;
  if (fetchHead) {
    try {
      const remote = await fetchHead();
      const check = remote.head ? checkAgainstHead(db, remote.head) : { ok: true };
      const flagged = remote.flags.length > 0;
      return {
        source: 'backoffice',
        ok: check.ok && !flagged,
        head: remote.head,
        witnessedAt: remote.witnessedAt,
        flags: remote.flags,
        ...(check.ok ? (flagged ? { reason: `区级后台记录了 ${remote.flags.length} 处审计异常` } : {}) : { reason: check.reason }),
      };
    } catch (error) {
      unreachable = (error as Error).message;
    }
  }
  if (!local) return { source: 'none', ok: true, head: null, witnessedAt: null, flags: [], ...(unreachable ? { unreachable } : {}) };
  const check = checkAgainstHead(db, local.head);
  return {
    source: 'local',
    ok: check.ok,
    head: local.head,
    witnessedAt: local.at,
    flags: [],
    ...(check.ok ? {} : { reason: check.reason }),
    ...(unreachable ? { unreachable } : {}),
  };
}
