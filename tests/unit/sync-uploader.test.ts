/**
 * The workstation's resumable uploader against a real back office over real HTTP: a partial
 * upload left behind with another total length (a broken or hostile client) must not block
 * the real blob forever.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sha256Hex, startTestBackoffice, TestDevice, type TestBackoffice } from '../../backoffice/testing';
import { SYNC_ROUTES } from '../../shared/sync';
import { createBackofficeClient } from '../../electron/sync/http';
import { createUploader } from '../../electron/sync/uploader';

let t: TestBackoffice;
let device: TestDevice;

beforeAll(async () => {
  t = await startTestBackoffice({});
  device = await TestDevice.enrol(t.baseUrl, await t.backoffice.admin.createEnrolmentCode({ centerCode: '320113001', windowNo: '01' }));
}, 60_000);
afterAll(async () => t?.close());

it('restarts from 0 when the server holds a partial of the same hash with another total', async () => {
  const data = new Uint8Array(randomBytes(300 * 1024));
  const sha = sha256Hex(data);
  // A partial that claims the blob is 1 MiB long: 64 KiB of it acknowledged.
  const first = await device.putChunk(sha, 0, 1024 * 1024, data.subarray(0, 64 * 1024));
  expect(first.status).toBe(200);
  const head = await device.fetch(SYNC_ROUTES.blob(sha), { method: 'HEAD' });
  expect(Number(head.headers.get('upload-offset'))).toBe(64 * 1024);

  const client = createBackofficeClient({ baseUrl: t.baseUrl, fetch, signal: new AbortController().signal, timeoutMs: 10_000 });
  const uploader = createUploader(client, { read: async () => data }, { chunkBytes: 128 * 1024 });
  await uploader.ensure(sha, device.credentials);

  // The server verifies the hash when the last byte lands: HEAD 200 means the whole blob is there.
  const done = await device.fetch(SYNC_ROUTES.blob(sha), { method: 'HEAD' });
  expect(done.status).toBe(200);
  expect(uploader.bytesSent).toBeGreaterThanOrEqual(data.byteLength);
}, 60_000);

it('sends a page that fits in one chunk as one PUT without asking first, once however often it is asked for', async () => {
  const data = new Uint8Array(randomBytes(200 * 1024));
  const sha = sha256Hex(data);
  const seen: string[] = [];
  const counting: typeof fetch = (input, init) => {
    seen.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
    return fetch(input, init);
  };
  const client = createBackofficeClient({ baseUrl: t.baseUrl, fetch: counting, signal: new AbortController().signal, timeoutMs: 10_000 });
  const uploader = createUploader(client, { read: async () => data }, { chunkBytes: 1024 * 1024 });
  // Two entries naming the same page at once: one upload, the other waits for it.
  await Promise.all([uploader.ensure(sha, device.credentials), uploader.ensure(sha, device.credentials)]);
  expect(seen).toEqual([`PUT ${SYNC_ROUTES.blob(sha)}`]);
  expect((await device.fetch(SYNC_ROUTES.blob(sha), { method: 'HEAD' })).status).toBe(200);

  // Another run whose local copy went bad: the back office holds the blob, so nothing is lost.
  const corrupt = createUploader(client, { read: async () => new Uint8Array(10) }, { chunkBytes: 1024 * 1024 });
  seen.length = 0;
  await corrupt.ensure(sha, device.credentials);
  expect(seen).toEqual([`HEAD ${SYNC_ROUTES.blob(sha)}`]);
  expect(corrupt.bytesSent).toBe(0);
}, 60_000);
