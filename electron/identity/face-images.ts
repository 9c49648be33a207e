/**
 * Face images at rest: AES-256-GCM files in `<dataDir>/identity/faces/<id>.owf`, one row each
 * in identity_face_images with the SHA-256 of the plain image. After the retention period the
 * file is deleted and the row kept (hash, time), so the record still says what was compared.
 * Images are never logged and never leave the workstation (the sync payload carries hashes).
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq, isNull, lte } from 'drizzle-orm';
import { ulid } from 'ulid';
import { identityFaceImages } from '../../db/identity-schema';
import type { IdentityDb } from './db';
import { openImage, sealImage, sha256Hex } from './keys';

export const DEFAULT_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;

export interface StoredFaceImage {
  id: string;
  sha256: string;
  size: number;
}

export interface FaceImageStore {
  readonly dir: string;
  /** Seals and fsyncs the file, then records it. Call outside a transaction or inside one: the row is a plain insert. */
  put(input: { checkId: string; attemptId?: string; kind: 'live' | 'id-photo'; bytes: Uint8Array }): StoredFaceImage;
  /** The plain image, or null once purged. Throws when the file was altered. */
  read(id: string): Buffer | null;
  /** Deletes the files whose retention ended; keeps the rows. Also removes files no row names. */
  purgeExpired(): { purged: number; orphans: number };
}

export function createFaceImageStore(options: { db: IdentityDb; dataDir: string; key: () => Buffer; now: () => Date; retentionDays: number }): FaceImageStore {
  const { db } = options;
  const dir = join(options.dataDir, 'identity', 'faces');
  const fileOf = (id: string) => `${id}.owf`;

  function writeDurably(path: string, data: Buffer): void {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  }

  return {
    dir,
    put(input) {
      const id = ulid();
      const sha256 = sha256Hex(input.bytes);
      writeDurably(join(dir, fileOf(id)), sealImage(options.key(), id, input.bytes));
      const created = options.now();
      db.insert(identityFaceImages)
        .values({
          id,
          checkId: input.checkId,
          attemptId: input.attemptId ?? null,
          kind: input.kind,
          sha256,
          size: input.bytes.byteLength,
          file: fileOf(id),
          createdAt: created.toISOString(),
          purgeAfter: new Date(created.getTime() + options.retentionDays * DAY_MS).toISOString(),
        })
        .run();
      return { id, sha256, size: input.bytes.byteLength };
    },
    read(id) {
      const row = db.select().from(identityFaceImages).where(eq(identityFaceImages.id, id)).get();
      if (!row || !row.file) return null;
      const plain = openImage(options.key(), id, readFileSync(join(dir, row.file)));
      if (sha256Hex(plain) !== row.sha256) throw new Error(`face image ${id} does not match its recorded hash`);
      return plain;
    },
    purgeExpired() {
      const at = options.now().toISOString();
      const due = db
        .select({ id: identityFaceImages.id, file: identityFaceImages.file })
        .from(identityFaceImages)
        .where(and(isNull(identityFaceImages.purgedAt), lte(identityFaceImages.purgeAfter, at)))
        .all();
      for (const row of due) {
        if (row.file && existsSync(join(dir, row.file))) unlinkSync(join(dir, row.file));
        db.update(identityFaceImages).set({ file: null, purgedAt: at }).where(eq(identityFaceImages.id, row.id)).run();
      }
      // Files without a row: a put() whose insert did not commit, or a stale temp file (older than an hour).
      let orphans = 0;
      if (existsSync(dir)) {
        const named = new Set(
          db
            .select({ file: identityFaceImages.file })
            .from(identityFaceImages)
            .all()
            .map((r) => r.file),
        );
        for (const name of readdirSync(dir)) {
          const path = join(dir, name);
          // File age by the wall clock, as the file system records it.
          if (named.has(name) || Date.now() - statSync(path).mtimeMs < 3_600_000) continue;
          unlinkSync(path);
          orphans++;
        }
      }
      return { purged: due.length, orphans };
    },
  };
}
