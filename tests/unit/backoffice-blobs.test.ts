import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { blobUploadResponseSchema, errorBodySchema, SYNC_ROUTES } from '../../shared/sync';
import { sampleCase, sha256Hex, startTestBackoffice, testBackends, TestDevice, type TestBackoffice } from '../../backoffice/testing';

const KiB = 1024;

describe.each(testBackends())('content-addressed blobs ($name)', ({ postgresUrl }) => {
  let t: TestBackoffice;
  let device: TestDevice;
  const storedPath = (sha: string) => join(t.blobDir, sha.slice(0, 2), sha.slice(2, 4), sha);
  const partials = () => readdir(join(t.blobDir, '.partial'));

  beforeAll(async () => {
    t = await startTestBackoffice({ postgresUrl, limits: { maxChunkBytes: 256 * KiB, maxBlobBytes: 1024 * KiB } });
    device = await TestDevice.enrol(t.baseUrl, await t.backoffice.admin.createEnrolmentCode({ centerCode: '320113001', windowNo: '01' }));
  }, 60_000);
  afterAll(async () => t?.close());

  it('stores a blob sent in one piece and reports it with HEAD', async () => {
    const data = randomBytes(100 * KiB);
    const sha = sha256Hex(data);
    const before = await device.fetch(SYNC_ROUTES.blob(sha), { method: 'HEAD' });
    expect(before.status).toBe(404);
    expect(before.headers.get('upload-offset')).toBe('0');

    const put = await device.putChunk(sha, 0, data.length, data);
    expect(put.status).toBe(201);
    expect(blobUploadResponseSchema.parse(await put.json())).toEqual({ sha256: sha, offset: data.length, total: data.length, complete: true });

    const head = await device.fetch(SYNC_ROUTES.blob(sha), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(data.length));
    expect(await readFile(storedPath(sha))).toEqual(data);
  });

  it('resumes a partial upload from the offset the server acknowledged', async () => {
    const data = randomBytes(600 * KiB);
    const sha = sha256Hex(data);
    const first = await device.putChunk(sha, 0, data.length, data.subarray(0, 200 * KiB));
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ offset: 200 * KiB, complete: false });

    // The connection drops; the device asks where to go on.
    const head = await device.fetch(SYNC_ROUTES.blob(sha), { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(head.headers.get('upload-offset')).toBe(String(200 * KiB));
    expect(head.headers.get('upload-length')).toBe(String(600 * KiB));

    // A stale resend of the first chunk, and a chunk from too far ahead, both get the real offset.
    for (const offset of [0, 400 * KiB]) {
      const wrong = await device.putChunk(sha, offset, data.length, data.subarray(offset, offset + 200 * KiB));
      expect(wrong.status).toBe(409);
      expect(wrong.headers.get('upload-offset')).toBe(String(200 * KiB));
      const body = errorBodySchema.parse(await wrong.json());
      expect(body.error).toMatchObject({ code: 'UPLOAD_OFFSET_MISMATCH', details: { offset: 200 * KiB } });
    }
    expect((await device.putChunk(sha, 200 * KiB, data.length, data.subarray(200 * KiB, 400 * KiB))).status).toBe(200);
    const last = await device.putChunk(sha, 400 * KiB, data.length, data.subarray(400 * KiB));
    expect(last.status).toBe(201);
    expect(await readFile(storedPath(sha))).toEqual(data);
    expect(await partials()).not.toContain(sha);
  });

  it('discards an upload whose bytes do not match the hash (422) and accepts a good one after', async () => {
    const data = randomBytes(300 * KiB);
    const sha = sha256Hex(data);
    const corrupted = Buffer.from(data);
    corrupted[250 * KiB] ^= 0xff;
    expect((await device.putChunk(sha, 0, data.length, corrupted.subarray(0, 200 * KiB))).status).toBe(200);
    const bad = await device.putChunk(sha, 200 * KiB, data.length, corrupted.subarray(200 * KiB));
    expect(bad.status).toBe(422);
    const body = errorBodySchema.parse(await bad.json());
    expect(body.error.code).toBe('BLOB_HASH_MISMATCH');
    expect(body.error.message).toContain('SHA-256');
    expect(await partials()).not.toContain(sha);
    await expect(stat(storedPath(sha))).rejects.toThrow();
    const head = await device.fetch(SYNC_ROUTES.blob(sha), { method: 'HEAD' });
    expect([head.status, head.headers.get('upload-offset')]).toEqual([404, '0']);

    expect(await device.upload(data, 128 * KiB)).toBe(sha);
    expect(await readFile(storedPath(sha))).toEqual(data);
  });

  it('refuses a whole blob in one request whose bytes do not match (422) without writing anything', async () => {
    const data = randomBytes(50 * KiB);
    const sha = sha256Hex(data);
    const corrupted = Buffer.from(data);
    corrupted[7] ^= 0xff;
    const bad = await device.putChunk(sha, 0, data.length, corrupted);
    expect(bad.status).toBe(422);
    expect(errorBodySchema.parse(await bad.json()).error.code).toBe('BLOB_HASH_MISMATCH');
    await expect(stat(storedPath(sha))).rejects.toThrow();
    expect(await partials()).not.toContain(sha);
    expect(await readdir(join(t.blobDir, '.tmp'))).toEqual([]);
    const head = await device.fetch(SYNC_ROUTES.blob(sha), { method: 'HEAD' });
    expect([head.status, head.headers.get('upload-offset')]).toEqual([404, '0']);
    expect((await device.putChunk(sha, 0, data.length, data)).status).toBe(201);
    expect(await readFile(storedPath(sha))).toEqual(data);
  });

  it('sends a whole blob over a partial of the same blob back to the acknowledged offset', async () => {
    const data = randomBytes(200 * KiB);
    const sha = sha256Hex(data);
    expect((await device.putChunk(sha, 0, data.length, data.subarray(0, 100 * KiB))).status).toBe(200);
    const whole = await device.putChunk(sha, 0, data.length, data);
    expect(whole.status).toBe(409);
    expect(whole.headers.get('upload-offset')).toBe(String(100 * KiB));
    expect((await device.putChunk(sha, 100 * KiB, data.length, data.subarray(100 * KiB))).status).toBe(201);
    expect(await readFile(storedPath(sha))).toEqual(data);
  });

  it('stores one copy when the same whole blob arrives twice at once', async () => {
    const data = randomBytes(120 * KiB);
    const sha = sha256Hex(data);
    const answers = await Promise.all([device.putChunk(sha, 0, data.length, data), device.putChunk(sha, 0, data.length, data)]);
    for (const a of answers) {
      expect([200, 201]).toContain(a.status);
      expect(await a.json()).toMatchObject({ complete: true, offset: data.length });
    }
    expect(await readFile(storedPath(sha))).toEqual(data);
    expect(await readdir(join(t.blobDir, '.tmp'))).toEqual([]);
    const head = await device.fetch(SYNC_ROUTES.blob(sha), { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length')]).toEqual([200, String(data.length)]);
  });

  it('never stores a blob twice', async () => {
    const data = randomBytes(10 * KiB);
    const sha = await device.upload(data);
    const before = await stat(storedPath(sha));
    await new Promise((r) => setTimeout(r, 20));
    const again = await device.putChunk(sha, 0, data.length, data);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ complete: true, offset: data.length });
    const after = await stat(storedPath(sha));
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.ino).toBe(before.ino);
  });

  it('validates the hash in the path strictly', async () => {
    const data = Buffer.from('x');
    for (const bad of ['..%2F..%2F..%2Fetc%2Fpasswd', 'A'.repeat(64), 'a'.repeat(63), `${'a'.repeat(64)}%00`, '..']) {
      const put = await device.fetch(`/v1/blobs/${bad}?offset=0&total=1`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream' },
        body: data,
      });
      expect([400, 404]).toContain(put.status);
      const get = await device.fetch(`/v1/blobs/${bad}`);
      expect([400, 404]).toContain(get.status);
    }
    const traversal = await device.fetch('/v1/blobs/..%2Fblobs', { method: 'GET' });
    expect(((await traversal.json()) as any).error.code).toBe('INVALID_SHA256');
  });

  it('limits chunk and blob size, and checks ranges and content type', async () => {
    const big = randomBytes(300 * KiB);
    const tooBigChunk = await device.putChunk(sha256Hex(big), 0, big.length, big);
    expect(tooBigChunk.status).toBe(413);
    expect(((await tooBigChunk.json()) as any).error.code).toBe('PAYLOAD_TOO_LARGE');

    const small = randomBytes(1 * KiB);
    const tooBigBlob = await device.putChunk(sha256Hex(small), 0, 2048 * KiB, small);
    expect(tooBigBlob.status).toBe(413);
    expect(((await tooBigBlob.json()) as any).error.code).toBe('BLOB_TOO_LARGE');

    const outOfRange = await device.putChunk(sha256Hex(small), 0, 10, small);
    expect(outOfRange.status).toBe(400);
    expect(((await outOfRange.json()) as any).error.code).toBe('CHUNK_OUT_OF_RANGE');

    const json = await device.fetch(SYNC_ROUTES.blobUpload(sha256Hex(small), 0, small.length), {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 1 }),
    });
    expect(json.status).toBe(415);

    // Changing the total in the middle of an upload is refused.
    const data = randomBytes(100 * KiB);
    const sha = sha256Hex(data);
    await device.putChunk(sha, 0, data.length, data.subarray(0, 50 * KiB));
    const changed = await device.putChunk(sha, 50 * KiB, data.length + 1, data.subarray(50 * KiB));
    expect(changed.status).toBe(409);
    expect(((await changed.json()) as any).error.code).toBe('UPLOAD_TOTAL_MISMATCH');
  });

  it('lets a device download only blobs of its own cases', async () => {
    const scan = randomBytes(5 * KiB);
    const sha = await device.upload(scan);
    expect((await device.fetch(SYNC_ROUTES.blob(sha))).status).toBe(404);

    const kase = sampleCase(device.credentials, {
      materials: [{ materialId: 'id-card', name: '身份证', status: 'received', blobs: [sha] }],
    });
    const { results } = await device.push([{ mutationId: ulid(), kind: 'case.create', payload: kase }]);
    expect(results[0].status).toBe('applied');
    const download = await device.fetch(SYNC_ROUTES.blob(sha));
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(scan);

    const other = await TestDevice.enrol(t.baseUrl, await t.backoffice.admin.createEnrolmentCode({ centerCode: '320113001', windowNo: '02' }));
    expect((await other.fetch(SYNC_ROUTES.blob(sha))).status).toBe(404);
  });
});
