/**
 * Small building blocks of the sync wire format. Pure: runs in the workstation core, the
 * renderer and the back office alike.
 */
import { z } from 'zod';

/** Canonical ULID: 26 upper-case Crockford base32 characters (the `ulid` package's output). */
export const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** Content address of a blob: SHA-256 as 64 lower-case hex characters. */
export const SHA256_PATTERN = /^[0-9a-f]{64}$/;
/** Department code as in resources/catalog/departments.json, e.g. "SCJG". */
export const DEPARTMENT_CODE_PATTERN = /^[A-Z]{2,8}$/;

export const ulidSchema = z.string().regex(ULID_PATTERN, '应为 26 位大写 ULID');
export const sha256Schema = z.string().regex(SHA256_PATTERN, '应为 64 位小写十六进制 SHA-256');
export const departmentCodeSchema = z
  .string()
  .regex(DEPARTMENT_CODE_PATTERN, '部门代码应为 2–8 位大写字母');
/** An instant with an explicit offset, e.g. "2025-03-04T09:30:00.000+08:00" or "...Z". */
export const isoDateTimeSchema = z.iso.datetime({ offset: true, error: '应为带时区的 ISO 8601 时间' });
/** A calendar date in Beijing time, "YYYY-MM-DD". */
export const localDateSchema = z.iso.date({ error: '日期格式应为 YYYY-MM-DD' });

export function isSha256(value: string): boolean {
  return SHA256_PATTERN.test(value);
}

export function isUlid(value: string): boolean {
  return ULID_PATTERN.test(value);
}

/** A blob named in an event, downloadable with `GET /v1/blobs/:sha256`. */
export const blobRefSchema = z
  .object({
    sha256: sha256Schema,
    size: z.number().int().min(0),
    mediaType: z.string().min(1).max(100),
    /** Suggested file name for saving or printing. */
    fileName: z.string().min(1).max(200).optional(),
  })
  .strict();
export type BlobRef = z.infer<typeof blobRefSchema>;
