/** The encrypted credential file of browser mode: real files, real AES-256-GCM. */
import { readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCredentialFile } from '../../electron/sync';
import { tempDir } from '../helpers/workstation';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir()));
afterEach(() => dir.remove());

const SECRET = { deviceId: '01JQXW3Z8Y6V5T4S3R2Q1P0N9M', deviceSecret: 'k3J9vQ2mX8pL5nR7tW1yZ4bC6dF0gH2jK5mN8qS1uV4' };

describe('credential file', () => {
  it('is empty before enrolment and round-trips the credentials', async () => {
    const file = join(dir.path, 'sync', 'device.cred');
    const store = createCredentialFile(file);
    expect(await store.load()).toBeNull();
    await store.save(SECRET);
    expect(await store.load()).toEqual(SECRET);
    // A second store on the same files (the next launch) reads them too.
    expect(await createCredentialFile(file).load()).toEqual(SECRET);
  });

  it('never writes the secret in clear and keeps both files owner-only', async () => {
    const file = join(dir.path, 'device.cred');
    await createCredentialFile(file).save(SECRET);
    const sealed = readFileSync(file, 'utf8');
    expect(sealed).not.toContain(SECRET.deviceSecret);
    expect(sealed).not.toContain(SECRET.deviceId);
    expect(JSON.parse(sealed)).toMatchObject({ v: 1, alg: 'aes-256-gcm' });
    expect(readFileSync(`${file}.key`).byteLength).toBe(32);
    if (process.platform !== 'win32') {
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(`${file}.key`).mode & 0o777).toBe(0o600);
    }
    // A fresh IV each time: the same secret never gives the same file.
    await createCredentialFile(file).save(SECRET);
    expect(readFileSync(file, 'utf8')).not.toBe(sealed);
  });

  it('refuses a tampered file, a foreign key and a missing key with a Chinese message', async () => {
    const file = join(dir.path, 'device.cred');
    const store = createCredentialFile(file);
    await store.save(SECRET);
    const sealed = JSON.parse(readFileSync(file, 'utf8'));
    const data = Buffer.from(sealed.data, 'base64');
    data[0] ^= 1;
    writeFileSync(file, JSON.stringify({ ...sealed, data: data.toString('base64') }));
    await expect(store.load()).rejects.toThrow(/无法解密/);

    await store.save(SECRET);
    writeFileSync(`${file}.key`, Buffer.alloc(32, 7));
    await expect(store.load()).rejects.toThrow(/无法解密/);

    unlinkSync(`${file}.key`);
    await expect(store.load()).rejects.toThrow(/找不到设备凭证的密钥文件/);
  });
});
