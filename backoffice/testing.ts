/**
 * Test support: a real back office on 127.0.0.1 (PGlite in a temp folder, or a fresh database
 * on a PostgreSQL server), plus a small device client over real HTTP. Used by the back office's
 * tests and handy for the workstation's sync-engine tests.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ulid } from 'ulid';
import {
  deviceAuthorization,
  SYNC_ROUTES,
  type CaseSubmission,
  type ChangesResponse,
  type EnrolResponse,
  type Mutation,
  type PushResponse,
} from '../shared/sync';
import type { BackofficeLimits } from './context';
import { MIGRATIONS_FOLDER, openDatabase, type DatabaseConfig } from './db/connect';
import { createBackoffice, type Backoffice } from './server';

/** The backends a test file runs against: PGlite always, PostgreSQL when TEST_DATABASE_URL is set. */
export function testBackends(): { name: 'pglite' | 'postgres'; postgresUrl?: string }[] {
  const url = process.env.TEST_DATABASE_URL;
  return [{ name: 'pglite' }, ...(url ? [{ name: 'postgres' as const, postgresUrl: url }] : [])];
}

export interface TestBackoffice {
  backoffice: Backoffice;
  database: DatabaseConfig;
  blobDir: string;
  baseUrl: string;
  /** Temp folder holding the blob store (and the PGlite data). */
  dir: string;
  /** Moves the back office's clock forward. */
  advanceClock(ms: number): void;
  close(): Promise<void>;
}

export interface TestBackofficeOptions {
  /** A PostgreSQL server URL: a fresh database is created on it and dropped on close. */
  postgresUrl?: string;
  limits?: Partial<BackofficeLimits>;
}

export async function startTestBackoffice(options: TestBackofficeOptions = {}): Promise<TestBackoffice> {
  const dir = await mkdtemp(join(tmpdir(), 'onewindow-backoffice-'));
  let offset = 0;
  let dropDatabase: (() => Promise<void>) | undefined;
  let database: Parameters<typeof createBackoffice>[0]['database'];
  if (options.postgresUrl) {
    const created = await createScratchDatabase(options.postgresUrl);
    database = { kind: 'postgres', url: created.url };
    dropDatabase = created.drop;
  } else {
    database = { kind: 'pglite', dataDir: join(dir, 'pgdata') };
    await seedPgliteDataDir(database.dataDir);
  }
  const blobDir = join(dir, 'blobs');
  const backoffice = await createBackoffice({
    database,
    blobDir,
    limits: options.limits,
    now: () => new Date(Date.now() + offset),
  });
  const baseUrl = await backoffice.listen(0, '127.0.0.1');
  return {
    backoffice,
    database,
    blobDir,
    baseUrl,
    dir,
    advanceClock(ms) {
      offset += ms;
    },
    async close() {
      await backoffice.close();
      await dropDatabase?.();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A second instance on the same PostgreSQL database and blob folder, as behind a load
 * balancer (PGlite is single-process, so PostgreSQL only).
 */
export async function startSecondInstance(first: TestBackoffice): Promise<{ backoffice: Backoffice; baseUrl: string }> {
  if (first.database.kind !== 'postgres') throw new Error('a second instance needs PostgreSQL');
  const backoffice = await createBackoffice({ database: first.database, blobDir: first.blobDir });
  return { backoffice, baseUrl: await backoffice.listen(0, '127.0.0.1') };
}

/**
 * A fresh PGlite folder takes seconds to initialise; a migrated template, made once per
 * migration set and copied, takes a fraction of that.
 */
export async function seedPgliteDataDir(dataDir: string): Promise<void> {
  const files = (await readdir(MIGRATIONS_FOLDER, { recursive: true })).filter((f) => f.endsWith('.sql') || f.endsWith('.json')).sort();
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update(await readFile(join(MIGRATIONS_FOLDER, f)));
  const template = join(tmpdir(), `onewindow-pglite-template-${hash.digest('hex').slice(0, 16)}`);
  if (!(await stat(template).catch(() => null))) {
    const building = `${template}.${randomBytes(4).toString('hex')}`;
    const db = await openDatabase({ kind: 'pglite', dataDir: building });
    await db.close();
    // Another worker may have won the race; either template is as good.
    await rename(building, template).catch(() => rm(building, { recursive: true, force: true }));
  }
  await cp(template, dataDir, { recursive: true });
}

export async function createScratchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `onewindow_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A minimal device over real HTTP: what a workstation's sync engine does, without the retries. */
export class TestDevice {
  constructor(
    readonly baseUrl: string,
    readonly credentials: EnrolResponse,
  ) {}

  static async enrol(baseUrl: string, code: string, deviceName = 'test-pc'): Promise<TestDevice> {
    const response = await fetch(baseUrl + SYNC_ROUTES.enrol, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, deviceName }),
    });
    if (response.status !== 201) throw new Error(`enrol failed: ${response.status} ${await response.text()}`);
    return new TestDevice(baseUrl, (await response.json()) as EnrolResponse);
  }

  get id(): string {
    return this.credentials.deviceId;
  }

  get authorization(): string {
    return deviceAuthorization(this.credentials.deviceId, this.credentials.deviceSecret);
  }

  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(this.baseUrl + path, { ...init, headers: { authorization: this.authorization, ...(init.headers as Record<string, string>) } });
  }

  putChunk(sha256: string, offset: number, total: number, chunk: Uint8Array): Promise<Response> {
    return this.fetch(SYNC_ROUTES.blobUpload(sha256, offset, total), {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      // A copy backed by a plain ArrayBuffer satisfies both Node's and the DOM's BodyInit typings.
      body: new Uint8Array(chunk),
    });
  }

  /** HEAD, then upload the rest in chunks; returns the sha256. */
  async upload(data: Uint8Array, chunkSize = 1024 * 1024): Promise<string> {
    const sha = sha256Hex(data);
    const head = await this.fetch(SYNC_ROUTES.blob(sha), { method: 'HEAD' });
    if (head.status === 200) return sha;
    let offset = Number(head.headers.get('upload-offset') ?? 0);
    while (offset < data.byteLength) {
      const response = await this.putChunk(sha, offset, data.byteLength, data.subarray(offset, offset + chunkSize));
      const body = (await response.json()) as { offset?: number; error?: { details?: { offset: number } } };
      if (response.status === 409) offset = body.error!.details!.offset;
      else if (response.ok) offset = body.offset!;
      else throw new Error(`upload failed: ${response.status} ${JSON.stringify(body)}`);
    }
    return sha;
  }

  async push(mutations: Mutation[]): Promise<PushResponse> {
    const response = await this.fetch(SYNC_ROUTES.push, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ deviceId: this.id, mutations }),
    });
    if (!response.ok) throw new Error(`push failed: ${response.status} ${await response.text()}`);
    return (await response.json()) as PushResponse;
  }

  async changes(since: number, waitSeconds = 0): Promise<ChangesResponse> {
    const response = await this.fetch(SYNC_ROUTES.changes(since, waitSeconds));
    if (!response.ok) throw new Error(`changes failed: ${response.status} ${await response.text()}`);
    return (await response.json()) as ChangesResponse;
  }
}

/** A reviewer session over real HTTP. */
export class TestReviewer {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  static async login(baseUrl: string, username: string, password: string): Promise<TestReviewer> {
    const response = await fetch(baseUrl + SYNC_ROUTES.reviewLogin, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
    return new TestReviewer(baseUrl, ((await response.json()) as { token: string }).token);
  }

  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(this.baseUrl + path, { ...init, headers: { authorization: `Bearer ${this.token}`, ...(init.headers as Record<string, string>) } });
  }

  decide(taskId: string, body: unknown): Promise<Response> {
    return this.fetch(SYNC_ROUTES.reviewDecision(taskId), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }
}

/** A valid case.create payload for a device; override any field. */
export function sampleCase(device: { centerCode: string; windowNo: string }, overrides: Partial<CaseSubmission> = {}): CaseSubmission {
  const caseId = ulid();
  return {
    caseId,
    caseNo: `QX${device.centerCode}-${caseId.slice(-10)}`,
    itemCode: 'QX-SCJG-XK-001',
    itemVersion: 1,
    itemName: '食品经营许可',
    centerCode: device.centerCode,
    windowNo: device.windowNo,
    acceptedAt: new Date().toISOString(),
    acceptedBy: 'clerk01',
    applicant: { name: '张三', idType: 'resident-id', idNumber: '11010519491231002X', mobile: '13800000000' },
    formData: { shopName: '栖霞小吃店', address: '南京市栖霞区仙林大道 1 号' },
    materials: [],
    approval: { lead: 'SCJG', co: [] },
    ...overrides,
  };
}
