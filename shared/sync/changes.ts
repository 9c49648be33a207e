/**
 * Pull: the change feed. Every event has a position `seq` (the cursor) and a unique
 * `eventId`. A device sees its own cases' events plus broadcast events. Apply an event and
 * store `seq` as the cursor in one local transaction; applying one twice must change nothing
 * (compare eventId or seq with what is stored).
 */
import { z } from 'zod';
import { blobRefSchema, departmentCodeSchema, isoDateTimeSchema, ulidSchema } from './primitives';

export const TASK_ROLES = ['lead', 'co'] as const;
export type TaskRole = (typeof TASK_ROLES)[number];
export const TASK_ROLE_NAMES: Record<TaskRole, string> = { lead: '主办', co: '协办' };

export const DECISIONS = ['approve', 'refuse', 'supplement'] as const;
export type Decision = (typeof DECISIONS)[number];
export const DECISION_NAMES: Record<Decision, string> = { approve: '同意', refuse: '不予许可', supplement: '要求补正' };

/** Back-office case statuses, named as in shared/cases/status.ts. */
export const BACKOFFICE_CASE_STATUSES = ['in-review', 'supplement-requested', 'approved', 'refused', 'withdrawn'] as const;
export type BackofficeCaseStatus = (typeof BACKOFFICE_CASE_STATUSES)[number];

export const TASK_STATUSES = ['open', 'supplement-requested', 'approved', 'refused', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const wantedMaterialSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    /** The item's material id when the wanted material is one of them. */
    materialId: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/).optional(),
    note: z.string().max(200).optional(),
  })
  .strict();
export type WantedMaterial = z.infer<typeof wantedMaterialSchema>;

const taskSummarySchema = z
  .object({ taskId: ulidSchema, department: departmentCodeSchema, role: z.enum(TASK_ROLES), deadline: isoDateTimeSchema })
  .strict();

const base = { seq: z.number().int().min(1), eventId: ulidSchema, at: isoDateTimeSchema };
const caseBase = { ...base, caseId: ulidSchema };

/** The back office accepted the case and opened one review task per department. */
export const caseReceivedEventSchema = z
  .object({
    ...caseBase,
    type: z.literal('case-received'),
    data: z.object({ caseNo: z.string(), status: z.literal('in-review'), tasks: z.array(taskSummarySchema) }).strict(),
  })
  .strict();

/** A department decided (scope department), or the case reached its outcome (scope overall). */
export const decisionEventSchema = z
  .object({
    ...caseBase,
    type: z.literal('decision'),
    data: z.discriminatedUnion('scope', [
      z
        .object({
          scope: z.literal('department'),
          caseNo: z.string(),
          taskId: ulidSchema,
          department: departmentCodeSchema,
          role: z.enum(TASK_ROLES),
          decision: z.enum(DECISIONS),
          reason: z.string().optional(),
          decidedBy: z.string(),
          decidedAt: isoDateTimeSchema,
        })
        .strict(),
      z
        .object({
          scope: z.literal('overall'),
          caseNo: z.string(),
          outcome: z.enum(['approved', 'refused']),
          /** The refusing departments' reasons (empty when approved). */
          reasons: z.array(z.object({ department: departmentCodeSchema, reason: z.string() }).strict()),
          decidedAt: isoDateTimeSchema,
        })
        .strict(),
    ]),
  })
  .strict();

/** A department asks for more materials (补正): the case goes back to the window. */
export const supplementRequestedEventSchema = z
  .object({
    ...caseBase,
    type: z.literal('supplement-requested'),
    data: z
      .object({
        caseNo: z.string(),
        taskId: ulidSchema,
        department: departmentCodeSchema,
        reason: z.string().optional(),
        materialsWanted: z.array(wantedMaterialSchema).min(1),
        requestedAt: isoDateTimeSchema,
      })
      .strict(),
  })
  .strict();

/** A `case.supplement` arrived; the listed tasks reopened with these deadlines. */
export const supplementReceivedEventSchema = z
  .object({
    ...caseBase,
    type: z.literal('supplement-received'),
    data: z
      .object({ caseNo: z.string(), supplementId: ulidSchema, status: z.enum(BACKOFFICE_CASE_STATUSES), reopenedTasks: z.array(taskSummarySchema) })
      .strict(),
  })
  .strict();

/** The certificate (证照) is ready: download the PDF with GET /v1/blobs/:sha256. */
export const certificateIssuedEventSchema = z
  .object({
    ...caseBase,
    type: z.literal('certificate-issued'),
    data: z
      .object({
        caseNo: z.string(),
        itemCode: z.string(),
        itemName: z.string(),
        certificateNo: z.string(),
        blob: blobRefSchema,
        issuedAt: isoDateTimeSchema,
      })
      .strict(),
  })
  .strict();

export const caseWithdrawnEventSchema = z
  .object({
    ...caseBase,
    type: z.literal('case-withdrawn'),
    data: z.object({ caseNo: z.string(), reason: z.string(), withdrawnAt: isoDateTimeSchema }).strict(),
  })
  .strict();

const publicationData = z
  .object({
    /** Publisher's version label, e.g. "2025.03.1". */
    version: z.string().min(1).max(64),
    /** The new data as a blob (JSON or archive), when there is one to download. */
    bundle: blobRefSchema.optional(),
    note: z.string().max(500).optional(),
  })
  .strict();

/** Broadcast: the item catalogue changed. */
export const catalogUpdatedEventSchema = z
  .object({ ...base, type: z.literal('catalog-updated'), data: publicationData })
  .strict();

/** Broadcast: the credit restriction list (失信被执行人名单) changed. */
export const restrictedListUpdatedEventSchema = z
  .object({ ...base, type: z.literal('restricted-list-updated'), data: publicationData })
  .strict();

/** Broadcast: the holiday calendar (工作日历) changed; the bundle is shared/calendar/bundle.ts. */
export const calendarUpdatedEventSchema = z
  .object({ ...base, type: z.literal('calendar-updated'), data: publicationData })
  .strict();

export const changeEventSchema = z.discriminatedUnion('type', [
  caseReceivedEventSchema,
  decisionEventSchema,
  supplementRequestedEventSchema,
  supplementReceivedEventSchema,
  certificateIssuedEventSchema,
  caseWithdrawnEventSchema,
  catalogUpdatedEventSchema,
  restrictedListUpdatedEventSchema,
  calendarUpdatedEventSchema,
]);
export type ChangeEvent = z.infer<typeof changeEventSchema>;
export type ChangeType = ChangeEvent['type'];
export type ChangeData<T extends ChangeType> = Extract<ChangeEvent, { type: T }>['data'];
export const CHANGE_TYPES = [
  'case-received',
  'decision',
  'supplement-requested',
  'supplement-received',
  'certificate-issued',
  'case-withdrawn',
  'catalog-updated',
  'restricted-list-updated',
  'calendar-updated',
] as const satisfies readonly ChangeType[];
/** Events addressed to every device rather than to the device that owns a case. */
export const BROADCAST_CHANGE_TYPES = ['catalog-updated', 'restricted-list-updated', 'calendar-updated'] as const satisfies readonly ChangeType[];
export type BroadcastChangeType = (typeof BROADCAST_CHANGE_TYPES)[number];

/** Query of `GET /v1/changes`. */
export const MAX_WAIT_SECONDS = 30;
export const MAX_CHANGES_PER_PAGE = 500;
export const DEFAULT_CHANGES_PER_PAGE = 200;
export const changesQuerySchema = z
  .object({
    /** The last `cursor` you stored; 0 (or absent) from the beginning. */
    since: z.coerce.number().int().min(0).default(0),
    /** Long-poll: wait up to this many seconds for an event when there is none (capped). */
    wait: z.coerce.number().min(0).default(0).transform((w) => Math.min(w, MAX_WAIT_SECONDS)),
    limit: z.coerce.number().int().min(1).max(MAX_CHANGES_PER_PAGE).default(DEFAULT_CHANGES_PER_PAGE),
  })
  .strict();

/**
 * `cursor` is the seq of the last event returned (or `since` when none): store it after
 * applying the events. `hasMore` means another page is ready now: pull again without waiting.
 */
export const changesResponseSchema = z
  .object({ events: z.array(changeEventSchema), cursor: z.number().int().min(0), hasMore: z.boolean() })
  .strict();
export type ChangesResponse = z.infer<typeof changesResponseSchema>;
