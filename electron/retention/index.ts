/**
 * The retention purge (PIPL: keep personal data no longer than needed; 等保 2.0: keep the audit
 * trail at least 6 months). Runs at start and daily in a running workstation, on demand from
 * `onewindow purge [--dry-run]` and the admin's `retention.run`:
 *  - face images older than `faceRetentionDays`: the encrypted file goes, the row and its
 *    SHA-256 stay (the check still says what was compared);
 *  - closed cases older than `closedCaseRetentionDays` (by their last change): name, ID number
 *    and form data are replaced by masked values, their pages, PDFs and signature image are
 *    released (the blob sweep deletes the files) and the delivered outbox payloads are replaced
 *    by their hash; the case number, item, status, dates, timeline and audit stay, and
 *    case_redactions keeps the SHA-256 of what was removed;
 *  - audit entries are never deleted here (they are shipped to the back office and archived
 *    there); AUDIT_MIN_RETENTION_MONTHS is the floor any future archiving must respect.
 * Every run that changes something, and every run someone asked for, is audited (counts only).
 */
import { createHash } from 'node:crypto';
import { existsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq, inArray, isNull, lte, notExists, or, sql } from 'drizzle-orm';
import { identityChecks, identityFaceImages } from '../../db/identity-schema';
import { cases, materialPages, materialPdfs, outbox } from '../../db/schema';
import { caseRedactions } from '../../db/security-schema';
import type { CaseStatus } from '../../shared/cases/status';
import { maskIdNumber } from '../../shared/validators';
import type { AuditLog } from '../audit';
import type { WorkstationDb } from '../database';

const AUDIT_MIN_RETENTION_MONTHS = 6;
/** A case in one of these is finished at the window; its last change is when it closed. */
const CLOSED_STATUSES: readonly CaseStatus[] = ['handed-out', 'delivered', 'withdrawn', 'not-accepted', 'refused'];
const REDACTED_NAME_SUFFIX = '（已脱敏）';
const DAY_MS = 86_400_000;

export interface RetentionPolicy {
  faceRetentionDays: number;
  closedCaseRetentionDays: number;
}

export interface RetentionReport {
  dryRun: boolean;
  ranAt: string;
  faceRetentionDays: number;
  closedCaseRetentionDays: number;
  faceImages: number;
  casesRedacted: number;
  auditKeptMonths: number;
}

export interface RetentionDeps {
  db: WorkstationDb;
  dataDir: string;
  audit: AuditLog;
  now: () => Date;
  policy: () => RetentionPolicy;
  log?: (line: string) => void;
}

export interface RetentionService {
  /** One pass; `by` names who asked (the scheduled runs pass nothing). */
  run(options?: { dryRun?: boolean; by?: { actor: string; role: string } }): RetentionReport;
  /** Runs now and then every `intervalMs` (default a day); returns the stop function. */
  schedule(intervalMs?: number): () => void;
}

/** The earliest time an audit entry may leave the workstation's database. */
export function auditPurgeFloor(now: Date): Date {
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - AUDIT_MIN_RETENTION_MONTHS);
  return d;
}

/** 张三 → 张*（已脱敏）: enough to recognise the record, not the person. */
export function redactName(name: string): string {
  const chars = [...name.trim()];
  return (chars.length ? chars[0] + '*'.repeat(Math.max(1, Math.min(chars.length - 1, 3))) : '*') + REDACTED_NAME_SUFFIX;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function createRetentionService(deps: RetentionDeps): RetentionService {
  const { db } = deps;
  const facesDir = join(deps.dataDir, 'identity', 'faces');
  const hasTable = (name: string) => !!db.get<{ n: number }>(sql`select 1 as n from sqlite_master where type = 'table' and name = ${name}`);

  function dueFaceImages(now: Date, days: number) {
    const cutoff = new Date(now.getTime() - days * DAY_MS).toISOString();
    return db
      .select({ id: identityFaceImages.id, file: identityFaceImages.file })
      .from(identityFaceImages)
      .where(and(isNull(identityFaceImages.purgedAt), or(lte(identityFaceImages.createdAt, cutoff), lte(identityFaceImages.purgeAfter, now.toISOString()))))
      .all();
  }

  function dueCases(now: Date, days: number) {
    const cutoff = new Date(now.getTime() - days * DAY_MS).toISOString();
    return db
      .select()
      .from(cases)
      .where(
        and(
          inArray(cases.status, [...CLOSED_STATUSES]),
          lte(cases.updatedAt, cutoff),
          notExists(db.select({ x: sql`1` }).from(caseRedactions).where(eq(caseRedactions.caseId, cases.id))),
          // A case still waiting to reach the back office keeps its data until it got there.
          notExists(db.select({ x: sql`1` }).from(outbox).where(and(eq(outbox.caseId, cases.id), inArray(outbox.status, ['pending', 'dead'])))),
        ),
      )
      .all();
  }

  function redactCase(c: typeof cases.$inferSelect, at: string, policyDays: number): void {
    const signatures = hasTable('case_signatures');
    db.transaction((tx) => {
      const pages = tx.select({ a: materialPages.sha256, b: materialPages.sourceSha256 }).from(materialPages).where(eq(materialPages.caseId, c.id)).all();
      const pdfs = tx.select({ a: materialPdfs.sha256 }).from(materialPdfs).where(eq(materialPdfs.caseId, c.id)).all();
      const released = [...new Set([...pages.flatMap((p) => [p.a, p.b]), ...pdfs.map((p) => p.a)])].sort();
      tx.insert(caseRedactions)
        .values({
          caseId: c.id,
          redactedAt: at,
          personalDataSha256: sha256(JSON.stringify({ applicantName: c.applicantName, applicantIdNo: c.applicantIdNo, formData: c.formData })),
          blobSha256s: JSON.stringify(released),
          policyDays,
        })
        .run();
      tx.update(cases)
        .set({ applicantName: redactName(c.applicantName), applicantIdNo: maskIdNumber(c.applicantIdNo), formData: '{}' })
        .where(eq(cases.id, c.id))
        .run();
      tx.delete(materialPages).where(eq(materialPages.caseId, c.id)).run();
      tx.delete(materialPdfs).where(eq(materialPdfs.caseId, c.id)).run();
      // Delivered sync payloads carried the whole case: keep only their hash.
      for (const o of tx.select({ id: outbox.id, payload: outbox.payload }).from(outbox).where(and(eq(outbox.caseId, c.id), eq(outbox.status, 'done'))).all()) {
        tx.update(outbox).set({ payload: JSON.stringify({ redacted: true, sha256: sha256(o.payload) }) }).where(eq(outbox.id, o.id)).run();
      }
      tx.update(identityChecks).set({ applicantName: redactName(c.applicantName) }).where(eq(identityChecks.caseId, c.id)).run();
      if (signatures) tx.run(sql`update case_signatures set png = x'' where case_id = ${c.id}`);
      deps.audit.append({ actor: 'system', role: 'system', action: 'retention.caseRedacted', caseId: c.id, detail: { caseNo: c.caseNo, policyDays, blobsReleased: released.length } });
    });
  }

  function run(options: { dryRun?: boolean; by?: { actor: string; role: string } } = {}): RetentionReport {
    const dryRun = options.dryRun ?? false;
    const now = deps.now();
    const at = now.toISOString();
    const policy = deps.policy();
    const faces = dueFaceImages(now, policy.faceRetentionDays);
    const closed = dueCases(now, policy.closedCaseRetentionDays);
    if (!dryRun) {
      for (const f of faces) {
        // File first: a crash in between leaves a row pointing at nothing, which read() reports as purged.
        if (f.file && existsSync(join(facesDir, f.file))) unlinkSync(join(facesDir, f.file));
        db.update(identityFaceImages).set({ file: null, purgedAt: at }).where(eq(identityFaceImages.id, f.id)).run();
      }
      for (const c of closed) redactCase(c, at, policy.closedCaseRetentionDays);
    }
    const report: RetentionReport = {
      dryRun,
      ranAt: at,
      faceRetentionDays: policy.faceRetentionDays,
      closedCaseRetentionDays: policy.closedCaseRetentionDays,
      faceImages: faces.length,
      casesRedacted: closed.length,
      auditKeptMonths: AUDIT_MIN_RETENTION_MONTHS,
    };
    if (options.by || (!dryRun && (faces.length || closed.length))) {
      const { ranAt: _ranAt, ...counts } = report;
      deps.audit.append({ actor: options.by?.actor ?? 'system', role: options.by?.role ?? 'system', action: dryRun ? 'retention.dryRun' : 'retention.run', detail: counts });
    }
    return report;
  }

  return {
    run,
    schedule(intervalMs = DAY_MS) {
      const quietly = () => {
        try {
          run();
        } catch (err) {
          deps.log?.(`[retention] 清理失败，将于下次重试：${(err as Error).message}`);
        }
      };
      const first = setTimeout(quietly, 0);
      const timer = setInterval(quietly, intervalMs);
      first.unref();
      timer.unref();
      return () => {
        clearTimeout(first);
        clearInterval(timer);
      };
    },
  };
}
