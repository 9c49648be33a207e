/**
 * Push: the workstation sends its outbox as mutations. Each mutation carries an id (ULID)
 * generated on the workstation; the back office remembers every final result per device
 * forever, so resending a mutation never applies it twice.
 */
import { z } from 'zod';
import {
  auditAppendSchema,
  caseSubmissionSchema,
  caseSupplementSchema,
  caseWithdrawSchema,
} from './case';
import { auditHeadSchema, auditWitnessSchema } from './audit';
import { sha256Schema, ulidSchema } from './primitives';

export const MUTATION_KINDS = ['case.create', 'case.supplement', 'case.withdraw', 'audit.append'] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

/** The payload schema of each kind. */
export const MUTATION_PAYLOAD_SCHEMAS = {
  'case.create': caseSubmissionSchema,
  'case.supplement': caseSupplementSchema,
  'case.withdraw': caseWithdrawSchema,
  'audit.append': auditAppendSchema,
} as const satisfies Record<MutationKind, z.ZodType>;

/** A fully typed mutation, for the workstation to validate before it enqueues one. */
export const mutationSchema = z.discriminatedUnion('kind', [
  z.object({ mutationId: ulidSchema, kind: z.literal('case.create'), payload: caseSubmissionSchema }).strict(),
  z.object({ mutationId: ulidSchema, kind: z.literal('case.supplement'), payload: caseSupplementSchema }).strict(),
  z.object({ mutationId: ulidSchema, kind: z.literal('case.withdraw'), payload: caseWithdrawSchema }).strict(),
  z.object({ mutationId: ulidSchema, kind: z.literal('audit.append'), payload: auditAppendSchema }).strict(),
]);
export type Mutation = z.input<typeof mutationSchema>;

/** Most mutations one push may carry; more is a 400 (send the rest in the next push). */
export const MAX_MUTATIONS_PER_PUSH = 100;

/**
 * What the server parses first. The payload is checked per mutation, so one bad payload is
 * rejected on its own instead of failing the whole push.
 */
export const pushRequestSchema = z
  .object({
    /** Must be the authenticated device. */
    deviceId: ulidSchema,
    mutations: z
      .array(z.object({ mutationId: ulidSchema, kind: z.enum(MUTATION_KINDS), payload: z.unknown() }).strict())
      .min(1)
      .max(MAX_MUTATIONS_PER_PUSH),
    /** The device's audit chain head now (shared/sync/audit.ts): the back office witnesses it. */
    auditHead: auditHeadSchema.optional(),
  })
  .strict();
export type PushRequest = { deviceId: string; mutations: Mutation[]; auditHead?: { seq: number; hash: string } };

/** Machine-readable reasons of a `rejected` result. */
export const REJECTION_CODES = [
  'INVALID_PAYLOAD',
  'WRONG_WINDOW',
  'CASE_EXISTS',
  'CASE_NOT_FOUND',
  'CASE_CLOSED',
  'BAD_DATES',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

/**
 * Result of one mutation, in request order.
 * - `applied`: done now.
 * - `duplicate`: this mutationId was applied before; nothing changed now.
 * - `rejected`: refused for good (Chinese `reason`); resending returns the same rejection.
 *   The workstation moves it to its dead-letter state for the clerk to see.
 * - `missing-blobs`: not applied and NOT remembered: upload the listed blobs, then resend.
 * - `skipped`: not looked at, because an earlier mutation in this push was `missing-blobs`
 *   (mutations apply in order, so a supplement never overtakes its case). Resend unchanged.
 * Transient server failures are HTTP 5xx for the whole push; mutations before the failure
 * may have been applied, so resend all of them: they come back `duplicate`.
 */
export const pushResultSchema = z.discriminatedUnion('status', [
  z.object({ mutationId: ulidSchema, status: z.literal('applied') }).strict(),
  z.object({ mutationId: ulidSchema, status: z.literal('duplicate') }).strict(),
  z
    .object({
      mutationId: ulidSchema,
      status: z.literal('rejected'),
      code: z.enum(REJECTION_CODES),
      reason: z.string(),
    })
    .strict(),
  z.object({ mutationId: ulidSchema, status: z.literal('missing-blobs'), missing: z.array(sha256Schema).min(1) }).strict(),
  z.object({ mutationId: ulidSchema, status: z.literal('skipped') }).strict(),
]);
export type PushResult = z.infer<typeof pushResultSchema>;
export type PushResultStatus = PushResult['status'];

export const pushResponseSchema = z
  .object({
    results: z.array(pushResultSchema),
    /** Present when the push carried an audit head: witnessed, or flagged with the reason. */
    auditWitness: auditWitnessSchema.optional(),
  })
  .strict();
export type PushResponse = z.infer<typeof pushResponseSchema>;

/** True when the outbox entry is settled (remove it, or dead-letter it when rejected). */
export function isFinalPushResult(result: PushResult): boolean {
  return result.status === 'applied' || result.status === 'duplicate' || result.status === 'rejected';
}
