/**
 * TLS with the district's own CA: a throwaway CA and server certificate are made with openssl;
 * the back office serves HTTPS with them; a real workstation core configured with
 * backofficeCaFile enrols and syncs a case over it, while a workstation trusting another CA (or
 * only the system's) refuses the connection with a Chinese explanation.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackofficeServeCommand } from '../../backoffice/main';
import { createBackoffice, type Backoffice } from '../../backoffice/server';
import { seedPgliteDataDir } from '../../backoffice/testing';
import { createSyncFetch } from '../../electron/sync/http';
import type { Workstation } from '../../electron/workstation';
import { acceptCase, waitFor } from '../chaos/sync-fixture';
import { writeCatalogFixture } from '../helpers/catalog-fixture';
import { openTestWorkstation, signInAdmin, tempDir } from '../helpers/workstation';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
if (!hasOpenssl) console.warn('backoffice-tls.test: openssl not found; skipped');

let dir: ReturnType<typeof tempDir>;
let backoffice: Backoffice;
let baseUrl: string;
const open: Workstation[] = [];

function openssl(...args: string[]) {
  execFileSync('openssl', args, { cwd: dir.path, stdio: 'pipe' });
}

/** A CA (key + self-signed certificate) named `name`. */
function makeCa(name: string) {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-keyout', `${name}.key`, '-out', `${name}.pem`);
  return join(dir.path, `${name}.pem`);
}

beforeAll(async () => {
  dir = tempDir('onewindow-tls-');
  if (!hasOpenssl) return;
  makeCa('district-ca');
  makeCa('other-ca');
  writeFileSync(join(dir.path, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=backoffice.qixia.test', '-keyout', 'server.key', '-out', 'server.csr');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'district-ca.pem', '-CAkey', 'district-ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'server.ext', '-out', 'server.pem');
  const pgdata = join(dir.path, 'backoffice', 'pgdata');
  await seedPgliteDataDir(pgdata);
  backoffice = await createBackoffice({
    database: { kind: 'pglite', dataDir: pgdata },
    blobDir: join(dir.path, 'backoffice', 'blobs'),
    tls: { cert: readFileSync(join(dir.path, 'server.pem')), key: readFileSync(join(dir.path, 'server.key')) },
  });
  baseUrl = await backoffice.listen(0, '127.0.0.1');
}, 60_000);

afterAll(async () => {
  for (const ws of open) await ws.close();
  await backoffice?.close();
  dir?.remove();
});

async function workstation(name: string, flags: Record<string, unknown>): Promise<Workstation> {
  const ws = await openTestWorkstation(join(dir.path, name), {
    sync: true,
    catalogDir: writeCatalogFixture(join(dir.path, `${name}-catalog`)),
    flags: { backofficeUrl: baseUrl, ...flags },
  });
  open.push(ws);
  return ws;
}

describe.skipIf(!hasOpenssl)('TLS with a configurable CA', () => {
  it('serves HTTPS with the given certificate', async () => {
    expect(baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const trusted = createSyncFetch({ ca: readFileSync(join(dir.path, 'district-ca.pem')) });
    const info = await trusted(`${baseUrl}/v1/info`);
    expect(info.status).toBe(200);
    expect(((await info.json()) as { service: string }).service).toBe('onewindow-backoffice');
    // Plain fetch trusts only the system's CAs: the district's certificate is unknown to it.
    await expect(fetch(`${baseUrl}/v1/info`)).rejects.toThrow();
  });

  it('carries binary uploads, HEAD answers and downloads over HTTPS (the upload path of the sync engine)', async () => {
    const trusted = createSyncFetch({ ca: readFileSync(join(dir.path, 'district-ca.pem')), headers: () => ({ 'x-onewindow-app-version': '9.9.9' }) });
    const code = await backoffice.admin.createEnrolmentCode({ centerCode: '32011300', windowNo: '19' });
    const enrol = await trusted(`${baseUrl}/v1/devices/enrol`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, deviceName: 'tls-raw' }) });
    expect(enrol.status).toBe(201);
    const { deviceId, deviceSecret } = (await enrol.json()) as { deviceId: string; deviceSecret: string };
    const authorization = `Bearer ${deviceId}.${deviceSecret}`;
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 31) % 251);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const before = await trusted(`${baseUrl}/v1/blobs/${sha}`, { method: 'HEAD', headers: { authorization } });
    expect([before.status, before.headers.get('upload-offset')]).toEqual([404, '0']);
    const put = await trusted(`${baseUrl}/v1/blobs/${sha}?offset=0&total=${bytes.byteLength}`, { method: 'PUT', headers: { authorization, 'content-type': 'application/octet-stream' }, body: bytes });
    expect(put.status).toBe(201);
    const after = await trusted(`${baseUrl}/v1/blobs/${sha}`, { method: 'HEAD', headers: { authorization } });
    expect([after.status, after.headers.get('content-length')]).toEqual([200, String(bytes.byteLength)]);
    const devices = await backoffice.admin.listDevices();
    expect(devices.find((d) => d.id === deviceId)?.appVersion).toBe('9.9.9');
  });

  it('a workstation with backofficeCaFile enrols and delivers a case over HTTPS', async () => {
    const ws = await workstation('trusting', { backofficeCaFile: join(dir.path, 'district-ca.pem'), windowNo: '11' });
    const code = await backoffice.admin.createEnrolmentCode({ centerCode: ws.config().values.centerCode, windowNo: '11' });
    await ws.sync!.engine.enrol(code, 'tls-window');
    const session = await signInAdmin(ws);
    const accepted = await acceptCase(ws, session, 1);
    ws.sync!.engine.poke();
    await waitFor('case synced over TLS', () => ws.sync!.engine.caseSyncState(accepted.id).state === 'submitted', 30_000);
    // The audit batch shipped beside the case goes over the same connection.
    await waitFor('outbox drained', () => ws.sync!.engine.status().backlog === 0, 30_000);
    expect(ws.sync!.engine.status()).toMatchObject({ online: true, dead: 0, lastError: null });
  }, 60_000);

  it('refuses a back office whose certificate another CA signed, and one only the system would have to trust', async () => {
    for (const [name, flags] of [
      ['other-ca', { backofficeCaFile: join(dir.path, 'other-ca.pem'), windowNo: '12' }],
      ['system-ca', { windowNo: '13' }],
    ] as const) {
      const ws = await workstation(name, flags);
      const code = await backoffice.admin.createEnrolmentCode({ centerCode: ws.config().values.centerCode, windowNo: flags.windowNo });
      const error = (await ws.sync!.engine.enrol(code, name).catch((e: unknown) => e)) as Error & { code?: string };
      expect(error, name).toBeInstanceOf(Error);
      expect(error.message, name).toMatch(/证书不受信任/);
      expect(ws.sync!.engine.status().enrolled).toBe(false);
    }
  }, 60_000);

  it('onewindow backoffice serve --tls-cert --tls-key serves HTTPS; one without the other is refused', async () => {
    const data = join(dir.path, 'cli');
    await seedPgliteDataDir(join(data, 'pgdata'));
    let out = '';
    let err = '';
    const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, env: {} };
    expect(await runBackofficeServeCommand(['--port', '0', '--data', data, '--tls-cert', join(dir.path, 'server.pem')], io)).toBe(2);
    expect(err).toContain('须同时给出');
    const stop = new AbortController();
    const running = runBackofficeServeCommand(['--port', '0', '--data', data, '--tls-cert', join(dir.path, 'server.pem'), '--tls-key', join(dir.path, 'server.key')], { ...io, signal: stop.signal });
    const url = await waitFor('serve started', () => /后台服务已启动：(https:\/\/\S+)/.exec(out)?.[1], 30_000);
    const trusted = createSyncFetch({ ca: readFileSync(join(dir.path, 'district-ca.pem')) });
    expect((await trusted(`${url}/healthz`)).status).toBe(200);
    stop.abort();
    expect(await running).toBe(0);
  }, 60_000);
});
