/**
 * The applicant display (申请人屏): what the citizen-facing screen of one clerk's session shows,
 * held in the core per session. It only ever holds ONE draft or case: showing another one
 * replaces everything (summary, open signature or rating request), and clearing, signing out
 * or an idle lock empties it, so the screen never shows another citizen's data. Signatures and
 * 好差评 ratings taken on it are checked, stored with the draft or case, and audited.
 */
import { ulid } from 'ulid';
import { caseEvents } from '../../db/schema';
import { isDissatisfied, RATING_NAMES, SIGNATURE_PURPOSE_NAMES, type ApplicantSummary, type ApplicantView, type SignaturePurpose } from '../../shared/contract/applicant';
import { MATERIAL_STATUS_NAMES } from '../../shared/catalog/materials';
import { ContractError } from '../../shared/contract/errors';
import type { CoreEvent } from '../../shared/contract/events';
import type { HandlerContext, Handlers } from '../api/dispatcher';
import type { AuditLog } from '../audit';
import type { Catalog } from '../catalog';
import { extractApplicant, localDate, type CasesService } from '../cases';
import type { WorkstationDb } from '../database';
import type { DraftsService } from '../drafts';
import { checkSignaturePng, decodeSignatureBase64 } from './signature';
import { createRatingStore, createSignatureStore, type SignatureOwner } from './store';
import { buildSummary } from './summary';

export { checkSignaturePng, decodeSignatureBase64, type CheckedSignature, type SignatureProblem } from './signature';
export { formFields } from './summary';

export interface ApplicantDisplayDeps {
  db: WorkstationDb;
  audit: AuditLog;
  drafts: DraftsService;
  cases: CasesService;
  catalog: Catalog;
  now: () => Date;
  station: () => { windowNo: string; device: string };
  addWorkingDays: (today: string, days: number) => string | null;
  /** Pushes an event to the renderers of one session (the clerk's and its applicant screen). */
  emit: (event: CoreEvent, sessionId: string) => void;
  /** Tells every renderer a case changed (a rating moves the dashboard's satisfaction figures). */
  caseChanged?: (caseId: string) => void;
  /** Electron: opens the applicant window paired with this session; absent in browser mode. */
  openScreen?: (sessionId: string) => boolean;
}

interface Auth {
  username: string;
  role: string;
}

type Subject = { kind: 'draft'; draftId: string } | { kind: 'case'; caseId: string };

interface Display {
  stage: ApplicantView['stage'];
  clerk: string;
  subject: Subject | null;
  summary: ApplicantSummary | null;
  signature: (NonNullable<ApplicantView['signature']> & { owner: SignatureOwner }) | null;
  rating: (NonNullable<ApplicantView['rating']> & { caseId: string }) | null;
  message: string | null;
}

const STATEMENTS: Record<SignaturePurpose, string> = {
  application: '本人确认以上填报信息和提交的材料真实、准确、完整，并对其真实性负责。',
  commitment: '本人已知晓行政机关告知的全部内容，承诺符合告知的条件、标准和要求，所填写的信息真实、准确，愿意承担不实承诺的法律责任。',
};

const idle = (clerk = ''): Display => ({ stage: 'idle', clerk, subject: null, summary: null, signature: null, rating: null, message: null });

/** Moves a draft's signatures to its new case; call inside the acceptance transaction. */
export function moveDraftSignatures(tx: WorkstationDb, draftId: string, caseId: string): number {
  return createSignatureStore(tx).moveDraftToCase(tx, draftId, caseId);
}

/** Removes the signatures of a discarded draft. */
export function removeDraftSignatures(db: WorkstationDb, draftId: string): number {
  return createSignatureStore(db).removeDraft(draftId);
}

export type ApplicantDisplay = ReturnType<typeof createApplicantDisplay>;

export function createApplicantDisplay(deps: ApplicantDisplayDeps) {
  const { db, audit } = deps;
  const signatures = createSignatureStore(db);
  const ratings = createRatingStore(db);
  const displays = new Map<string, Display>();
  let version = 0;

  const ownerOf = (s: Subject): SignatureOwner => (s.kind === 'draft' ? { draftId: s.draftId } : { caseId: s.caseId });

  function view(sessionId: string): ApplicantView {
    const d = displays.get(sessionId) ?? idle();
    const signed = d.subject ? signatures.list(ownerOf(d.subject)).map((s) => ({ purpose: s.purpose, signedAt: s.signedAt, source: s.source })) : [];
    return {
      version,
      stage: d.stage,
      summary: d.summary,
      signed,
      signature: d.signature ? { requestId: d.signature.requestId, purpose: d.signature.purpose, documentTitle: d.signature.documentTitle, statement: d.signature.statement } : null,
      rating: d.rating ? { requestId: d.rating.requestId, caseNo: d.rating.caseNo, itemName: d.rating.itemName } : null,
      message: d.message,
    };
  }

  function set(sessionId: string, next: Display): ApplicantView {
    version++;
    displays.set(sessionId, next);
    deps.emit({ type: 'applicant.display', version, stage: next.stage }, sessionId);
    return view(sessionId);
  }

  function current(sessionId: string): Display {
    return displays.get(sessionId) ?? idle();
  }

  function summaryOf(subject: Subject, clerk: string): ApplicantSummary {
    if (subject.kind === 'draft') {
      const d = deps.drafts.get(subject.draftId, clerk);
      let applicant = { name: '（未填写）', idNo: '' };
      try {
        applicant = extractApplicant(d.formData);
      } catch {
        // Not filled in yet: the citizen sees that, not an error.
      }
      return buildSummary({
        kind: 'draft',
        caseNo: null,
        item: d.definition,
        applicant,
        formData: d.formData,
        materials: d.materials,
        promisedDate: deps.addWorkingDays(localDate(deps.now()), d.definition.promisedDays),
      });
    }
    const c = deps.cases.get(subject.caseId);
    const full = deps.cases.applicantIdentity(subject.caseId);
    const item = deps.catalog.detail(deps.catalog.get(c.itemCode, c.itemVersion));
    return buildSummary({
      kind: 'case',
      caseNo: c.caseNo,
      item,
      applicant: { name: c.applicantName, idNo: full.idNo },
      formData: c.formData,
      materials: c.materials,
      promisedDate: c.promisedDate,
    });
  }

  function show(sessionId: string, subject: Subject, by: Auth): ApplicantView {
    // Whatever was on the screen goes first: a failure below leaves it empty, never stale.
    if (current(sessionId).stage !== 'idle') set(sessionId, idle(by.username));
    const summary = summaryOf(subject, by.username);
    audit.append({
      actor: by.username,
      role: by.role,
      action: 'applicant.show',
      caseId: subject.kind === 'case' ? subject.caseId : null,
      detail: subject.kind === 'draft' ? { draftId: subject.draftId } : { caseNo: summary.caseNo },
    });
    return set(sessionId, { ...idle(by.username), stage: 'confirm', subject, summary });
  }

  function requestSignature(sessionId: string, purpose: SignaturePurpose, by: Auth): ApplicantView {
    const d = current(sessionId);
    if (!d.subject || !d.summary) throw new ContractError('CONFLICT', '申请人屏上没有办件，请先推送确认信息');
    if (purpose === 'commitment' && !d.summary.materials.some((m) => m.status === MATERIAL_STATUS_NAMES.commitment)) {
      throw new ContractError('CONFLICT', '本件没有以告知承诺方式提交的材料，无需签署告知承诺书');
    }
    const documentTitle = purpose === 'application' ? `${d.summary.itemName}申请表` : '告知承诺书';
    audit.append({ actor: by.username, role: by.role, action: 'applicant.requestSignature', caseId: d.subject.kind === 'case' ? d.subject.caseId : null, detail: { purpose } });
    return set(sessionId, {
      ...d,
      stage: 'sign',
      signature: { requestId: ulid(), purpose, documentTitle, statement: STATEMENTS[purpose], owner: ownerOf(d.subject) },
      rating: null,
      message: null,
    });
  }

  async function sign(sessionId: string, input: { requestId: string; pngBase64: string; source: 'applicant-screen' | 'clerk-screen' }, by: Auth) {
    const request = current(sessionId).signature;
    const stale = () => new ContractError('CONFLICT', '签名请求已失效（窗口已切换办件或已取消），请以窗口工作人员的提示为准');
    if (!request || request.requestId !== input.requestId) throw stale();
    const checked = await checkSignaturePng(decodeSignatureBase64(input.pngBase64));
    // The clerk may have moved on while the image was being checked.
    const d = current(sessionId);
    if (d.signature?.requestId !== input.requestId) throw stale();
    const owner = request.owner;
    if ('draftId' in owner) deps.drafts.get(owner.draftId, d.clerk);
    const station = deps.station();
    const at = deps.now().toISOString();
    const row = db.transaction((tx) => {
      const stored = signatures.put(tx, owner, {
        purpose: request.purpose,
        png: checked.png,
        sha256: checked.sha256,
        width: checked.width,
        height: checked.height,
        source: input.source,
        windowNo: station.windowNo,
        clerk: by.username,
        signedAt: at,
      });
      const caseId = 'caseId' in owner ? owner.caseId : null;
      if (caseId) {
        tx.insert(caseEvents)
          .values({ caseId, type: 'signed', fromStatus: null, toStatus: null, actor: by.username, device: station.device, at, detail: JSON.stringify({ purpose: request.purpose, document: SIGNATURE_PURPOSE_NAMES[request.purpose], sha256: checked.sha256, source: input.source }) })
          .run();
      }
      audit.append({
        actor: by.username,
        role: by.role,
        action: 'applicant.sign',
        caseId,
        detail: { purpose: request.purpose, sha256: checked.sha256, source: input.source, width: checked.width, height: checked.height, inkRatio: checked.inkRatio, ...('draftId' in owner ? { draftId: owner.draftId } : {}) },
      });
      return stored;
    });
    set(sessionId, { ...d, stage: 'confirm', signature: null, message: `${SIGNATURE_PURPOSE_NAMES[request.purpose]}签名已提交，谢谢` });
    return { signatureId: row.id, purpose: row.purpose, sha256: row.sha256, width: row.width, height: row.height };
  }

  function requestRating(sessionId: string, caseId: string, by: Auth): ApplicantView {
    const c = deps.cases.get(caseId);
    if (ratings.get(caseId)) throw new ContractError('CONFLICT', `办件 ${c.caseNo} 已评价，每件只能评价一次`);
    audit.append({ actor: by.username, role: by.role, action: 'applicant.requestRating', caseId, detail: { caseNo: c.caseNo } });
    return set(sessionId, {
      ...idle(by.username),
      stage: 'rate',
      subject: { kind: 'case', caseId },
      rating: { requestId: ulid(), caseId, caseNo: c.caseNo, itemName: c.itemName },
    });
  }

  function rate(sessionId: string, input: { requestId: string; level: number; comment?: string }, by: Auth) {
    const d = current(sessionId);
    if (!d.rating || d.rating.requestId !== input.requestId) throw new ContractError('CONFLICT', '评价请求已失效，请以窗口工作人员的提示为准');
    const { caseId, caseNo } = d.rating;
    if (ratings.get(caseId)) throw new ContractError('CONFLICT', `办件 ${caseNo} 已评价，每件只能评价一次`);
    const station = deps.station();
    const ratedAt = deps.now().toISOString();
    const comment = input.comment?.trim() || null;
    const dissatisfied = isDissatisfied(input.level);
    db.transaction((tx) => {
      ratings.insert(tx, { caseId, level: input.level, comment, ratedAt, window: station.windowNo });
      // 差评 is marked in the timeline (its own event type) so it is followed up (整改).
      tx.insert(caseEvents)
        .values({
          caseId,
          type: dissatisfied ? 'rating-dissatisfied' : 'rated',
          fromStatus: null,
          toStatus: null,
          actor: by.username,
          device: station.device,
          at: ratedAt,
          detail: JSON.stringify({ level: input.level, levelName: RATING_NAMES[input.level], dissatisfied, ...(dissatisfied ? { mark: '差评' } : {}), ...(comment ? { comment } : {}) }),
        })
        .run();
      audit.append({ actor: by.username, role: by.role, action: 'case.rate', caseId, detail: { caseNo, level: input.level, dissatisfied, window: station.windowNo } });
    });
    set(sessionId, { ...idle(d.clerk), stage: 'thanks', message: '感谢您的评价！' });
    deps.caseChanged?.(caseId);
    return { caseId, level: input.level, ratedAt };
  }

  function clear(sessionId: string): ApplicantView {
    const d = displays.get(sessionId);
    if (!d) return view(sessionId);
    return set(sessionId, idle(d.clerk));
  }

  /** The session ended (signed out): nothing of it stays on any screen. */
  function forget(sessionId: string): void {
    if (!displays.has(sessionId)) return;
    clear(sessionId);
    displays.delete(sessionId);
  }

  /** The draft on the screen was accepted: the screen now speaks of the case (its number). */
  function draftAccepted(sessionId: string, draftId: string, caseId: string): void {
    const d = displays.get(sessionId);
    if (!d?.subject || d.subject.kind !== 'draft' || d.subject.draftId !== draftId) return;
    const subject: Subject = { kind: 'case', caseId };
    try {
      set(sessionId, { ...d, stage: d.stage === 'sign' ? 'confirm' : d.stage, subject, summary: summaryOf(subject, d.clerk), signature: null });
    } catch {
      clear(sessionId);
    }
  }

  const actor = (ctx: HandlerContext): Auth => {
    if (!ctx.session) throw new ContractError('UNAUTHENTICATED', '请先登录');
    return { username: ctx.session.username, role: ctx.session.role };
  };
  const sid = (ctx: HandlerContext) => ctx.session!.id;

  const handlers: Pick<Handlers, 'applicant.show' | 'applicant.requestSignature' | 'applicant.requestRating' | 'applicant.clear' | 'applicant.view' | 'applicant.sign' | 'applicant.rate' | 'applicant.openScreen'> = {
    'applicant.show': (input, ctx) => show(sid(ctx), 'draftId' in input ? { kind: 'draft', draftId: input.draftId } : { kind: 'case', caseId: input.caseId }, actor(ctx)),
    'applicant.requestSignature': (input, ctx) => requestSignature(sid(ctx), input.purpose, actor(ctx)),
    'applicant.requestRating': (input, ctx) => requestRating(sid(ctx), input.caseId, actor(ctx)),
    'applicant.clear': (_input, ctx) => clear(sid(ctx)),
    'applicant.view': (_input, ctx) => view(sid(ctx)),
    'applicant.sign': (input, ctx) => sign(sid(ctx), input, actor(ctx)),
    'applicant.rate': (input, ctx) => rate(sid(ctx), input, actor(ctx)),
    'applicant.openScreen': (_input, ctx) => ({ opened: deps.openScreen?.(sid(ctx)) ?? false }),
  };

  /**
   * Ties the display to the session's life in the composition root's handlers: signing out (or
   * signing in over a session) empties it; accepting the draft on the screen turns it into the case.
   */
  function wrapHandlers(all: Handlers): void {
    const signOut = all['auth.signOut'];
    all['auth.signOut'] = (input, ctx) => {
      if (ctx.session) forget(ctx.session.id);
      return signOut(input, ctx);
    };
    const signIn = all['auth.signIn'];
    all['auth.signIn'] = (input, ctx) => {
      if (ctx.session) forget(ctx.session.id);
      return signIn(input, ctx);
    };
    const accept = all['cases.accept'];
    all['cases.accept'] = async (input, ctx) => {
      const row = await accept(input, ctx);
      if (ctx.session && input.draftId) draftAccepted(ctx.session.id, input.draftId, row.id);
      return row;
    };
  }

  /** Idle lock: the citizen must not keep looking at a case the clerk walked away from. */
  function onCoreEvent(event: CoreEvent, sessionId?: string): void {
    if (event.type === 'session.locked' && sessionId) clear(sessionId);
  }

  return {
    show,
    requestSignature,
    sign,
    requestRating,
    rate,
    clear,
    forget,
    view,
    draftAccepted,
    handlers,
    wrapHandlers,
    onCoreEvent,
    /** The stored PNG of a case's signature, for the PDFs. */
    signaturePng: (caseId: string, purpose: SignaturePurpose) => signatures.png(caseId, purpose),
    signatures: (owner: SignatureOwner) => signatures.list(owner),
    rating: (caseId: string) => ratings.get(caseId),
  };
}
