/**
 * Cases (办件) at the window. Accepting a case re-validates the form against the item's schema
 * (the renderer's validation is a convenience, this one is the law), numbers the case locally
 * and writes the case, its first timeline event, its outbox entry and the audit entry in one
 * SQLite transaction: either all of it survives a crash or none of it does.
 */
import { and, count, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { ulid } from 'ulid';
import { caseEvents, caseNumberSequences, cases, drafts, outbox } from '../../db/schema';
import type { CaseDetail, CaseFilter, CaseRow, ChannelOutput, ItemDetail } from '../../shared/contract/channels';
import { CASE_STATUS_NAMES } from '../../shared/cases/status';
import { describeMaterial, evaluateMaterials, type MaterialState } from '../../shared/catalog/materials';
import { ContractError } from '../../shared/contract/errors';
import { DASHBOARD_DUE_SOON_DAYS } from '../../shared/contract/dashboard';
import type { CaseStatus } from '../../shared/cases/status';
import { createFormValidator, pruneEmptyOptional } from '../../shared/forms';
import { maskIdNumber, validateIdCard, validateUscc } from '../../shared/validators';
import type { AuditLog } from '../audit';
import type { Catalog } from '../catalog';
import type { WorkstationDb } from '../database';
import type { DraftsService } from '../drafts';
import { createdTransition, writeTimeline } from './transition';
import type { CaseActorRole } from '../../shared/cases/state-machine';
import { maskDetail, maskFormData } from './mask';

export interface CaseActor {
  username: string;
  role: string;
}

export interface CasesDeps {
  db: WorkstationDb;
  audit: AuditLog;
  catalog: Catalog;
  station: () => { centerCode: string; windowNo: string; device: string };
  drafts: DraftsService;
  /** 人证核验 and 信用审查 for the applicant; absent where the identity capability is not wired. */
  identity?: {
    /** Throws unless the check passed (or was overridden) for this ID number; returns what the timeline keeps (no images). */
    requireVerified(checkId: string, idNumber: string): Record<string, unknown>;
    attachToCase(tx: WorkstationDb, checkId: string, caseId: string): void;
    /** Materials a credit-list hit forbids to replace by commitment, as blocking problems. */
    commitmentProblems(applicant: { idType: 'id-card' | 'uscc'; idNo: string }, item: ItemDetail, materials: MaterialState[], by: CaseActor): { materialId: string; name: string; reason: string }[];
  };
  /** Moves a draft's captured pages to the new case, inside the acceptance transaction. */
  attachDraftPages?: (tx: WorkstationDb, draftId: string, caseId: string) => void;
  /** The day n working days after `today`, or null when the calendar cannot say. */
  addWorkingDays?: (today: string, workingDays: number) => string | null;
  centerName: () => string;
  now?: () => Date;
  onChange?: (caseId: string) => void;
}

export interface AcceptInput {
  itemCode: string;
  itemVersion: number;
  formData: Record<string, unknown>;
  materials: MaterialState[];
  draftId?: string;
  identityCheckId?: string;
}

export type OneTimeNotice = ChannelOutput<'cases.oneTimeNotice'>;
export type ApplicantLookup = ChannelOutput<'applicants.lookup'>;

export interface CasesService {
  accept(input: AcceptInput, by: CaseActor): CaseRow;
  oneTimeNotice(input: { itemCode: string; itemVersion: number; applicantName?: string; materials: MaterialState[]; draftId?: string }, by: CaseActor): OneTimeNotice;
  lookupApplicant(input: { idNumber?: string; creditCode?: string }, by: CaseActor): ApplicantLookup;
  list(input: CaseFilter & { limit?: number; offset?: number }): { rows: CaseRow[]; total: number };
  exportCsv(input: CaseFilter, by: CaseActor): { fileName: string; csv: string; rows: number };
  /** The full stored case, for the core's own use (documents, lifecycle). Never hand it to the renderer as is. */
  get(id: string): CaseDetail;
  /** The case as `cases.get` shows it: ID numbers, mobiles and address details masked (see ./mask.ts). */
  view(id: string): CaseDetail;
  /** The applicant's full identity number, for documents the core renders itself (never sent to the renderer). */
  applicantIdentity(id: string): { idType: 'id-card' | 'uscc'; idNo: string };
  /** Item codes this clerk accepted most recently, newest first (search ranks them first). */
  recentItems(username: string, limit: number): string[];
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

/** Statuses whose promised completion date still runs. */
const OPEN_STATUSES: CaseStatus[] = ['accepted', 'queued', 'submitted', 'in-review', 'supplement-requested'];

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

/** The next case number of this center, day and window (`<center>-<YYYYMMDD>-<window>-<seq>`), inside the caller's transaction. */
export function allocateCaseNo(tx: WorkstationDb, centerCode: string, day: string, windowNo: string): string {
  const prefix = `${centerCode}-${day.replaceAll('-', '')}-${windowNo}`;
  const row = tx
    .insert(caseNumberSequences)
    .values({ prefix, lastValue: 1 })
    .onConflictDoUpdate({ target: caseNumberSequences.prefix, set: { lastValue: sqlIncrement } })
    .returning({ lastValue: caseNumberSequences.lastValue })
    .get();
  return `${prefix}-${String(row.lastValue).padStart(4, '0')}`;
}

export function createCasesService(deps: CasesDeps): CasesService {
  const { db, audit, catalog } = deps;
  const now = deps.now ?? (() => new Date());
  const forms = createFormValidator();

  const nextCaseNo = allocateCaseNo;

  /** The case list's filters as one SQL condition (indexed columns wherever the filter allows). */
  function whereOf(input: CaseFilter): SQL | undefined {
    const filters: SQL[] = [];
    if (input.status) filters.push(eq(cases.status, input.status));
    if (input.itemCode) filters.push(eq(cases.itemCode, input.itemCode));
    if (input.department) filters.push(eq(cases.department, input.department));
    // createdAt is UTC; the window's dates are local: compare on the local date.
    if (input.from) filters.push(sql`date(${cases.createdAt}, 'localtime') >= ${input.from}`);
    if (input.to) filters.push(sql`date(${cases.createdAt}, 'localtime') <= ${input.to}`);
    if (input.deadline) {
      const today = localDate(now());
      // Due soon as on the dashboard: promised within N working days (official calendar). The
      // cutoff is computed once, then SQLite compares dates; without the calendar it is not guessed.
      const soon = input.deadline === 'due-soon' ? deps.addWorkingDays?.(today, DASHBOARD_DUE_SOON_DAYS) : today;
      if (!soon) throw new ContractError('CONFIG_INVALID', '工作日历未包含所需年份或未能加载，无法按工作日筛选临近到期的办件，请联系信息技术人员更新节假日数据');
      filters.push(inArray(cases.status, OPEN_STATUSES));
      filters.push(input.deadline === 'overdue' ? sql`${cases.promisedDate} < ${today}` : sql`${cases.promisedDate} >= ${today} AND ${cases.promisedDate} <= ${soon}`);
    }
    const q = input.query?.trim();
    if (q) {
      const upper = q.toUpperCase();
      if (validateIdCard(upper).valid || validateUscc(upper).valid) {
        // A full ID number or credit code: the indexed column, never a scan.
        filters.push(eq(cases.applicantIdNo, upper));
      } else {
        // Matched on the narrow cases_search index (rowids), then only the hits are read.
        filters.push(sql`${cases}.rowid IN (SELECT rowid FROM ${cases} INDEXED BY cases_search WHERE ${textMatch(q)})`);
      }
    }
    return filters.length ? and(...filters) : undefined;
  }

  /** A part of a case number or an applicant's name, as LIKE on the cases_search index's columns. */
  function textMatch(q: string): SQL {
    const pattern = `%${q.replace(/[%_!]/g, (c) => '!' + c)}%`;
    const contains = (col: AnySQLiteColumn) => sql`${col} LIKE ${pattern} ESCAPE '!'`;
    return or(contains(cases.caseNo), contains(cases.applicantName))!;
  }

  /** The quick search alone (the common case): the page and the count come from the index alone. */
  function quickSearchOnly(input: CaseFilter): string | undefined {
    const q = input.query?.trim();
    if (!q || input.status || input.itemCode || input.department || input.from || input.to || input.deadline) return undefined;
    const upper = q.toUpperCase();
    return validateIdCard(upper).valid || validateUscc(upper).valid ? undefined : q;
  }

  /** The item as the form was filled: the catalogue's version, or the draft's own snapshot. */
  function definitionFor(itemCode: string, itemVersion: number, draftId: string | undefined, by: string): ItemDetail {
    if (draftId) {
      const draft = deps.drafts.get(draftId, by);
      if (draft.itemCode !== itemCode || draft.itemVersion !== itemVersion) {
        throw new ContractError('CONFLICT', '草稿对应的事项或版本与提交的不一致，请重新打开草稿');
      }
      return draft.definition;
    }
    return catalog.detail(catalog.get(itemCode, itemVersion));
  }

  const service: CasesService = {
    oneTimeNotice(input, by) {
      const item = definitionFor(input.itemCode, input.itemVersion, input.draftId, by.username);
      const { missing } = evaluateMaterials(item.materials, input.materials);
      const notice: OneTimeNotice = {
        itemCode: item.code,
        itemName: item.name,
        departmentName: item.departmentName,
        applicantName: input.applicantName || null,
        missing: missing.map((m) => ({ materialId: m.id, name: m.name, description: describeMaterial(m), ...(m.note ? { note: m.note } : {}) })),
        issuedAt: now().toISOString(),
        issuedBy: by.username,
        centerName: deps.centerName(),
      };
      audit.append({ actor: by.username, role: by.role, action: 'case.oneTimeNotice', detail: { itemCode: item.code, missing: notice.missing.map((m) => m.materialId) } });
      return notice;
    },
    lookupApplicant(input, by) {
      const key = (input.idNumber ?? input.creditCode ?? '').toUpperCase();
      const kind = input.idNumber ? 'id-card' : 'uscc';
      audit.append({ actor: by.username, role: by.role, action: 'pii.lookup', detail: { kind, key: maskIdNumber(key) } });
      const direct = db
        .select({ caseNo: cases.caseNo, createdAt: cases.createdAt, formData: cases.formData })
        .from(cases)
        .where(and(eq(cases.applicantIdType, kind), eq(cases.applicantIdNo, key)))
        .orderBy(desc(cases.createdAt))
        .limit(1)
        .get();
      // A person may be on record as the applicant of a company's case.
      const viaApplicant =
        direct ??
        (kind === 'id-card'
          ? db
              .select({ caseNo: cases.caseNo, createdAt: cases.createdAt, formData: cases.formData })
              .from(cases)
              .where(sql`upper(json_extract(${cases.formData}, '$.applicant.idNumber')) = ${key}`)
              .orderBy(desc(cases.createdAt))
              .limit(1)
              .get()
          : undefined);
      if (!viaApplicant) return { found: false, data: {} };
      const recorded = JSON.parse(viaApplicant.formData) as Record<string, unknown>;
      const block = kind === 'id-card' ? 'applicant' : 'company';
      const data = recorded[block] && typeof recorded[block] === 'object' ? { [block]: recorded[block] } : {};
      return { found: Object.keys(data).length > 0, sourceCaseNo: viaApplicant.caseNo, sourceDate: viaApplicant.createdAt, data };
    },
    accept(input, by) {
      const item = definitionFor(input.itemCode, input.itemVersion, input.draftId, by.username);
      // An optional block the clerk left empty (e.g. no agent) is absent, as in the renderer.
      const formData = pruneEmptyOptional(item.formSchema, input.formData) as Record<string, unknown>;
      const result = forms.validate(item.formSchema, formData);
      if (!result.ok) {
        throw new ContractError('VALIDATION_FAILED', `表单有 ${result.errors.length} 处需要修改：${result.errors[0]!.message}`, result.errors);
      }
      const applicant = extractApplicant(formData);
      const identityRecord = input.identityCheckId ? deps.identity?.requireVerified(input.identityCheckId, applicant.idNo) : undefined;
      const checklist = evaluateMaterials(item.materials, input.materials);
      checklist.blocking.push(...(deps.identity?.commitmentProblems({ idType: applicant.idType, idNo: applicant.idNo }, item, input.materials, by) ?? []));
      if (checklist.blocking.length) {
        throw new ContractError(
          'VALIDATION_FAILED',
          `材料不齐，暂不能受理：${checklist.blocking.map((b) => b.reason).join('；')}。可出具一次性告知书`,
          checklist.blocking.map((b) => ({ path: `materials.${b.materialId}`, message: b.reason })),
        );
      }
      const station = deps.station();
      const at = now();
      const iso = at.toISOString();
      const today = localDate(at);
      const promisedDate = deps.addWorkingDays?.(today, item.promisedDays) ?? null;
      const byMaterial = new Map(input.materials.map((m) => [m.materialId, m]));
      const materials = item.materials.map((m) => {
        const state = byMaterial.get(m.id) ?? { materialId: m.id, status: 'missing' as const };
        return {
          ...state,
          name: m.name,
          deferUntil: state.status === 'deferred' ? (deps.addWorkingDays?.(today, m.deferDays ?? 5) ?? null) : null,
        };
      });
      const id = ulid(at.getTime());
      // The machine names the state a new case is born in. Who may accept is the channel's access:
      // the training configuration's first admin accepts too (see docs/DOCUMENTS.md).
      const status: CaseStatus = createdTransition('accept', 'clerk');
      const where = { centerCode: station.centerCode, windowNo: station.windowNo, device: station.device };
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
          formData: JSON.stringify(formData),
          materials: JSON.stringify(materials),
          status,
          promisedDate,
          centerCode: station.centerCode,
          windowNo: station.windowNo,
          createdBy: by.username,
          createdAt: iso,
          updatedAt: iso,
          // Item opened → accepted, for the dashboard's handling time: the draft began when the item was opened.
          startedAt: input.draftId ? (tx.select({ at: drafts.createdAt }).from(drafts).where(eq(drafts.id, input.draftId)).get()?.at ?? null) : null,
        };
        tx.insert(cases).values(row).run();
        if (input.identityCheckId && identityRecord) {
          deps.identity?.attachToCase(tx, input.identityCheckId, id);
          // 人证核验 in the timeline: result, score, model, image hashes and operator; never images.
          writeTimeline(tx, id, { type: 'identity-verified', from: null, to: null, actor: { name: by.username, role: by.role as CaseActorRole, ...where }, at: iso, detail: identityRecord });
        }
        if (input.draftId) {
          deps.attachDraftPages?.(tx, input.draftId, id);
          deps.drafts.remove(tx, input.draftId);
        }
        writeTimeline(tx, id, {
          type: 'accepted',
          from: null,
          to: status,
          actor: { name: by.username, role: by.role as CaseActorRole, ...where },
          at: iso,
          detail: {
            event: 'accept',
            itemCode: item.code,
            itemVersion: item.version,
            promisedDate,
            deferred: materials.filter((m) => m.status === 'deferred').map((m) => ({ name: m.name, deferUntil: m.deferUntil })),
          },
        });
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
      const quick = quickSearchOnly(input);
      if (quick !== undefined) {
        const limit = input.limit ?? 100;
        const offset = input.offset ?? 0;
        const page = sql`${cases}.rowid IN (SELECT rowid FROM ${cases} INDEXED BY cases_search WHERE ${textMatch(quick)} ORDER BY ${cases.createdAt} DESC, ${cases.id} DESC LIMIT ${limit} OFFSET ${offset})`;
        const rows = db.select().from(cases).where(page).orderBy(desc(cases.createdAt), desc(cases.id)).all();
        const total = db.get<{ n: number }>(sql`SELECT count(*) AS n FROM ${cases} INDEXED BY cases_search WHERE ${textMatch(quick)}`)?.n ?? 0;
        return { rows: rows.map(toRow), total };
      }
      const where = whereOf(input);
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
    exportCsv(input, by) {
      const rows = db.select().from(cases).where(whereOf(input)).orderBy(desc(cases.createdAt)).limit(100_000).all();
      const cell = (v: unknown) => {
        const text = String(v ?? '');
        // Quote everything; neutralise spreadsheet formulas (CSV injection).
        return `"${(/^[=+\-@]/.test(text) ? `'${text}` : text).replaceAll('"', '""')}"`;
      };
      const header = ['办件编号', '事项编码', '事项名称', '申请人', '证件号码', '状态', '承诺办结日期', '受理人', '受理时间'];
      const lines = rows.map((c) =>
        [c.caseNo, c.itemCode, c.itemName, c.applicantName, maskIdNumber(c.applicantIdNo), CASE_STATUS_NAMES[c.status as CaseStatus] ?? c.status, c.promisedDate, c.createdBy, c.createdAt].map(cell).join(','),
      );
      audit.append({ actor: by.username, role: by.role, action: 'cases.export', detail: { rows: rows.length, filter: input } });
      return { fileName: `办件-${localDate(now())}.csv`, csv: '\uFEFF' + [header.map(cell).join(','), ...lines].join('\r\n') + '\r\n', rows: rows.length };
    },
    applicantIdentity(id) {
      const c = db.select({ t: cases.applicantIdType, n: cases.applicantIdNo }).from(cases).where(eq(cases.id, id)).get();
      if (!c) throw new ContractError('NOT_FOUND', '未找到该办件');
      return { idType: c.t === 'uscc' ? 'uscc' : 'id-card', idNo: c.n };
    },
    recentItems(username, limit) {
      const rows = db
        .select({ itemCode: cases.itemCode, last: sql<string>`max(${cases.createdAt})` })
        .from(cases)
        .where(eq(cases.createdBy, username))
        .groupBy(cases.itemCode)
        .orderBy(desc(sql`max(${cases.createdAt})`))
        .limit(limit)
        .all();
      return rows.map((r) => r.itemCode);
    },
    view(id) {
      const detail = service.get(id);
      let formSchema: Record<string, unknown> | null = null;
      try {
        formSchema = catalog.detail(catalog.get(detail.itemCode, detail.itemVersion)).formSchema;
      } catch {
        // The item's version left the catalogue: keys and patterns still mask the shared blocks.
      }
      return {
        ...detail,
        formData: maskFormData(formSchema, detail.formData),
        events: detail.events.map((e) => ({ ...e, detail: maskDetail(e.detail) })),
      };
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
        materials: JSON.parse(c.materials) as CaseDetail['materials'],
        events: events.map((e) => ({
          type: e.type,
          fromStatus: e.fromStatus,
          toStatus: e.toStatus,
          actor: e.actor,
          actorRole: e.actorRole,
          device: e.device,
          centerCode: e.centerCode,
          windowNo: e.windowNo,
          at: e.at,
          detail: JSON.parse(e.detail) as Record<string, unknown>,
        })),
      };
    },
  };
  return service;
}
