/**
 * Cases (办件) at the window. Accepting a case re-validates the form against the item's schema
 * (the renderer's validation is a convenience, this one is the law), numbers the case locally
 * and writes the case, its first timeline event, its outbox entry and the audit entry in one
 * SQLite transaction: either all of it survives a crash or none of it does.
 */
import { and, count, desc, eq, or, sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { ulid } from 'ulid';
import { caseEvents, caseNumberSequences, cases, outbox } from '../../db/schema';
import type { CaseDetail, CaseRow } from '../../shared/contract/channels';
import { ContractError } from '../../shared/contract/errors';
import type { CaseStatus } from '../../shared/cases/status';
import { createFormValidator } from '../../shared/forms';
import { maskIdNumber } from '../../shared/validators';
import type { AuditLog } from '../audit';
import type { Catalog } from '../catalog';
import type { WorkstationDb } from '../database';

export interface CaseActor {
  username: string;
  role: string;
}

export interface CasesDeps {
  db: WorkstationDb;
  audit: AuditLog;
  catalog: Catalog;
  station: () => { centerCode: string; windowNo: string; device: string };
  /** The promised completion date for n working days from today, or null when the calendar cannot say. */
  promisedDate?: (workingDays: number, today: string) => string | null;
  now?: () => Date;
  onChange?: (caseId: string) => void;
}

export interface CasesService {
  accept(input: { itemCode: string; itemVersion: number; formData: Record<string, unknown> }, by: CaseActor): CaseRow;
  list(input: { query?: string; status?: CaseStatus; limit?: number; offset?: number }): { rows: CaseRow[]; total: number };
  get(id: string): CaseDetail;
}

/** Local calendar date, YYYYMMDD-style parts; the window works in its own time zone. */
export function localDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** Extracts who the case is for: the company for company items, otherwise the applicant. */
export function extractApplicant(formData: Record<string, unknown>): { name: string; idType: 'id-card' | 'uscc'; idNo: string } {
  const company = formData.company as Record<string, unknown> | undefined;
  if (company && typeof company.name === 'string' && typeof company.creditCode === 'string') {
    return { name: company.name, idType: 'uscc', idNo: company.creditCode.toUpperCase() };
  }
  const applicant = formData.applicant as Record<string, unknown> | undefined;
  if (applicant && typeof applicant.name === 'string' && typeof applicant.idNumber === 'string') {
    return { name: applicant.name, idType: 'id-card', idNo: applicant.idNumber.toUpperCase() };
  }
  throw new ContractError('VALIDATION_FAILED', '表单缺少申请人（或申请单位）信息', []);
}

type CaseRecord = typeof cases.$inferSelect;

const sqlIncrement = sql`${caseNumberSequences.lastValue} + 1`;

function toRow(c: CaseRecord): CaseRow {
  return {
    id: c.id,
    caseNo: c.caseNo,
    itemCode: c.itemCode,
    itemName: c.itemName,
    applicantName: c.applicantName,
    applicantIdMasked: maskIdNumber(c.applicantIdNo),
    status: c.status as CaseStatus,
    promisedDate: c.promisedDate,
    createdBy: c.createdBy,
    createdAt: c.createdAt,
  };
}

export function createCasesService(deps: CasesDeps): CasesService {
  const { db, audit, catalog } = deps;
  const now = deps.now ?? (() => new Date());
  const forms = createFormValidator();

  function nextCaseNo(tx: WorkstationDb, centerCode: string, day: string, windowNo: string): string {
    const prefix = `${centerCode}-${day.replaceAll('-', '')}-${windowNo}`;
    const row = tx
      .insert(caseNumberSequences)
      .values({ prefix, lastValue: 1 })
      .onConflictDoUpdate({ target: caseNumberSequences.prefix, set: { lastValue: sqlIncrement } })
      .returning({ lastValue: caseNumberSequences.lastValue })
      .get();
    return `${prefix}-${String(row.lastValue).padStart(4, '0')}`;
  }

  return {
    accept(input, by) {
      const item = catalog.get(input.itemCode, input.itemVersion);
      const result = forms.validate(item.resolvedSchema, input.formData);
      if (!result.ok) {
        throw new ContractError('VALIDATION_FAILED', `表单有 ${result.errors.length} 处需要修改：${result.errors[0]!.message}`, result.errors);
      }
      const applicant = extractApplicant(input.formData);
      const station = deps.station();
      const at = now();
      const iso = at.toISOString();
      const today = localDate(at);
      const promisedDate = deps.promisedDate?.(item.timeLimit.promisedDays, today) ?? null;
      const id = ulid(at.getTime());
      const status: CaseStatus = 'accepted';
      const record = db.transaction((tx) => {
        const caseNo = nextCaseNo(tx, station.centerCode, today, station.windowNo);
        const row: CaseRecord = {
          id,
          caseNo,
          itemCode: item.code,
          itemVersion: item.version,
          itemName: item.name,
          department: item.department,
          applicantName: applicant.name,
          applicantIdType: applicant.idType,
          applicantIdNo: applicant.idNo,
          formData: JSON.stringify(input.formData),
          status,
          promisedDate,
          centerCode: station.centerCode,
          windowNo: station.windowNo,
          createdBy: by.username,
          createdAt: iso,
          updatedAt: iso,
        };
        tx.insert(cases).values(row).run();
        tx.insert(caseEvents)
          .values({
            caseId: id,
            type: 'accepted',
            fromStatus: null,
            toStatus: status,
            actor: by.username,
            device: station.device,
            at: iso,
            detail: JSON.stringify({ itemCode: item.code, itemVersion: item.version, promisedDate }),
          })
          .run();
        tx.insert(outbox)
          .values({
            id: ulid(at.getTime()),
            caseId: id,
            kind: 'case.create',
            payload: JSON.stringify({ caseId: id }),
            status: 'pending',
            createdAt: iso,
            updatedAt: iso,
          })
          .run();
        audit.append({ actor: by.username, role: by.role, action: 'case.accept', caseId: id, detail: { caseNo, itemCode: item.code } });
        return row;
      });
      deps.onChange?.(id);
      return toRow(record);
    },
    list(input) {
      const filters: SQL[] = [];
      if (input.status) filters.push(eq(cases.status, input.status));
      const q = input.query?.trim();
      if (q) {
        const pattern = `%${q.replace(/[%_!]/g, (c) => '!' + c)}%`;
        const contains = (col: AnySQLiteColumn) => sql`${col} LIKE ${pattern} ESCAPE '!'`;
        filters.push(or(contains(cases.caseNo), contains(cases.applicantName), eq(cases.applicantIdNo, q.toUpperCase()))!);
      }
      const where = filters.length ? and(...filters) : undefined;
      const rows = db
        .select()
        .from(cases)
        .where(where)
        .orderBy(desc(cases.createdAt), desc(cases.id))
        .limit(input.limit ?? 100)
        .offset(input.offset ?? 0)
        .all();
      const total = db.select({ n: count() }).from(cases).where(where).get()?.n ?? 0;
      return { rows: rows.map(toRow), total };
    },
    get(id) {
      const c = db.select().from(cases).where(eq(cases.id, id)).get();
      if (!c) throw new ContractError('NOT_FOUND', '未找到该办件');
      const events = db.select().from(caseEvents).where(eq(caseEvents.caseId, id)).orderBy(caseEvents.id).all();
      return {
        ...toRow(c),
        itemVersion: c.itemVersion,
        department: c.department,
        centerCode: c.centerCode,
        windowNo: c.windowNo,
        formData: JSON.parse(c.formData) as Record<string, unknown>,
        events: events.map((e) => ({
          type: e.type,
          fromStatus: e.fromStatus,
          toStatus: e.toStatus,
          actor: e.actor,
          device: e.device,
          at: e.at,
          detail: JSON.parse(e.detail) as Record<string, unknown>,
        })),
      };
    },
  };
}
