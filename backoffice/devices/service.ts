/**
 * Device enrolment (one-time codes made by IT staff) and authentication of every device
 * request (`Authorization: Bearer <deviceId>.<secret>`).
 */
import { and, eq, gt, isNull, lt, or } from 'drizzle-orm';
import { ulid } from 'ulid';
import { isUlid, normalizeEnrolmentCode, type EnrolResponse } from '../../shared/sync';
import { parseDeviceStatusHeaders, type ReportedDeviceStatus } from '../../shared/sync/device-status';
import { newEnrolmentCode, randomSecret, safeEqual, sha256Hex } from '../auth/crypto';
import type { BackofficeContext } from '../context';
import { devices, enrolmentCodes } from '../db/schema';
import { ApiError } from '../http/errors';
import type { DeviceOverviewResponse } from '../../shared/sync/device-status';
import { lastCaseNumbers } from '../cases/numbers';

export type Device = typeof devices.$inferSelect;

export interface EnrolmentCodeOptions {
  centerCode: string;
  windowNo: string;
  label?: string;
  /** Default: the back office's enrolmentCodeTtlHours (24). */
  ttlHours?: number;
}

/** Returns the code to hand to whoever installs the workstation, e.g. "7KQ2-M9XD-4RTA". */
export async function createEnrolmentCode(ctx: BackofficeContext, options: EnrolmentCodeOptions): Promise<string> {
  if (!options.centerCode.trim() || !options.windowNo.trim()) throw new Error('中心代码和窗口号不能为空');
  const { code, display } = newEnrolmentCode();
  const now = ctx.now();
  const ttl = options.ttlHours ?? ctx.limits.enrolmentCodeTtlHours;
  await ctx.db.insert(enrolmentCodes).values({
    codeHash: sha256Hex(code),
    centerCode: options.centerCode.trim(),
    windowNo: options.windowNo.trim(),
    label: options.label ?? null,
    createdAt: now,
    expiresAt: new Date(now.getTime() + ttl * 3_600_000),
  });
  return display;
}

/** `caseNumbers`: the device asked for the last case numbers of its window (older devices do not know the field). */
export async function enrolDevice(ctx: BackofficeContext, input: { code: string; deviceName: string }, options: { caseNumbers?: boolean } = {}): Promise<EnrolResponse> {
  const codeHash = sha256Hex(normalizeEnrolmentCode(input.code));
  const deviceId = ulid(ctx.now().getTime());
  const secret = randomSecret();
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    // Single use, even with two instances racing: the conditional update claims the code.
    const [claimed] = await tx
      .update(enrolmentCodes)
      .set({ usedAt: now, usedByDevice: deviceId })
      .where(and(eq(enrolmentCodes.codeHash, codeHash), isNull(enrolmentCodes.usedAt), gt(enrolmentCodes.expiresAt, now)))
      .returning();
    if (!claimed) {
      const [row] = await tx.select().from(enrolmentCodes).where(eq(enrolmentCodes.codeHash, codeHash));
      if (!row) throw new ApiError(400, 'ENROLMENT_CODE_INVALID');
      throw new ApiError(400, row.usedAt ? 'ENROLMENT_CODE_USED' : 'ENROLMENT_CODE_EXPIRED');
    }
    await tx.insert(devices).values({
      id: deviceId,
      secretHash: sha256Hex(secret),
      name: input.deviceName,
      centerCode: claimed.centerCode,
      windowNo: claimed.windowNo,
      label: claimed.label,
      enrolledAt: now,
    });
    return {
      deviceId,
      deviceSecret: secret,
      centerCode: claimed.centerCode,
      windowNo: claimed.windowNo,
      ...(claimed.label ? { label: claimed.label } : {}),
      // A reinstalled window continues its case numbers after the ones already here.
      ...(options.caseNumbers ? { caseNumbers: await lastCaseNumbers(tx, claimed.centerCode, claimed.windowNo, now) } : {}),
    };
  });
}

/** The device behind a bearer header; 401 with a typed error otherwise. */
export async function authenticateDevice(
  ctx: BackofficeContext,
  authorization: string | undefined,
  /** The request's headers: the status the workstation reports (version, backlog) is kept for IT. */
  headers?: Record<string, string | string[] | undefined>,
): Promise<Device> {
  const match = /^Bearer ([0-9A-Z]{26})\.([A-Za-z0-9_-]{20,})$/.exec(authorization ?? '');
  if (!authorization) throw new ApiError(401, 'AUTH_REQUIRED');
  if (!match || !isUlid(match[1])) throw new ApiError(401, 'DEVICE_UNAUTHORIZED');
  const [device] = await ctx.db.select().from(devices).where(eq(devices.id, match[1]));
  if (!device || !safeEqual(device.secretHash, sha256Hex(match[2]))) throw new ApiError(401, 'DEVICE_UNAUTHORIZED');
  if (device.revokedAt) throw new ApiError(401, 'DEVICE_REVOKED');
  await recordContact(ctx, device, headers ? parseDeviceStatusHeaders((name) => headers[name]) : {});
  return device;
}

/** How often a device's contact is written when nothing IT cares about changed. */
const CONTACT_WRITE_MS = 15_000;

/**
 * Last contact and reported status, written at most every 15 s per device unless the version
 * changes or the backlog empties or starts (what IT's overview shows), so a drain of thousands
 * of requests does not add a write to each.
 */
async function recordContact(ctx: BackofficeContext, device: Device, reported: ReportedDeviceStatus): Promise<void> {
  const now = ctx.now();
  const set: Partial<typeof devices.$inferInsert> = { lastSeenAt: now };
  const hasStatus = reported.appVersion !== undefined || reported.backlog !== undefined;
  if (hasStatus) {
    if (reported.appVersion !== undefined) set.appVersion = reported.appVersion;
    if (reported.backlog !== undefined) {
      set.backlog = reported.backlog;
      set.oldestPendingAt = reported.backlog > 0 && reported.backlogAgeSeconds !== undefined ? new Date(now.getTime() - reported.backlogAgeSeconds * 1000) : null;
    }
    if (reported.dead !== undefined) set.deadLetters = reported.dead;
    set.statusAt = now;
  }
  const changed =
    (reported.appVersion !== undefined && reported.appVersion !== device.appVersion) ||
    (reported.backlog !== undefined && (reported.backlog === 0) !== (device.backlog === 0 || device.backlog === null)) ||
    (reported.dead !== undefined && reported.dead !== device.deadLetters);
  const due = !device.lastSeenAt || now.getTime() - device.lastSeenAt.getTime() > CONTACT_WRITE_MS;
  if (!changed && !due) return;
  await ctx.db
    .update(devices)
    .set(set)
    .where(changed ? eq(devices.id, device.id) : and(eq(devices.id, device.id), or(isNull(devices.lastSeenAt), lt(devices.lastSeenAt, new Date(now.getTime() - CONTACT_WRITE_MS)))));
}

export async function revokeDevice(ctx: BackofficeContext, deviceId: string): Promise<void> {
  const updated = await ctx.db
    .update(devices)
    .set({ revokedAt: ctx.now() })
    .where(and(eq(devices.id, deviceId), isNull(devices.revokedAt)))
    .returning({ id: devices.id });
  if (!updated.length) {
    const [row] = await ctx.db.select({ id: devices.id }).from(devices).where(eq(devices.id, deviceId));
    if (!row) throw new Error(`设备不存在：${deviceId}`);
  }
}

export async function listDevices(ctx: BackofficeContext): Promise<Omit<Device, 'secretHash'>[]> {
  const rows = await ctx.db.select().from(devices).orderBy(devices.enrolledAt);
  return rows.map(({ secretHash: _secret, ...rest }) => rest);
}

/** Every window with its last contact, version and backlog, for IT (API and web page). */
export async function deviceOverview(ctx: BackofficeContext): Promise<DeviceOverviewResponse> {
  const now = ctx.now();
  const rows = await ctx.db.select().from(devices).orderBy(devices.centerCode, devices.windowNo, devices.enrolledAt);
  return {
    at: now.toISOString(),
    devices: rows.map((d) => ({
      deviceId: d.id,
      name: d.name,
      centerCode: d.centerCode,
      windowNo: d.windowNo,
      label: d.label,
      enrolledAt: d.enrolledAt.toISOString(),
      revoked: d.revokedAt !== null,
      lastContactAt: d.lastSeenAt?.toISOString() ?? null,
      appVersion: d.appVersion,
      backlog: d.backlog,
      oldestPendingAt: d.oldestPendingAt?.toISOString() ?? null,
      backlogAgeSeconds: d.oldestPendingAt && d.backlog ? Math.max(0, Math.round((now.getTime() - d.oldestPendingAt.getTime()) / 1000)) : null,
      deadLetters: d.deadLetters,
    })),
  };
}
