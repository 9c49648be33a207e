/**
 * PII discipline and retention channels. Lists, exports and logs carry masked ID and phone
 * numbers; the full value of one case's field is shown only on request, to a supervisor or
 * admin, and every such view is audited. The retention purge can be run (or dry-run) here.
 */
import { z } from 'zod';
import { channel } from './define';

/** `applicantAddress`: the 详细地址 of the form's first address block (the 所在区划 is never masked). */
export const REVEAL_FIELDS = ['applicantIdNo', 'applicantMobile', 'agentIdNo', 'agentMobile', 'applicantAddress'] as const;

const retentionReportSchema = z.object({
  dryRun: z.boolean(),
  ranAt: z.string(),
  faceRetentionDays: z.number(),
  closedCaseRetentionDays: z.number(),
  /** Face image files deleted (their rows and hashes stay). */
  faceImages: z.number(),
  /** Closed cases whose personal data was redacted (number, status, hashes and audit stay). */
  casesRedacted: z.number(),
  /** Audit entries are never purged here: kept at least 6 months, then shipped and archived. */
  auditKeptMonths: z.number(),
});

export const privacyChannels = {
  /** The full value of one masked field of a case, for a supervisor or admin; audited with the reason. */
  'pii.reveal': channel({
    input: z
      .object({
        caseId: z.string().trim().min(1).max(40),
        field: z.enum(REVEAL_FIELDS),
        reason: z.string().trim().min(2, '请说明查看原因').max(200),
      })
      .strict(),
    output: z.object({ field: z.enum(REVEAL_FIELDS), value: z.string().nullable() }),
    access: ['supervisor', 'admin'],
  }),
  /** Runs the retention purge now (or only counts, with dryRun); audited. */
  'retention.run': channel({
    input: z.object({ dryRun: z.boolean().default(true) }).strict(),
    output: retentionReportSchema,
    access: ['admin'],
  }),
} as const;
