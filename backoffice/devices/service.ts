/**
 * Device enrolment (one-time codes made by IT staff) and authentication of every device
 * request (`Authorization: Bearer <deviceId>.<secret>`).
 */
import { and, eq, gt, isNull, lt, or } from 'drizzle-orm';
import { ulid } from 'ulid';
import { isUlid, normalizeEnrolmentCode, type EnrolResponse } from '../../shared/sync';
import { newEnrolmentCode, randomSecret, safeEqual, sha256Hex } from '../auth/crypto';
import type { BackofficeContext } from '../context';
import { devices, enrolmentCodes } from '../db/schema';
import { ApiError } from '../http/errors';

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

export async function enrolDevice(ctx: BackofficeContext, input: { code: string; deviceName: string }): Promise<EnrolResponse> {
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
    };
  });
}

/** The device behind a bearer header; 401 with a typed error otherwise. */
export async function authenticateDevice(ctx: BackofficeContext, authorization: string | undefined): Promise<Device> {
  const match = /^Bearer ([0-9A-Z]{26})\.([A-Za-z0-9_-]{20,})$/.exec(authorization ?? '');
  if (!authorization) throw new ApiError(401, 'AUTH_REQUIRED');
  if (!match || !isUlid(match[1])) throw new ApiError(401, 'DEVICE_UNAUTHORIZED');
  const [device] = await ctx.db.select().from(devices).where(eq(devices.id, match[1]));
  if (!device || !safeEqual(device.secretHash, sha256Hex(match[2]))) throw new ApiError(401, 'DEVICE_UNAUTHORIZED');
  if (device.revokedAt) throw new ApiError(401, 'DEVICE_REVOKED');
  const now = ctx.now();
  if (!device.lastSeenAt || now.getTime() - device.lastSeenAt.getTime() > 60_000) {
    // At most one write a minute per device: enough for IT's "last seen" column.
    await ctx.db
      .update(devices)
      .set({ lastSeenAt: now })
      .where(and(eq(devices.id, device.id), or(isNull(devices.lastSeenAt), lt(devices.lastSeenAt, new Date(now.getTime() - 60_000)))));
  }
  return device;
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
