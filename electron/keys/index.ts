/**
 * The workstation's data keys. One 32-byte master key (`database` in the key store) from which
 * HKDF-SHA256 derives the SQLCipher key of the database and the AES-256-GCM key of the blob
 * store, so one rotation renews both. During a rotation the new master waits as
 * `database.next` until the database and every blob use it (docs/SECURITY.md "Encryption at rest").
 *
 * The identity capability keeps its own master (`identity`, electron/identity/keys.ts) in the
 * same store: its keyed hashes of ID numbers cannot be recomputed, so it is not rotated here.
 */
import { createHash, hkdfSync } from 'node:crypto';
import { KEY_BYTES } from './aead';
import { defaultKeyStore, type KeyStore } from './store';

export { createFileKeyStore, createSealedKeyStore, defaultKeyStore, hasSealedKeys, OS_KEY_STORE_UNAVAILABLE, useKeyStoreForProcess, type KeyStore, type StringSealer } from './store';
export { SealedDataError } from './aead';

export const DATABASE_KEY = 'database';
export const NEXT_DATABASE_KEY = 'database.next';
const SALT = Buffer.from('onewindow.data.v1');

export interface DataKeys {
  /** Raw 256-bit SQLCipher key of onewindow.db. */
  database: Buffer;
  /** AES-256-GCM key of the blob store. */
  blobs: Buffer;
  /** 8 bytes naming the blob key in each blob's clear header (a hash: it reveals nothing of the key). */
  blobKeyId: Buffer;
}

export function deriveDataKeys(master: Buffer): DataKeys {
  if (master.length !== KEY_BYTES) throw new Error(`data master key must be ${KEY_BYTES} bytes`);
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', master, SALT, info, KEY_BYTES));
  const blobs = derive('blobs');
  return { database: derive('database'), blobs, blobKeyId: createHash('sha256').update('onewindow.blob-key-id').update(blobs).digest().subarray(0, 8) };
}

export interface BlobKeyring {
  /** The key new blobs are sealed with. */
  seal: { id: Buffer; key: Buffer };
  /** Any key a stored blob may name (current, and the next one during a rotation). */
  byId(id: Buffer): Buffer | undefined;
}

export interface WorkstationKeys {
  readonly store: KeyStore;
  /** The current keys; the master is created on first use unless `create` is false (then null when none). */
  current(create?: boolean): DataKeys | null;
  /** The keys of an unfinished rotation, or null. */
  next(): DataKeys | null;
  blobKeyring(): BlobKeyring;
  /** Forgets cached keys (after a rotation step changed the store). */
  reload(): void;
}

export function createWorkstationKeys(store: KeyStore): WorkstationKeys {
  let current: DataKeys | undefined;
  let next: DataKeys | null | undefined;
  const keys: WorkstationKeys = {
    store,
    current(create = true) {
      if (current) return current;
      const master = create ? store.loadOrCreate(DATABASE_KEY) : store.load(DATABASE_KEY);
      if (!master) return null;
      current = deriveDataKeys(master);
      return current;
    },
    next() {
      if (next === undefined) {
        const master = store.load(NEXT_DATABASE_KEY);
        next = master ? deriveDataKeys(master) : null;
      }
      return next;
    },
    blobKeyring() {
      const now = keys.current()!;
      const known = (id: Buffer) => [keys.current(), keys.next()].find((k) => k && id.equals(k.blobKeyId))?.blobs;
      return {
        seal: { id: now.blobKeyId, key: now.blobs },
        byId: (id) => {
          const hit = known(id);
          if (hit) return hit;
          // A rotation in another process may have moved on since the keys were cached: look once more.
          keys.reload();
          return known(id);
        },
      };
    },
    reload() {
      current = undefined;
      next = undefined;
    },
  };
  return keys;
}

/** Browser mode / CLI / tests: the data folder's key file (refused when the folder's keys are OS-sealed). */
export function keysForDataDir(dataDir: string): WorkstationKeys {
  return createWorkstationKeys(defaultKeyStore(dataDir));
}
