/**
 * Device enrolment and authentication. IT staff create a one-time enrolment code in the back
 * office for a center and window; the workstation trades it for a device id and secret once,
 * then sends `Authorization: Bearer <deviceId>.<deviceSecret>` on every request.
 */
import { z } from 'zod';
import { ulidSchema } from './primitives';

/** Enrolment codes: 12 Crockford base32 characters, shown as XXXX-XXXX-XXXX. */
export const ENROLMENT_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Accepts what people type: lower case, spaces and hyphens; O→0, I/L→1 as Crockford says. */
export function normalizeEnrolmentCode(input: string): string {
  return input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

export const enrolRequestSchema = z
  .object({
    code: z.string().min(1).max(40),
    /** Shown to IT staff, e.g. the PC's host name. */
    deviceName: z.string().trim().min(1).max(64),
  })
  .strict();
export type EnrolRequest = z.infer<typeof enrolRequestSchema>;

export const enrolResponseSchema = z
  .object({
    deviceId: ulidSchema,
    /** Shown once; keep it encrypted at rest (Electron safeStorage). The server keeps only a hash. */
    deviceSecret: z.string().min(32),
    centerCode: z.string(),
    windowNo: z.string(),
    label: z.string().optional(),
    /**
     * The highest case-number sequence the back office already holds for this center and
     * window, per prefix `<center>-<YYYYMMDD>-<window>` (recent days): a reinstalled
     * workstation continues after them instead of reusing numbers (CASE_EXISTS).
     */
    caseNumbers: z.array(z.object({ prefix: z.string().min(1).max(40), lastValue: z.number().int().min(0) }).strict()).max(400).optional(),
  })
  .strict();
export type EnrolResponse = z.infer<typeof enrolResponseSchema>;

export function deviceAuthorization(deviceId: string, deviceSecret: string): string {
  return `Bearer ${deviceId}.${deviceSecret}`;
}
