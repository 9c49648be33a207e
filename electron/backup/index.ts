/**
 * `onewindow backup <dir>` / `onewindow restore <dir>`: the local data of one window.
 * The database is copied online (the workstation may keep working) by electron/database's
 * backupDatabase: an encrypted, consistent copy with the same key. Every other file of the
 * data folder (scanned pages, face images, keys, device credentials) is copied and proved by
 * its SHA-256; manifest.json lists each file's hash and every table's row count, and is
 * written last, so a folder without it is not a backup. Restore checks all of that before it
 * touches anything, refuses a data folder that is not empty unless forced (the old folder is
 * then kept beside it, renamed), assembles the restore next to the target and swaps it in.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ContractError } from '../../shared/contract/errors';
import { backupDatabase, openRawDatabase, type RawSqlite } from '../database';
import { keysForDataDir } from '../keys';
import { appVersion } from '../paths';
import { copyVerified, isEmptyDir, listFiles, sha256File } from './files';

export const MANIFEST = 'manifest.json';
const DB_FILE = 'onewindow.db';

export interface BackupManifest {
  format: 'onewindow-backup';
  version: 1;
  createdAt: string;
  appVersion: string;
  schemaVersion: number;
  database: { file: string; sha256: string; bytes: number };
  /** Rows per table, read from the copy. */
  counts: Record<string, number>;
  files: { path: string; sha256: string; bytes: number }[];
}

/**
 * Not copied: the live database files (the online copy replaces them), logs, pre-upgrade
 * backups, the training configuration's embedded back office (its own PGlite database; a
 * training window starts a fresh one), and temp files.
 */
export function skipInBackup(rel: string): boolean {
  const top = rel.split('/')[0]!;
  if (['logs', 'backups', 'backoffice'].includes(top)) return true;
  if (rel === DB_FILE || rel.startsWith(`${DB_FILE}-`) || rel.startsWith(`${DB_FILE}.`)) return true;
  return /\.(tmp|partial)$/.test(rel);
}

function tableCounts(sqlite: RawSqlite): Record<string, number> {
  const names = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  return Object.fromEntries(names.map((n) => [n, sqlite.prepare(`SELECT count(*) FROM "${n.replace(/"/g, '""')}"`).pluck().get() as number]));
}

function readCopy(dataDir: string, file: string, keysDir: string): { counts: Record<string, number>; schemaVersion: number; integrity: string } {
  const sqlite = openRawDatabase(dataDir, { file, readonly: true, keys: keysForDataDir(keysDir) });
  try {
    return {
      counts: tableCounts(sqlite),
      schemaVersion: sqlite.pragma('user_version', { simple: true }) as number,
      integrity: String(sqlite.pragma('integrity_check', { simple: true })),
    };
  } finally {
    sqlite.close();
  }
}

export async function createBackup(o: { dataDir: string; target: string; now?: () => Date }): Promise<BackupManifest> {
  const now = o.now ?? (() => new Date());
  if (!existsSync(join(o.dataDir, DB_FILE))) throw new ContractError('NOT_FOUND', `数据目录中没有本地数据库：${o.dataDir}`);
  if (!isEmptyDir(o.target)) throw new ContractError('CONFLICT', `备份目录不为空：${o.target}。请指定一个新的或空的目录。`);
  mkdirSync(o.target, { recursive: true });

  const files: BackupManifest['files'] = [];
  for (const rel of listFiles(o.dataDir, skipInBackup)) {
    files.push({ path: rel, ...(await copyVerified(join(o.dataDir, rel), join(o.target, 'files', rel))) });
  }
  const live = openRawDatabase(o.dataDir, { readonly: true });
  try {
    await backupDatabase(live, join(o.target, DB_FILE));
  } finally {
    live.close();
  }
  const copy = readCopy(o.target, join(o.target, DB_FILE), join(o.target, 'files'));
  if (copy.integrity !== 'ok') throw new ContractError('INTERNAL', `备份的数据库完整性检查未通过：${copy.integrity}`);
  const manifest: BackupManifest = {
    format: 'onewindow-backup',
    version: 1,
    createdAt: now().toISOString(),
    appVersion: appVersion(),
    schemaVersion: copy.schemaVersion,
    database: { file: DB_FILE, sha256: await sha256File(join(o.target, DB_FILE)), bytes: readFileSync(join(o.target, DB_FILE)).length },
    counts: copy.counts,
    files,
  };
  writeFileSync(join(o.target, `${MANIFEST}.tmp`), JSON.stringify(manifest, null, 2));
  renameSync(join(o.target, `${MANIFEST}.tmp`), join(o.target, MANIFEST));
  return manifest;
}

/** Reads a backup's manifest and checks every file against its hash; throws on the first problem. */
export async function verifyBackup(source: string): Promise<BackupManifest> {
  const path = join(source, MANIFEST);
  if (!existsSync(path)) throw new ContractError('NOT_FOUND', `不是完整的 OneWindow 备份（缺少 ${MANIFEST}）：${source}`);
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as BackupManifest;
  if (manifest.format !== 'onewindow-backup' || manifest.version !== 1) throw new ContractError('VALIDATION_FAILED', `无法识别的备份格式：${source}`);
  const check = async (rel: string, expected: string) => {
    const file = join(source, rel);
    if (!existsSync(file)) throw new ContractError('VALIDATION_FAILED', `备份缺少文件：${rel}`);
    if ((await sha256File(file)) !== expected) throw new ContractError('VALIDATION_FAILED', `备份文件已损坏（校验值不符）：${rel}`);
  };
  await check(manifest.database.file, manifest.database.sha256);
  for (const f of manifest.files) await check(join('files', f.path), f.sha256);
  return manifest;
}

export interface RestoreResult {
  manifest: BackupManifest;
  dataDir: string;
  /** Where the data folder that was there before went (with force), or null. */
  previous: string | null;
}

export async function restoreBackup(o: { source: string; dataDir: string; force?: boolean; now?: () => Date }): Promise<RestoreResult> {
  const now = o.now ?? (() => new Date());
  const manifest = await verifyBackup(o.source);
  if (!isEmptyDir(o.dataDir) && !o.force) {
    throw new ContractError('CONFLICT', `数据目录不为空：${o.dataDir}。恢复会替换其中的数据；确认无误请加 --force（原目录将改名保留）。`);
  }
  const stamp = now().toISOString().replace(/[:.]/g, '-');
  const staging = join(dirname(o.dataDir), `.${basename(o.dataDir)}.restoring-${stamp}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const f of manifest.files) {
      const copied = await copyVerified(join(o.source, 'files', f.path), join(staging, f.path));
      if (copied.sha256 !== f.sha256) throw new ContractError('VALIDATION_FAILED', `恢复的文件校验不符：${f.path}`);
    }
    const db = await copyVerified(join(o.source, manifest.database.file), join(staging, DB_FILE));
    if (db.sha256 !== manifest.database.sha256) throw new ContractError('VALIDATION_FAILED', '恢复的数据库校验不符');
    const restored = readCopy(staging, join(staging, DB_FILE), staging);
    if (restored.integrity !== 'ok') throw new ContractError('VALIDATION_FAILED', `恢复的数据库完整性检查未通过：${restored.integrity}`);
    if (JSON.stringify(restored.counts) !== JSON.stringify(manifest.counts)) {
      throw new ContractError('VALIDATION_FAILED', '恢复的数据库与备份清单中的记录数不一致');
    }
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  let previous: string | null = null;
  if (existsSync(o.dataDir)) {
    if (isEmptyDir(o.dataDir)) rmSync(o.dataDir, { recursive: true });
    else {
      previous = `${o.dataDir}.before-restore-${stamp}`;
      renameSync(o.dataDir, previous);
    }
  }
  mkdirSync(dirname(o.dataDir), { recursive: true });
  renameSync(staging, o.dataDir);
  return { manifest, dataDir: o.dataDir, previous };
}
