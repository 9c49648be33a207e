/**
 * The documents the window hands out for a case, assembled by the core from what it stored —
 * never from text the renderer sends — rendered by electron/documents and kept with the case
 * (db/lifecycle-schema.ts `case_documents`). A document is issued once per cause: a reprint
 * serves the stored bytes. Rendering is deterministic, so the same stored data always gives the
 * same SHA-256.
 */
import { createHash } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { ulid } from 'ulid';
import { caseCertificates, caseEvents, users } from '../../db/schema';
import { caseDocuments, CASE_DOCUMENT_KINDS } from '../../db/lifecycle-schema';
import type { ChannelOutput } from '../../shared/contract/channels';
import { ContractError } from '../../shared/contract/errors';
import { MATERIAL_FORM_NAMES } from '../../shared/catalog/item-definition';
import type { Catalog } from '../catalog';
import type { AuditLog } from '../audit';
import type { WorkstationDb } from '../database';
import { DOCUMENT_TITLES, renderCaseDocument, type DocumentInputs, type Party, type ReceiptMaterial } from '../documents';
import { caseSignaturePng } from '../applicant-display/store';
import type { CaseActor, CasesService, OneTimeNotice } from './index';

export type RenderedPdf = ChannelOutput<'documents.receipt'>;
export type CaseDocumentKind = (typeof CASE_DOCUMENT_KINDS)[number];
export type StoredDocument = ChannelOutput<'documents.list'>[number];

/** A rendered document ready to be stored in the caller's transaction. */
export interface PreparedDocument {
  kind: CaseDocumentKind;
  ref: string;
  documentNo: string;
  fileName: string;
  bytes: Uint8Array;
  sha256: string;
  pages: number;
  missingCharacters: string[];
}

/** 补正: the applicant has this many working days to bring the materials (the back office sends no deadline). */
export const SUPPLEMENT_WORKING_DAYS = 5;

export interface CaseDocumentsDeps {
  db: WorkstationDb;
  audit: AuditLog;
  cases: CasesService;
  catalog: Catalog;
  office: () => { centerName: string; windowNo: string };
  addWorkingDays?: (today: string, days: number) => string | null;
  now?: () => Date;
}

export interface CaseDocuments {
  /** 受理回执: the stored one, issued (rendered and stored) on first request. */
  receipt(caseId: string, by: CaseActor): Promise<RenderedPdf>;
  oneTimeNotice(notice: OneTimeNotice, clerkName: string): Promise<RenderedPdf>;
  /** Renders a document from stored data; nothing is written. */
  prepare<K extends CaseDocumentKind>(kind: K, caseId: string, input: DocumentInputs[K], ref?: string, documentNo?: string): Promise<PreparedDocument>;
  /** Stores a prepared document inside the caller's transaction (a second one for the same cause is ignored). */
  store(tx: WorkstationDb, caseId: string, doc: PreparedDocument, by: { name: string; role: string }, at: string): string;
  /** Issues what the case is due and does not have yet: receipt, 告知承诺书, 补正材料通知书 (or only the kinds named). */
  ensure(caseId: string, by: { name: string; role: string }, only?: readonly CaseDocumentKind[]): Promise<number>;
  list(caseId: string): StoredDocument[];
  get(documentId: string): { meta: StoredDocument; bytes: Uint8Array };
  /** Inputs built from the stored case (used by the lifecycle actions). */
  inputs: {
    applicant(caseId: string): Party;
    item(caseId: string): { code: string; name: string; departmentName: string };
    displayName(username: string): string;
  };
}

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const toRendered = (fileName: string, r: { bytes: Uint8Array; sha256: string; pages: number; missingCharacters: string[] }): RenderedPdf => ({
  fileName,
  pdfBase64: Buffer.from(r.bytes).toString('base64'),
  sha256: r.sha256,
  pages: r.pages,
  missingCharacters: r.missingCharacters,
});

type DocumentRow = typeof caseDocuments.$inferSelect;

function toMeta(r: Omit<DocumentRow, 'pdf'>): StoredDocument {
  return {
    id: r.id,
    caseId: r.caseId,
    kind: r.kind,
    title: DOCUMENT_TITLES[r.kind],
    documentNo: r.documentNo,
    fileName: r.fileName,
    sha256: r.sha256,
    size: r.size,
    pages: r.pages,
    missingCharacters: JSON.parse(r.missingCharacters) as string[],
    createdBy: r.createdBy,
    createdByRole: r.createdByRole,
    createdAt: r.createdAt,
  };
}

const META_COLUMNS = {
  id: caseDocuments.id,
  caseId: caseDocuments.caseId,
  kind: caseDocuments.kind,
  ref: caseDocuments.ref,
  documentNo: caseDocuments.documentNo,
  fileName: caseDocuments.fileName,
  sha256: caseDocuments.sha256,
  size: caseDocuments.size,
  pages: caseDocuments.pages,
  missingCharacters: caseDocuments.missingCharacters,
  createdBy: caseDocuments.createdBy,
  createdByRole: caseDocuments.createdByRole,
  createdAt: caseDocuments.createdAt,
};

/** The agent block of a form, when someone applied on the applicant's behalf. */
function agentOf(formData: Record<string, unknown>): Party | undefined {
  const agent = formData.agent as Record<string, unknown> | undefined;
  if (agent && typeof agent.name === 'string' && typeof agent.idNumber === 'string' && agent.name && agent.idNumber) {
    return { name: agent.name, idType: 'id-card', idNumber: agent.idNumber.toUpperCase() };
  }
  return undefined;
}

function addCalendarDays(isoDay: string, days: number): string {
  const d = new Date(`${isoDay}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The civil date in Beijing (documents print Beijing time whatever the PC's zone). */
const beijingDay = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 10);

export function createCaseDocuments(deps: CaseDocumentsDeps): CaseDocuments {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());

  const displayName = (username: string) => db.select({ n: users.displayName }).from(users).where(eq(users.username, username)).get()?.n ?? username;
  const definitionOf = (itemCode: string, itemVersion: number) => deps.catalog.items.find((i) => i.code === itemCode && i.version === itemVersion);

  function applicant(caseId: string): Party {
    const c = deps.cases.get(caseId);
    const full = deps.cases.applicantIdentity(caseId);
    return { name: c.applicantName, idType: full.idType, idNumber: full.idNo };
  }
  function item(caseId: string) {
    const c = deps.cases.get(caseId);
    return { code: c.itemCode, name: c.itemName, departmentName: deps.catalog.departmentName(c.department) };
  }

  async function prepare<K extends CaseDocumentKind>(kind: K, caseId: string, input: DocumentInputs[K], ref = '', documentNo?: string): Promise<PreparedDocument> {
    const c = deps.cases.get(caseId);
    const rendered = await renderCaseDocument(kind, input);
    const no = documentNo ?? c.caseNo;
    const suffix = ref ? `-${ref.slice(-6)}` : '';
    return {
      kind,
      ref,
      documentNo: no,
      fileName: `${DOCUMENT_TITLES[kind]}-${no}${suffix}.pdf`,
      bytes: rendered.bytes,
      sha256: sha256Hex(rendered.bytes),
      pages: rendered.pages,
      missingCharacters: rendered.missingCharacters,
    };
  }

  function store(tx: WorkstationDb, caseId: string, doc: PreparedDocument, by: { name: string; role: string }, at: string): string {
    const existing = tx
      .select({ id: caseDocuments.id })
      .from(caseDocuments)
      .where(and(eq(caseDocuments.caseId, caseId), eq(caseDocuments.kind, doc.kind), eq(caseDocuments.ref, doc.ref)))
      .get();
    if (existing) return existing.id;
    const id = ulid();
    tx.insert(caseDocuments)
      .values({
        id,
        caseId,
        kind: doc.kind,
        ref: doc.ref,
        documentNo: doc.documentNo,
        fileName: doc.fileName,
        pdf: Buffer.from(doc.bytes),
        sha256: doc.sha256,
        size: doc.bytes.byteLength,
        pages: doc.pages,
        missingCharacters: JSON.stringify(doc.missingCharacters),
        createdBy: by.name,
        createdByRole: by.role,
        createdAt: at,
      })
      .run();
    deps.audit.append({ actor: by.name, role: by.role, action: 'document.issue', caseId, detail: { documentId: id, kind: doc.kind, sha256: doc.sha256 } });
    return id;
  }

  function findStored(caseId: string, kind: CaseDocumentKind, ref = '') {
    return db
      .select(META_COLUMNS)
      .from(caseDocuments)
      .where(and(eq(caseDocuments.caseId, caseId), eq(caseDocuments.kind, kind), eq(caseDocuments.ref, ref)))
      .get();
  }

  /** The applicant's handwritten signature taken on the applicant screen (electron/applicant-display), if any. */
  const signatureOf = (caseId: string, purpose: 'application' | 'commitment') => {
    const png = caseSignaturePng(deps.db, caseId, purpose);
    return png ? { applicantSignature: png } : {};
  };

  function receiptInput(caseId: string): DocumentInputs['acceptance-receipt'] {
    const c = deps.cases.get(caseId);
    const definition = definitionOf(c.itemCode, c.itemVersion);
    const materials: ReceiptMaterial[] = c.materials
      .filter((m) => m.status !== 'missing')
      .map((m) => {
        const d = definition?.materials.find((x) => x.id === m.materialId);
        return {
          name: m.name,
          status: m.status as ReceiptMaterial['status'],
          ...(d ? { copies: `${MATERIAL_FORM_NAMES[d.form]} ${d.count} 份` } : {}),
          ...(m.deferUntil ? { deferUntil: m.deferUntil } : {}),
          ...(m.reusedFrom ? { reusedFrom: m.reusedFrom } : {}),
        };
      });
    const agent = agentOf(c.formData);
    return {
      caseNo: c.caseNo,
      item: item(caseId),
      applicant: applicant(caseId),
      ...(agent ? { agent } : {}),
      acceptedAt: c.createdAt,
      clerk: displayName(c.createdBy),
      ...(definition ? { promisedDays: definition.timeLimit.promisedDays } : {}),
      promisedDate: c.promisedDate,
      materials,
      office: { centerName: deps.office().centerName, windowNo: c.windowNo },
      ...signatureOf(caseId, 'application'),
    };
  }

  function commitmentInput(caseId: string): DocumentInputs['commitment-letter'] | null {
    const c = deps.cases.get(caseId);
    const replaced = c.materials.filter((m) => m.status === 'commitment').map((m) => m.name);
    if (replaced.length === 0) return null;
    const definition = definitionOf(c.itemCode, c.itemVersion);
    const agent = agentOf(c.formData);
    const it = item(caseId);
    const conditions = definition?.conditions.filter((x) => x.trim()) ?? [];
    return {
      caseNo: c.caseNo,
      item: it,
      applicant: applicant(caseId),
      ...(agent ? { agent } : {}),
      authority: it.departmentName,
      conditions: conditions.length ? conditions : ['符合本事项规定的办理条件'],
      materialsReplaced: replaced,
      verification: '作出决定后依法对承诺内容进行核查',
      issuedAt: c.createdAt,
      office: { centerName: deps.office().centerName, windowNo: c.windowNo },
      ...signatureOf(caseId, 'commitment'),
    };
  }

  /** 补正材料通知书 for one 'supplement-requested' timeline entry (written by the sync engine). */
  function supplementInput(caseId: string, entry: { at: string; detail: string }): DocumentInputs['supplement-notice'] {
    const c = deps.cases.get(caseId);
    const d = JSON.parse(entry.detail) as { department?: string; reason?: string; materialsWanted?: { name: string; note?: string }[]; requestedAt?: string };
    const issuedAt = d.requestedAt ?? entry.at;
    const day = beijingDay(issuedAt);
    return {
      caseNo: c.caseNo,
      item: item(caseId),
      applicant: applicant(caseId),
      requestedBy: d.department ? deps.catalog.departmentName(d.department) : item(caseId).departmentName,
      ...(d.reason ? { reason: d.reason } : {}),
      materials: (d.materialsWanted ?? []).map((m) => ({ name: m.name, ...(m.note ? { note: m.note } : {}) })),
      deadline: deps.addWorkingDays?.(day, SUPPLEMENT_WORKING_DAYS) ?? addCalendarDays(day, 7),
      issuedAt,
      clerk: displayName(c.createdBy),
      office: { centerName: deps.office().centerName, windowNo: c.windowNo },
    };
  }

  /** Prepares and stores one document unless its cause already has one; true when a document was issued. */
  async function issue<K extends CaseDocumentKind>(caseId: string, kind: K, input: DocumentInputs[K], by: { name: string; role: string }, ref = ''): Promise<boolean> {
    if (findStored(caseId, kind, ref)) return false;
    const doc = await prepare(kind, caseId, input, ref);
    const at = now().toISOString();
    db.transaction((tx) => store(tx, caseId, doc, by, at));
    return true;
  }

  const NOT_ACCEPTED_STATUSES = new Set(['not-accepted']);

  function getDocument(documentId: string): { meta: StoredDocument; bytes: Uint8Array } {
    const row = db.select().from(caseDocuments).where(eq(caseDocuments.id, documentId)).get();
    if (!row) throw new ContractError('NOT_FOUND', '未找到该文书');
    const bytes = new Uint8Array(row.pdf);
    if (sha256Hex(bytes) !== row.sha256) throw new ContractError('INTERNAL', `文书 ${row.fileName} 的存档已损坏（校验值不符），请联系信息管理员`);
    return { meta: toMeta(row), bytes };
  }

  return {
    prepare,
    store,
    inputs: { applicant, item, displayName },
    async receipt(caseId, by) {
      const c = deps.cases.get(caseId);
      if (NOT_ACCEPTED_STATUSES.has(c.status)) throw new ContractError('CONFLICT', '不予受理的申请没有受理回执，请打印不予受理通知书');
      await issue(caseId, 'acceptance-receipt', receiptInput(caseId), { name: by.username, role: by.role });
      const stored = findStored(caseId, 'acceptance-receipt')!;
      const { bytes } = getDocument(stored.id);
      return toRendered(stored.fileName, { bytes, sha256: stored.sha256, pages: stored.pages, missingCharacters: JSON.parse(stored.missingCharacters) as string[] });
    },
    async ensure(caseId, by, only) {
      const c = deps.cases.get(caseId);
      const wanted = (kind: CaseDocumentKind) => !only || only.includes(kind);
      let issued = 0;
      if (NOT_ACCEPTED_STATUSES.has(c.status)) return 0;
      if (wanted('acceptance-receipt') && (await issue(caseId, 'acceptance-receipt', receiptInput(caseId), by))) issued++;
      const commitment = wanted('commitment-letter') ? commitmentInput(caseId) : null;
      if (commitment && (await issue(caseId, 'commitment-letter', commitment, by))) issued++;
      if (!wanted('supplement-notice')) return issued;
      const requests = db
        .select({ at: caseEvents.at, detail: caseEvents.detail })
        .from(caseEvents)
        .where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.type, 'supplement-requested')))
        .orderBy(asc(caseEvents.id))
        .all();
      for (const entry of requests) {
        const { eventId, materialsWanted } = JSON.parse(entry.detail) as { eventId?: string; materialsWanted?: unknown[] };
        if (!eventId || !materialsWanted?.length) continue;
        if (await issue(caseId, 'supplement-notice', supplementInput(caseId, entry), by, eventId)) issued++;
      }
      return issued;
    },
    list(caseId) {
      return db.select(META_COLUMNS).from(caseDocuments).where(eq(caseDocuments.caseId, caseId)).orderBy(asc(caseDocuments.createdAt), asc(caseDocuments.id)).all().map(toMeta);
    },
    get: getDocument,
    async oneTimeNotice(notice, clerkName) {
      const noticeNo = `GZ-${notice.issuedAt.slice(0, 10).replaceAll('-', '')}-${createHash('sha256').update(notice.issuedAt + notice.itemCode).digest('hex').slice(0, 6).toUpperCase()}`;
      const rendered = await renderCaseDocument('one-time-notice', {
        noticeNo,
        item: { code: notice.itemCode, name: notice.itemName, departmentName: notice.departmentName },
        applicantName: notice.applicantName,
        missing: notice.missing.map((m) => ({ name: m.name, description: m.description, ...(m.note ? { note: m.note } : {}) })),
        issuedAt: notice.issuedAt,
        clerk: clerkName,
        office: { ...deps.office() },
      });
      return toRendered(`一次性告知书-${noticeNo}.pdf`, { ...rendered, sha256: sha256Hex(rendered.bytes) });
    },
  };
}

/** Certificates the case has, as the 送达回执 lists them. */
export function handedOutDocuments(db: WorkstationDb, caseId: string, itemName: string): { name: string; number?: string; copies: number }[] {
  const cert = db.select().from(caseCertificates).where(eq(caseCertificates.caseId, caseId)).get();
  return [{ name: `${itemName}办理结果（证照）`, ...(cert ? { number: cert.certificateNo } : {}), copies: 1 }];
}
