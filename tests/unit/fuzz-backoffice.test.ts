/**
 * Hostile input against EVERY back-office HTTP route over real HTTP (PGlite in a temp folder):
 * malformed and oversized bodies, wrong types, deep nesting, prototype-pollution keys,
 * path-traversal and encoded path parameters, garbage credentials, replayed and reordered
 * pushes, and chunk uploads at wrong offsets. No request may get a 5xx, every refusal is a
 * typed `{ error: { code, message } }` with a Chinese message, and afterwards the database holds
 * no half-written case (every case has its tasks, blobs and feed event) and no blob that does
 * not match its hash. Prints `fuzz: routes=N cases=M`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKOFFICE_PERMISSIONS } from '../../shared/auth/permissions';
import { SYNC_ERROR_CODES, SYNC_ROUTES, type Mutation } from '../../shared/sync';
import { openDatabase } from '../../backoffice/db/connect';
import { sampleCase, sha256Hex, startTestBackoffice, TestDevice, TestReviewer, type TestBackoffice } from '../../backoffice/testing';

const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 60);
const SEQUENCE_RUNS = Number(process.env.FUZZ_SEQUENCE_RUNS ?? 30);
const CHINESE = /[\u4e00-\u9fff]/;
const PASSWORD = 'Qixia#2026review';

const HOSTILE_SEGMENTS = [
  '..',
  '../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '%2e%2e%2f%2e%2e%2f',
  '..%5c..%5cwindows',
  '%00',
  'a'.repeat(5000),
  '0'.repeat(64),
  'A'.repeat(64),
  'g'.repeat(64),
  '__proto__',
  'constructor',
  '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  '%E4%B8%AD%E6%96%87',
  '%',
  '%ZZ',
];

describe('fuzzing every back-office route', () => {
  let t: TestBackoffice;
  let device: TestDevice;
  let reviewer: TestReviewer;
  let knownSha: string;
  let knownCase: string;
  let cases = 0;
  const outcomes = new Map<number, number>();

  beforeAll(async () => {
    t = await startTestBackoffice({ limits: { maxChunkBytes: 64 * 1024, maxPushBodyBytes: 256 * 1024 } });
    device = await TestDevice.enrol(t.baseUrl, await t.backoffice.admin.createEnrolmentCode({ centerCode: '320113004', windowNo: '01' }));
    await t.backoffice.admin.createReviewer({ username: 'scjg.fuzz', password: PASSWORD, department: 'SCJG', displayName: '审批' });
    reviewer = await TestReviewer.login(t.baseUrl, 'scjg.fuzz', PASSWORD);
    knownSha = await device.upload(randomBytes(3000));
    const kase = sampleCase(device.credentials, { materials: [{ materialId: 'id-card', name: '身份证', status: 'received', blobs: [knownSha] }], approval: { lead: 'SCJG', co: [] } });
    knownCase = kase.caseId;
    const { results } = await device.push([{ mutationId: ulid(), kind: 'case.create', payload: kase }]);
    expect(results[0]!.status).toBe('applied');
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  async function send(method: string, path: string, init: { headers?: Record<string, string>; body?: string | Uint8Array } = {}) {
    let response: Response;
    try {
      response = await fetch(t.baseUrl + path, { method, headers: init.headers, body: init.body as RequestInit['body'] });
    } catch (err) {
      // A URL fetch itself refuses to send (e.g. a bad percent escape in a path) never reached the server.
      if (err instanceof TypeError && /URL|url/.test(err.message)) return undefined;
      throw err;
    }
    const text = await response.text();
    cases++;
    outcomes.set(response.status, (outcomes.get(response.status) ?? 0) + 1);
    expect(response.status, `${method} ${path.slice(0, 200)} → ${response.status} ${text.slice(0, 300)}`).toBeLessThan(500);
    if (response.status >= 400 && method !== 'HEAD') {
      const body = JSON.parse(text) as { error: { code: string; message: string } };
      expect(SYNC_ERROR_CODES, `${method} ${path}: ${text.slice(0, 200)}`).toContain(body.error.code);
      expect(body.error.message).toMatch(CHINESE);
    }
    return { status: response.status, text, headers: response.headers };
  }

  const credential = () =>
    fc.oneof(
      fc.constant<Record<string, string>>({}),
      fc.constant({ authorization: device.authorization }),
      fc.constant({ authorization: `Bearer ${reviewer.token}` }),
      fc.constantFrom('Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', `Bearer ${device.id}.`, `Bearer ${device.id}.${'x'.repeat(40)}`, `Bearer ${'A'.repeat(26)}.${'a'.repeat(43)}`, 'Bearer ../../etc', `Bearer ${'x'.repeat(10_000)}`).map((authorization) => ({ authorization })),
    );

  const jsonish = fc.oneof(
    fc.anything({ maxDepth: 3 }),
    fc.constantFrom(
      '{"__proto__": {"polluted": 1}}',
      '{"constructor": {"prototype": {"polluted": 1}}}',
      '{"deviceId": 1, "mutations": "x"}',
      '[]',
      'null',
      '{',
      '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}',
      JSON.stringify({ mutations: Array.from({ length: 2000 }, () => ({ mutationId: 'x' })) }),
      'x'.repeat(300 * 1024),
    ),
  );
  const bodyOf = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v) ?? 'undefined');
  const segment = fc.oneof(fc.constantFrom(...HOSTILE_SEGMENTS), fc.string({ maxLength: 30 }).map(encodeURIComponent), fc.constant('KNOWN'));
  const fill = (s: string, known: string) => (s === 'KNOWN' ? known : s);
  const queryValue = fc.oneof(fc.integer().map(String), fc.constantFrom('-1', '1e309', 'NaN', '0x10', '', '9'.repeat(40), '1.5', 'null', '[]'), fc.string({ maxLength: 10 }).map(encodeURIComponent));

  /** One generator per route: path parameters, query, body and credentials all hostile. */
  const routeFuzz = (): Record<keyof typeof BACKOFFICE_PERMISSIONS, fc.Arbitrary<() => Promise<unknown>>> => ({
    'GET /v1/info': credential().map((h) => () => send('GET', SYNC_ROUTES.info, { headers: h })),
    'GET /healthz': credential().map((h) => () => send('GET', SYNC_ROUTES.health, { headers: h })),
    'POST /v1/devices/enrol': fc.tuple(credential(), jsonish).map(([h, b]) => () => send('POST', SYNC_ROUTES.enrol, { headers: { ...h, 'content-type': 'application/json' }, body: bodyOf(b) })),
    'HEAD /v1/blobs/:sha256': fc.tuple(credential(), segment).map(([h, s]) => () => send('HEAD', `/v1/blobs/${fill(s, knownSha)}`, { headers: h })),
    'GET /v1/blobs/:sha256': fc.tuple(credential(), segment).map(([h, s]) => () => send('GET', `/v1/blobs/${fill(s, knownSha)}`, { headers: h })),
    'PUT /v1/blobs/:sha256': fc
      .tuple(credential(), segment, queryValue, queryValue, fc.uint8Array({ maxLength: 2048 }), fc.constantFrom('application/octet-stream', 'application/json', 'text/plain'))
      .map(([h, s, offset, total, bytes, type]) => () => send('PUT', `/v1/blobs/${fill(s, sha256Hex(bytes))}?offset=${offset}&total=${total}`, { headers: { ...h, 'content-type': type }, body: bytes })),
    'POST /v1/push': fc.tuple(credential(), jsonish, fc.boolean()).map(([h, b, asMutation]) => () =>
      send('POST', SYNC_ROUTES.push, {
        headers: { ...h, 'content-type': 'application/json' },
        body: asMutation ? JSON.stringify({ deviceId: device.id, mutations: [{ mutationId: ulid(), kind: 'case.create', payload: b }] }) : bodyOf(b),
      }),
    ),
    'GET /v1/changes': fc.tuple(credential(), queryValue, queryValue, queryValue).map(([h, since, wait, limit]) => () => send('GET', `/v1/changes?since=${since}&wait=${wait === '0' ? '0' : '0'}&limit=${limit}`, { headers: h })),
    'POST /v1/review/login': fc.tuple(jsonish).map(([b]) => () => send('POST', SYNC_ROUTES.reviewLogin, { headers: { 'content-type': 'application/json' }, body: bodyOf(b) })),
    'POST /v1/review/logout': credential()
      .filter((h) => h.authorization !== `Bearer ${reviewer.token}`)
      .map((h) => () => send('POST', SYNC_ROUTES.reviewLogout, { headers: h })),
    'GET /v1/review/queue': credential().map((h) => () => send('GET', SYNC_ROUTES.reviewQueue, { headers: h })),
    'GET /v1/review/cases/:caseId': fc.tuple(credential(), segment).map(([h, s]) => () => send('GET', `/v1/review/cases/${fill(s, knownCase)}`, { headers: h })),
    'GET /v1/review/blobs/:sha256': fc.tuple(credential(), segment).map(([h, s]) => () => send('GET', `/v1/review/blobs/${fill(s, knownSha)}`, { headers: h })),
    'POST /v1/review/tasks/:taskId/decision': fc
      .tuple(credential(), segment, jsonish)
      .map(([h, s, b]) => () => send('POST', `/v1/review/tasks/${fill(s, ulid())}/decision`, { headers: { ...h, 'content-type': 'application/json' }, body: bodyOf(b) })),
  });

  it('answers every hostile request to every route with a typed 4xx or a valid result', async () => {
    const fuzz = routeFuzz();
    // Every route of the permission matrix has a generator (the type says so; this says it at run time too).
    expect(Object.keys(fuzz).sort()).toEqual(Object.keys(BACKOFFICE_PERMISSIONS).sort());
    for (const [route, arb] of Object.entries(fuzz)) {
      await fc.assert(
        fc.asyncProperty(arb, async (run) => {
          await run();
        }),
        { numRuns: RUNS_PER_ROUTE, endOnFailure: true },
      );
      expect(route).toBeTruthy();
    }
    // The reviewer's session survived the fuzz (nobody could log it out with another token).
    expect((await reviewer.fetch(SYNC_ROUTES.reviewQueue)).status).toBe(200);
  }, 120_000);

  it('applies replayed and reordered pushes exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.array(fc.nat(), { minLength: 2, maxLength: 10 }), async (n, picks) => {
        const mutations: Mutation[] = Array.from({ length: n }, () => ({ mutationId: ulid(), kind: 'case.create' as const, payload: sampleCase(device.credentials, { approval: { lead: 'SCJG', co: [] } }) }));
        // A second mutation for an already-sent case (same caseId, new mutationId): must not make a second case.
        const twin: Mutation = { ...mutations[0]!, mutationId: ulid() };
        const pool = [...mutations, twin];
        const seen = new Map<string, string>();
        for (const p of picks) {
          const m = pool[p % pool.length]!;
          const r = await send('POST', SYNC_ROUTES.push, { headers: { authorization: device.authorization, 'content-type': 'application/json' }, body: JSON.stringify({ deviceId: device.id, mutations: [m] }) });
          const result = (JSON.parse(r!.text) as { results: { mutationId: string; status: string }[] }).results[0]!;
          expect(['applied', 'duplicate', 'rejected']).toContain(result.status);
          // A replay of an applied mutation id is a duplicate; a refused one is refused again, the same way.
          const before = seen.get(m.mutationId);
          if (before) expect(result.status).toBe(before === 'rejected' ? 'rejected' : 'duplicate');
          seen.set(m.mutationId, before ?? result.status);
        }
        // Every case of the pool sent at least once exists exactly once.
        const applied = [...seen].filter(([, status]) => status === 'applied').map(([id]) => id);
        // The twin of an applied case is never applied as a second case.
        expect(applied.filter((id) => id === twin.mutationId || id === mutations[0]!.mutationId).length).toBeLessThanOrEqual(1);
        const sent = new Set(applied.map((id) => pool.find((m) => m.mutationId === id)!.payload).map((p) => (p as { caseId: string }).caseId));
        for (const caseId of sent) {
          expect((await reviewer.fetch(SYNC_ROUTES.reviewCase(caseId))).status).toBe(200);
        }
      }),
      { numRuns: SEQUENCE_RUNS, endOnFailure: true },
    );
  }, 120_000);

  /**
   * What a workstation does: resume at the server's offset, and start over at 0 when the
   * partial there was begun with another total (the server then replaces it).
   */
  async function honestUpload(data: Buffer): Promise<string> {
    const sha = sha256Hex(data);
    const head = await device.fetch(SYNC_ROUTES.blob(sha), { method: 'HEAD' });
    if (head.status === 200) return sha;
    const theirTotal = head.headers.get('upload-length');
    let offset = theirTotal && Number(theirTotal) !== data.length ? 0 : Number(head.headers.get('upload-offset') ?? 0);
    for (let turn = 0; turn < 50; turn++) {
      const response = await device.putChunk(sha, offset, data.length, data.subarray(offset, offset + 4096));
      const body = (await response.json()) as { offset?: number; complete?: boolean; error?: { code: string; details?: { offset: number } } };
      if (response.ok && body.complete) return sha;
      if (response.ok) offset = body.offset!;
      else if (body.error?.code === 'UPLOAD_TOTAL_MISMATCH') offset = 0;
      else if (response.status === 409) offset = Math.min(body.error!.details!.offset, data.length - 1);
      else throw new Error(`upload failed: ${response.status} ${JSON.stringify(body)}`);
    }
    throw new Error('upload did not finish in 50 turns');
  }

  it('keeps a blob whole whatever order and offsets its chunks arrive in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 20_000 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8000 }), fc.integer({ min: -2, max: 2 })), { minLength: 1, maxLength: 12 }),
        async (bytes, attempts) => {
          const data = Buffer.from(bytes);
          const sha = sha256Hex(data);
          // Hostile chunks first: wrong offsets, wrong totals, overlapping ranges.
          for (const [start, length, totalSkew] of attempts) {
            const offset = start % (data.length + 2);
            const chunk = data.subarray(Math.min(offset, data.length), Math.min(offset + length, data.length));
            await send('PUT', SYNC_ROUTES.blobUpload(sha, offset, data.length + totalSkew), { headers: { authorization: device.authorization, 'content-type': 'application/octet-stream' }, body: new Uint8Array(chunk) });
          }
          // Then the honest client resumes from whatever the server says.
          // (bounded: a server that can never let it finish is a failure, not a hang)
          const stuck = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`upload of ${data.length} bytes never completes after ${JSON.stringify(attempts)}`)), 10_000).unref());
          expect(await Promise.race([honestUpload(data), stuck])).toBe(sha);
          const got = await device.fetch(SYNC_ROUTES.blob(sha));
          // A blob no case names is not readable by a device; the HEAD still says it is complete.
          await got.arrayBuffer();
          const head = await device.fetch(SYNC_ROUTES.blob(sha), { method: 'HEAD' });
          expect(head.status).toBe(200);
          expect(Number(head.headers.get('content-length'))).toBe(data.length);
          cases += 2;
        },
      ),
      { numRuns: SEQUENCE_RUNS, endOnFailure: true },
    );
    // Wrong content under a hash: refused, never stored as that hash.
    const liar = randomBytes(100);
    const claimed = sha256Hex(randomBytes(100));
    const r = await send('PUT', SYNC_ROUTES.blobUpload(claimed, 0, liar.length), { headers: { authorization: device.authorization, 'content-type': 'application/octet-stream' }, body: new Uint8Array(liar) });
    expect(r!.status).toBeGreaterThanOrEqual(400);
    expect((await device.fetch(SYNC_ROUTES.blob(claimed), { method: 'HEAD' })).status).toBe(404);
  }, 120_000);

  it('leaves no half-written case and no blob that does not match its hash', async () => {
    await t.backoffice.close();
    if (t.database.kind !== 'pglite') return;
    const opened = await openDatabase(t.database);
    try {
      const rows = async (query: ReturnType<typeof sql>) => ((await opened.db.execute(query)) as unknown as { rows: Record<string, unknown>[] }).rows;
      expect(await rows(sql`select c.id from cases c where not exists (select 1 from review_tasks r where r.case_id = c.id)`)).toEqual([]);
      expect(await rows(sql`select c.id from cases c where not exists (select 1 from changes e where e.case_id = c.id)`)).toEqual([]);
      expect(await rows(sql`select b.case_id from case_blobs b left join blobs s on s.sha256 = b.sha256 where s.sha256 is null`)).toEqual([]);
      const stored = await rows(sql`select sha256 from blobs`);
      // Every complete blob on disk hashes to its name.
      const files = (await readdir(t.blobDir, { recursive: true })).map(String);
      for (const { sha256 } of stored as { sha256: string }[]) {
        const file = files.find((f) => f.endsWith(sha256));
        if (!file) continue;
        const path = join(t.blobDir, file);
        if (!(await stat(path)).isFile()) continue;
        expect(createHash('sha256').update(await readFile(path)).digest('hex')).toBe(sha256);
      }
    } finally {
      await opened.close();
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    console.log(`fuzz: routes=${Object.keys(BACKOFFICE_PERMISSIONS).length} cases=${cases} statuses=${JSON.stringify(Object.fromEntries(outcomes))}`);
  }, 60_000);
});
