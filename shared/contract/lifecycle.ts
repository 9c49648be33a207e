/**
 * The case lifecycle at the window (issue 7): withdraw (撤回), refuse intake (不予受理),
 * hand-out (出件), express delivery (寄递), and the documents stored with a case. Spread
 * `lifecycleChannels` into the contract in channels.ts. Who may act follows the `by` lists of
 * shared/cases/state-machine.ts (clerk and supervisor; an admin runs the PC, not cases):
 * a move the lifecycle does not allow is refused with CONFLICT (wrong status) or FORBIDDEN
 * (wrong role), with a Chinese message.
 */
import { z } from 'zod';
import { validateIdCard, validateMobile } from '../validators';
import { CASE_STATUSES } from '../cases/status';
import { channel, ALL_ROLES } from './define';

const WINDOW = ['clerk', 'supervisor'] as const;

const id = z.string().trim().min(1).max(40);
const text = (max: number, label: string) => z.string().trim().min(1, `请填写${label}`).max(max, `${label}不能超过 ${max} 个字`);

/** 公民身份号码, checked with GB 11643 (shared/validators); stored upper-case. */
const idNumber = z
  .string()
  .trim()
  .superRefine((v, ctx) => {
    const r = validateIdCard(v.toUpperCase());
    if (!r.valid) ctx.addIssue({ code: 'custom', message: r.reason });
  })
  .transform((v) => v.toUpperCase());

const mobile = z
  .string()
  .trim()
  .superRefine((v, ctx) => {
    const r = validateMobile(v);
    if (!r.valid) ctx.addIssue({ code: 'custom', message: r.reason });
  });

export const CASE_DOCUMENT_KINDS = ['acceptance-receipt', 'non-acceptance-notice', 'supplement-notice', 'commitment-letter', 'handout-receipt'] as const;
export type CaseDocumentKind = (typeof CASE_DOCUMENT_KINDS)[number];

export const storedDocumentSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  kind: z.enum(CASE_DOCUMENT_KINDS),
  /** Chinese name, e.g. 受理回执. */
  title: z.string(),
  documentNo: z.string(),
  fileName: z.string(),
  sha256: z.string(),
  size: z.number(),
  pages: z.number(),
  /** Characters the font cannot show: warn the clerk. */
  missingCharacters: z.array(z.string()),
  createdBy: z.string(),
  createdByRole: z.string(),
  createdAt: z.string(),
});
export type StoredDocument = z.infer<typeof storedDocumentSchema>;

const caseSummary = z.object({ id: z.string(), caseNo: z.string(), status: z.enum(CASE_STATUSES) });

/** A lifecycle action's answer: the case after the move and the document it produced. */
const actionResult = z.object({ case: caseSummary, document: storedDocumentSchema });

export const collectorSchema = z
  .object({
    /** The applicant in person, or an authorised agent (委托代理人). */
    kind: z.enum(['applicant', 'agent']),
    name: text(50, '领取人姓名'),
    idNumber,
    /** What authorises the agent, e.g. "授权委托书（2026-11-20）"; required for an agent. */
    authorization: z.string().trim().max(200).optional(),
    /** A passed 人证核验 of the person collecting. */
    identityCheckId: id.optional(),
  })
  .strict()
  .refine((c) => c.kind === 'applicant' || !!c.authorization, { message: '委托他人领取须写明授权委托书', path: ['authorization'] });

export const deliverySchema = z
  .object({
    recipientName: text(50, '收件人'),
    recipientPhone: mobile,
    address: text(200, '寄递地址'),
    carrier: text(30, '快递公司'),
    trackingNo: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]{6,40}$/, '快递单号应为 6–40 位字母、数字或连字符'),
  })
  .strict();

export const lifecycleChannels = {
  /** 撤回: the applicant withdraws before a decision. Enqueues `case.withdraw` for the back office in the same transaction. */
  'cases.withdraw': channel({
    input: z.object({ caseId: id, reason: text(500, '撤回原因') }).strict(),
    output: z.object({ case: caseSummary }),
    access: WINDOW,
  }),
  /**
   * 不予受理 from a draft: the draft becomes a stored case in 'not-accepted' (numbered like any
   * case, never sent to the back office) with its 不予受理通知书, which states the reasons and
   * the right to administrative reconsideration or a lawsuit.
   */
  'cases.refuseIntake': channel({
    input: z
      .object({
        draftId: id,
        reasons: z.array(text(300, '不予受理的理由')).min(1, '请至少写明一条不予受理的理由').max(10),
        legalBasis: z.array(text(200, '法律依据')).max(10).optional(),
        /** Where the applicant should apply instead, when the matter is another authority's. */
        redirectTo: z.string().trim().max(200).optional(),
      })
      .strict(),
    output: actionResult,
    access: WINDOW,
  }),
  /** 出件 at the window (certificate ready → handed out), with the 送达回执. */
  'cases.handOut': channel({
    input: z.object({ caseId: id, collector: collectorSchema }).strict(),
    output: actionResult,
    access: WINDOW,
  }),
  /** 寄递 (certificate ready → delivered): recipient, phone, address, carrier, tracking number; with the 送达回执. */
  'cases.deliver': channel({
    input: z.object({ caseId: id, delivery: deliverySchema }).strict(),
    output: actionResult,
    access: WINDOW,
  }),

  /** Every document stored with the case, oldest first. Issues the ones it is due first (receipt, 告知承诺书, 补正材料通知书). */
  'documents.list': channel({
    input: z.object({ caseId: id }).strict(),
    output: z.array(storedDocumentSchema),
    access: ALL_ROLES,
  }),
  /** One stored document with its bytes (verified against its SHA-256). Audited. */
  'documents.get': channel({
    input: z.object({ documentId: id }).strict(),
    output: storedDocumentSchema.extend({ pdfBase64: z.string() }),
    access: ALL_ROLES,
  }),
  /**
   * Prints a stored document on the PC's printer through the shell's print hook. `printed` is
   * false when the core has no printer (browser mode: the page prints with the browser). Audited.
   */
  'documents.print': channel({
    input: z.object({ documentId: id }).strict(),
    output: z.object({ printed: z.boolean() }),
    access: ALL_ROLES,
  }),
} as const;
