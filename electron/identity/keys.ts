/**
 * Keys of the identity capability. One 32-byte master key per workstation; HKDF-SHA256 derives
 * separate keys from it for the face images (AES-256-GCM), the restricted list and the ID-number
 * index (HMAC-SHA256), so a key for one use is never reused for another.
 *
 * Where the master key lives:
 * - browser mode and the CLI: `<dataDir>/keys/identity.key`, created with 0600 (folder 0700);
 *   a file readable by group or others is refused, as ssh does;
 * - the Electron shell: `createSealedKeySource(dataDir, safeStorage)`, which keeps the key
 *   encrypted by the OS keychain (DPAPI / Keychain / libsecret) in `identity.key.sealed`.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ContractError } from '../../shared/contract/errors';

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

export function deriveIdentityKeys(master: Buffer): IdentityKeys {
  if (master.length !== KEY_BYTES) throw new Error(`identity master key must be ${KEY_BYTES} bytes, got ${master.length}`);
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', master, SALT, info, KEY_BYTES));
  return { faceImages: derive('face-images'), restrictedList: derive('restricted-list'), idNumbers: derive('id-numbers') };
}

function writeExclusive(path: string, data: Buffer): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

function checkPermissions(path: string): void {
  if (process.platform === 'win32') return; // NTFS ACLs: the data folder's own permissions apply
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new ContractError(
      'CONFIG_INVALID',
      `密钥文件 ${path} 的权限过宽（${mode.toString(8).padStart(4, '0')}），其他用户可读。请执行 chmod 600 后重试，并检查该文件是否被复制过`,
    );
  }
}

/** The master key in a plain file with 0600 permissions (browser mode, CLI, tests). */
export function createFileKeySource(dataDir: string): IdentityKeySource {
  const path = join(dataDir, 'keys', 'identity.key');
  let cached: Buffer | undefined;
  return {
    location: path,
    masterKey() {
      if (cached) return cached;
      if (!existsSync(path)) {
        try {
          writeExclusive(path, randomBytes(KEY_BYTES));
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        }
      }
      checkPermissions(path);
      const key = readFileSync(path);
      if (key.length !== KEY_BYTES) {
        throw new ContractError('CONFIG_INVALID', `密钥文件 ${path} 已损坏（长度 ${key.length} 字节，应为 ${KEY_BYTES}）。请联系信息技术人员从备份恢复`);
      }
      cached = key;
      return key;
    },
  };
}

/** The subset of Electron's `safeStorage` this needs (so this file does not import electron). */
export interface StringSealer {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
}

/** The master key sealed by the OS keychain through Electron's safeStorage. */
export function createSealedKeySource(dataDir: string, sealer: StringSealer): IdentityKeySource {
  const path = join(dataDir, 'keys', 'identity.key.sealed');
  let cached: Buffer | undefined;
  return {
    location: path,
    masterKey() {
      if (cached) return cached;
      if (!sealer.isEncryptionAvailable()) {
        throw new ContractError('CONFIG_INVALID', '操作系统密钥服务不可用，无法保护人脸图像密钥。请联系信息技术人员');
      }
      if (!existsSync(path)) writeExclusive(path, sealer.encryptString(randomBytes(KEY_BYTES).toString('base64')));
      else chmodSync(path, 0o600);
      const key = Buffer.from(sealer.decryptString(readFileSync(path)), 'base64');
      if (key.length !== KEY_BYTES) throw new ContractError('CONFIG_INVALID', `密钥文件 ${path} 无法解密或已损坏`);
      cached = key;
      return key;
    },
  };
}

// --- sealing face images ---------------------------------------------------------------

const MAGIC = Buffer.from('OWF1');
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * `OWF1 | iv(12) | ciphertext | tag(16)`. The image id is the additional authenticated data,
 * so a file swapped under another row's name does not decrypt.
 */
export function sealImage(key: Buffer, imageId: string, plain: Uint8Array): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(imageId));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([MAGIC, iv, body, cipher.getAuthTag()]);
}

/** Throws when the file was altered, truncated, or sealed with another key or for another id. */
export function openImage(key: Buffer, imageId: string, sealed: Uint8Array): Buffer {
  const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (buf.length < MAGIC.length + IV_BYTES + TAG_BYTES || !buf.subarray(0, 4).equals(MAGIC)) {
    throw new Error('not a sealed face image');
  }
  const iv = buf.subarray(4, 4 + IV_BYTES);
  const tag = buf.subarray(buf.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(imageId));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(buf.subarray(4 + IV_BYTES, buf.length - TAG_BYTES)), decipher.final()]);
}

/** HMAC-SHA256 of `<purpose>:<value>` as hex: equal inputs match, the value cannot be read back. */
export function keyedHash(key: Buffer, purpose: string, value: string): string {
  return createHmac('sha256', key).update(`${purpose}:${value}`).digest('hex');
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
