// Backup and restore of a window's data: a real workstation with real cases, drafts and pages,
// backed up online, restored into a fresh folder and read back through the real core.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup, restoreBackup, verifyBackup, type BackupManifest } from '../../electron/backup';
import { main } from '../../electron/cli';
import type { Workstation } from '../../electron/workstation';
import { writeCatalogFixture } from '../helpers/catalog-fixture';
import { populateWorkstation, type PopulatedData } from '../helpers/ops-fixture';
import { openTestWorkstation, signInAdmin, tempDir } from '../helpers/workstation';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err };
}

describe('onewindow backup / restore', () => {
  const dir = tempDir('onewindow-backup-');
  const source = join(dir.path, 'data');
  let catalogDir: string;
  let data: PopulatedData;
  let original: { id: string; caseNo: string; formData: unknown; pages: string[] }[];
  let manifest: BackupManifest;

  beforeAll(async () => {
    catalogDir = writeCatalogFixture(join(dir.path, 'catalog'));
    const ws = await openTestWorkstation(source, { catalogDir });
    try {
      const session = await signInAdmin(ws);
      data = await populateWorkstation(ws, session);
      original = data.caseIds.map((id) => {
        const c = ws.cases.get(id);
        return { id, caseNo: c.caseNo, formData: c.formData, pages: ws.materials.listPages({ caseId: id }).map((p) => p.sha256) };
      });
      // Backed up while the workstation is open: the online copy does not need it closed.
      manifest = await createBackup({ dataDir: source, target: join(dir.path, 'backup') });
    } finally {
      await ws.close();
    }
  }, 120_000);
  afterAll(() => dir.remove());

  async function readAll(ws: Workstation) {
    return data.caseIds.map((id) => {
      const c = ws.cases.get(id);
      return { id, caseNo: c.caseNo, formData: c.formData, pages: ws.materials.listPages({ caseId: id }).map((p) => p.sha256) };
    });
  }

  it('writes a manifest with row counts and a hash for every file', async () => {
    expect(manifest.counts.cases).toBe(data.caseIds.length);
    expect(manifest.counts.drafts).toBe(1);
    expect(manifest.counts.material_pages).toBeGreaterThanOrEqual(3);
    expect(manifest.counts.outbox).toBeGreaterThanOrEqual(data.caseIds.length);
    expect(manifest.files.some((f) => f.path.startsWith('blobs/'))).toBe(true);
    expect(manifest.files.some((f) => f.path.startsWith('keys/'))).toBe(true);
    for (const f of manifest.files) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
    await expect(verifyBackup(join(dir.path, 'backup'))).resolves.toMatchObject({ counts: manifest.counts });
  });

  it('restores into a fresh folder; the core reads every case, page and draft back', async () => {
    const target = join(dir.path, 'restored');
    const result = await restoreBackup({ source: join(dir.path, 'backup'), dataDir: target });
    expect(result.previous).toBeNull();
    const ws = await openTestWorkstation(target, { catalogDir });
    try {
      expect(await readAll(ws)).toEqual(original);
      // Every page's bytes are there and match their hash (the blob store verifies on read).
      for (const c of original) for (const sha of c.pages) expect((await ws.materials.blobs.get(sha)).byteLength).toBeGreaterThan(0);
      expect(ws.auth.listUsers().map((u) => u.username)).toContain('admin');
      expect(ws.audit.verify()).toMatchObject({ ok: true });
      const signIn = await ws.dispatch('auth.signIn', { username: 'admin', password: 'Counter2026pass' }, {});
      expect(signIn.envelope.ok).toBe(true);
      const drafts = await ws.dispatch('drafts.list', {}, { sessionId: signIn.session as string });
      expect(drafts.envelope).toMatchObject({ ok: true, data: [{ id: data.openDraftId }] });
    } finally {
      await ws.close();
    }
  }, 60_000);

  it('refuses a non-empty data folder without --force, and keeps the old one aside with it', async () => {
    const target = join(dir.path, 'busy');
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, 'something.txt'), 'x');
    await expect(restoreBackup({ source: join(dir.path, 'backup'), dataDir: target })).rejects.toThrow(/数据目录不为空.*--force/);
    expect(readFileSync(join(target, 'something.txt'), 'utf8')).toBe('x');
    const forced = await restoreBackup({ source: join(dir.path, 'backup'), dataDir: target, force: true });
    expect(forced.previous && readFileSync(join(forced.previous, 'something.txt'), 'utf8')).toBe('x');
    expect(existsSync(join(target, 'onewindow.db'))).toBe(true);
  }, 60_000);

  it('refuses a damaged backup before touching the data folder', async () => {
    const copy = join(dir.path, 'damaged');
    await createBackup({ dataDir: join(dir.path, 'restored'), target: copy });
    const m = JSON.parse(readFileSync(join(copy, 'manifest.json'), 'utf8')) as BackupManifest;
    const blob = m.files.find((f) => f.path.startsWith('blobs/'))!;
    const file = join(copy, 'files', blob.path);
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(file, bytes);
    const target = join(dir.path, 'never');
    await expect(restoreBackup({ source: copy, dataDir: target })).rejects.toThrow(/校验值不符/);
    expect(existsSync(target)).toBe(false);
  }, 60_000);

  it('works from the command line, refusing a second restore without --force', async () => {
    const back = join(dir.path, 'cli-backup');
    const data2 = join(dir.path, 'cli-restored');
    const b = capture();
    expect(await main(['backup', back, '--json', '--data-dir', join(dir.path, 'restored'), '--config', join(dir.path, 'none.json')], b.io)).toBe(0);
    expect(JSON.parse(b.out[0]!)).toMatchObject({ ok: true, cases: data.caseIds.length });
    const r = capture();
    expect(await main(['restore', back, '--data-dir', data2, '--config', join(dir.path, 'none.json')], r.io)).toBe(0);
    expect(r.out[0]).toContain(`${data.caseIds.length} 件办件`);
    const again = capture();
    expect(await main(['restore', back, '--data-dir', data2, '--config', join(dir.path, 'none.json')], again.io)).toBe(1);
    expect(again.err.join('')).toContain('--force');
  }, 60_000);
});
