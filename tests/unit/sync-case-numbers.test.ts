/**
 * Case numbers after a reinstall: a workstation numbers cases offline from a local per-day
 * sequence; reinstalled with an empty database it would start at 0001 again and collide with
 * numbers the back office already holds (CASE_EXISTS dead letters). Enrolment now tells it the
 * last sequence per day, and it continues after them. Real back office, real workstation cores.
 */
import { eq } from 'drizzle-orm';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { sampleCase, startTestBackoffice, TestDevice, type TestBackoffice } from '../../backoffice/testing';
import { caseNumberSequences, outbox } from '../../db/schema';
import { createSyncEngine, type SyncEngine } from '../../electron/sync';
import { SYNC_ROUTES } from '../../shared/sync';
import type { Workstation } from '../../electron/workstation';
import { acceptCase, materialsFromPlan, memoryBlobs, memoryCredentials } from '../chaos/sync-fixture';
import { writeCatalogFixture } from '../helpers/catalog-fixture';
import { openTestWorkstation, signInAdmin, tempDir } from '../helpers/workstation';

let bo: TestBackoffice;
beforeAll(async () => {
  bo = await startTestBackoffice();
}, 60_000);
afterAll(async () => {
  await bo?.close();
});

async function install(root: string, windowNo: string): Promise<{ ws: Workstation; admin: string; engine: SyncEngine; dir: ReturnType<typeof tempDir> }> {
  const dir = tempDir();
  const ws = await openTestWorkstation(join(dir.path, 'data'), { catalogDir: writeCatalogFixture(join(dir.path, 'catalog')), flags: { windowNo } });
  const admin = await signInAdmin(ws);
  const blobs = memoryBlobs();
  const engine = createSyncEngine({
    db: ws.database.db,
    baseUrl: bo.baseUrl,
    credentials: memoryCredentials(),
    blobs,
    materialsForCase: materialsFromPlan(blobs, { pageSize: 1024, pages: 1 }),
    approvalFor: (code, version) => ws.catalog.get(code, version).approval,
    now: () => new Date(),
    onEvent: () => undefined,
    tuning: { backoffBaseMs: 20, backoffCapMs: 200, idlePollMs: 100, requestTimeoutMs: 10_000 },
  });
  void root;
  return { ws, admin, engine, dir };
}

const seqOf = (caseNo: string) => Number(caseNo.split('-').at(-1));

describe('case numbers after a reinstall', () => {
  it('a reinstalled window continues after the numbers the back office holds instead of colliding', async () => {
    const windowNo = '91';
    const first = await install('a', windowNo);
    await first.engine.enrol(await bo.backoffice.admin.createEnrolmentCode({ centerCode: '32011300', windowNo }), 'pc-before');
    const before = [];
    for (let i = 0; i < 3; i++) before.push(await acceptCase(first.ws, first.admin, i));
    await first.engine.syncOnce();
    expect(first.engine.status()).toMatchObject({ backlog: 0, dead: 0 });
    const prefix = before[0].caseNo.replace(/-\d+$/, '');
    await first.ws.close();
    first.dir.remove();

    // Asked for, the enrolment answer names the last number held for this window's recent days;
    // an older device that does not ask gets the answer it knows.
    const code = await bo.backoffice.admin.createEnrolmentCode({ centerCode: '32011300', windowNo });
    const asked = await fetch(bo.baseUrl + SYNC_ROUTES.enrolWithCaseNumbers, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, deviceName: 'probe' }) });
    expect(asked.status).toBe(201);
    expect(((await asked.json()) as { caseNumbers: unknown[] }).caseNumbers).toContainEqual({ prefix, lastValue: seqOf(before[2].caseNo) });
    const older = await TestDevice.enrol(bo.baseUrl, await bo.backoffice.admin.createEnrolmentCode({ centerCode: '32011300', windowNo }));
    expect(older.credentials).not.toHaveProperty('caseNumbers');

    // Reinstalled: an empty database, the same center and window, a new enrolment.
    const again = await install('b', windowNo);
    await again.engine.enrol(await bo.backoffice.admin.createEnrolmentCode({ centerCode: '32011300', windowNo }), 'pc-after');
    expect(again.ws.database.db.select().from(caseNumberSequences).where(eq(caseNumberSequences.prefix, prefix)).get()).toEqual({ prefix, lastValue: 3 });
    const next = await acceptCase(again.ws, again.admin, 10);
    expect(seqOf(next.caseNo)).toBe(4);
    await again.engine.syncOnce();
    // Delivered: no CASE_EXISTS dead letter.
    expect(again.engine.status()).toMatchObject({ backlog: 0, dead: 0 });
    expect(again.ws.database.db.select().from(outbox).where(eq(outbox.caseId, next.id)).get()!.status).toBe('done');
    await again.engine.stop();
    await again.ws.close();
    again.dir.remove();
  }, 60_000);

  it('enrolment raises a local sequence that is behind and never lowers one that is ahead', async () => {
    const windowNo = '92';
    const ws = await install('c', windowNo);
    for (let i = 0; i < 2; i++) await acceptCase(ws.ws, ws.admin, 20 + i);
    const [row] = ws.ws.database.db.select().from(caseNumberSequences).all();
    expect(row.lastValue).toBe(2);
    // Another device of this window pushed today's 0001 and, for the previous day, 0007.
    const other = await TestDevice.enrol(bo.baseUrl, await bo.backoffice.admin.createEnrolmentCode({ centerCode: '32011300', windowNo }));
    const yesterday = row.prefix.replace(/-(\d{8})-/, (_m, d: string) => `-${String(Number(d) - 1)}-`);
    const pushed = await other.push([
      { mutationId: ulid(), kind: 'case.create', payload: sampleCase(other.credentials, { caseNo: `${row.prefix}-0001`, approval: { lead: 'MZ', co: [] } }) },
      { mutationId: ulid(), kind: 'case.create', payload: sampleCase(other.credentials, { caseNo: `${yesterday}-0007`, approval: { lead: 'MZ', co: [] } }) },
    ]);
    expect(pushed.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    await ws.engine.enrol(await bo.backoffice.admin.createEnrolmentCode({ centerCode: '32011300', windowNo }), 'pc');
    const seqs = Object.fromEntries(ws.ws.database.db.select().from(caseNumberSequences).all().map((r) => [r.prefix, r.lastValue]));
    expect(seqs).toEqual({ [row.prefix]: 2, [yesterday]: 7 });
    await ws.ws.close();
    ws.dir.remove();
  }, 60_000);
});
