/**
 * Turns an outbox entry into the mutation the back office expects. A `case.create` entry holds
 * only `{ caseId }`: the payload is built from the case row when it is sent, so the wire format
 * can evolve without rewriting queued entries. Other kinds hold their wire payload as it is.
 * Either way the result is checked against the shared zod schema before it leaves the PC.
 */
import { and, count, desc, eq, inArray } from 'drizzle-orm';
import { identityAttempts, identityChecks } from '../../db/identity-schema';
import { cases } from '../../db/schema';
import {
  ID_TYPES,
  MATERIAL_STATUSES,
  MUTATION_KINDS,
  MUTATION_PAYLOAD_SCHEMAS,
  parseWire,
  type IdentityCheckSubmission,
  type IdType,
  type MaterialSubmission,
  type MutationKind,
} from '../../shared/sync';
import type { WorkstationDb } from '../database';
import type { SyncEngineDeps } from './types';

/** Engine bookkeeping kept inside the outbox payload, stripped before sending. */
export interface SyncMeta {
  /** Set by retryDead after a refusal: the back office remembers a refused id forever. */
  mutationId?: string;
  refusals?: { mutationId: string; code?: string; reason: string; at: string }[];
}

export interface OutboxPayload {
  caseId?: string;
  _sync?: SyncMeta;
  [key: string]: unknown;
}

export interface BuiltMutation {
  mutationId: string;
  kind: MutationKind;
  payload: unknown;
  /** Every blob the payload names: uploaded before the push. */
  blobs: string[];
}

/** A problem on this PC that no retry will fix by itself (the entry goes to the dead letters). */
export class LocalProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalProblem';
  }
}

const WIRE_MATERIAL_STATUSES = new Set<string>(MATERIAL_STATUSES);
const MOBILE = /^1\d{10}$/;

function wireIdType(local: string): IdType {
  if (local === 'id-card') return 'resident-id';
  return (ID_TYPES as readonly string[]).includes(local) ? (local as IdType) : 'other';
}

function mobileOf(formData: Record<string, unknown>): string | undefined {
  const applicant = formData.applicant as Record<string, unknown> | undefined;
  for (const candidate of [applicant?.mobile, formData.mobile]) {
    if (typeof candidate === 'string' && MOBILE.test(candidate)) return candidate;
  }
  return undefined;
}

export function mutationIdOf(row: { id: string; payload: string }): string {
  return (JSON.parse(row.payload) as OutboxPayload)._sync?.mutationId ?? row.id;
}

async function buildCaseCreate(db: WorkstationDb, deps: Pick<SyncEngineDeps, 'materialsForCase' | 'approvalFor'>, caseId: string) {
  const c = db.select().from(cases).where(eq(cases.id, caseId)).get();
  if (!c) throw new LocalProblem(`本地数据库中找不到办件 ${caseId}`);
  const formData = JSON.parse(c.formData) as Record<string, unknown>;
  const checklist = JSON.parse(c.materials) as { materialId: string; deferUntil?: string | null }[];
  const dueDates = new Map(checklist.map((m) => [m.materialId, m.deferUntil ?? undefined]));
  const materials: MaterialSubmission[] = (await deps.materialsForCase(caseId))
    .filter((m) => WIRE_MATERIAL_STATUSES.has(m.status))
    .map((m) => {
      const deferUntil = m.deferUntil ?? dueDates.get(m.materialId);
      return {
        materialId: m.materialId,
        name: m.name,
        status: m.status as MaterialSubmission['status'],
        blobs: [...m.blobs],
        ...(m.status === 'deferred' && deferUntil ? { deferUntil } : {}),
      };
    });
  let approval;
  try {
    approval = await deps.approvalFor(c.itemCode, c.itemVersion);
  } catch (error) {
    throw new LocalProblem(`无法确定事项 ${c.itemCode} 第 ${c.itemVersion} 版的审批部门：${(error as Error).message}`);
  }
  const mobile = mobileOf(formData);
  const identityCheck = identityCheckOf(db, c.id);
  return {
    caseId: c.id,
    caseNo: c.caseNo,
    itemCode: c.itemCode,
    itemVersion: c.itemVersion,
    itemName: c.itemName,
    centerCode: c.centerCode,
    windowNo: c.windowNo,
    acceptedAt: c.createdAt,
    acceptedBy: c.createdBy,
    applicant: { name: c.applicantName, idType: wireIdType(c.applicantIdType), idNumber: c.applicantIdNo, ...(mobile ? { mobile } : {}) },
    formData,
    materials,
    approval: { lead: approval.lead, co: [...approval.co] },
    ...(c.promisedDate ? { promisedDate: c.promisedDate } : {}),
    ...(identityCheck ? { identityCheck } : {}),
  };
}

/**
 * The case's 人证核验 for the back office: result, distance, thresholds, model, operator,
 * override and the images' SHA-256 — never the images (they stay on this PC, PIPL).
 */
export function identityCheckOf(db: WorkstationDb, caseId: string): IdentityCheckSubmission | undefined {
  const r = db
    .select()
    .from(identityChecks)
    .where(and(eq(identityChecks.caseId, caseId), inArray(identityChecks.status, ['passed', 'overridden'])))
    .orderBy(desc(identityChecks.updatedAt))
    .limit(1)
    .get();
  if (!r) return undefined;
  const overridden = r.status === 'overridden';
  const attempts = db.select({ n: count() }).from(identityAttempts).where(eq(identityAttempts.checkId, r.id)).get()?.n ?? 0;
  return {
    checkId: r.id,
    result: overridden ? 'overridden' : 'passed',
    decision: r.decision ?? null,
    distance: r.distance ?? null,
    thresholds: r.thresholdMatch !== null && r.thresholdNoMatch !== null ? { match: r.thresholdMatch, noMatch: r.thresholdNoMatch } : null,
    model: r.modelName && r.modelVersion ? { name: r.modelName, version: r.modelVersion } : null,
    checkedAt: r.decidedAt ?? r.updatedAt,
    operator: r.operator,
    override: overridden ? { by: r.decidedBy ?? '未记录', reason: r.reason ?? '未记录', at: r.decidedAt ?? r.updatedAt } : null,
    imageSha256: { live: r.liveSha256, idPhoto: r.idPhotoSha256 },
    training: r.training,
    attempts,
  };
}

/** Builds and checks one entry's mutation. Throws LocalProblem when it can never be sent as it is. */
export async function buildMutation(
  db: WorkstationDb,
  deps: Pick<SyncEngineDeps, 'materialsForCase' | 'approvalFor'>,
  row: { id: string; kind: string; payload: string; caseId: string | null },
): Promise<BuiltMutation> {
  if (!(MUTATION_KINDS as readonly string[]).includes(row.kind)) throw new LocalProblem(`未知的同步操作类型：${row.kind}`);
  const kind = row.kind as MutationKind;
  let stored: OutboxPayload;
  try {
    stored = JSON.parse(row.payload) as OutboxPayload;
  } catch {
    throw new LocalProblem('待上报记录已损坏（不是有效的 JSON）');
  }
  const { _sync, ...rest } = stored;
  let payload: unknown;
  if (kind === 'case.create') {
    const caseId = rest.caseId ?? row.caseId;
    if (!caseId) throw new LocalProblem('待上报记录缺少办件编号');
    payload = await buildCaseCreate(db, deps, caseId);
  } else {
    payload = rest;
  }
  const parsed = parseWire(MUTATION_PAYLOAD_SCHEMAS[kind], payload);
  if (!parsed.ok) throw new LocalProblem(`办件数据不完整，无法上报：${parsed.summary}`);
  const value = parsed.value as { materials?: { blobs: string[] }[] };
  const blobs = [...new Set((value.materials ?? []).flatMap((m) => m.blobs))];
  return { mutationId: _sync?.mutationId ?? row.id, kind, payload: parsed.value, blobs };
}
