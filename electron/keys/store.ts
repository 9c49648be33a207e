/**
 * Where the workstation's 32-byte keys live (`<dataDir>/keys/`). Two kinds of store:
 *
 * - **file** (browser mode, the CLI, tests): `<name>.key`, created 0600 in a 0700 folder; a file
 *   group or others can read is refused, as ssh does. Weaker: whoever can read the user's files
 *   (or a copy of the disk) has the key. Documented in docs/SECURITY.md.
 * - **sealed** (the Electron shell): `<name>.key.sealed`, the key encrypted by the OS key store
 *   through Electron's safeStorage (DPAPI / Keychain / libsecret). A plain `<name>.key` left by
 *   browser mode is adopted once: sealed, then deleted.
 *
 * Keys are created exclusively (write a temp file, then link it to the real name: the first
 * writer wins and every other process reads the winner's key), so two processes starting at
 * once can never end up with two different keys.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ContractError } from '../../shared/contract/errors';
import { KEY_BYTES } from './aead';

export interface KeyStore {
  readonly kind: 'file' | 'sealed';
  readonly dir: string;
  /** The file a key is (or would be) kept in, for messages. */
  location(name: string): string;
  /** The key, or null when none was created yet. */
  load(name: string): Buffer | null;
  /** The existing key, or a new random one created exclusively. */
  loadOrCreate(name: string): Buffer;
  /** Renames key `from` over key `to` (atomic), e.g. finishing a rotation. */
  promote(from: string, to: string): void;
  remove(name: string): void;
}

/** The subset of Electron's `safeStorage` the sealed store needs (so this file does not import electron). */
export interface StringSealer {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
}

const keyError = (message: string) => new ContractError('CONFIG_INVALID', message);

function syncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeTemp(path: string, data: Buffer): string {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return tmp;
}

/** Writes `data` to `path` only if nothing is there yet. Returns false when another writer won. */
function createExclusive(path: string, data: Buffer): boolean {
  const dir = join(path, '..');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = writeTemp(path, data);
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    unlinkSync(tmp);
    syncDir(dir);
  }
}

function checkPermissions(path: string): void {
  if (process.platform === 'win32') return; // NTFS ACLs: the data folder's own permissions apply
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw keyError(`密钥文件 ${path} 的权限过宽（${mode.toString(8).padStart(4, '0')}），其他用户可读。请执行 chmod 600 后重试，并检查该文件是否被复制过`);
  }
}

function checkLength(path: string, key: Buffer): Buffer {
  if (key.length !== KEY_BYTES) throw keyError(`密钥文件 ${path} 已损坏或无法解密（长度 ${key.length} 字节，应为 ${KEY_BYTES}）。请联系信息技术人员从备份恢复`);
  return key;
}

function readPlain(path: string): Buffer | null {
  if (!existsSync(path)) return null;
  checkPermissions(path);
  return checkLength(path, readFileSync(path));
}

function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

function promoteFile(from: string, to: string): void {
  renameSync(from, to);
  syncDir(join(to, '..'));
}

/** Keys in plain 0600 files: browser mode, the CLI, tests. */
export function createFileKeyStore(dataDir: string): KeyStore {
  const dir = join(dataDir, 'keys');
  const location = (name: string) => join(dir, `${name}.key`);
  const store: KeyStore = {
    kind: 'file',
    dir,
    location,
    load: (name) => readPlain(location(name)),
    loadOrCreate(name) {
      const existing = store.load(name);
      if (existing) return existing;
      createExclusive(location(name), randomBytes(KEY_BYTES));
      return store.load(name)!;
    },
    promote: (from, to) => promoteFile(location(from), location(to)),
    remove: (name) => removeFile(location(name)),
  };
  return store;
}

export const OS_KEY_STORE_UNAVAILABLE =
  '操作系统密钥服务不可用，无法保护本机数据的加密密钥，OneWindow 不会以明文方式保存居民个人信息，因此拒绝启动。' +
  '请信息技术人员检查：Windows 需以正常用户登录（DPAPI）；Linux 需安装并解锁 GNOME Keyring 或 KWallet（libsecret）。处理后重新启动本程序。';

/** Keys sealed by the OS key store through Electron's safeStorage: the Electron shell. */
export function createSealedKeyStore(dataDir: string, sealer: StringSealer): KeyStore {
  const dir = join(dataDir, 'keys');
  const location = (name: string) => join(dir, `${name}.key.sealed`);
  const plainLocation = (name: string) => join(dir, `${name}.key`);
  const requireSealer = () => {
    if (!sealer.isEncryptionAvailable()) throw keyError(OS_KEY_STORE_UNAVAILABLE);
  };
  const unseal = (path: string) => {
    requireSealer();
    let text: string;
    try {
      text = sealer.decryptString(readFileSync(path));
    } catch (e) {
      throw keyError(`密钥文件 ${path} 无法由操作系统密钥服务解密（${(e as Error).message}）。可能换了 Windows 账户或重装了系统，请联系信息技术人员`);
    }
    chmodSync(path, 0o600);
    return checkLength(path, Buffer.from(text, 'base64'));
  };
  const sealKey = (key: Buffer) => sealer.encryptString(key.toString('base64'));
  const store: KeyStore = {
    kind: 'sealed',
    dir,
    location,
    load(name) {
      if (existsSync(location(name))) return unseal(location(name));
      const plain = readPlain(plainLocation(name));
      if (!plain) return null;
      // A key browser mode kept in a plain file: seal it, then remove the plain copy.
      requireSealer();
      createExclusive(location(name), sealKey(plain));
      const sealed = unseal(location(name));
      removeFile(plainLocation(name));
      return sealed;
    },
    loadOrCreate(name) {
      requireSealer();
      const existing = store.load(name);
      if (existing) return existing;
      createExclusive(location(name), sealKey(randomBytes(KEY_BYTES)));
      return store.load(name)!;
    },
    promote: (from, to) => promoteFile(location(from), location(to)),
    remove: (name) => removeFile(location(name)),
  };
  // Adopt every plain key browser mode left, now: a key used only later (e.g. identity) must not stay plain meanwhile.
  if (existsSync(dir) && sealer.isEncryptionAvailable()) {
    for (const f of readdirSync(dir)) if (f.endsWith('.key')) store.load(f.slice(0, -'.key'.length));
  }
  return store;
}

/** True when this data folder's keys are sealed by an OS key store (written by the Electron shell). */
export function hasSealedKeys(dataDir: string): boolean {
  const dir = join(dataDir, 'keys');
  return existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.key.sealed'));
}

let processKeyStore: ((dataDir: string) => KeyStore) | undefined;

/**
 * Makes every default key lookup of this process use `factory`: the Electron shell calls it
 * with its OS-sealed store, so the packaged app's `--cli` commands open the same keys.
 */
export function useKeyStoreForProcess(factory: ((dataDir: string) => KeyStore) | undefined): void {
  processKeyStore = factory;
}

/**
 * The key store of this process: the one the shell set (useKeyStoreForProcess), else key files
 * (browser mode, the CLI under Node). A folder whose keys the Electron shell sealed is refused
 * rather than given a fresh key file: a new key would not open its data.
 */
export function defaultKeyStore(dataDir: string): KeyStore {
  if (processKeyStore) return processKeyStore(dataDir);
  if (hasSealedKeys(dataDir)) {
    throw keyError(`数据目录 ${dataDir} 的密钥由操作系统密钥服务保护（由工作台程序创建），命令行和浏览器模式无法使用。请在工作台程序中操作，或联系信息技术人员`);
  }
  return createFileKeyStore(dataDir);
}
