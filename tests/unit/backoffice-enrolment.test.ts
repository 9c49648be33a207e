import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { deviceAuthorization, enrolResponseSchema, errorBodySchema, SYNC_ROUTES } from '../../shared/sync';
import { startTestBackoffice, testBackends, TestDevice, type TestBackoffice } from '../../backoffice/testing';

async function enrolRaw(baseUrl: string, code: string) {
  const response = await fetch(baseUrl + SYNC_ROUTES.enrol, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, deviceName: 'window-pc-3' }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe.each(testBackends())('device enrolment and auth ($name)', ({ postgresUrl }) => {
  let t: TestBackoffice;
  beforeAll(async () => {
    t = await startTestBackoffice({ postgresUrl });
  }, 60_000);
  afterAll(async () => t?.close());

  it('trades a one-time code for credentials bound to the center and window', async () => {
    const code = await t.backoffice.admin.createEnrolmentCode({ centerCode: '320113001', windowNo: '03', label: '3号窗口' });
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const { status, body } = await enrolRaw(t.baseUrl, code);
    expect(status).toBe(201);
    const credentials = enrolResponseSchema.parse(body);
    expect(credentials).toMatchObject({ centerCode: '320113001', windowNo: '03', label: '3号窗口' });

    const ok = await fetch(t.baseUrl + SYNC_ROUTES.changes(0), {
      headers: { authorization: deviceAuthorization(credentials.deviceId, credentials.deviceSecret) },
    });
    expect(ok.status).toBe(200);
    const devices = await t.backoffice.admin.listDevices();
    const listed = devices.find((d) => d.id === credentials.deviceId)!;
    expect(listed.name).toBe('window-pc-3');
    expect(JSON.stringify(listed)).not.toContain(credentials.deviceSecret);
  });

  it('refuses a code that was already used, and unknown codes', async () => {
    const code = await t.backoffice.admin.createEnrolmentCode({ centerCode: '320113001', windowNo: '04' });
    expect((await enrolRaw(t.baseUrl, code)).status).toBe(201);
    const again = await enrolRaw(t.baseUrl, code);
    expect(again.status).toBe(400);
    expect(errorBodySchema.parse(again.body).error.code).toBe('ENROLMENT_CODE_USED');
    expect(again.body.error.message).toContain('已被使用');

    const unknown = await enrolRaw(t.baseUrl, 'AAAA-BBBB-CCCC');
    expect(unknown.body.error.code).toBe('ENROLMENT_CODE_INVALID');
  });

  it('accepts a code typed in lower case with spaces, only once even when raced', async () => {
    const code = await t.backoffice.admin.createEnrolmentCode({ centerCode: '320113001', windowNo: '05' });
    const typed = code.toLowerCase().replace(/-/g, ' ');
    const attempts = await Promise.all([enrolRaw(t.baseUrl, typed), enrolRaw(t.baseUrl, code), enrolRaw(t.baseUrl, typed)]);
    expect(attempts.map((a) => a.status).sort()).toEqual([201, 400, 400]);
  });

  it('refuses an expired code', async () => {
    const code = await t.backoffice.admin.createEnrolmentCode({ centerCode: '320113001', windowNo: '06', ttlHours: 1 });
    t.advanceClock(2 * 3_600_000);
    const expired = await enrolRaw(t.baseUrl, code);
    expect(expired.status).toBe(400);
    expect(expired.body.error.code).toBe('ENROLMENT_CODE_EXPIRED');
  });

  it('answers 401 with a typed Chinese error for missing, wrong and revoked credentials', async () => {
    const code = await t.backoffice.admin.createEnrolmentCode({ centerCode: '320113001', windowNo: '07' });
    const device = await TestDevice.enrol(t.baseUrl, code);

    const missing = await fetch(t.baseUrl + SYNC_ROUTES.changes(0));
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as any).error.code).toBe('AUTH_REQUIRED');

    const wrong = await fetch(t.baseUrl + SYNC_ROUTES.changes(0), {
      headers: { authorization: deviceAuthorization(device.id, 'x'.repeat(43)) },
    });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as any).error.code).toBe('DEVICE_UNAUTHORIZED');

    const stranger = await fetch(t.baseUrl + SYNC_ROUTES.changes(0), {
      headers: { authorization: deviceAuthorization(ulid(), device.credentials.deviceSecret) },
    });
    expect(stranger.status).toBe(401);

    expect((await device.fetch(SYNC_ROUTES.changes(0))).status).toBe(200);
    await t.backoffice.admin.revokeDevice(device.id);
    for (const request of [
      device.fetch(SYNC_ROUTES.changes(0)),
      device.fetch(SYNC_ROUTES.push, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ deviceId: device.id, mutations: [] }),
      }),
      device.fetch(SYNC_ROUTES.blob('0'.repeat(64))),
    ]) {
      const response = await request;
      expect(response.status).toBe(401);
      const body = errorBodySchema.parse(await response.json());
      expect(body.error.code).toBe('DEVICE_REVOKED');
      expect(body.error.message).toMatch(/停用/);
    }
    await expect(t.backoffice.admin.revokeDevice(ulid())).rejects.toThrow(/设备不存在/);
  });

  it('refuses a push that names another device', async () => {
    const code = await t.backoffice.admin.createEnrolmentCode({ centerCode: '320113001', windowNo: '08' });
    const device = await TestDevice.enrol(t.baseUrl, code);
    const response = await device.fetch(SYNC_ROUTES.push, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ deviceId: ulid(), mutations: [{ mutationId: ulid(), kind: 'audit.append', payload: {} }] }),
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as any).error.code).toBe('DEVICE_MISMATCH');
  });

  it('tells anyone its protocol version and limits', async () => {
    const info = (await (await fetch(t.baseUrl + SYNC_ROUTES.info)).json()) as any;
    expect(info).toMatchObject({ service: 'onewindow-backoffice', protocolVersion: 1 });
    expect(info.limits.maxChunkBytes).toBeGreaterThan(0);
    expect((await fetch(t.baseUrl + SYNC_ROUTES.health)).status).toBe(200);
  });
});
