/**
 * Catalogue and restricted-list distribution: the back office checks and publishes a version,
 * a real workstation core pulls it over the change feed, checks its hash and content, stores it
 * in its data folder and switches its live catalogue; drafts keep their definition; a restart
 * loads the pulled version; a broken catalogue is refused on both sides.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackofficeAdminCommand } from '../../backoffice/main';
import { PublicationError } from '../../backoffice/publications';
import { seedPgliteDataDir, startTestBackoffice, type TestBackoffice } from '../../backoffice/testing';
import { installedCatalogDir } from '../../electron/sync/apply-publications';
import type { Workstation } from '../../electron/workstation';
import { CATALOG_BUNDLE_FORMAT } from '../../shared/sync/catalog-bundle';
import { waitFor } from '../chaos/sync-fixture';
import { idNumber, PERSONAL_ITEM, personalFormData, writeCatalogFixture } from '../helpers/catalog-fixture';
import { openTestWorkstation, tempDir } from '../helpers/workstation';

let bo: TestBackoffice;
let dir: ReturnType<typeof tempDir>;
let ws: Workstation | undefined;
const logs: string[] = [];

async function openWorkstation(catalogDir?: string): Promise<Workstation> {
  return openTestWorkstation(join(dir.path, 'data'), {
    sync: true,
    ...(catalogDir ? { catalogDir } : {}),
    log: (line) => logs.push(line),
    flags: { backofficeUrl: bo.baseUrl },
  });
}

/** A second catalogue version: the personal item at version 2 with a new name, plus one new item. */
function writeVersion2(target: string): string {
  const v2 = { ...PERSONAL_ITEM, version: 2, name: '老年人优待证办理（2026版）' };
  const extra = { ...PERSONAL_ITEM, code: 'QX-MZ-GG-902', name: '高龄津贴申领', shortName: '高龄津贴', keywords: ['高龄补贴'] };
  writeCatalogFixture(target);
  writeFileSync(join(target, 'mz.json'), JSON.stringify({ department: 'MZ', items: [v2, extra] }));
  return target;
}

beforeAll(async () => {
  dir = tempDir('onewindow-catalog-dist-');
  bo = await startTestBackoffice();
}, 60_000);

afterAll(async () => {
  await ws?.close();
  await bo?.close();
  dir?.remove();
});

describe('catalogue distribution', () => {
  it('refuses a catalogue the workstation loader would not accept, naming file, item and field', async () => {
    const broken = writeCatalogFixture(join(dir.path, 'broken'));
    const bad = { ...PERSONAL_ITEM, approval: { lead: 'NOPE', co: [] } };
    writeFileSync(join(broken, 'mz.json'), JSON.stringify({ department: 'MZ', items: [bad] }));
    const error = await bo.backoffice.admin.publishCatalog({ dir: broken, version: 'bad.1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublicationError);
    expect((error as PublicationError).problems).toEqual([expect.objectContaining({ file: 'mz.json', itemCode: PERSONAL_ITEM.code, field: 'department' })]);
  });

  it('publishes a version that the workstation pulls, verifies, stores and switches to; drafts keep theirs', async () => {
    ws = await openWorkstation(writeCatalogFixture(join(dir.path, 'v1')));
    const code = await bo.backoffice.admin.createEnrolmentCode({ centerCode: ws.config().values.centerCode, windowNo: ws.config().values.windowNo });
    await ws.sync!.engine.enrol(code, 'catalog-test');
    expect(ws.catalog.get(PERSONAL_ITEM.code).version).toBe(1);
    const draft = ws.drafts.save({ itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData(), materials: [] }, 'admin');

    const published = await bo.backoffice.admin.publishCatalog({ dir: writeVersion2(join(dir.path, 'v2')), version: '2026.03.1', note: '民政事项调整' });
    expect(published).toMatchObject({ version: '2026.03.1', items: 3 });

    const live = ws;
    await waitFor('catalogue version 2', () => live.catalog.items.some((i) => i.code === PERSONAL_ITEM.code && i.version === 2), 30_000);
    expect(ws.catalog.search('高龄津贴').map((s) => s.code)).toContain('QX-MZ-GG-902');
    expect(ws.sync!.publications.installed('catalog-updated')).toMatchObject({ version: '2026.03.1', sha256: published.sha256 });

    // Stored in the data folder, beside (not over) the shipped catalogue.
    const stored = installedCatalogDir(join(dir.path, 'data'));
    expect(stored).toBeTruthy();
    expect(stored!.startsWith(join(dir.path, 'data', 'catalog'))).toBe(true);
    expect(JSON.parse(readFileSync(join(stored!, 'mz.json'), 'utf8')).items).toHaveLength(2);

    // The draft still carries the definition it was started on.
    const kept = ws.drafts.get(draft.draftId, 'admin');
    expect(kept.itemVersion).toBe(1);
    expect(kept.definition.version).toBe(1);
    expect(kept.definition.name).toBe(PERSONAL_ITEM.name);
  }, 60_000);

  it('keeps the current catalogue when a published bundle fails the checks', async () => {
    const live = ws!;
    const bundle = { format: CATALOG_BUNDLE_FORMAT, version: '2026.03.2', createdAt: new Date().toISOString(), files: { 'departments.json': [], '_common.json': {}, 'mz.json': { department: 'MZ', items: [] } } };
    await bo.backoffice.admin.publishCatalogUpdate({ version: '2026.03.2', bundle: new TextEncoder().encode(JSON.stringify(bundle)) });
    await waitFor('refusal logged', () => logs.some((l) => l.includes('2026.03.2') && l.includes('失败')), 30_000);
    expect(live.catalog.get(PERSONAL_ITEM.code).version).toBe(2);
    expect(live.sync!.publications.installed('catalog-updated')?.version).toBe('2026.03.1');
  }, 40_000);

  it('feeds the restricted list from the back office and shows its age', async () => {
    const live = ws!;
    const listed = idNumber('19700101', '456');
    const text = JSON.stringify({
      source: '江苏省公共信用信息平台',
      version: 'RL-2026-03-01',
      generatedAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
      entries: [{ kind: 'person', idNumber: listed }],
    });
    await expect(bo.backoffice.admin.publishRestrictedList({ text: '{"source":"x"}' })).rejects.toBeInstanceOf(PublicationError);
    await bo.backoffice.admin.publishRestrictedList({ text });
    const status = (await waitFor('restricted list imported', () => {
      const s = live.identity.restrictedListStatus();
      return s.version === 'RL-2026-03-01' ? s : null;
    }, 30_000))!;
    expect(status).toMatchObject({ loaded: true, entries: 1, ageDays: 2, stale: false });
    expect(status.message).toContain('2 天前生成');
    expect(status.message).toContain('区级后台下发');
    expect(live.identity.creditCheck({ idNumber: listed }, { username: 'admin', role: 'admin' })).toMatchObject({ hit: true, commitmentAllowed: false });
  }, 40_000);

  it('loads the pulled version again after a restart', async () => {
    await ws!.close();
    ws = await openWorkstation(); // no catalogDir: the data folder's pulled version, else the shipped one
    expect(ws.catalog.get(PERSONAL_ITEM.code).version).toBe(2);
    expect(ws.catalog.items).toHaveLength(3);
  }, 40_000);
});

describe('onewindow backoffice catalog publish (CLI)', () => {
  it('checks, refuses with the problems listed, and publishes', async () => {
    const data = join(dir.path, 'cli-backoffice');
    await seedPgliteDataDir(join(data, 'pgdata')); // migrated template: the CLI opens it three times
    const out = { stdout: '', stderr: '' };
    const io = { stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) }, env: {} };
    const broken = writeCatalogFixture(join(dir.path, 'cli-broken'), { 'ga.json': '{ not json' });
    expect(await runBackofficeAdminCommand(['catalog', 'publish', broken, '--data', data], io)).toBe(1);
    expect(out.stderr).toContain('ga.json');
    expect(out.stderr).toContain('不是有效的 JSON');
    expect(await runBackofficeAdminCommand(['catalog', 'publish', writeVersion2(join(dir.path, 'cli-v2')), '--version', '2026.04.1', '--data', data], io)).toBe(0);
    expect(out.stdout).toMatch(/已发布事项目录 2026\.04\.1（3 个事项，SHA-256 [0-9a-f]{64}）/);
    expect(await runBackofficeAdminCommand(['catalog', 'publish', join(dir.path, 'cli-v2'), '--version', '2026.04.1', '--data', data], io)).toBe(1);
    expect(out.stderr).toContain('已发布过');
    expect(existsSync(join(data, 'pgdata'))).toBe(true);
  }, 90_000);
});
