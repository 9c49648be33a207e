/**
 * Encryption at rest, end to end on a real data folder: a case with an ID number, a phone
 * number and a captured page, and a face check with its images. With the workstation open
 * and after it closed, no file of the data folder (database, -wal, -shm, blobs, face images;
 * the key folder excepted) holds the ID number (ASCII or UTF-16), the phone number, the
 * applicant's name, or a JPEG/PNG image. Also: a wrong key is refused, a plaintext database
 * and plain blobs of an earlier version are encrypted without losing a row, a tampered blob
 * is refused, and key rotation (also interrupted) keeps everything readable.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../electron/audit';
import { main as cli } from '../../electron/cli';
import { DatabaseOpenError, isPlaintextDatabase, openDatabase, openRawDatabase, PLAINTEXT_OLD_SUFFIX } from '../../electron/database';
import { createIdentityService } from '../../electron/identity';
import { createFaceService } from '../../electron/identity/face';
import { cropFace, demoImagePath, idPhotoFrom } from '../../electron/identity/face/testing';
import type { FaceDetectResult, FaceService } from '../../electron/identity/face/types';
import { scriptedFaceService, syntheticDetection, trainingCardData, writeTrainingCard } from '../../electron/identity/testing';
import { createFileKeyStore, createSealedKeyStore, keysForDataDir, OS_KEY_STORE_UNAVAILABLE } from '../../electron/keys';
import { BLOB_FORMAT, createBlobStore } from '../../electron/materials/blob-store';
import { BlobIntegrityError } from '../../electron/materials/errors';
import { rotateDataKeys, RotationStopped } from '../../electron/keys/rotate';
import type { Workstation } from '../../electron/workstation';
import { COMPLETE_MATERIALS, idNumber, PERSONAL_ITEM, personalFormData, writeCatalogFixture } from '../helpers/catalog-fixture';
import { openTestWorkstation, signInAdmin, tempDir } from '../helpers/workstation';

const ID = idNumber(); // 320113195503101232-style, valid check character
const PHONE = '13912345678'; // personalFormData's mobile
const NAME = '王秀英';
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ACTOR = { username: 'admin', role: 'admin' };

let dir: ReturnType<typeof tempDir>;
let dataDir: string;
let catalogDir: string;
let live: Buffer;
let chip: Buffer;
let page: Buffer;
/** The page as stored (cleaned and compressed by the materials worker). */
let storedPage: Buffer;
let caseId: string;
let pageSha: string;
let checkId: string;
/** What the open workstation's folder held (scanned before close, with the WAL in place). */
let openScan: string[] = [];
let openFiles: string[] = [];

/** Every file under `root`, keys/ excepted, as paths. */
function dataFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (relative(root, path) === 'keys') continue;
      if (statSync(path).isDirectory()) walk(path);
      else out.push(path);
    }
  };
  walk(root);
  return out;
}

/** 48 bytes of `buf` with many different values: a slice of a white page's JPEG can be all padding, found in any -shm. */
function distinctive(buf: Buffer): Buffer {
  for (let at = 200; at + 48 <= buf.length; at += 16) {
    const slice = buf.subarray(at, at + 48);
    if (new Set(slice).size >= 32) return slice;
  }
  throw new Error('no distinctive slice');
}

/** The forbidden patterns found in each file, as `file: pattern` lines (empty when clean). */
function scan(root: string): string[] {
  const patterns: [string, Buffer][] = [
    ['ID number (ASCII)', Buffer.from(ID)],
    ['ID number (UTF-16LE)', Buffer.from(ID, 'utf16le')],
    ['ID number birth date + sequence', Buffer.from(ID.slice(6, 17))],
    ['phone (ASCII)', Buffer.from(PHONE)],
    ['phone (UTF-16LE)', Buffer.from(PHONE, 'utf16le')],
    ['name (UTF-8)', Buffer.from(NAME)],
    ['face image JPEG header', live.subarray(0, 4)],
    ['ID photo JPEG header', chip.subarray(0, 4)],
    ['page JPEG header', page.subarray(0, 4)],
    ['stored page JPEG header', storedPage.subarray(0, 4)],
    ['stored page bytes', distinctive(storedPage)],
    ['face image bytes', distinctive(live)],
    ['ID photo bytes', distinctive(chip)],
    ['PNG signature', PNG_MAGIC],
    ['PDF header', Buffer.from('%PDF-')],
  ];
  const found: string[] = [];
  for (const file of dataFiles(root)) {
    const raw = readFileSync(file);
    for (const [what, bytes] of patterns) if (raw.includes(bytes)) found.push(`${relative(root, file)}: ${what}`);
  }
  return found;
}

const open = (folder = dataDir) => openTestWorkstation(folder, { catalogDir });

async function call<T = any>(ws: Workstation, session: string, channel: string, input: unknown): Promise<T> {
  const r = (await ws.dispatch(channel, input, { sessionId: session })).envelope as { ok: boolean; data?: T; error?: { message: string } };
  if (!r.ok) throw new Error(`${channel}: ${r.error!.message}`);
  return r.data as T;
}

beforeAll(async () => {
  dir = tempDir('onewindow-at-rest-');
  dataDir = join(dir.path, 'data');
  catalogDir = join(dir.path, 'catalog');
  writeCatalogFixture(catalogDir);

  // A face check of the applicant: real face detection for the images, scripted liveness frames.
  const real: FaceService = createFaceService();
  const sample = readFileSync(demoImagePath(3));
  const box = (await real.detect(sample)).boxes[0]!;
  live = await cropFace(sample, box);
  chip = await idPhotoFrom(sample, box, { quality: 60 });
  const trainingDir = join(dir.path, 'training-cards'); // fictional cards live outside the data folder
  writeTrainingCard(trainingDir, 'wang', trainingCardData({ name: NAME, idNumber: ID, birthDate: '1955-03-10', sex: 'male' }), chip);
  const database = openDatabase(join(dataDir, 'onewindow.db'));
  const script: FaceDetectResult[] = [];
  const identity = createIdentityService({
    db: database.db,
    dataDir,
    faceService: scriptedFaceService(real, () => script.shift()),
    audit: createAuditLog(database.db, 'ws-32011300-01'),
    trainingEnabled: () => true,
    trainingDir,
    purgeIntervalMs: 0,
    randomInt: () => 1, // turn-right, blink, front
  });
  const read = await identity.readCard({ driver: 'training', card: 'wang' }, ACTOR);
  checkId = read.check.checkId;
  identity.recordConsent(checkId, true, 'screen', ACTOR);
  const start = identity.startChallenge(checkId, ACTOR);
  const f = (o: object) => syntheticDetection({ cx: 300, cy: 250, width: 200, yaw: 0, ear: 0.3, ...o });
  script.push(f({}), f({ yaw: -0.3 }), f({ ear: 0.31 }), f({ ear: 0.09 }), f({ ear: 0.3, yaw: 0.02 }), f({}));
  for (let i = 0; i < 6; i++) await identity.frame(start.challengeId, live, ACTOR);
  expect((await identity.checkFace(checkId, start.challengeId, live, ACTOR)).decision).toBe('match');
  identity.close();
  await real.close();
  database.close();

  // The case: ID number and phone in the form, a captured page, the face check attached.
  const ws = await open();
  const session = await signInAdmin(ws);
  const draft = await call<{ draftId: string }>(ws, session, 'drafts.save', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData(NAME, ID), materials: [...COMPLETE_MATERIALS] });
  page = await sharp({ create: { width: 1240, height: 1754, channels: 3, background: '#fff' } })
    .composite([{ input: Buffer.from(`<svg width="1240" height="200"><text x="40" y="120" font-size="60">${ID}</text></svg>`), top: 100, left: 0 }])
    .jpeg()
    .toBuffer();
  const added = await ws.materials.addPage({ owner: { draftId: draft.draftId }, materialId: 'id-card', bytes: page, source: 'import', fileName: 'id.jpg' });
  pageSha = added.added[0]!.sha256;
  storedPage = Buffer.from(await ws.materials.blobs.get(pageSha));
  const accepted = await call<{ id: string }>(ws, session, 'cases.accept', {
    itemCode: PERSONAL_ITEM.code,
    itemVersion: 1,
    formData: personalFormData(NAME, ID),
    materials: [...COMPLETE_MATERIALS],
    draftId: draft.draftId,
    identityCheckId: checkId,
  });
  caseId = accepted.id;
  // The per-material PDF is built after acceptance, off the request path: wait for it.
  for (let i = 0; i < 300 && ws.database.sqlite.prepare('select count(*) from material_pdfs where case_id = ?').pluck().get(caseId) !== 1; i++) await new Promise((r) => setTimeout(r, 100));
  await call(ws, session, 'drafts.save', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData(NAME, ID), materials: [] }); // a draft too
  openScan = scan(dataDir);
  openFiles = dataFiles(dataDir).map((f) => relative(dataDir, f));
  await ws.close();
}, 180_000);

afterAll(() => dir?.remove());

describe('nothing personal is readable in the raw files', () => {
  it('while the workstation is open (WAL in place) and after it closed', () => {
    expect(page.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))).toBe(true); // the patterns are meaningful
    expect(live.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))).toBe(true);
    expect(storedPage.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))).toBe(true);
    const files = dataFiles(dataDir).map((f) => relative(dataDir, f));
    expect(files).toContain('onewindow.db');
    expect(files.filter((f) => f.startsWith('blobs/')).length).toBeGreaterThanOrEqual(2); // the page and its PDF
    expect(files.filter((f) => f.startsWith('identity/faces/')).length).toBe(2); // live image and ID photo
    expect(openFiles).toEqual(expect.arrayContaining(['onewindow.db', 'onewindow.db-wal', 'onewindow.db-shm']));
    expect(openScan).toEqual([]);
    expect(scan(dataDir)).toEqual([]);
    expect(isPlaintextDatabase(join(dataDir, 'onewindow.db'))).toBe(false);
  });

  it('while the key opens everything', async () => {
    const raw = openRawDatabase(dataDir, { readonly: true });
    expect(raw.prepare('select applicant_id_no from cases where id = ?').pluck().get(caseId)).toBe(ID);
    expect(raw.prepare('select form_data from cases where id = ?').pluck().get(caseId)).toContain(PHONE);
    raw.close();
    expect(Buffer.from(await createBlobStore(dataDir).get(pageSha)).equals(storedPage)).toBe(true);
  });
});

describe('refusals', () => {
  it('a wrong key is refused and the database left byte-for-byte', () => {
    const folder = join(dir.path, 'wrong-key');
    cpSync(dataDir, folder, { recursive: true });
    writeFileSync(createFileKeyStore(folder).location('database'), randomBytes(32), { mode: 0o600 });
    const before = readFileSync(join(folder, 'onewindow.db'));
    let err: unknown;
    try {
      openDatabase(join(folder, 'onewindow.db'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DatabaseOpenError);
    expect((err as Error).message).toMatch(/密钥/);
    expect(readFileSync(join(folder, 'onewindow.db')).equals(before)).toBe(true);
  });

  it('a tampered blob is refused with a typed error, and the workstation says so in Chinese', async () => {
    const folder = join(dir.path, 'tampered');
    cpSync(dataDir, folder, { recursive: true });
    const store = createBlobStore(folder);
    const path = store.pathOf(pageSha);
    const bytes = readFileSync(path);
    bytes[bytes.length - 100] ^= 0x01;
    writeFileSync(path, bytes);
    const err = await store.get(pageSha).catch((e) => e);
    expect(err).toBeInstanceOf(BlobIntegrityError);
    expect(err).toMatchObject({ code: 'BLOB_CORRUPT', reason: 'authentication' });
    const ws = await open(folder);
    try {
      const pageId = ws.materials.listPages({ caseId })[0]!.id;
      await expect(ws.materials.readPage(pageId)).rejects.toThrow(/材料文件已损坏/);
    } finally {
      await ws.close();
    }
  });
});

describe('a plaintext database and plain blobs of an earlier version', () => {
  it('are encrypted on first start without losing a row', async () => {
    // Build the earlier version's folder: the same rows in a plaintext file, blobs as plain files.
    const folder = join(dir.path, 'legacy');
    mkdirSync(folder, { recursive: true });
    cpSync(join(dataDir, 'identity'), join(folder, 'identity'), { recursive: true }); // face images were already sealed
    mkdirSync(join(folder, 'keys'), { recursive: true, mode: 0o700 });
    cpSync(join(dataDir, 'keys', 'identity.key'), join(folder, 'keys', 'identity.key'));
    const source = openRawDatabase(dataDir);
    const tables = source.prepare("select name from sqlite_master where type = 'table' order by name").pluck().all() as string[];
    const counts = Object.fromEntries(tables.map((t) => [t, source.prepare(`select count(*) from "${t}"`).pluck().get()]));
    const plainCopy = join(folder, 'onewindow.db');
    source.exec(`VACUUM INTO '${join(dir.path, 'legacy-tmp.db')}'`);
    source.close();
    const tmp = openRawDatabase(dir.path, { file: join(dir.path, 'legacy-tmp.db'), keys: keysForDataDir(dataDir) });
    tmp.pragma('journal_mode = DELETE');
    (tmp as unknown as { rekey(k: Buffer): void }).rekey(Buffer.alloc(0)); // decrypt: what an earlier version wrote
    tmp.close();
    cpSync(join(dir.path, 'legacy-tmp.db'), plainCopy);
    expect(isPlaintextDatabase(plainCopy)).toBe(true);
    expect(readFileSync(plainCopy).includes(Buffer.from(ID))).toBe(true);
    const sealed = createBlobStore(dataDir);
    const plainStore = createBlobStore(folder, { keys: keysForDataDir(dataDir) });
    const shas: string[] = [];
    for (const f of dataFiles(join(dataDir, 'blobs'))) {
      const sha = f.split('/').pop()!;
      if (!/^[0-9a-f]{64}$/.test(sha)) continue;
      shas.push(sha);
      const target = plainStore.pathOf(sha);
      mkdirSync(join(target, '..'), { recursive: true });
      writeFileSync(target, await sealed.get(sha));
    }
    expect(scan(folder).some((l) => l.includes('ID number (ASCII)'))).toBe(true);

    const ws = await open(folder);
    try {
      expect(isPlaintextDatabase(plainCopy)).toBe(false);
      expect(existsSync(plainCopy + PLAINTEXT_OLD_SUFFIX)).toBe(false);
      for (const t of tables) expect([t, ws.database.sqlite.prepare(`select count(*) from "${t}"`).pluck().get()]).toEqual([t, counts[t]]);
      // Plain blobs are still read (verified by hash), then sealed once.
      expect(Buffer.from(await ws.materials.blobs.get(pageSha)).equals(storedPage)).toBe(true);
      expect(await ws.materials.blobs.reseal({ onlyIfNeeded: true })).toMatchObject({ resealed: shas.length, damaged: [] });
      expect(ws.cases.applicantIdentity(caseId).idNo).toBe(ID);
      expect(ws.identity.images.read(ws.database.sqlite.prepare('select id from identity_face_images where kind = ?').pluck().get('live') as string)!.equals(live)).toBe(true);
    } finally {
      await ws.close();
    }
    expect(scan(folder)).toEqual([]);
  }, 60_000);
});

describe('key rotation', () => {
  it('re-encrypts the database and every blob; data stays readable; an interrupted rotation resumes', async () => {
    const folder = join(dir.path, 'rotate');
    cpSync(dataDir, folder, { recursive: true });
    const store = createFileKeyStore(folder);
    const oldMaster = store.load('database')!;
    const oldId = keysForDataDir(folder).current()!.blobKeyId;

    // Refused while the workstation has the database open, before any blob changed.
    let ws = await open(folder);
    const blobFiles = () => dataFiles(join(folder, 'blobs')).map((f) => readFileSync(f).toString('base64'));
    const before = blobFiles();
    await expect(rotateDataKeys(folder)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('请先关闭工作台') });
    expect(blobFiles()).toEqual(before);
    await ws.close();
    store.remove('database.next');

    // Interrupted after the blobs: the old key still opens the database, blobs under either key read.
    await expect(rotateDataKeys(folder, { stopAfter: 'blobs' })).rejects.toBeInstanceOf(RotationStopped);
    expect(store.load('database.next')).not.toBeNull();
    ws = await open(folder);
    expect(Buffer.from(await ws.materials.blobs.get(pageSha)).equals(storedPage)).toBe(true);
    await ws.close();

    // Interrupted after the database step: opening finds the database under the new key and promotes it.
    await expect(rotateDataKeys(folder, { stopAfter: 'database' })).rejects.toBeInstanceOf(RotationStopped);
    const nextMaster = store.load('database.next')!;
    ws = await open(folder);
    expect(store.load('database')!.equals(nextMaster)).toBe(true);
    expect(store.load('database.next')).toBeNull();
    expect(ws.cases.applicantIdentity(caseId).idNo).toBe(ID);
    await ws.close();

    // A full rotation through the command IT runs.
    const lines: string[] = [];
    const code = await cli(['keys', 'rotate', '--json', '--data-dir', folder, '--config', join(dir.path, 'none.json')], { stdout: (t) => lines.push(t), stderr: (t) => lines.push(t) });
    expect(code).toBe(0);
    const report = JSON.parse(lines.at(-1)!);
    expect(report).toMatchObject({ ok: true, damagedBlobs: [] });
    expect(report.resealedBlobs).toBeGreaterThanOrEqual(2);
    expect(store.load('database')!.equals(oldMaster)).toBe(false);
    expect(store.load('database')!.equals(nextMaster)).toBe(false);

    // Every blob names the new key; the old master opens nothing any more.
    for (const f of dataFiles(join(folder, 'blobs')).filter((p) => /[0-9a-f]{64}$/.test(p))) {
      const head = readFileSync(f).subarray(BLOB_FORMAT.magic.length, BLOB_FORMAT.magic.length + 8);
      expect(head.equals(oldId)).toBe(false);
      expect(head.toString('hex')).toBe(report.keyId);
    }
    ws = await open(folder);
    try {
      expect(ws.cases.applicantIdentity(caseId).idNo).toBe(ID);
      expect(Buffer.from(await ws.materials.blobs.get(pageSha)).equals(storedPage)).toBe(true);
      expect(ws.audit.recent(5).some((r) => r.action === 'keys.rotate')).toBe(true);
      expect(ws.audit.verify().ok).toBe(true);
    } finally {
      await ws.close();
    }
    const stale = join(dir.path, 'stale-key');
    cpSync(folder, stale, { recursive: true });
    writeFileSync(createFileKeyStore(stale).location('database'), oldMaster, { mode: 0o600 });
    expect(() => openDatabase(join(stale, 'onewindow.db'))).toThrowError(DatabaseOpenError);
    expect(scan(folder)).toEqual([]);
    rmSync(stale, { recursive: true, force: true });
  }, 90_000);
});

describe('key stores', () => {
  const mask = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
  const sealer = { isEncryptionAvailable: () => true, encryptString: (t: string) => mask(Buffer.from(t)), decryptString: (b: Buffer) => mask(b).toString() };

  it('the shell’s sealed store adopts browser mode’s plain key files once, and the workstation runs on it', async () => {
    const folder = join(dir.path, 'sealed');
    cpSync(dataDir, folder, { recursive: true });
    const ws = await openTestWorkstation(folder, { catalogDir, keyStore: (d) => createSealedKeyStore(d, sealer) });
    try {
      expect(ws.cases.applicantIdentity(caseId).idNo).toBe(ID);
      expect(Buffer.from(await ws.materials.blobs.get(pageSha)).equals(storedPage)).toBe(true);
    } finally {
      await ws.close();
    }
    expect(readdirSync(join(folder, 'keys')).sort()).toEqual(['database.key.sealed', 'identity.key.sealed']); // no plain key left
    // The Node CLI cannot unseal them, and must not invent a new key.
    expect(() => keysForDataDir(folder)).toThrow(/操作系统密钥服务保护/);
    expect(() => openDatabase(join(folder, 'onewindow.db'))).toThrow(/操作系统密钥服务保护/);
  });

  it('without an OS key store nothing starts: no plaintext fallback', async () => {
    const folder = join(dir.path, 'no-keychain');
    mkdirSync(folder);
    const unavailable = { ...sealer, isEncryptionAvailable: () => false };
    await expect(openTestWorkstation(folder, { catalogDir, keyStore: (d) => createSealedKeyStore(d, unavailable) })).rejects.toThrow(OS_KEY_STORE_UNAVAILABLE);
    expect(existsSync(join(folder, 'onewindow.db'))).toBe(false);
    expect(existsSync(join(folder, 'keys', 'database.key'))).toBe(false);
  });
});
