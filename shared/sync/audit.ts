/**
 * Audit witnessing (全网留痕): the workstation's audit trail is a hash chain, which by itself
 * cannot show a truncated tail. So its entries travel to the back office (`audit.append`) and
 * every push carries the chain head (sequence + hash of the newest entry). The back office keeps
 * the highest head per device and flags a head that goes backwards or whose hash differs from
 * the entry it already holds at that sequence: a truncated or rewritten tail becomes visible.
 */
import { z } from 'zod';
import { isoDateTimeSchema, sha256Schema } from './primitives';

/** The newest entry of a device's audit chain. `seq` is the local entry number (1, 2, …). */
export const auditHeadSchema = z
  .object({ seq: z.number().int().min(0), hash: sha256Schema })
  .strict();
export type AuditHead = z.infer<typeof auditHeadSchema>;

export const AUDIT_FLAG_CODES = ['HEAD_BACKWARDS', 'HEAD_MISMATCH', 'CHAIN_BROKEN', 'ENTRY_REWRITTEN'] as const;
export type AuditFlagCode = (typeof AUDIT_FLAG_CODES)[number];
export const AUDIT_FLAG_NAMES: Record<AuditFlagCode, string> = {
  HEAD_BACKWARDS: '审计链头倒退（本地审计记录的末尾被删除）',
  HEAD_MISMATCH: '审计链头与后台已见证的记录不一致（本地审计记录被改写）',
  CHAIN_BROKEN: '上报的审计记录与后台已有的上一条记录链接不上',
  ENTRY_REWRITTEN: '同一序号的审计记录与后台已收到的内容不同',
};

/** What the back office answers about the head a push carried. */
export const auditWitnessSchema = z
  .object({
    status: z.enum(['witnessed', 'flagged']),
    /** The head the back office now holds for this device (never lowered by a push). */
    head: auditHeadSchema,
    code: z.enum(AUDIT_FLAG_CODES).optional(),
    /** Chinese, for IT. */
    reason: z.string().optional(),
  })
  .strict();
export type AuditWitness = z.infer<typeof auditWitnessSchema>;

/** `GET /v1/audit/head`: the last head witnessed for the calling device, and its open flags. */
export const auditHeadResponseSchema = z
  .object({
    head: auditHeadSchema.nullable(),
    witnessedAt: isoDateTimeSchema.nullable(),
    flags: z.array(z.object({ code: z.enum(AUDIT_FLAG_CODES), reason: z.string(), seq: z.number().int(), at: isoDateTimeSchema }).strict()),
  })
  .strict();
export type AuditHeadResponse = z.infer<typeof auditHeadResponseSchema>;
