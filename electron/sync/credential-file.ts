/**
 * Device credentials at rest for browser mode (and any run without Electron): the secret is
 * sealed with AES-256-GCM in `<file>`, under a random 256-bit key kept in `<file>.key`, both
 * written with 0600 permissions (owner only) and replaced atomically.
 *
 * WEAKER than the Electron shell's safeStorage (DPAPI / Keychain / libsecret): the key sits
 * next to the file, so anyone who can read both as this OS user has the secret. It protects
 * against a copied credential file or a backup that left the key out, and GCM detects
 * tampering; it does not protect against malware running as the clerk. On Windows the mode
 * bits are not enforced: rely on the data folder's ACL. If in doubt, revoke the device in the
 * back office and enrol again.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CredentialStore, DeviceCredentials } from './types';

const KEY_BYTES = 32;
const IV_BYTES = 12;

interface SealedFile {
  v: 1;
  alg: 'aes-256-gcm';
  iv: string;
  tag: string;
  data: string;
}

/** Writes bytes to path via a temp file, fsync and rename, owner-only. */
function writeAtomic(path: string, bytes: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(temp, 0o600);
  renameSync(temp, path);
}

function loadOrCreateKey(keyPath: string, create: boolean): Buffer | null {
  if (existsSync(keyPath)) {
    const key = readFileSync(keyPath);
    if (key.byteLength !== KEY_BYTES) throw new Error(`密钥文件 ${keyPath} 已损坏（长度不是 32 字节）`);
    return key;
  }
  if (!create) return null;
  const key = randomBytes(KEY_BYTES);
  writeAtomic(keyPath, key);
  return key;
}

export function createCredentialFile(path: string, keyPath = `${path}.key`): CredentialStore {
  return {
    async load(): Promise<DeviceCredentials | null> {
      if (!existsSync(path)) return null;
      const key = loadOrCreateKey(keyPath, false);
      if (!key) throw new Error(`找不到设备凭证的密钥文件 ${keyPath}：请重新登记本设备`);
      let sealed: SealedFile;
      try {
        sealed = JSON.parse(readFileSync(path, 'utf8')) as SealedFile;
      } catch {
        throw new Error(`设备凭证文件 ${path} 已损坏：请重新登记本设备`);
      }
      if (sealed.v !== 1 || sealed.alg !== 'aes-256-gcm') throw new Error(`设备凭证文件 ${path} 的格式无法识别`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
        decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
        const plain = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
        const parsed = JSON.parse(plain.toString('utf8')) as DeviceCredentials;
        if (typeof parsed.deviceId !== 'string' || typeof parsed.deviceSecret !== 'string') throw new Error('fields');
        return { deviceId: parsed.deviceId, deviceSecret: parsed.deviceSecret };
      } catch {
        throw new Error(`设备凭证无法解密（文件被改动或密钥不匹配）：请重新登记本设备`);
      }
    },

    async save(credentials: DeviceCredentials): Promise<void> {
      const key = loadOrCreateKey(keyPath, true)!;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = Buffer.from(JSON.stringify({ deviceId: credentials.deviceId, deviceSecret: credentials.deviceSecret }), 'utf8');
      const data = Buffer.concat([cipher.update(plain), cipher.final()]);
      const sealed: SealedFile = { v: 1, alg: 'aes-256-gcm', iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
      writeAtomic(path, Buffer.from(JSON.stringify(sealed), 'utf8'));
    },
  };
}
