/**
 * Window status for IT: a real workstation core reports its app version and outbox backlog on
 * every request; the back office keeps last contact, version, backlog depth and age per device
 * and shows them to IT reviewers only (GET /v1/admin/devices).
 */
import { eq } from 'drizzle-orm';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBackoffice, TestDevice, TestReviewer, type TestBackoffice } from '../../backoffice/testing';
import { outbox } from '../../db/schema';
import { appVersion } from '../../electron/paths';
import type { Workstation } from '../../electron/workstation';
import { DEVICE_STATUS_HEADERS, deviceOverviewResponseSchema, type DeviceOverview } from '../../shared/sync';
import { acceptCase, waitFor } from '../chaos/sync-fixture';
import { writeCatalogFixture } from '../helpers/catalog-fixture';
import { openTestWorkstation, signInAdmin, tempDir } from '../helpers/workstation';

const PASSWORD = 'Qixia#2025review';
let bo: TestBackoffice;
let dir: ReturnType<typeof tempDir>;
let ws: Workstation | undefined;
let it_: TestReviewer;
let reviewer: TestReviewer;

beforeAll(async () => {
  dir = tempDir('onewindow-device-status-');
  bo = await startTestBackoffice();
  await bo.backoffice.admin.createReviewer({ username: 'it.zhang', password: PASSWORD, department: 'XXB', displayName: '张信息', itAdmin: true });
  await bo.backoffice.admin.createReviewer({ username: 'scjg.wang', password: PASSWORD, department: 'SCJG', displayName: '王审批' });
  [it_, reviewer] = await Promise.all([TestReviewer.login(bo.baseUrl, 'it.zhang', PASSWORD), TestReviewer.login(bo.baseUrl, 'scjg.wang', PASSWORD)]);
}, 60_000);

afterAll(async () => {
  await ws?.close();
  await bo?.close();
  dir?.remove();
});

async function overview(): Promise<DeviceOverview[]> {
  const response = await it_.fetch('/v1/admin/devices');
  expect(response.status).toBe(200);
  return deviceOverviewResponseSchema.parse(await response.json()).devices;
}

describe('window status in the back office', () => {
  it('stores what a real workstation reports: last contact, version, backlog depth and age, dead letters', async () => {
    ws = await openTestWorkstation(join(dir.path, 'data'), {
      sync: true,
      catalogDir: writeCatalogFixture(join(dir.path, 'catalog')),
      flags: { backofficeUrl: bo.baseUrl, windowNo: '07' },
    });
    const session = await signInAdmin(ws);
    // A case whose first entry was refused (dead) and a later entry of the same case, written an
    // hour ago: it waits behind the dead one, so the backlog stays at 1 and ages.
    const stuck = await acceptCase(ws, session, 1);
    const db = ws.database.db;
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    db.update(outbox).set({ status: 'dead', lastError: '测试：已被后台拒绝' }).where(eq(outbox.caseId, stuck.id)).run();
    db.insert(outbox)
      .values({ id: ulid(), caseId: stuck.id, kind: 'case.withdraw', payload: JSON.stringify({ reason: '申请人撤回' }), status: 'pending', createdAt: hourAgo, updatedAt: hourAgo })
      .run();

    const code = await bo.backoffice.admin.createEnrolmentCode({ centerCode: ws.config().values.centerCode, windowNo: '07', label: '7 号窗口' });
    const enrolled = await ws.sync!.engine.enrol(code, 'window-07');

    const row = (await waitFor('status reported', async () => (await overview()).find((d) => d.deviceId === enrolled.deviceId && d.deadLetters === 1 && (d.backlog ?? 0) > 0), 20_000, 200))!;
    expect(row).toMatchObject({ windowNo: '07', label: '7 号窗口', name: 'window-07', revoked: false, appVersion: appVersion(), deadLetters: 1 });
    // The stuck entry, plus any audit batch queued at that moment (written at most every 15 s).
    expect(row.backlog).toBeGreaterThanOrEqual(1);
    expect(Date.now() - Date.parse(row.lastContactAt!)).toBeLessThan(30_000);
    expect(row.backlogAgeSeconds!).toBeGreaterThanOrEqual(3_590);
    expect(row.backlogAgeSeconds!).toBeLessThan(3_700);
    expect(Math.abs(Date.parse(row.oldestPendingAt!) - Date.parse(hourAgo))).toBeLessThan(10_000);
  }, 60_000);

  it('records a backlog that empties, and ignores malformed headers', async () => {
    const code = await bo.backoffice.admin.createEnrolmentCode({ centerCode: '32011300', windowNo: '08' });
    const device = await TestDevice.enrol(bo.baseUrl, code, 'window-08');
    const changes = (headers: Record<string, string>) =>
      fetch(`${bo.baseUrl}/v1/changes?since=0`, { headers: { authorization: `Bearer ${device.credentials.deviceId}.${device.credentials.deviceSecret}`, ...headers } });
    expect((await changes({ [DEVICE_STATUS_HEADERS.appVersion]: '1.2.3', [DEVICE_STATUS_HEADERS.backlog]: '40', [DEVICE_STATUS_HEADERS.backlogAge]: '120' })).status).toBe(200);
    let row = (await overview()).find((d) => d.deviceId === device.credentials.deviceId)!;
    expect(row).toMatchObject({ appVersion: '1.2.3', backlog: 40 });
    expect(row.backlogAgeSeconds).toBeGreaterThanOrEqual(120);
    // The drain ended: written at once even within the 15 s throttle.
    expect((await changes({ [DEVICE_STATUS_HEADERS.appVersion]: '1.2.3', [DEVICE_STATUS_HEADERS.backlog]: '0', [DEVICE_STATUS_HEADERS.backlogAge]: '0' })).status).toBe(200);
    row = (await overview()).find((d) => d.deviceId === device.credentials.deviceId)!;
    expect(row).toMatchObject({ backlog: 0, backlogAgeSeconds: null, oldestPendingAt: null });
    // Garbage is not stored; the request itself still works.
    expect((await changes({ [DEVICE_STATUS_HEADERS.appVersion]: '<script>', [DEVICE_STATUS_HEADERS.backlog]: '-5' })).status).toBe(200);
    row = (await overview()).find((d) => d.deviceId === device.credentials.deviceId)!;
    expect(row).toMatchObject({ appVersion: '1.2.3', backlog: 0 });
  });

  it('shows the overview to IT reviewers only', async () => {
    expect((await reviewer.fetch('/v1/admin/devices')).status).toBe(403);
    const anonymous = await fetch(`${bo.baseUrl}/v1/admin/devices`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { message: string } }).error.message).toMatch(/[\u4e00-\u9fff]/);
    const login = await fetch(`${bo.baseUrl}/v1/review/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'it.zhang', password: PASSWORD }),
    });
    expect(((await login.json()) as { reviewer: { itAdmin?: boolean } }).reviewer.itAdmin).toBe(true);
  });
});
