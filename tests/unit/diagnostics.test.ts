// Diagnostics for IT: JSON-lines logs with rotation and no personal data, `onewindow doctor
// --json` with its checks, and a diagnostics bundle that holds nothing personal — after a real
// case with a known ID number and name was accepted.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTarGz } from '../../electron/backup/tar';
import { main } from '../../electron/cli';
import { collectDoctorReport } from '../../electron/cli/doctor';
import { knownSchemaVersion } from '../../electron/database';
import { createLogger, redactText, redactValue } from '../../electron/logging';
import { writeCatalogFixture } from '../helpers/catalog-fixture';
import { populateWorkstation, type PopulatedData } from '../helpers/ops-fixture';
import { openTestWorkstation, signInAdmin, tempDir } from '../helpers/workstation';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err };
}

describe('redaction', () => {
  it('removes ID numbers, phone numbers and values under personal keys, and keeps the rest', () => {
    expect(redactText('申请人 320113196208154271 电话 13912345678 座机 025-85551234 办件 32011300-20261127-01-0001')).toBe(
      '申请人 [身份证号] 电话 [手机号] 座机 [电话] 办件 32011300-20261127-01-0001',
    );
    expect(redactText('旧证 320113620815427')).toBe('旧证 [身份证号]');
    expect(redactValue({ applicant: { name: '欧阳秀兰', idNumber: 'x' }, itemName: '老年人优待证', deviceSecret: 's3cret', n: 3 })).toEqual({
      applicant: { name: '[个人信息]', idNumber: '[个人信息]' },
      itemName: '老年人优待证',
      deviceSecret: '[已隐去]',
      n: 3,
    });
  });
});

describe('logs', () => {
  it('writes JSON lines, rotates by size and keeps a bounded number of files', () => {
    const dir = tempDir('onewindow-logs-');
    try {
      const logger = createLogger({ dir: dir.path, maxBytes: 2000, maxFiles: 3 });
      for (let i = 0; i < 200; i++) logger.log(`[sync] 第 ${i} 次推送，申请人身份证 320113196208154271`);
      const files = readdirSync(dir.path).sort();
      expect(files).toEqual(['onewindow.1.log', 'onewindow.2.log', 'onewindow.3.log', 'onewindow.log']);
      for (const f of files) {
        expect(statSync(join(dir.path, f)).size).toBeLessThanOrEqual(2000);
        const text = readFileSync(join(dir.path, f), 'utf8');
        expect(text).not.toContain('320113196208154271');
        for (const line of text.trim().split('\n')) expect(JSON.parse(line)).toMatchObject({ level: 'info', src: 'sync', msg: expect.stringContaining('[身份证号]') });
      }
      // The newest record is in the current file.
      expect(readFileSync(join(dir.path, 'onewindow.log'), 'utf8')).toContain('第 199 次');
    } finally {
      dir.remove();
    }
  });
});

describe('doctor and diagnostics export', () => {
  const dir = tempDir('onewindow-diag-');
  const dataDir = join(dir.path, 'data');
  const systemFile = join(dir.path, 'config.json');
  let data: PopulatedData;
  let server: Server;
  let url: string;
  const SKEW_SECONDS = 600;

  beforeAll(async () => {
    // A back office whose clock is ten minutes behind ours.
    server = createServer((req, res) => {
      res.sendDate = false;
      res.setHeader('date', new Date(Date.now() - SKEW_SECONDS * 1000).toUTCString());
      res.statusCode = req.url === '/healthz' ? 200 : 404;
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    writeFileSync(systemFile, JSON.stringify({ mode: 'production', backofficeUrl: url, enrolmentCode: 'ABCD-EFGH-JKMN', firstAdminPassword: 'Secret2026first', updateUrl: 'http://updates.qixia.local/onewindow/' }));

    const logger = createLogger({ dir: join(dataDir, 'logs') });
    const ws = await openTestWorkstation(dataDir, { catalogDir: writeCatalogFixture(join(dir.path, 'catalog')), log: logger.log });
    try {
      data = await populateWorkstation(ws, await signInAdmin(ws));
      // What a careless component might log: the applicant in a message and in known fields.
      logger.log(`[cases] 受理完成，申请人 ${data.applicant.idNumber}，电话 ${data.applicant.mobile}`);
      logger.write('info', 'cases', '受理完成', { applicantName: data.applicant.name, idNumber: data.applicant.idNumber, caseId: data.caseIds[0] });
    } finally {
      await ws.close();
    }
  }, 120_000);
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    dir.remove();
  });

  const cfg = () => ({ flags: { dataDir }, env: {}, systemFile });

  it('leaves no ID number, phone number or known name field in the log files', () => {
    const logs = readdirSync(join(dataDir, 'logs')).map((f) => readFileSync(join(dataDir, 'logs', f), 'utf8')).join('');
    expect(logs).toContain('受理完成');
    expect(logs).not.toContain(data.applicant.idNumber);
    expect(logs).not.toContain(data.applicant.mobile);
    expect(logs).not.toContain(data.applicant.name);
  });

  it('reports every check, finds the clock skew, and never shows a secret', async () => {
    const report = await collectDoctorReport(cfg());
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    for (const id of ['config', 'database', 'migrations', 'accounts', 'sync', 'disk', 'backoffice', 'clock', 'keys', 'updates', 'catalog', 'calendar', 'versions']) {
      expect(byId[id], id).toBeDefined();
    }
    expect(byId.database).toMatchObject({ ok: true, detail: expect.stringContaining('正常') });
    expect(byId.migrations!.data).toMatchObject({ version: knownSchemaVersion(), pending: [] });
    expect(byId.sync!.data).toMatchObject({ enrolled: false, pending: data.caseIds.length, dead: 0 });
    expect(byId.backoffice).toMatchObject({ ok: true });
    expect(byId.clock!.ok).toBe(false);
    expect(Math.abs((byId.clock!.data!.skewSeconds as number) - SKEW_SECONDS)).toBeLessThanOrEqual(3);
    expect(byId.clock!.detail).toContain('快');
    expect(byId.disk!.data!.freeBytes).toBeGreaterThan(0);
    expect(byId.keys).toMatchObject({ ok: true });
    expect(report.ok).toBe(false);
    const text = JSON.stringify(report);
    expect(text).not.toContain('ABCD-EFGH-JKMN');
    expect(text).not.toContain('Secret2026first');
  });

  it('flags a key file others can read, and an unreachable back office', async () => {
    const keyFile = join(dataDir, 'keys', readdirSync(join(dataDir, 'keys'))[0]!);
    const mode = statSync(keyFile).mode & 0o777;
    chmodSync(keyFile, 0o644);
    try {
      const report = await collectDoctorReport({ ...cfg(), flags: { dataDir, backofficeUrl: 'http://127.0.0.1:9' } }, { timeoutMs: 2000 });
      const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
      expect(byId.keys).toMatchObject({ ok: false, detail: expect.stringContaining('chmod 600') });
      expect(byId.backoffice).toMatchObject({ ok: false, detail: expect.stringContaining('无法访问') });
    } finally {
      chmodSync(keyFile, mode);
    }
  });

  it('exports a bundle IT can open, holding what they need and nothing personal', async () => {
    const file = join(dir.path, 'diag.tar.gz');
    const c = capture();
    expect(await main(['diagnostics', 'export', file, '--json', '--data-dir', dataDir, '--config', systemFile], c.io)).toBe(0);
    expect(JSON.parse(c.out[0]!)).toMatchObject({ ok: true, file });
    const bytes = readFileSync(file);
    const entries = readTarGz(bytes);
    expect(entries.map((e) => e.path).sort()).toEqual(['README.txt', 'config.json', 'doctor.json', 'logs/onewindow.log', 'sync.json', 'versions.json']);
    const text = entries.map((e) => Buffer.from(e.data).toString('utf8')).join('\n');
    for (const secret of [data.applicant.idNumber, data.applicant.name, data.applicant.mobile, 'ABCD-EFGH-JKMN', 'Secret2026first']) {
      expect(text).not.toContain(secret);
      expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
    const doctor = JSON.parse(Buffer.from(entries.find((e) => e.path === 'doctor.json')!.data).toString('utf8'));
    expect(doctor.checks.map((x: { id: string }) => x.id)).toContain('clock');
    expect(Buffer.from(entries.find((e) => e.path === 'logs/onewindow.log')!.data).toString('utf8')).toContain('受理完成');
    const config = JSON.parse(Buffer.from(entries.find((e) => e.path === 'config.json')!.data).toString('utf8'));
    expect(config.values).toMatchObject({ enrolmentCode: '（已设置）', firstAdminPassword: '（已设置）', backofficeUrl: url });
    // A standard tar reads it too.
    const tar = spawnSync('tar', ['-tzf', file], { encoding: 'utf8' });
    if (tar.status === 0) expect(tar.stdout.trim().split('\n').sort()).toContain('doctor.json');
    expect(existsSync(`${file}.partial`)).toBe(false);
  });

  it('doctor --json exits 1 when a check fails and prints one JSON object', async () => {
    const c = capture();
    const out = join(dir.path, 'install', 'install-doctor.txt');
    expect(await main(['doctor', '--json', '--out', out, '--data-dir', dataDir, '--config', systemFile], c.io)).toBe(1);
    expect(JSON.parse(c.out[0]!)).toMatchObject({ ok: false, checks: expect.any(Array) });
    // --out (what the Windows installer collects) holds the same report.
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ ok: false, checks: JSON.parse(c.out[0]!).checks.map(() => expect.any(Object)) });
  });
});
