/**
 * Face images at rest: encrypted (AES-256-GCM, key file 0600), bound to their row, purged after
 * the retention period while the decision, thresholds, model and hashes stay. Also checks that
 * the test tables still match db/identity-schema.ts.
 */
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as identitySchema from '../../db/identity-schema';
import { ContractError } from '../../shared/contract/errors';
import { createFaceService } from '../../electron/identity/face';
import { cropFace, demoImagePath, idPhotoFrom } from '../../electron/identity/face/testing';
import type { FaceDetectResult, FaceService } from '../../electron/identity/face/types';
import { createIdentityService, createSealedKeySource, type IdentityService } from '../../electron/identity';
import { createFileKeySource, deriveIdentityKeys, openImage, sealImage, sha256Hex } from '../../electron/identity/keys';
import { scriptedFaceService, syntheticDetection, trainingCardData, writeTrainingCard } from '../../electron/identity/testing';
import { openIdentityTestDb, type IdentityTestDb } from '../helpers/identity-db';
import { tempDir } from '../helpers/workstation';

const ACTOR = { username: 'clerk1', role: 'clerk' };
const DAY = 86_400_000;
/** JPEG start of image + APP0 "JFIF": what a plain JPEG file begins with. */
const SOI_JFIF = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);

/** sharp writes no APP0; cameras and canvas.toBlob do. Insert a JFIF APP0 after SOI, as they write it. */
function withJfif(jpeg: Buffer): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  return Buffer.concat([jpeg.subarray(0, 2), app0, jpeg.subarray(2)]);
}

let real: FaceService;
let t: IdentityTestDb;
let service: IdentityService;
let live: Buffer;
let chip: Buffer;
const script: FaceDetectResult[] = [];
let checkId: string;

beforeAll(async () => {
  real = createFaceService();
  const sample = readFileSync(demoImagePath(3));
  const box = (await real.detect(sample)).boxes[0];
  live = withJfif(await cropFace(sample, box));
  chip = withJfif(await idPhotoFrom(sample, box, { quality: 60 }));
  t = openIdentityTestDb();
  writeTrainingCard(join(t.dataDir, 'training-cards'), 'holder', trainingCardData(), chip);
  service = createIdentityService({
    db: t.database.db,
    dataDir: t.dataDir,
    faceService: scriptedFaceService(real, () => script.shift()),
    audit: t.audit,
    now: t.now,
    trainingEnabled: () => true,
    purgeIntervalMs: 0,
    randomInt: () => 1, // turn-right, blink, front
  });

  // One full check, through the service.
  const read = await service.readCard({ driver: 'training', card: 'holder' }, ACTOR);
  checkId = read.check.checkId;
  service.recordConsent(checkId, true, 'screen', ACTOR);
  const start = service.startChallenge(checkId, ACTOR);
  expect(start.steps.map((s) => s.kind)).toEqual(['turn-right', 'blink', 'front']);
  const f = (o: object) => syntheticDetection({ cx: 300, cy: 250, width: 200, yaw: 0, ear: 0.3, ...o });
  script.push(f({}), f({ yaw: -0.3 }), f({ ear: 0.31 }), f({ ear: 0.09 }), f({ ear: 0.3, yaw: 0.02 }), f({}));
  for (let i = 0; i < 6; i++) await service.frame(start.challengeId, live, ACTOR);
  const r = await service.checkFace(checkId, start.challengeId, live, ACTOR);
  expect(r.decision).toBe('match');
}, 90_000);

afterAll(async () => {
  service?.close();
  await real?.close();
  t?.close();
});

const faceFiles = () => readdirSync(service.images.dir).map((n) => join(service.images.dir, n));
const rows = () => t.database.sqlite.prepare('SELECT * FROM identity_face_images WHERE check_id = ? ORDER BY kind').all(checkId) as Record<string, string | null>[];

describe('face images at rest', () => {
  it('are encrypted: no file holds a JPEG header or the plain image, nor does the database', () => {
    expect(live.subarray(0, SOI_JFIF.length).equals(SOI_JFIF)).toBe(true); // the pattern is meaningful
    const files = faceFiles();
    expect(files).toHaveLength(2);
    for (const file of files) {
      const raw = readFileSync(file);
      expect(raw.includes(SOI_JFIF)).toBe(false);
      expect(raw.includes(Buffer.from([0xff, 0xd8, 0xff]))).toBe(false);
      expect(raw.includes(live.subarray(200, 264))).toBe(false);
      expect(raw.includes(chip.subarray(100, 164))).toBe(false);
      expect(statSync(file).mode & 0o077).toBe(0);
    }
    t.database.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const db = readFileSync(t.database.file);
    expect(db.includes(SOI_JFIF)).toBe(false);
    expect(db.includes(live.subarray(200, 264))).toBe(false);
  });

  it('decrypt back to the exact bytes with the right key and id only', () => {
    const [idPhoto, liveRow] = rows();
    expect(service.images.read(liveRow.id!)!.equals(live)).toBe(true);
    expect(sha256Hex(service.images.read(idPhoto.id!)!)).toBe(idPhoto.sha256);
    const key = deriveIdentityKeys(createFileKeySource(t.dataDir).masterKey()).faceImages;
    const sealed = readFileSync(join(service.images.dir, liveRow.file!));
    expect(() => openImage(key, idPhoto.id!, sealed)).toThrow(); // file swapped under another row
    expect(() => openImage(deriveIdentityKeys(Buffer.alloc(32, 7)).faceImages, liveRow.id!, sealed)).toThrow(); // other key
    const flipped = Buffer.from(sealed);
    flipped[40] ^= 1;
    expect(() => openImage(key, liveRow.id!, flipped)).toThrow(); // altered
    expect(openImage(key, 'x', sealImage(key, 'x', Buffer.from('abc'))).toString()).toBe('abc');
  });

  it('are purged after the retention period; decision, thresholds, model and hashes stay', () => {
    const before = rows();
    t.setNow(new Date(t.now().getTime() + 29 * DAY));
    expect(service.purgeFaceImages().purged).toBe(0);
    expect(faceFiles()).toHaveLength(2);

    t.setNow(new Date(t.now().getTime() + 2 * DAY));
    expect(service.purgeFaceImages()).toEqual({ purged: 2, orphans: 0 });
    expect(faceFiles()).toHaveLength(0);
    const after = rows();
    expect(after.map((r) => r.sha256)).toEqual(before.map((r) => r.sha256));
    expect(after.every((r) => r.file === null && r.purged_at !== null)).toBe(true);
    expect(service.images.read(after[0].id!)).toBeNull();

    const check = t.database.sqlite.prepare('SELECT * FROM identity_checks WHERE id = ?').get(checkId) as Record<string, unknown>;
    expect(check).toMatchObject({ status: 'passed', decision: 'match', threshold_match: 0.4, threshold_no_match: 0.6, live_sha256: sha256Hex(live) });
    expect(check.model_name).toContain('face-api');
    expect(typeof check.distance).toBe('number');
    const attempt = t.database.sqlite.prepare('SELECT decision, live_sha256, id_photo_sha256 FROM identity_attempts WHERE check_id = ?').get(checkId);
    expect(attempt).toEqual({ decision: 'match', live_sha256: sha256Hex(live), id_photo_sha256: sha256Hex(chip) });
    expect(service.syncRecord(checkId).imageSha256).toEqual({ live: sha256Hex(live), idPhoto: sha256Hex(chip) });
    expect(t.audit.recent(5).some((r) => r.action === 'identity.faceImages.purge')).toBe(true);
    // Nothing is purged twice.
    expect(service.purgeFaceImages().purged).toBe(0);
  });

  it('removes stray files that no row names (an interrupted write), once they are an hour old', () => {
    const stray = join(service.images.dir, 'stray.owf');
    writeFileSync(stray, 'x');
    expect(service.purgeFaceImages().orphans).toBe(0);
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(stray, twoHoursAgo, twoHoursAgo);
    expect(service.purgeFaceImages().orphans).toBe(1);
    expect(existsSync(stray)).toBe(false);
  });
});

describe('keys', () => {
  it('the key file is created 0600 in a 0700 folder and refused once others can read it', () => {
    const dir = tempDir('onewindow-keys-');
    try {
      const source = createFileKeySource(dir.path);
      const key = source.masterKey();
      expect(key).toHaveLength(32);
      expect(statSync(source.location).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir.path, 'keys')).mode & 0o777).toBe(0o700);
      expect(createFileKeySource(dir.path).masterKey().equals(key)).toBe(true); // stable
      chmodSync(source.location, 0o644);
      let err: unknown;
      try {
        createFileKeySource(dir.path).masterKey();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ContractError);
      expect((err as ContractError).message).toContain('权限过宽');
    } finally {
      dir.remove();
    }
  });

  it('a sealed key source (Electron safeStorage) keeps only the sealed form on disk', () => {
    const dir = tempDir('onewindow-keys-');
    try {
      const mask = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
      const sealer = { isEncryptionAvailable: () => true, encryptString: (s: string) => mask(Buffer.from(s)), decryptString: (b: Buffer) => mask(b).toString() };
      const source = createSealedKeySource(dir.path, sealer);
      const key = source.masterKey();
      const onDisk = readFileSync(source.location);
      expect(onDisk.includes(Buffer.from(key.toString('base64')))).toBe(false);
      expect(createSealedKeySource(dir.path, sealer).masterKey().equals(key)).toBe(true);
      expect(() => createSealedKeySource(dir.path, { ...sealer, isEncryptionAvailable: () => false }).masterKey()).toThrow(/密钥服务/);
    } finally {
      dir.remove();
    }
  });

  it('derives different keys for each use', () => {
    const k = deriveIdentityKeys(Buffer.alloc(32, 1));
    expect(new Set([k.faceImages, k.restrictedList, k.idNumbers].map((b) => b.toString('hex'))).size).toBe(3);
  });
});

describe('migrations', () => {
  it('create every table of db/identity-schema.ts', () => {
    const t = openIdentityTestDb();
    try {
      const tables = t.database.sqlite.prepare("select name from sqlite_master where type = 'table'").pluck().all() as string[];
      const expected = Object.values(identitySchema)
        .map((table) => (table as unknown as Record<symbol, string>)[Symbol.for('drizzle:Name')])
        .filter((name): name is string => typeof name === 'string');
      expect(expected.length).toBeGreaterThan(2);
      expect(tables).toEqual(expect.arrayContaining(expected));
    } finally {
      t.close();
    }
  });
});
