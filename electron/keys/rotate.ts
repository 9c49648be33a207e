/**
 * Key rotation (`onewindow keys rotate`): a new data master key for the database and every
 * blob. Run with the workstation stopped. Safe to interrupt at any point and to run again:
 *
 * 1. the new master is stored as `database.next` (durably, before anything uses it);
 * 2. every blob is re-sealed under it, one atomic file replacement at a time; until step 4
 *    readers accept both keys (each blob names its key in its header);
 * 3. the database is rekeyed (PRAGMA rekey, one transaction: it is under the old key or the new);
 * 4. `database.next` is renamed over `database`.
 *
 * Interrupted before 3: the old key still opens everything; a rerun finishes the blobs.
 * Interrupted between 3 and 4: opening the database finds it under `database.next` and
 * promotes that key (electron/database openWithKeys).
 */
import { join } from 'node:path';
import { ContractError } from '../../shared/contract/errors';
import { createAuditLog } from '../audit';
import { openDatabase, openRawDatabase, rekeyDatabase } from '../database';
import { createBlobStore } from '../materials/blob-store';
import { createWorkstationKeys, DATABASE_KEY, deriveDataKeys, NEXT_DATABASE_KEY, type WorkstationKeys } from './index';
import { defaultKeyStore, type KeyStore } from './store';

export interface RotationReport {
  /** A rotation left unfinished earlier was completed rather than a new one started. */
  resumed: boolean;
  resealedBlobs: number;
  keptBlobs: number;
  /** Blobs that did not decrypt or verify: left as they were (they cannot be re-sealed). */
  damagedBlobs: string[];
  /** First 8 bytes (hex) of the SHA-256 naming the new blob key: shows which key is in use, reveals nothing of it. */
  keyId: string;
}

export interface RotationOptions {
  store?: KeyStore;
  device?: string;
  actor?: { username: string; role: string };
  /** Test hook: stop (as a crash would) after this step. */
  stopAfter?: 'next-key' | 'blobs' | 'database';
}

export class RotationStopped extends Error {}

export async function rotateDataKeys(dataDir: string, options: RotationOptions = {}): Promise<RotationReport> {
  const store = options.store ?? defaultKeyStore(dataDir);
  const keys = createWorkstationKeys(store);
  // Opening also encrypts a plaintext database of an earlier version, and finishes a rotation whose database step committed.
  const opened = openDatabase(join(dataDir, 'onewindow.db'), { keys });
  let report: RotationReport;
  try {
    // Leaving WAL needs every other connection closed: a running workstation is refused here, before any blob changes.
    try {
      opened.sqlite.pragma('busy_timeout = 1000');
      opened.sqlite.pragma('journal_mode = DELETE');
    } catch (err) {
      if (/busy|locked/i.test((err as Error).message)) throw new ContractError('CONFLICT', '工作台或其他程序正在使用本地数据库，请先关闭工作台再轮换密钥');
      throw err;
    }
    const resumed = keys.next() !== null;
    const next = deriveDataKeys(store.loadOrCreate(NEXT_DATABASE_KEY));
    keys.reload();
    if (options.stopAfter === 'next-key') throw new RotationStopped('next-key');

    // Blobs: sealed with the new key, read with either.
    const readBoth = keys.blobKeyring();
    const rotating: WorkstationKeys = { ...keys, blobKeyring: () => ({ seal: { id: next.blobKeyId, key: next.blobs }, byId: readBoth.byId }) };
    const pass = await createBlobStore(dataDir, { keys: rotating }).reseal();
    if (options.stopAfter === 'blobs') throw new RotationStopped('blobs');

    report = { resumed, resealedBlobs: pass.resealed, keptBlobs: pass.kept, damagedBlobs: pass.damaged, keyId: next.blobKeyId.toString('hex') };
    const actor = options.actor ?? { username: `it-cli:${process.env.USER ?? process.env.USERNAME ?? 'unknown'}`, role: 'admin' };
    // Recorded before the rekey, so the entry is in the file the new key encrypts.
    createAuditLog(opened.db, options.device ?? 'it-cli').append({
      actor: actor.username,
      role: actor.role,
      action: 'keys.rotate',
      detail: { resumed, resealedBlobs: pass.resealed, damagedBlobs: pass.damaged.length, keyId: report.keyId },
    });
    rekeyDatabase(opened.sqlite, next.database);
  } finally {
    opened.close();
  }
  if (options.stopAfter === 'database') throw new RotationStopped('database');
  store.promote(NEXT_DATABASE_KEY, DATABASE_KEY);
  // Proof: the database opens with the key now named `database`.
  const check = openRawDatabase(dataDir, { keys: createWorkstationKeys(store), readonly: true });
  check.close();
  return report;
}
