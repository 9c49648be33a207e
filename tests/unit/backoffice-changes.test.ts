import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { changesResponseSchema, SYNC_ROUTES } from '../../shared/sync';
import {
  sampleCase,
  sha256Hex,
  startSecondInstance,
  startTestBackoffice,
  testBackends,
  TestDevice,
  type TestBackoffice,
} from '../../backoffice/testing';

describe.each(testBackends())('change feed ($name)', ({ name, postgresUrl }) => {
  let t: TestBackoffice;
  let a: TestDevice;
  let b: TestDevice;

  beforeAll(async () => {
    t = await startTestBackoffice({ postgresUrl, limits: { maxWaitSeconds: 2, pollIntervalMs: 60_000 } });
    a = await TestDevice.enrol(t.baseUrl, await t.backoffice.admin.createEnrolmentCode({ centerCode: '320113003', windowNo: '01' }));
    b = await TestDevice.enrol(t.baseUrl, await t.backoffice.admin.createEnrolmentCode({ centerCode: '320113003', windowNo: '02' }));
  }, 60_000);
  afterAll(async () => t?.close());

  const create = (device: TestDevice) => device.push([{ mutationId: ulid(), kind: 'case.create', payload: sampleCase(device.credentials) }]);

  it('pages through a device’s own events and broadcasts with a monotonic cursor', async () => {
    for (let i = 0; i < 3; i++) await create(a);
    await create(b);
    const bundle = new TextEncoder().encode(JSON.stringify({ items: ['QX-SCJG-XK-001'] }));
    await t.backoffice.admin.publishCatalogUpdate({ version: '2025.03.1', bundle, note: '新增事项' });
    await t.backoffice.admin.publishRestrictedListUpdate({ version: 'R-42' });

    const all = changesResponseSchema.parse(await a.changes(0));
    expect(all.events.map((e) => e.type)).toEqual(['case-received', 'case-received', 'case-received', 'catalog-updated', 'restricted-list-updated']);
    expect(all.hasMore).toBe(false);
    expect(all.cursor).toBe(all.events.at(-1)!.seq);
    const seqs = all.events.map((e) => e.seq);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    expect(new Set(all.events.map((e) => e.eventId)).size).toBe(all.events.length);

    // Device b sees its own case and the same broadcasts, never a's cases.
    const other = await b.changes(0);
    expect(other.events.map((e) => e.type)).toEqual(['case-received', 'catalog-updated', 'restricted-list-updated']);

    // Paging: two at a time, resuming from each cursor, gives the same events.
    const paged = [];
    let cursor = 0;
    for (;;) {
      const response = await a.fetch(SYNC_ROUTES.changes(cursor, 0, 2));
      const page = changesResponseSchema.parse(await response.json());
      paged.push(...page.events);
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    expect(paged.map((e) => e.eventId)).toEqual(all.events.map((e) => e.eventId));
    expect(await a.changes(cursor)).toEqual({ events: [], cursor, hasMore: false });

    // The catalogue bundle is downloadable by every device and is the published bytes.
    const catalog = all.events.find((e) => e.type === 'catalog-updated')!;
    if (catalog.type !== 'catalog-updated') throw new Error('unexpected');
    expect(catalog.data.bundle!.sha256).toBe(sha256Hex(bundle));
    const download = await b.fetch(SYNC_ROUTES.blob(catalog.data.bundle!.sha256));
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bundle);
  });

  it('wakes a long-poll as soon as an event arrives', async () => {
    const { cursor } = await a.changes(0);
    const started = Date.now();
    const polling = a.changes(cursor, 20);
    await new Promise((r) => setTimeout(r, 300));
    await create(b); // someone else's event must not answer a's poll
    await new Promise((r) => setTimeout(r, 200));
    await create(a);
    const response = await polling;
    expect(response.events.map((e) => e.type)).toEqual(['case-received']);
    expect(response.cursor).toBeGreaterThan(cursor);
    // maxWaitSeconds is 2 and the poll timer 60 s: only the wake-up can explain an answer.
    expect(Date.now() - started).toBeLessThan(1900);
  });

  it('ends an empty long-poll after the capped wait', async () => {
    const { cursor } = await a.changes(0);
    const started = Date.now();
    const response = await a.changes(cursor, 600);
    expect(response).toEqual({ events: [], cursor, hasMore: false });
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(1900);
    expect(waited).toBeLessThan(10_000);
  });

  it('validates the query', async () => {
    const response = await a.fetch('/v1/changes?since=-1');
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.code).toBe('INVALID_REQUEST');
  });

  it.runIf(name === 'postgres')('wakes a long-poll on one instance for an event written through another', async () => {
    const second = await startSecondInstance(t);
    try {
      const viaSecond = new TestDevice(second.baseUrl, a.credentials);
      const { cursor } = await a.changes(0);
      const polling = a.changes(cursor, 20);
      await new Promise((r) => setTimeout(r, 300));
      const started = Date.now();
      await viaSecond.push([{ mutationId: ulid(), kind: 'case.create', payload: sampleCase(a.credentials) }]);
      const response = await polling;
      expect(response.events.map((e) => e.type)).toEqual(['case-received']);
      expect(Date.now() - started).toBeLessThan(1700);
    } finally {
      await second.backoffice.close();
    }
  });
});
