/**
 * The window's lifecycle actions on a case: 撤回 (withdraw), 不予受理 (refuse intake, from a
 * draft), 出件 (hand-out at the window) and 寄递 (express delivery). Each one goes through
 * transitionCase() (state machine, timeline, audit) in one transaction with what it carries: the
 * outbox entry of a withdrawal, the hand-out record and its 送达回执. Documents are rendered
 * before the transaction (rendering is async), so a refused move is checked first and a
 * failed rendering changes nothing.
 */
import { ulid } from 'ulid';
import { cases as casesTable, outbox } from '../../db/schema';
import { caseHandouts } from '../../db/lifecycle-schema';
import { transition, type CaseActorRole } from '../../shared/cases/state-machine';
import type { CaseStatus } from '../../shared/cases/status';
import type { ChannelInput, ChannelOutput } from '../../shared/contract/channels';
import { ContractError } from '../../shared/contract/errors';
import { MUTATION_PAYLOAD_SCHEMAS } from '../../shared/sync';
import { maskIdNumber, maskMobile } from '../../shared/validators';
import type { AuditLog } from '../audit';
import type { WorkstationDb } from '../database';
import type { DraftsService } from '../drafts';
import type { Catalog } from '../catalog';
import { handedOutDocuments, type CaseDocuments, type PreparedDocument } from './documents';
import { allocateCaseNo, extractApplicant, localDate, type CaseActor, type CasesService } from './index';
import { createdTransition, transitionCase, writeTimeline, type TransitionActor } from './transition';

type Collector = ChannelInput<'cases.handOut'>['collector'];
type Delivery = ChannelInput<'cases.deliver'>['delivery'];
type ActionResult = ChannelOutput<'cases.handOut'>;

export interface LifecycleDeps {
  db: WorkstationDb;
  audit: AuditLog;
  cases: CasesService;
  drafts: DraftsService;
  catalog: Catalog;
  documents: CaseDocuments;
  station: () => { centerCode: string; windowNo: string; device: string };
  centerName: () => string;
  /** A passed 人证核验 of this ID number, or a thrown ContractError; absent where identity is not wired. */
  requireVerified?: (checkId: string, idNumber: string) => Record<string, unknown>;
  attachDraftPages?: (tx: WorkstationDb, draftId: string, caseId: string) => void;
  now?: () => Date;
  onChange?: (caseId: string) => void;
}

export interface LifecycleService {
  withdraw(input: { caseId: string; reason: string }, by: CaseActor): ChannelOutput<'cases.withdraw'>;
  refuseIntake(input: { draftId: string; reasons: string[]; legalBasis?: string[]; redirectTo?: string }, by: CaseActor): Promise<ActionResult>;
  handOut(input: { caseId: string; collector: Collector }, by: CaseActor): Promise<ActionResult>;
  deliver(input: { caseId: string; delivery: Delivery }, by: CaseActor): Promise<ActionResult>;
  /** Issues the 不予受理通知书 of a not-accepted case if it does not have one yet (e.g. after a crash between the two steps). */
  ensureNonAcceptanceNotice(caseId: string, by: { name: string; role: string }): Promise<void>;
}

/**
 * 行政复议机关 of a district center's decisions: the district's people's government
 * ("南京市栖霞区政务服务中心" → "南京市栖霞区人民政府").
 */
export function reconsiderationBodyOf(centerName: string): string {
  const m = /^(.*?[区县市])/.exec(centerName.replace(/政务服务中心.*$/, ''));
  return m ? `${m[1]}人民政府` : '有管辖权的行政复议机关';
}

export function createLifecycleService(deps: LifecycleDeps): LifecycleService {
  const { db, audit } = deps;
  const now = deps.now ?? (() => new Date());

  const actorOf = (by: CaseActor): TransitionActor => {
    const s = deps.station();
    return { name: by.username, role: by.role as CaseActorRole, centerCode: s.centerCode, windowNo: s.windowNo, device: s.device };
  };
  const summary = (caseId: string) => {
    const c = deps.cases.get(caseId);
    return { id: c.id, caseNo: c.caseNo, status: c.status };
  };
  const docMeta = (caseId: string, documentId: string) => deps.documents.list(caseId).find((d) => d.id === documentId)!;

  /** Throws the machine's typed error before any rendering when the move is not allowed. */
  function precheck(caseId: string, event: 'hand-out' | 'deliver', by: CaseActor) {
    const c = deps.cases.get(caseId);
    transition(c.status, event, by.role as CaseActorRole);
    return c;
  }

  async function nonAcceptanceNotice(caseId: string, detail: { reasons: string[]; legalBasis?: string[]; redirectTo?: string; appliedAt: string }, clerk: string, issuedAt: string): Promise<PreparedDocument> {
    const c = deps.cases.get(caseId);
    const item = deps.documents.inputs.item(caseId);
    return deps.documents.prepare('non-acceptance-notice', caseId, {
      noticeNo: c.caseNo,
      item,
      applicant: deps.documents.inputs.applicant(caseId),
      appliedAt: detail.appliedAt,
      reasons: detail.reasons,
      ...(detail.legalBasis?.length ? { legalBasis: detail.legalBasis } : {}),
      ...(detail.redirectTo ? { redirectTo: detail.redirectTo } : {}),
      authority: item.departmentName,
      reconsiderationBody: reconsiderationBodyOf(deps.centerName()),
      issuedAt,
      clerk,
      office: { centerName: deps.centerName(), windowNo: c.windowNo },
    });
  }

  async function finishWithDocument(caseId: string, doc: PreparedDocument, by: CaseActor, write: (tx: WorkstationDb, at: string) => void, at: string): Promise<ActionResult> {
    let documentId = '';
    db.transaction((tx) => {
      write(tx, at);
      documentId = deps.documents.store(tx, caseId, doc, { name: by.username, role: by.role }, at);
    });
    deps.onChange?.(caseId);
    return { case: summary(caseId), document: docMeta(caseId, documentId) };
  }

  async function ensureNonAcceptanceNotice(caseId: string, by: { name: string; role: string }): Promise<void> {
    const c = deps.cases.get(caseId);
    if (c.status !== 'not-accepted' || deps.documents.list(caseId).some((d) => d.kind === 'non-acceptance-notice')) return;
    const entry = c.events.find((e) => e.type === 'not-accepted');
    const d = (entry?.detail ?? {}) as { reasons?: string[]; legalBasis?: string[]; redirectTo?: string; appliedAt?: string };
    const doc = await nonAcceptanceNotice(caseId, { reasons: d.reasons ?? ['不符合受理条件'], legalBasis: d.legalBasis, redirectTo: d.redirectTo, appliedAt: d.appliedAt ?? c.createdAt }, deps.documents.inputs.displayName(c.createdBy), c.createdAt);
    db.transaction((tx) => void deps.documents.store(tx, caseId, doc, by, now().toISOString()));
  }

  return {
    withdraw(input, by) {
      const at = now().toISOString();
      const payload = MUTATION_PAYLOAD_SCHEMAS['case.withdraw'].parse({ caseId: input.caseId, reason: input.reason, withdrawnAt: at, withdrawnBy: by.username });
      db.transaction((tx) => {
        transitionCase(tx, audit, input.caseId, 'withdraw', actorOf(by), { at, type: 'withdrawn', detail: { reason: input.reason } });
        tx.insert(outbox)
          .values({ id: ulid(now().getTime()), caseId: input.caseId, kind: 'case.withdraw', payload: JSON.stringify(payload), status: 'pending', createdAt: at, updatedAt: at })
          .run();
      });
      deps.onChange?.(input.caseId);
      return { case: summary(input.caseId) };
    },

    async refuseIntake(input, by) {
      // The machine decides first: only a window role refuses, and only from a draft.
      const status: CaseStatus = createdTransition('refuse-intake', by.role as CaseActorRole);
      const draft = deps.drafts.get(input.draftId, by.username);
      const formData = draft.formData;
      const applicant = extractApplicant(formData);
      const station = deps.station();
      const at = now();
      const iso = at.toISOString();
      const id = ulid(at.getTime());
      const detail = {
        event: 'refuse-intake',
        reasons: input.reasons,
        ...(input.legalBasis?.length ? { legalBasis: input.legalBasis } : {}),
        ...(input.redirectTo ? { redirectTo: input.redirectTo } : {}),
        appliedAt: draft.updatedAt,
      };
      const item = draft.definition;
      const materials = draft.materials.map((m) => ({ ...m, name: item.materials.find((d) => d.id === m.materialId)?.name ?? m.materialId, deferUntil: null }));
      db.transaction((tx) => {
        const caseNo = allocateCaseNo(tx, station.centerCode, localDate(at), station.windowNo);
        tx.insert(casesTable)
          .values({
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
            promisedDate: null,
            centerCode: station.centerCode,
            windowNo: station.windowNo,
            createdBy: by.username,
            createdAt: iso,
            updatedAt: iso,
          })
          .run();
        writeTimeline(tx, id, { type: 'not-accepted', from: null, to: status, actor: actorOf(by), at: iso, detail });
        deps.attachDraftPages?.(tx, input.draftId, id);
        deps.drafts.remove(tx, input.draftId);
        audit.append({ actor: by.username, role: by.role, action: 'case.refuse-intake', caseId: id, detail: { caseNo, itemCode: item.code, reasons: input.reasons } });
      });
      deps.onChange?.(id);
      // Never sent to the back office: a refused application is not a case there.
      await ensureNonAcceptanceNotice(id, { name: by.username, role: by.role });
      const notice = deps.documents.list(id).find((d) => d.kind === 'non-acceptance-notice')!;
      return { case: summary(id), document: notice };
    },

    ensureNonAcceptanceNotice,

    async handOut(input, by) {
      const c = precheck(input.caseId, 'hand-out', by);
      const { collector } = input;
      const applicant = deps.cases.applicantIdentity(input.caseId);
      if (collector.kind === 'applicant') {
        if (applicant.idType !== 'id-card') throw new ContractError('VALIDATION_FAILED', '申请人为单位，请选择“委托代理人”领取并核对授权委托书', [{ path: 'collector.kind', message: '申请人为单位' }]);
        if (applicant.idNo !== collector.idNumber || c.applicantName !== collector.name.trim()) {
          throw new ContractError('VALIDATION_FAILED', '领取人的姓名或公民身份号码与申请人不一致；如由他人代领，请选择“委托代理人”', [{ path: 'collector.idNumber', message: '与申请人不一致' }]);
        }
      }
      if (collector.identityCheckId && !deps.requireVerified) throw new ContractError('CONFLICT', '本机未启用人证核验，不能引用核验记录');
      let identityRecord: Record<string, unknown> | undefined;
      try {
        identityRecord = collector.identityCheckId ? deps.requireVerified?.(collector.identityCheckId, collector.idNumber) : undefined;
      } catch (err) {
        // The identity capability words its refusals for acceptance; say what it means here.
        if (err instanceof ContractError) throw new ContractError(err.code, `领取人${err.message.replace(/申请人的?/, '').replace('不能受理', '不能出件')}`, err.details);
        throw err;
      }
      const at = now().toISOString();
      const doc = await deps.documents.prepare('handout-receipt', input.caseId, {
        caseNo: c.caseNo,
        item: deps.documents.inputs.item(input.caseId),
        applicant: deps.documents.inputs.applicant(input.caseId),
        documents: handedOutDocuments(db, input.caseId, c.itemName),
        recipient:
          collector.kind === 'applicant'
            ? { kind: 'applicant' }
            : { kind: 'agent', agent: { name: collector.name, idType: 'id-card', idNumber: collector.idNumber }, ...(collector.authorization ? { authorization: collector.authorization } : {}) },
        method: { kind: 'pickup' },
        handedOutAt: at,
        clerk: deps.documents.inputs.displayName(by.username),
        office: { centerName: deps.centerName(), windowNo: deps.station().windowNo },
      });
      return finishWithDocument(input.caseId, doc, by, (tx) => {
        transitionCase(tx, audit, input.caseId, 'hand-out', actorOf(by), {
          at,
          detail: {
            collector: { kind: collector.kind, name: collector.name, idMasked: maskIdNumber(collector.idNumber) },
            ...(collector.authorization ? { authorization: collector.authorization } : {}),
            ...(collector.identityCheckId ? { identityCheckId: collector.identityCheckId, identity: identityRecord } : {}),
          },
        });
        tx.insert(caseHandouts)
          .values({
            caseId: input.caseId,
            method: 'pickup',
            collectorKind: collector.kind,
            collectorName: collector.name,
            collectorIdNo: collector.idNumber,
            identityCheckId: collector.identityCheckId ?? null,
            authorization: collector.authorization ?? null,
            handedOutBy: by.username,
            handedOutAt: at,
          })
          .run();
      }, at);
    },

    async deliver(input, by) {
      const c = precheck(input.caseId, 'deliver', by);
      const d = input.delivery;
      const at = now().toISOString();
      const doc = await deps.documents.prepare('handout-receipt', input.caseId, {
        caseNo: c.caseNo,
        item: deps.documents.inputs.item(input.caseId),
        applicant: { ...deps.documents.inputs.applicant(input.caseId), phone: d.recipientPhone },
        documents: handedOutDocuments(db, input.caseId, c.itemName),
        recipient: { kind: 'applicant' },
        method: { kind: 'express', carrier: d.carrier, trackingNo: d.trackingNo, address: `${d.address}（收件人：${d.recipientName}）` },
        handedOutAt: at,
        clerk: deps.documents.inputs.displayName(by.username),
        office: { centerName: deps.centerName(), windowNo: deps.station().windowNo },
      });
      return finishWithDocument(input.caseId, doc, by, (tx) => {
        transitionCase(tx, audit, input.caseId, 'deliver', actorOf(by), {
          at,
          detail: { recipient: d.recipientName, phoneMasked: maskMobile(d.recipientPhone), carrier: d.carrier, trackingNo: d.trackingNo },
        });
        tx.insert(caseHandouts)
          .values({
            caseId: input.caseId,
            method: 'express',
            recipientName: d.recipientName,
            recipientPhone: d.recipientPhone,
            address: d.address,
            carrier: d.carrier,
            trackingNo: d.trackingNo,
            handedOutBy: by.username,
            handedOutAt: at,
          })
          .run();
      }, at);
    },
  };
}
