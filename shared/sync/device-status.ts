/**
 * Window status for IT: every workstation request carries the app version and the outbox
 * backlog (depth and the age of its oldest entry, in seconds); the back office keeps the latest
 * values per device with the time of last contact, and shows them to IT
 * (`GET /v1/admin/devices`, the reviewers' web UI page 窗口状态).
 */
import { z } from 'zod';
import { isoDateTimeSchema } from './primitives';

export const DEVICE_STATUS_HEADERS = {
  appVersion: 'x-onewindow-app-version',
  backlog: 'x-onewindow-backlog',
  /** Seconds since the oldest pending outbox entry was written (0 when the backlog is empty). */
  backlogAge: 'x-onewindow-backlog-age',
  dead: 'x-onewindow-dead-letters',
} as const;

/** What a device reported, parsed leniently: a missing or odd header is simply not stored. */
export interface ReportedDeviceStatus {
  appVersion?: string;
  backlog?: number;
  backlogAgeSeconds?: number;
  dead?: number;
}

export function parseDeviceStatusHeaders(get: (name: string) => string | string[] | undefined): ReportedDeviceStatus {
  const one = (name: string) => {
    const v = get(name);
    return Array.isArray(v) ? v[0] : v;
  };
  const count = (name: string) => {
    const v = one(name);
    if (v === undefined || !/^\d{1,9}$/.test(v.trim())) return undefined;
    return Number(v.trim());
  };
  const version = one(DEVICE_STATUS_HEADERS.appVersion)?.trim();
  const out: ReportedDeviceStatus = {};
  if (version && /^[0-9A-Za-z.+-]{1,40}$/.test(version)) out.appVersion = version;
  const backlog = count(DEVICE_STATUS_HEADERS.backlog);
  if (backlog !== undefined) out.backlog = backlog;
  const age = count(DEVICE_STATUS_HEADERS.backlogAge);
  if (age !== undefined) out.backlogAgeSeconds = age;
  const dead = count(DEVICE_STATUS_HEADERS.dead);
  if (dead !== undefined) out.dead = dead;
  return out;
}

export const deviceOverviewSchema = z
  .object({
    deviceId: z.string(),
    name: z.string(),
    centerCode: z.string(),
    windowNo: z.string(),
    label: z.string().nullable(),
    enrolledAt: isoDateTimeSchema,
    revoked: z.boolean(),
    lastContactAt: isoDateTimeSchema.nullable(),
    appVersion: z.string().nullable(),
    backlog: z.number().int().nullable(),
    /** When the oldest pending entry was written, as the device last reported it. */
    oldestPendingAt: isoDateTimeSchema.nullable(),
    /** Age of the oldest pending entry now, in seconds (null when none). */
    backlogAgeSeconds: z.number().int().nullable(),
    deadLetters: z.number().int().nullable(),
  })
  .strict();
export type DeviceOverview = z.infer<typeof deviceOverviewSchema>;

export const deviceOverviewResponseSchema = z.object({ devices: z.array(deviceOverviewSchema), at: isoDateTimeSchema }).strict();
export type DeviceOverviewResponse = z.infer<typeof deviceOverviewResponseSchema>;
