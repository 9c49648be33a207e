/**
 * The applicant-facing screen (申请人屏, the second monitor facing the citizen) and what it
 * takes from the citizen: the handwritten signature and the 好差评 rating. The clerk's screen
 * decides what is shown (applicant.show / requestSignature / requestRating / clear); the
 * applicant screen, paired with the clerk's session, reads it (applicant.view) whenever the
 * `applicant.display` event says it changed. The event carries no personal data.
 *
 * Refusals: NOT_FOUND (no such draft or case), CONFLICT (the request is no longer on the
 * screen: the clerk moved to another case; the case is already rated), VALIDATION_FAILED (the
 * signature is not a usable PNG: `details.code` says why).
 */
import { z } from 'zod';
import { ALL_ROLES, channel } from './define';

export const SIGNATURE_PURPOSES = ['application', 'commitment'] as const;
export type SignaturePurpose = (typeof SIGNATURE_PURPOSES)[number];
export const SIGNATURE_PURPOSE_NAMES: Record<SignaturePurpose, string> = {
  application: '申请表',
  commitment: '告知承诺书',
};

export const SIGNATURE_SOURCES = ['applicant-screen', 'clerk-screen'] as const;

/** Limits the renderer checks first and the core enforces. */
export const SIGNATURE_LIMITS = {
  maxBytes: 512 * 1024,
  maxBase64Chars: 4 * Math.ceil((512 * 1024) / 3),
  minWidth: 100,
  minHeight: 50,
  maxWidth: 4000,
  maxHeight: 2000,
} as const;

/** 好差评 levels per GB/T 39734: 5 非常满意 … 1 非常不满意. */
export const RATING_LEVELS = [5, 4, 3, 2, 1] as const;
export const RATING_NAMES: Record<number, string> = {
  5: '非常满意',
  4: '满意',
  3: '基本满意',
  2: '不满意',
  1: '非常不满意',
};
/** 不满意 and 非常不满意 are 差评: marked in the case timeline for follow-up (整改). */
export const isDissatisfied = (level: number) => level <= 2;

const id = z.string().trim().min(1).max(40);

/** What the citizen must confirm: never the full ID number, never another case. */
export const applicantSummarySchema = z.object({
  /** 'draft' before acceptance, 'case' after. */
  kind: z.enum(['draft', 'case']),
  caseNo: z.string().nullable(),
  itemName: z.string(),
  departmentName: z.string(),
  applicantName: z.string(),
  /** Masked 公民身份号码 (3201**********1234) or the company's credit code (public). */
  applicantIdMasked: z.string(),
  /** Filled form fields, labelled as on the form; ID numbers and mobile numbers masked. */
  fields: z.array(z.object({ label: z.string(), value: z.string() })),
  /** Materials handed in, reused, promised (承诺) or deferred (容缺), with their status in words. */
  materials: z.array(z.object({ name: z.string(), status: z.string() })),
  promisedDays: z.number(),
  /** null: 即办, or the calendar cannot say yet (以后台确认为准). */
  promisedDate: z.string().nullable(),
  /** Before acceptance the date is what it would be if accepted today. */
  promisedDateEstimated: z.boolean(),
  fees: z.string(),
});
export type ApplicantSummary = z.infer<typeof applicantSummarySchema>;

export const applicantViewSchema = z.object({
  /** Increases on every change; the applicant screen ignores older answers. */
  version: z.number(),
  stage: z.enum(['idle', 'confirm', 'sign', 'rate', 'thanks']),
  summary: applicantSummarySchema.nullable(),
  /** Signatures already on file for this draft or case. */
  signed: z.array(z.object({ purpose: z.enum(SIGNATURE_PURPOSES), signedAt: z.string(), source: z.enum(SIGNATURE_SOURCES) })),
  signature: z
    .object({ requestId: z.string(), purpose: z.enum(SIGNATURE_PURPOSES), documentTitle: z.string(), statement: z.string() })
    .nullable(),
  rating: z.object({ requestId: z.string(), caseNo: z.string(), itemName: z.string() }).nullable(),
  /** A short line for the citizen, e.g. after the rating. */
  message: z.string().nullable(),
});
export type ApplicantView = z.infer<typeof applicantViewSchema>;

const subject = z.union([z.object({ draftId: id }).strict(), z.object({ caseId: id }).strict()]);

export const applicantChannels = {
  /** Shows this draft or case on the applicant screen, replacing whatever was there. Audited. */
  'applicant.show': channel({ input: subject, output: applicantViewSchema, access: ALL_ROLES }),
  /** Asks the citizen to sign the application form or the 告知承诺书 of what is shown. */
  'applicant.requestSignature': channel({
    input: z.object({ purpose: z.enum(SIGNATURE_PURPOSES) }).strict(),
    output: applicantViewSchema,
    access: ALL_ROLES,
  }),
  /** After acceptance: asks the citizen for the 好差评 rating of this case. CONFLICT if already rated. */
  'applicant.requestRating': channel({ input: z.object({ caseId: id }).strict(), output: applicantViewSchema, access: ALL_ROLES }),
  /** Empties the applicant screen (next citizen). */
  'applicant.clear': channel({ input: z.object({}).strict(), output: applicantViewSchema, access: ALL_ROLES }),
  /** What the applicant screen of this session shows now. */
  'applicant.view': channel({ input: z.object({}).strict(), output: applicantViewSchema, access: ALL_ROLES }),
  /**
   * The signature for the open request, as a PNG (base64) from signature_pad: checked (real
   * PNG, size, not blank), re-encoded, stored with the draft or case and audited.
   */
  'applicant.sign': channel({
    input: z
      .object({
        requestId: id,
        pngBase64: z.string().min(1).max(SIGNATURE_LIMITS.maxBase64Chars + 64, '签名图片过大'),
        source: z.enum(SIGNATURE_SOURCES),
      })
      .strict(),
    output: z.object({ signatureId: z.string(), purpose: z.enum(SIGNATURE_PURPOSES), sha256: z.string(), width: z.number(), height: z.number() }),
    access: ALL_ROLES,
  }),
  /** The citizen's 好差评 for the open rating request; once per case. Audited. */
  'applicant.rate': channel({
    input: z
      .object({
        requestId: id,
        level: z.number().int().min(1, '请选择评价等级').max(5, '请选择评价等级'),
        comment: z.string().trim().max(500, '评价意见不超过 500 字').optional(),
      })
      .strict(),
    output: z.object({ caseId: z.string(), level: z.number(), ratedAt: z.string() }),
    access: ALL_ROLES,
  }),
  /** Electron: opens (or brings up) the applicant window on the other display. Browser mode opens a tab instead (opened: false). */
  'applicant.openScreen': channel({ input: z.object({}).strict(), output: z.object({ opened: z.boolean() }), access: ALL_ROLES }),
} as const;

export type ApplicantChannel = keyof typeof applicantChannels;
