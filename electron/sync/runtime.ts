/**
 * Starts syncing for a workstation: the engine against the configured district back office,
 * or — in the training configuration ("embedded") — against a back office started in this
 * process on 127.0.0.1 with its own PGlite data folder, enrolled automatically, with one
 * training reviewer per department, so a fresh install shows the whole loop.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createBackoffice } from '../../backoffice/server';
import type { Catalog } from '../catalog';
import type { WorkstationDb } from '../database';
import type { MaterialsService } from '../materials';
import { BackofficeError } from './http';
import { createPublicationApplier, type PublicationApplier } from './apply-publications';
import { createSyncFetch, deviceStatusHeaders } from './http';
import { createCredentialFile, createSyncEngine, materialsFromChecklist, type SyncEngine, type SyncEngineEvent, type SyncStatus } from './index';

export interface SyncRuntime {
  engine: SyncEngine;
  /** The back office in use; for the embedded one, also its reviewers' UI at /review/. */
  backofficeUrl: string;
  /** Installs catalogue versions, restricted lists and holiday calendars the back office publishes. */
  publications: PublicationApplier;
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
  /** Unattended set-up: enrol with this code on the first start against a real back office. */
  enrolmentCode?: string;
  /** Wait between enrolment attempts while the back office is unreachable (default 60 s). */
  enrolRetryMs?: number;
  /** PEM file of the CA that signed the back office's certificate (config backofficeCaFile). */
  caFile?: string;
  /** Sent to the back office with every request, for IT's window overview. */
  appVersion?: string;
  /** Imports a restricted-list file published by the back office (identity capability). */
  importRestrictedList?: (text: string) => void;
  /** Reloads the holiday calendar after the back office published one (workstation.ts swaps it in). */
  reloadCalendar?: () => Promise<void>;
}

export async function startSyncRuntime(o: SyncRuntimeOptions): Promise<SyncRuntime> {
  let ca: Buffer | undefined;
  if (o.caFile) {
    try {
      ca = readFileSync(o.caFile);
    } catch (error) {
      throw new Error(`无法读取区级后台根证书 ${o.caFile}：${(error as Error).message}`, { cause: error });
    }
  }
  let embedded: Awaited<ReturnType<typeof createBackoffice>> | undefined;
  let baseUrl = o.backofficeUrl;
  if (o.backofficeUrl === 'embedded') {
    const root = join(o.dataDir, 'backoffice');
    mkdirSync(root, { recursive: true });
    embedded = await createBackoffice({ database: { kind: 'pglite', dataDir: join(root, 'pgdata') }, blobDir: join(root, 'blobs') });
    baseUrl = await embedded.listen(0, '127.0.0.1');
  }
  // Version and backlog ride on every request (IT's overview); read at most once a second.
  const late: { engine?: SyncEngine; publications?: PublicationApplier } = {};
  let reported: { at: number; headers: Record<string, string> } | undefined;
  const statusHeaders = () => {
    const t = Date.now();
    if (!late.engine) return {};
    if (!reported || t - reported.at > 1_000) {
      const st: SyncStatus = late.engine.status();
      reported = { at: t, headers: deviceStatusHeaders({ appVersion: o.appVersion ?? '0.0.0', backlog: st.backlog, oldestPendingAt: st.oldestPendingAt, dead: st.dead }, o.now()) };
    }
    return reported.headers;
  };
  const engine = createSyncEngine({
    db: o.db,
    baseUrl,
    fetch: createSyncFetch({ ...(ca ? { ca } : {}), headers: statusHeaders }),
    credentials: createCredentialFile(join(o.dataDir, 'sync', 'device.cred')),
    blobs: { read: (sha) => o.materials.blobs.get(sha) },
    materialsForCase: materialsFromChecklist(o.db, (caseId) => o.materials.materialsForSync(caseId)),
    approvalFor: (code, version) => (o.catalog.items.find((i) => i.code === code && i.version === version) ?? o.catalog.get(code)).approval,
    now: o.now,
    deviceLabel: o.device,
    onEvent: (event) => {
      if (event.type === 'catalog-updated' || event.type === 'restricted-list-updated' || event.type === 'calendar-updated') void late.publications?.handle(event.event);
      if (event.type === 'sync.status') reported = undefined; // report the change with the next request
      o.onEvent(event);
    },
    shipAudit: true,
  });
  late.engine = engine;
  const applier = createPublicationApplier({
    db: o.db,
    dataDir: o.dataDir,
    fetchBlob: (sha) => engine.fetchBlob(sha),
    latestPublication: (type) => engine.latestPublication(type),
    catalog: o.catalog,
    importRestrictedList: o.importRestrictedList ?? (() => o.log('[sync] 收到失信名单，但本工作台未接入信用审查')),
    ...(o.reloadCalendar ? { reloadCalendar: o.reloadCalendar } : {}),
    now: o.now,
    log: o.log,
  });
  late.publications = applier;

  let trainingReviewers: SyncRuntime['trainingReviewers'];
  if (embedded) {
    if (!engine.status().enrolled) {
      const code = await embedded.admin.createEnrolmentCode({ centerCode: o.centerCode, windowNo: o.windowNo, label: '培训工作台' });
      await engine.enrol(code, `${hostname()}（培训）`);
    }
    trainingReviewers = await ensureTrainingReviewers(embedded, o.catalog, join(o.dataDir, 'backoffice', 'reviewers.json'));
  }
  engine.start();
  void applier.catchUp();
  // In the background: an unreachable back office must not hold up the window's start.
  const enrolment = !embedded && o.enrolmentCode ? enrolFromConfig(engine, o.enrolmentCode, o) : undefined;
  return {
    engine,
    publications: applier,
    backofficeUrl: baseUrl,
    ...(trainingReviewers ? { trainingReviewers } : {}),
    async stop() {
      enrolment?.cancel();
      applier.stop();
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

/**
 * Enrols with the configured code once, at the first start: the code is single-use, so once the
 * device is enrolled it is never sent again (and never logged). While the back office is
 * unreachable it retries in the background; a refused code is reported once and dropped.
 */
function enrolFromConfig(engine: SyncEngine, code: string, o: SyncRuntimeOptions): { cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  const attempt = async (): Promise<void> => {
    if (cancelled || engine.status().enrolled) return;
    try {
      await engine.enrol(code, hostname());
      o.log(`[sync] 已使用系统配置文件中的注册码向区级后台注册本机（${o.centerCode}-${o.windowNo}）；注册码不再使用，可从配置文件删除`);
      engine.poke();
    } catch (err) {
      const retry = err instanceof BackofficeError && err.retryable;
      o.log(`[sync] 设备注册${retry ? '暂未成功，稍后重试' : '被区级后台拒绝（注册码无效、已使用或已过期），请向区级后台申请新的注册码'}：${(err as Error).message}`);
      if (retry && !cancelled) {
        timer = setTimeout(() => void attempt(), o.enrolRetryMs ?? 60_000);
        timer.unref();
      }
    }
  };
  void attempt();
  return {
    cancel() {
      cancelled = true;
      if (timer) clearTimeout(timer);
    },
  };
}
