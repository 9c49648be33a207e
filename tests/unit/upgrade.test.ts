// An upgrade keeps every row: a database at the PREVIOUS schema version (all migrations but the
// last one in db/migrations/meta/_journal.json), filled with real data made by the real core,
// is opened by the current code, which takes a backup first and then migrates.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownSchemaVersion, migrationsFolder, openDatabase, openRawDatabase, upgradeBackupDir, type RawSqlite } from '../../electron/database';
import { writeCatalogFixture } from '../helpers/catalog-fixture';
import { populateWorkstation, type PopulatedData } from '../helpers/ops-fixture';
import { openTestWorkstation, signInAdmin, tempDir } from '../helpers/workstation';

type Rows = Record<string, string[]>;

const SKIP_TABLES = new Set(['__drizzle_migrations', 'sqlite_sequence']);

function tables(sqlite: RawSqlite): string[] {
  return (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[]).filter((t) => !SKIP_TABLES.has(t));
}

function columns(sqlite: RawSqlite, table: string): string[] {
  return (sqlite.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name);
}

/** Every row of every table as sorted JSON over the given columns (order-free comparison). */
function snapshot(sqlite: RawSqlite, only?: Record<string, string[]>): { rows: Rows; cols: Record<string, string[]> } {
  const rows: Rows = {};
  const cols: Record<string, string[]> = {};
  for (const t of tables(sqlite)) {
    const c = only ? only[t] : columns(sqlite, t);
    if (!c) continue;
    cols[t] = c;
    rows[t] = (sqlite.prepare(`SELECT ${c.map((x) => `"${x}"`).join(', ')} FROM "${t}"`).raw().all() as unknown[][])
      .map((r) => JSON.stringify(r, (_k, v) => (Buffer.isBuffer(v) ? v.toString('base64') : typeof v === 'bigint' ? String(v) : v)))
      .sort();
  }
  return { rows, cols };
}

describe('upgrade from the previous schema version', () => {
  const dir = tempDir('onewindow-upgrade-');
  const current = join(dir.path, 'current');
  const previous = join(dir.path, 'previous');
  const known = knownSchemaVersion();
  let data: PopulatedData;
  let catalogDir: string;
  let before: { rows: Rows; cols: Record<string, string[]> };
  let original: Map<string, unknown>;

  beforeAll(async () => {
    expect(known).toBeGreaterThanOrEqual(2);
    catalogDir = writeCatalogFixture(join(dir.path, 'catalog'));
    // 1. Real data, made by the real core at the current version.
    const ws = await openTestWorkstation(current, { catalogDir });
    try {
      data = await populateWorkstation(ws, await signInAdmin(ws));
      original = new Map(data.caseIds.map((id) => [id, ws.cases.get(id)]));
    } finally {
      await ws.close();
    }
    // 2. The previous version's migrations: the journal without its last entry.
    const oldMigrations = join(dir.path, 'migrations-previous');
    cpSync(migrationsFolder(), oldMigrations, { recursive: true });
    const journalFile = join(oldMigrations, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: unknown[] };
    journal.entries = journal.entries.slice(0, -1);
    writeFileSync(journalFile, JSON.stringify(journal));
    // 3. The previous version's data folder: the same keys and files, the database built by the
    //    previous migrations, then every row the core wrote copied into the columns it has.
    mkdirSync(previous, { recursive: true });
    for (const entry of readdirSync(current)) if (!entry.startsWith('onewindow.db') && entry !== 'backups') cpSync(join(current, entry), join(previous, entry), { recursive: true });
    const old = openDatabase(join(previous, 'onewindow.db'), { migrations: oldMigrations });
    const src = openRawDatabase(current, { readonly: true });
    try {
      expect(old.sqlite.pragma('user_version', { simple: true })).toBe(known - 1);
      old.sqlite.pragma('foreign_keys = OFF');
      old.sqlite.transaction(() => {
        const present = new Set(tables(src));
        for (const t of tables(old.sqlite)) {
          if (!present.has(t)) continue;
          const srcCols = new Set(columns(src, t));
          const cols = columns(old.sqlite, t).filter((c) => srcCols.has(c));
          const list = cols.map((c) => `"${c}"`).join(', ');
          const insert = old.sqlite.prepare(`INSERT INTO "${t}" (${list}) VALUES (${cols.map(() => '?').join(', ')})`);
          for (const row of src.prepare(`SELECT ${list} FROM "${t}"`).raw().all() as unknown[][]) insert.run(...row);
        }
      })();
      old.sqlite.pragma('foreign_keys = ON');
      expect(old.sqlite.pragma('foreign_key_check')).toEqual([]);
      before = snapshot(old.sqlite);
    } finally {
      src.close();
      old.close();
    }
  }, 120_000);
  afterAll(() => dir.remove());

  it('starts from real data at the previous version', () => {
    for (const t of ['cases', 'case_events', 'drafts', 'material_pages', 'blobs', 'outbox', 'audit_log', 'users']) {
      expect(before.rows[t]?.length ?? 0, t).toBeGreaterThan(0);
    }
    expect(Object.keys(before.rows).filter((t) => t.startsWith('identity_') && before.rows[t]!.length > 0).length).toBeGreaterThan(0);
    expect(before.rows.cases).toHaveLength(data.caseIds.length);
  });

  it('takes a backup, migrates, and keeps every row of every table', async () => {
    const ws = await openTestWorkstation(previous, { catalogDir });
    try {
      expect(ws.database.sqlite.pragma('user_version', { simple: true })).toBe(known);
      const after = snapshot(ws.database.sqlite, before.cols);
      for (const t of Object.keys(before.rows)) expect(after.rows[t], t).toEqual(before.rows[t]);
      // …and the core reads every case back as it was accepted.
      for (const [id, c] of original) expect(ws.cases.get(id)).toEqual(c);
      expect(ws.audit.verify().ok).toBe(true);
      for (const id of data.caseIds) {
        for (const p of ws.materials.listPages({ caseId: id })) expect((await ws.materials.blobs.get(p.sha256)).byteLength).toBeGreaterThan(0);
      }
    } finally {
      await ws.close();
    }
    // The backup is the previous version's database, complete, with the same key.
    const backups = readdirSync(upgradeBackupDir(join(previous, 'onewindow.db')));
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(new RegExp(`^onewindow-v${known - 1}-to-v${known}-.*\\.db$`));
    const copy = openRawDatabase(previous, { file: join(upgradeBackupDir(join(previous, 'onewindow.db')), backups[0]!), readonly: true });
    try {
      expect(copy.pragma('user_version', { simple: true })).toBe(known - 1);
      expect(snapshot(copy, before.cols).rows).toEqual(before.rows);
    } finally {
      copy.close();
    }
  }, 60_000);

  it('takes no backup when nothing needs migrating, nor for a brand-new database', async () => {
    const ws = await openTestWorkstation(previous, { catalogDir });
    await ws.close();
    expect(readdirSync(upgradeBackupDir(join(previous, 'onewindow.db')))).toHaveLength(1);
    expect(existsSync(upgradeBackupDir(join(current, 'onewindow.db')))).toBe(false);
  }, 60_000);
});
