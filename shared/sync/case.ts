/**
 * Payloads of the case mutations a workstation pushes (case.create, case.supplement,
 * case.withdraw). The workstation owns intake: it generates case ids (ULID) and case numbers
 * offline; the back office owns approval state.
 */
import { z } from 'zod';
import {
  departmentCodeSchema,
  isoDateTimeSchema,
  localDateSchema,
  sha256Schema,
  ulidSchema,
} from './primitives';

export const ID_TYPES = [
  'resident-id',
  'passport',
  'hk-macao-pass',
  'taiwan-pass',
  'foreign-permanent-resident',
  'uscc',
  'other',
] as const;
export type IdType = (typeof ID_TYPES)[number];
export const ID_TYPE_NAMES: Record<IdType, string> = {
  'resident-id': '居民身份证',
  passport: '护照',
  'hk-macao-pass': '港澳居民来往内地通行证',
  'taiwan-pass': '台湾居民来往大陆通行证',
  'foreign-permanent-resident': '外国人永久居留身份证',
  uscc: '统一社会信用代码',
  other: '其他证件',
};

export const applicantSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    idType: z.enum(ID_TYPES),
    idNumber: z.string().trim().min(1).max(64),
    mobile: z
      .string()
      .regex(/^1\d{10}$/, '手机号应为 11 位数字')
      .optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    // Format only: the check digits are verified at intake by shared validators.
    if (a.idType === 'resident-id' && !/^\d{17}[\dX]$/.test(a.idNumber)) {
      ctx.addIssue({ code: 'custom', path: ['idNumber'], message: '居民身份证号应为 18 位' });
    }
    if (a.idType === 'uscc' && !/^[0-9A-HJ-NP-RTUW-Y]{18}$/.test(a.idNumber)) {
      ctx.addIssue({ code: 'custom', path: ['idNumber'], message: '统一社会信用代码应为 18 位' });
    }
  });
export type Applicant = z.infer<typeof applicantSchema>;

export const MATERIAL_STATUSES = ['received', 'reused', 'commitment', 'deferred'] as const;
export type MaterialStatus = (typeof MATERIAL_STATUSES)[number];
export const MATERIAL_STATUS_NAMES: Record<MaterialStatus, string> = {
  received: '已收取',
  reused: '共享复用',
  commitment: '告知承诺',
  deferred: '容缺后补',
};

/**
 * One material of a case as submitted. `received` needs at least one scanned blob;
 * `deferred` (容缺) names the date it is due and carries no blob yet; `reused` and
 * `commitment` may carry the e-licence or the signed commitment as blobs.
 */
export const materialSubmissionSchema = z
  .object({
    /** Material id from the item definition, e.g. "id-card" (or one the window made up). */
    materialId: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, '材料 id 应为小写字母、数字和连字符'),
    name: z.string().trim().min(1).max(80),
    status: z.enum(MATERIAL_STATUSES),
    /** SHA-256 of each page/file, in order. Every blob must be uploaded before the push. */
    blobs: z.array(sha256Schema).max(50).default([]),
    deferUntil: localDateSchema.optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    // 'received' may carry no scans: an original checked at the counter and handed back (原件核验).
    if (m.status === 'deferred' && !m.deferUntil) {
      ctx.addIssue({ code: 'custom', path: ['deferUntil'], message: '容缺材料须写明补交期限' });
    }
  });
export type MaterialSubmission = z.infer<typeof materialSubmissionSchema>;

function uniqueMaterialIds(materials: { materialId: string }[], ctx: z.RefinementCtx) {
  const seen = new Set<string>();
  materials.forEach((m, i) => {
    if (seen.has(m.materialId)) {
      ctx.addIssue({ code: 'custom', path: ['materials', i, 'materialId'], message: `材料重复：${m.materialId}` });
    }
    seen.add(m.materialId);
  });
}

export const approvalRouteSchema = z
  .object({ lead: departmentCodeSchema, co: z.array(departmentCodeSchema).max(20).default([]) })
  .strict()
  .superRefine((r, ctx) => {
    if (r.co.includes(r.lead)) ctx.addIssue({ code: 'custom', path: ['co'], message: '协办部门不得与主办部门相同' });
    if (new Set(r.co).size !== r.co.length) ctx.addIssue({ code: 'custom', path: ['co'], message: '协办部门重复' });
  });

/**
 * The identity check (人证核验) the case was accepted with: the result and the proof of how it
 * was reached — never the images. Face images stay on the workstation (PIPL; the 2025
 * face-recognition measures keep face data on the recognising device); their SHA-256 lets an
 * auditor match a retained image to this record.
 */
export const identityCheckSubmissionSchema = z
  .object({
    checkId: z.string().min(1).max(40),
    /** passed: the face check decided; overridden: a supervisor decided after it could not. */
    result: z.enum(['passed', 'overridden']),
    /** The last face comparison's band (null when no comparison was possible). */
    decision: z.enum(['match', 'review', 'no-match']).nullable(),
    distance: z.number().min(0).max(10).nullable(),
    thresholds: z.object({ match: z.number(), noMatch: z.number() }).strict().nullable(),
    model: z.object({ name: z.string().min(1).max(80), version: z.string().min(1).max(40) }).strict().nullable(),
    checkedAt: isoDateTimeSchema,
    /** The clerk who ran the check. */
    operator: z.string().trim().min(1).max(64),
    override: z
      .object({ by: z.string().trim().min(1).max(64), reason: z.string().trim().min(1).max(500), at: isoDateTimeSchema })
      .strict()
      .nullable(),
    imageSha256: z.object({ live: sha256Schema.nullable(), idPhoto: sha256Schema.nullable() }).strict(),
    /** Read with the training driver: practice data, never a real applicant. */
    training: z.boolean(),
    attempts: z.number().int().min(0).max(100),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.result === 'overridden' && !c.override) ctx.addIssue({ code: 'custom', path: ['override'], message: '人工核验须写明核验人和理由' });
  });
export type IdentityCheckSubmission = z.infer<typeof identityCheckSubmissionSchema>;

/** Payload of `case.create`: everything the back office needs to review the case. */
export const caseSubmissionSchema = z
  .object({
    caseId: ulidSchema,
    /** Unique without asking the server, e.g. center code + date + window + sequence. */
    caseNo: z.string().regex(/^[0-9A-Za-z-]{4,40}$/, '办件编号应为 4–40 位字母、数字或连字符'),
    itemCode: z.string().min(1).max(40),
    itemVersion: z.number().int().min(1),
    itemName: z.string().trim().min(1).max(80),
    /** Must match the center and window the device was enrolled for. */
    centerCode: z.string().min(1).max(20),
    windowNo: z.string().min(1).max(10),
    acceptedAt: isoDateTimeSchema,
    /** The clerk who accepted the case (user name or staff number). */
    acceptedBy: z.string().trim().min(1).max(64),
    applicant: applicantSchema,
    formData: z.record(z.string(), z.unknown()),
    materials: z.array(materialSubmissionSchema).max(100),
    approval: approvalRouteSchema,
    /** 承诺办结日期 (Beijing date). Without it the case is due the day it was accepted (即办). */
    promisedDate: localDateSchema.optional(),
    /** 人证核验 at the window, when the item asked for one (no images, see above). */
    identityCheck: identityCheckSubmissionSchema.optional(),
  })
  .strict()
  .superRefine((c, ctx) => uniqueMaterialIds(c.materials, ctx));
export type CaseSubmission = z.input<typeof caseSubmissionSchema>;
export type ParsedCaseSubmission = z.output<typeof caseSubmissionSchema>;

/**
 * Payload of `case.supplement`: materials handed in later, either after a 补正 request or a
 * deferred (容缺) material. Materials replace those with the same materialId; new ids are added.
 * Tasks waiting for a supplement reopen, their deadlines extended by the time spent waiting.
 */
export const caseSupplementSchema = z
  .object({
    caseId: ulidSchema,
    supplementId: ulidSchema,
    submittedAt: isoDateTimeSchema,
    submittedBy: z.string().trim().min(1).max(64),
    materials: z.array(materialSubmissionSchema).min(1).max(100),
    note: z.string().max(500).optional(),
  })
  .strict()
  .superRefine((s, ctx) => uniqueMaterialIds(s.materials, ctx));
export type CaseSupplement = z.input<typeof caseSupplementSchema>;

/** Payload of `case.withdraw`: the applicant withdraws; open review tasks are cancelled. */
export const caseWithdrawSchema = z
  .object({
    caseId: ulidSchema,
    reason: z.string().trim().min(1).max(500),
    withdrawnAt: isoDateTimeSchema,
    withdrawnBy: z.string().trim().min(1).max(64),
  })
  .strict();
export type CaseWithdraw = z.infer<typeof caseWithdrawSchema>;

/** One workstation audit entry (全网留痕), kept by the back office as sent. */
export const auditEntrySchema = z
  .object({
    entryId: ulidSchema,
    at: isoDateTimeSchema,
    actor: z.string().min(1).max(64),
    /** Dotted verb, e.g. "case.accept", "identity.face-check". */
    action: z.string().min(1).max(64),
    caseId: ulidSchema.optional(),
    detail: z.record(z.string(), z.unknown()).optional(),
    /**
     * The workstation's hash chain (electron/audit): entry number, role, device, and the hashes
     * linking it to the previous entry. With them the back office can tell a truncated or
     * rewritten tail (shared/sync/audit.ts).
     */
    seq: z.number().int().min(1).optional(),
    role: z.string().min(1).max(32).optional(),
    device: z.string().min(1).max(64).optional(),
    prevHash: sha256Schema.optional(),
    hash: sha256Schema.optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    if ((e.seq === undefined) !== (e.hash === undefined) || (e.hash === undefined) !== (e.prevHash === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['seq'], message: '审计链字段（seq、prevHash、hash）须同时提供' });
    }
  });
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** Payload of `audit.append`: a batch of entries; an entryId already stored is ignored. */
export const auditAppendSchema = z.object({ entries: z.array(auditEntrySchema).min(1).max(500) }).strict();
export type AuditAppend = z.infer<typeof auditAppendSchema>;
