/**
 * Keys of the identity capability. One 32-byte master key per workstation; HKDF-SHA256 derives
 * separate keys from it for the face images (AES-256-GCM), the restricted list and the ID-number
 * index (HMAC-SHA256), so a key for one use is never reused for another.
 *
 * The master key is `identity` in the workstation's key store (electron/keys/store.ts):
 * - browser mode and the CLI: `<dataDir>/keys/identity.key`, created with 0600 (folder 0700);
 *   a file readable by group or others is refused, as ssh does;
 * - the Electron shell: `identity.key.sealed`, encrypted by the OS keychain through safeStorage.
 * Face images are sealed by the workstation's one AES-256-GCM module (electron/keys/aead.ts).
 */
import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { open, seal, type SealFormat } from '../keys/aead';
import { createFileKeyStore, createSealedKeyStore, type KeyStore, type StringSealer } from '../keys/store';

export type { StringSealer } from '../keys/store';

export interface IdentityKeySource {
  /** Where the key is kept, for messages. */
  readonly location: string;
  /** The 32-byte master key; created on first use. */
  masterKey(): Buffer;
}

export interface IdentityKeys {
  /** AES-256-GCM key for face images at rest. */
  faceImages: Buffer;
  /** HMAC-SHA256 key for the restricted list's keyed hashes. */
  restrictedList: Buffer;
  /** HMAC-SHA256 key for finding earlier checks by ID number without storing it. */
  idNumbers: Buffer;
}

const KEY_BYTES = 32;
const SALT = Buffer.from('onewindow.identity.v1');
export const IDENTITY_KEY = 'identity';

export function deriveIdentityKeys(master: Buffer): IdentityKeys {
  if (master.length !== KEY_BYTES) throw new Error(`identity master key must be ${KEY_BYTES} bytes, got ${master.length}`);
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', master, SALT, info, KEY_BYTES));
  return { faceImages: derive('face-images'), restrictedList: derive('restricted-list'), idNumbers: derive('id-numbers') };
}

/** The identity master key of a key store (file or OS-sealed). */
export function identityKeySource(store: KeyStore): IdentityKeySource {
  let cached: Buffer | undefined;
  return {
    location: store.location(IDENTITY_KEY),
    masterKey: () => (cached ??= store.loadOrCreate(IDENTITY_KEY)),
  };
}

/** The master key in a plain file with 0600 permissions (browser mode, CLI, tests). */
export function createFileKeySource(dataDir: string): IdentityKeySource {
  return identityKeySource(createFileKeyStore(dataDir));
}

/** The master key sealed by the OS keychain through Electron's safeStorage. */
export function createSealedKeySource(dataDir: string, sealer: StringSealer): IdentityKeySource {
  return identityKeySource(createSealedKeyStore(dataDir, sealer));
}

// --- sealing face images ---------------------------------------------------------------

/** `OWF1 | iv(12) | ciphertext | tag(16)`; the image id is the additional authenticated data. */
const FACE_FORMAT: SealFormat = { magic: Buffer.from('OWF1'), headerBytes: 0 };

/** The image id is authenticated, so a file swapped under another row's name does not decrypt. */
export function sealImage(key: Buffer, imageId: string, plain: Uint8Array): Buffer {
  return seal(FACE_FORMAT, key, plain, imageId);
}

/** Throws (SealedDataError) when the file was altered, truncated, or sealed with another key or for another id. */
export function openImage(key: Buffer, imageId: string, sealed: Uint8Array): Buffer {
  return open(FACE_FORMAT, key, sealed, imageId);
}

/** HMAC-SHA256 of `<purpose>:<value>` as hex: equal inputs match, the value cannot be read back. */
export function keyedHash(key: Buffer, purpose: string, value: string): string {
  return createHmac('sha256', key).update(`${purpose}:${value}`).digest('hex');
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
