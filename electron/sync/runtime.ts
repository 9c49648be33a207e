/**
 * Starts syncing for a workstation: the engine against the configured district back office,
 * or — in the training configuration ("embedded") — against a back office started in this
 * process on 127.0.0.1 with its own PGlite data folder, enrolled automatically, with one
 * training reviewer per department, so a fresh install shows the whole loop.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createBackoffice } from '../../backoffice/server';
import type { Catalog } from '../catalog';
import type { WorkstationDb } from '../database';
import type { MaterialsService } from '../materials';
import { createCredentialFile, createSyncEngine, materialsFromChecklist, type SyncEngine, type SyncEngineEvent } from './index';

export interface SyncRuntime {
  engine: SyncEngine;
  /** The back office in use; for the embedded one, also its reviewers' UI at /review/. */
  backofficeUrl: string;
  /** Set on the first start of an embedded back office: the training reviewers' password. */
  trainingReviewers?: { usernames: string[]; password: string };
  stop(): Promise<void>;
}

export interface SyncRuntimeOptions {
  backofficeUrl: string;
  dataDir: string;
  centerCode: string;
  windowNo: string;
  device: string;
  db: WorkstationDb;
  materials: MaterialsService;
  catalog: Catalog;
  now: () => Date;
  onEvent: (event: SyncEngineEvent) => void;
  log: (line: string) => void;
}

export async function startSyncRuntime(o: SyncRuntimeOptions): Promise<SyncRuntime> {
  let embedded: Awaited<ReturnType<typeof createBackoffice>> | undefined;
  let baseUrl = o.backofficeUrl;
  if (o.backofficeUrl === 'embedded') {
    const root = join(o.dataDir, 'backoffice');
    mkdirSync(root, { recursive: true });
    embedded = await createBackoffice({ database: { kind: 'pglite', dataDir: join(root, 'pgdata') }, blobDir: join(root, 'blobs') });
    baseUrl = await embedded.listen(0, '127.0.0.1');
  }
  const engine = createSyncEngine({
    db: o.db,
    baseUrl,
    credentials: createCredentialFile(join(o.dataDir, 'sync', 'device.cred')),
    blobs: { read: (sha) => o.materials.blobs.get(sha) },
    materialsForCase: materialsFromChecklist(o.db, (caseId) => o.materials.materialsForSync(caseId)),
    approvalFor: (code, version) => (o.catalog.items.find((i) => i.code === code && i.version === version) ?? o.catalog.get(code)).approval,
    now: o.now,
    deviceLabel: o.device,
    onEvent: o.onEvent,
  });

  let trainingReviewers: SyncRuntime['trainingReviewers'];
  if (embedded) {
    if (!engine.status().enrolled) {
      const code = await embedded.admin.createEnrolmentCode({ centerCode: o.centerCode, windowNo: o.windowNo, label: '培训工作台' });
      await engine.enrol(code, `${hostname()}（培训）`);
    }
    trainingReviewers = await ensureTrainingReviewers(embedded, o.catalog, join(o.dataDir, 'backoffice', 'reviewers.json'));
  }
  engine.start();
  return {
    engine,
    backofficeUrl: baseUrl,
    ...(trainingReviewers ? { trainingReviewers } : {}),
    async stop() {
      await engine.stop();
      await embedded?.close();
    },
  };
}

/** One reviewer per department that approves catalogue items, created once; the password is shown on that start only. */
async function ensureTrainingReviewers(
  backoffice: Awaited<ReturnType<typeof createBackoffice>>,
  catalog: Catalog,
  marker: string,
): Promise<SyncRuntime['trainingReviewers']> {
  if (existsSync(marker)) return undefined;
  const password = randomBytes(9).toString('base64url');
  const departments = [...new Set(catalog.items.flatMap((i) => [i.approval.lead, ...i.approval.co]))].sort();
  const usernames: string[] = [];
  for (const d of departments) {
    const username = `review-${d.toLowerCase()}`;
    await backoffice.admin.createReviewer({ username, password, department: d, displayName: `${catalog.departmentName(d)}审批员（培训）` });
    usernames.push(username);
  }
  writeFileSync(marker, JSON.stringify({ usernames }));
  return { usernames, password };
}
