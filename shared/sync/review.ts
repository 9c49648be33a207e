/**
 * The reviewers' API (后台审批): department staff log in, see their department's open tasks,
 * read a case with its materials, and decide. Used by the reviewers' web UI (later) and tests.
 */
import { z } from 'zod';
import { applicantSchema, identityCheckSubmissionSchema, MATERIAL_STATUSES } from './case';
import {
  BACKOFFICE_CASE_STATUSES,
  DECISIONS,
  TASK_ROLES,
  TASK_STATUSES,
  wantedMaterialSchema,
} from './changes';
import { blobRefSchema, departmentCodeSchema, isoDateTimeSchema, localDateSchema, sha256Schema, ulidSchema } from './primitives';

export const reviewerLoginRequestSchema = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) })
  .strict();
export type ReviewerLoginRequest = z.infer<typeof reviewerLoginRequestSchema>;

export const reviewerLoginResponseSchema = z
  .object({
    /** Send as `Authorization: Bearer <token>`. */
    token: z.string(),
    expiresAt: isoDateTimeSchema,
    reviewer: z
      .object({
        username: z.string(),
        displayName: z.string(),
        department: departmentCodeSchema,
        /** May open IT's pages (window status). */
        itAdmin: z.boolean().optional(),
      })
      .strict(),
  })
  .strict();
export type ReviewerLoginResponse = z.infer<typeof reviewerLoginResponseSchema>;

export const queueItemSchema = z
  .object({
    taskId: ulidSchema,
    caseId: ulidSchema,
    caseNo: z.string(),
    itemCode: z.string(),
    itemName: z.string(),
    role: z.enum(TASK_ROLES),
    deadline: isoDateTimeSchema,
    overdue: z.boolean(),
    acceptedAt: isoDateTimeSchema,
    applicantName: z.string(),
    centerCode: z.string(),
    windowNo: z.string(),
  })
  .strict();
export type QueueItem = z.infer<typeof queueItemSchema>;
export const queueResponseSchema = z.object({ tasks: z.array(queueItemSchema) }).strict();

export const reviewTaskViewSchema = z
  .object({
    taskId: ulidSchema,
    department: departmentCodeSchema,
    role: z.enum(TASK_ROLES),
    status: z.enum(TASK_STATUSES),
    deadline: isoDateTimeSchema,
    decision: z.enum(DECISIONS).optional(),
    reason: z.string().optional(),
    materialsWanted: z.array(wantedMaterialSchema).optional(),
    decidedBy: z.string().optional(),
    decidedAt: isoDateTimeSchema.optional(),
  })
  .strict();
export type ReviewTaskView = z.infer<typeof reviewTaskViewSchema>;

const blobLinkSchema = blobRefSchema.extend({ url: z.string() });

export const reviewCaseResponseSchema = z
  .object({
    case: z
      .object({
        caseId: ulidSchema,
        caseNo: z.string(),
        status: z.enum(BACKOFFICE_CASE_STATUSES),
        itemCode: z.string(),
        itemVersion: z.number().int(),
        itemName: z.string(),
        centerCode: z.string(),
        windowNo: z.string(),
        acceptedAt: isoDateTimeSchema,
        acceptedBy: z.string(),
        promisedDate: localDateSchema.optional(),
        applicant: applicantSchema,
        formData: z.record(z.string(), z.unknown()),
        /** 人证核验 at the window: result, distance, model, operator, override, image hashes (no images). */
        identityCheck: identityCheckSubmissionSchema.optional(),
      })
      .strict(),
    materials: z.array(
      z
        .object({
          materialId: z.string(),
          name: z.string(),
          status: z.enum(MATERIAL_STATUSES),
          deferUntil: localDateSchema.optional(),
          blobs: z.array(blobLinkSchema),
        })
        .strict(),
    ),
    tasks: z.array(reviewTaskViewSchema),
    supplements: z.array(
      z
        .object({ supplementId: ulidSchema, submittedAt: isoDateTimeSchema, submittedBy: z.string(), note: z.string().optional(), materialIds: z.array(z.string()) })
        .strict(),
    ),
    certificate: z.object({ certificateNo: z.string(), sha256: sha256Schema, url: z.string(), issuedAt: isoDateTimeSchema }).strict().optional(),
  })
  .strict();
export type ReviewCaseResponse = z.infer<typeof reviewCaseResponseSchema>;

export const decisionRequestSchema = z
  .object({
    decision: z.enum(DECISIONS),
    reason: z.string().trim().min(1).max(1000).optional(),
    materialsWanted: z.array(wantedMaterialSchema).min(1).max(50).optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.decision === 'refuse' && !d.reason) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: '不予许可须写明理由' });
    }
    if (d.decision === 'supplement' && !d.materialsWanted?.length) {
      ctx.addIssue({ code: 'custom', path: ['materialsWanted'], message: '要求补正须列明所需材料' });
    }
    if (d.decision !== 'supplement' && d.materialsWanted) {
      ctx.addIssue({ code: 'custom', path: ['materialsWanted'], message: '只有要求补正时才列所需材料' });
    }
  });
export type DecisionRequest = z.infer<typeof decisionRequestSchema>;

export const decisionResponseSchema = z
  .object({ task: reviewTaskViewSchema, caseStatus: z.enum(BACKOFFICE_CASE_STATUSES) })
  .strict();
export type DecisionResponse = z.infer<typeof decisionResponseSchema>;
