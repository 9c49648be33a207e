/**
 * The composition root of the Electron-free core. It wires the capability folders together
 * with plain constructor arguments and exposes one `dispatch` that both transports call.
 * Nothing here imports `electron`: the shell (electron/main.ts) and browser mode
 * (electron/browser-mode) are thin adapters around it.
 */
import { join } from 'node:path';
import type { SessionInfo } from '../shared/contract/channels';
import { ContractError } from '../shared/contract/errors';
import type { CoreEvent } from '../shared/contract/events';
import { createAuditLog, type AuditLog } from './audit';
import { createAuthService, type AuthService, type Session } from './auth';
import { createCatalog, type Catalog } from './catalog';
import { createFavourites } from './catalog/favourites';
import { loadWorkingCalendar } from './calendar';
import { loadWorkstationCalendar } from './calendar/installed';
import type { WorkingCalendar } from '../shared/calendar';
import { createCasesService, type CasesService } from './cases';
import { createCaseDocuments } from './cases/documents';
import { createLifecycleHandlers, type PrintDocumentHook } from './cases/handlers';
import { createLifecycleService } from './cases/lifecycle';
import { createApplicantDisplay, moveDraftSignatures, removeDraftSignatures, type ApplicantDisplay } from './applicant-display';
import { createDashboardService } from './dashboard';
import { createDraftsService, type DraftsService } from './drafts';
import { createMaterialsService, type MaterialsService } from './materials';
import { createMaterialsHandlers } from './materials/handlers';
import { createFaceService } from './identity/face';
import { createIdentityService, supervisorVerifierFromAuth, type IdentityService } from './identity';
import { createIdentityHandlers } from './identity/handlers';
import { creditCommitmentProblems } from './identity/credit-rules';
import { startSyncRuntime, type SyncRuntime } from './sync/runtime';
import { installedCatalogDir } from './sync/apply-publications';
import { createSupplementsService } from './sync/supplements';
import { CONFIG_KEYS, ConfigError, loadConfig, parseSetting, type ConfigInputs, type LoadedConfig } from './config';
import { readSettings, writeSetting } from './config/settings-store';
import { provisionFirstAdmin } from './config/first-admin';
import { openDatabase, type OpenedDatabase } from './database';
import { createWorkstationKeys, defaultKeyStore, type KeyStore } from './keys';
import { identityKeySource } from './identity/keys';
import { createDispatcher, type Dispatch, type Handlers } from './api/dispatcher';
import { createRetentionService, type RetentionService } from './retention';
import { revealCaseField } from './retention/pii';
import { appVersion } from './paths';

export interface WorkstationOptions {
  /** Configuration layers (flags, env, system file); the settings layer is read from the database. */
  config?: ConfigInputs;
  transport: 'electron' | 'browser';
  /** Overrides for tests. */
  catalogDir?: string;
  calendarDir?: string;
  now?: () => Date;
  log?: (line: string) => void;
  /** Create the first admin on an empty database (default true; IT commands pass false). */
  createFirstAdmin?: boolean;
  /** The shell's printer for stored case documents ('documents.print'); absent in browser mode, where the page prints. */
  printDocument?: PrintDocumentHook;
  /**
   * Sync with the back office (default false: IT commands and unit tests do not). With the
   * training configuration's "embedded" URL this also starts the embedded back office.
   */
  sync?: boolean;
  /**
   * Where the data keys live, given the data folder. Default: key files in `<dataDir>/keys/`
   * (browser mode, CLI; documented as weaker). The Electron shell passes OS-sealed keys
   * (electron/shell/keys.ts).
   */
  keyStore?: (dataDir: string) => KeyStore;
  /** Electron: opens the applicant window paired with this session (electron/shell/applicant-window.ts). */
  openApplicantScreen?: (sessionId: string) => boolean;
}

export type EventListener = (event: CoreEvent, sessionId?: string) => void;

export interface Workstation {
  dispatch: Dispatch;
  subscribe(listener: EventListener): () => void;
  config(): LoadedConfig;
  auth: AuthService;
  cases: CasesService;
  drafts: DraftsService;
  materials: MaterialsService;
  identity: IdentityService;
  applicantDisplay: ApplicantDisplay;
  retention: RetentionService;
  catalog: Catalog;
  /** The holiday calendar in use now (swapped when the back office publishes one); undefined when none loads. */
  workingCalendar(): WorkingCalendar | undefined;
  audit: AuditLog;
  database: OpenedDatabase;
  /** Set when this start created the first admin account. */
  firstAdmin?: { username: string; oneTimePassword: string };
  /** Present when syncing (options.sync). */
  sync?: SyncRuntime;
  /** Stops syncing (when on) and closes the database; synchronous when sync is off. */
  close(): Promise<void>;
}

const DEVICE_PREFIX = 'ws';

/** The catalogue version last pulled from the back office (data folder), else the shipped one. */
function openCatalog(catalogDir: string | undefined, dataDir: string, log: (line: string) => void): Catalog {
  const pulled = catalogDir ? null : installedCatalogDir(dataDir);
  if (pulled) {
    try {
      return createCatalog({ dir: pulled });
    } catch (err) {
      log(`[catalog] 已下发的事项目录无法加载，改用程序自带目录：${(err as Error).message}`);
    }
  }
  return createCatalog({ dir: catalogDir });
}

export async function createWorkstation(options: WorkstationOptions): Promise<Workstation> {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  // Config without the settings layer first: it says where the data folder is.
  const base = loadConfig(options.config);
  const keyStore = (options.keyStore ?? defaultKeyStore)(base.values.dataDir);
  const dataKeys = createWorkstationKeys(keyStore);
  const database = openDatabase(join(base.values.dataDir, 'onewindow.db'), { keys: dataKeys });
  let config: LoadedConfig;
  try {
    config = loadConfig({ ...options.config, settings: readSettings(database.db) });
  } catch (err) {
    database.close();
    throw err;
  }
  const device = () => `${DEVICE_PREFIX}-${config.values.centerCode}-${config.values.windowNo}`;
  const audit = createAuditLog(database.db, device(), now);
  const listeners = new Set<EventListener>();
  const emit: EventListener = (event, sessionId) => {
    for (const l of listeners) l(event, sessionId);
  };
  const auth = createAuthService({
    db: database.db,
    audit,
    now: () => now().getTime(),
    policy: () => ({
      idleLockMinutes: config.values.idleLockMinutes,
      lockoutThreshold: config.values.lockoutThreshold,
      lockoutMinutes: config.values.lockoutMinutes,
    }),
    onIdleLock: (sessionId) => emit({ type: 'session.locked', reason: 'idle' }, sessionId),
  });
  const catalog = openCatalog(options.catalogDir, base.values.dataDir, log);
  for (const p of catalog.problems) {
    log(`[catalog] ${p.file}${p.itemCode ? ` ${p.itemCode}` : ''}${p.field ? ` ${p.field}` : ''}: ${p.message}`);
  }
  // Promised dates come from the official calendar; outside its years they are left open
  // (shown as 以后台确认为准), never guessed. Shipped years plus those the back office published;
  // swapped in place when a new calendar arrives (every user below reads `calendar` lazily).
  let calendar: Awaited<ReturnType<typeof loadWorkingCalendar>> | undefined;
  const reloadCalendar = async () => {
    const loaded = await loadWorkstationCalendar({ dir: options.calendarDir, dataDir: base.values.dataDir, log });
    if (!loaded) throw new Error('工作日历无法加载');
    calendar = loaded;
  };
  await reloadCalendar().catch((err: unknown) => log(`[calendar] ${(err as Error).message}`));
  const materials = createMaterialsService({ db: database.db, dataDir: base.values.dataDir, now, onChange: () => undefined, keys: dataKeys });
  const favourites = createFavourites(database.db);
  const drafts = createDraftsService({ db: database.db, catalog, now, onDiscard: (draftId) => {
    materials.removeDraftPages(draftId);
    removeDraftSignatures(database.db, draftId);
  } });
  // The face worker starts on the first check and keeps its models warm after that.
  const faceService = createFaceService();
  const identity = createIdentityService({
    keys: identityKeySource(keyStore),
    db: database.db,
    dataDir: base.values.dataDir,
    faceService,
    audit,
    now,
    verifySupervisor: supervisorVerifierFromAuth(auth),
    retentionDays: config.values.faceRetentionDays,
    trainingEnabled: () => config.values.mode === 'training',
  });
  const cases = createCasesService({
    drafts,
    identity: {
      requireVerified: (checkId, idNumber) => {
        identity.requireVerified(checkId, idNumber);
        return { ...identity.syncRecord(checkId) };
      },
      attachToCase: (tx, checkId, caseId) => identity.attachToCase(tx, checkId, caseId),
      commitmentProblems: (applicant, item, states, by) => {
        // Only a commitment needs the restricted list; the check itself is recorded and audited.
        if (!states.some((s) => s.status === 'commitment')) return [];
        const result = identity.creditCheck(applicant.idType === 'uscc' ? { creditCode: applicant.idNo } : { idNumber: applicant.idNo }, { username: by.username, role: by.role });
        return creditCommitmentProblems(item.materials, states, [{ standing: result.standing, category: result.category, subject: applicant.idType === 'uscc' ? '申请单位' : '申请人' }]);
      },
    },
    attachDraftPages: (tx, draftId, caseId) => {
      materials.attachDraftToCase(tx, draftId, caseId);
      moveDraftSignatures(tx, draftId, caseId);
    },
    centerName: () => config.values.centerName,
    db: database.db,
    audit,
    catalog,
    now,
    station: () => ({ centerCode: config.values.centerCode, windowNo: config.values.windowNo, device: device() }),
    onChange: (caseId) => {
      emit({ type: 'case.changed', caseId });
      sync?.engine.poke();
    },
    addWorkingDays: (today, days) => {
      try {
        return calendar ? calendar.addWorkingDays(today, days) : null;
      } catch {
        return null;
      }
    },
  });

  // Reads `sync` and `calendar` lazily: sync starts below, and a calendar may be missing.
  const dashboard = createDashboardService({
    db: database.db,
    sqlite: database.sqlite,
    now,
    calendar: () => calendar,
    sync: () => {
      const st = sync?.engine.status();
      return { enabled: !!sync, online: st?.online ?? false, lastSuccessAt: st?.lastSuccessAt ?? null };
    },
  });

  // The citizen-facing screen, per session: one case at a time, emptied on sign-out and idle lock.
  const applicantDisplay = createApplicantDisplay({
    db: database.db,
    audit,
    drafts,
    cases,
    catalog,
    now,
    station: () => ({ windowNo: config.values.windowNo, device: device() }),
    addWorkingDays: (today, days) => {
      try {
        return calendar ? calendar.addWorkingDays(today, days) : null;
      } catch {
        return null;
      }
    },
    emit: (event, sessionId) => emit(event, sessionId),
    caseChanged: (caseId) => emit({ type: 'case.changed', caseId }),
    ...(options.openApplicantScreen ? { openScreen: options.openApplicantScreen } : {}),
  });
  listeners.add((event, sessionId) => applicantDisplay.onCoreEvent(event, sessionId));

  // 补正 to-dos: the new pages go back through the outbox; the case returns to review.
  const supplements = createSupplementsService({
    db: database.db,
    audit,
    now,
    station: () => ({ centerCode: config.values.centerCode, windowNo: config.values.windowNo, device: device() }),
    departmentName: (code) => catalog.departmentName(code),
    onChange: (caseId) => {
      emit({ type: 'case.changed', caseId });
      sync?.engine.poke();
    },
  });

  const documents = createCaseDocuments({
    db: database.db,
    audit,
    cases,
    catalog,
    now,
    office: () => ({ centerName: config.values.centerName, windowNo: config.values.windowNo }),
    addWorkingDays: (today, days) => {
      try {
        return calendar ? calendar.addWorkingDays(today, days) : null;
      } catch {
        return null;
      }
    },
  });
  const lifecycle = createLifecycleService({
    db: database.db,
    audit,
    cases,
    drafts,
    catalog,
    documents,
    now,
    station: () => ({ centerCode: config.values.centerCode, windowNo: config.values.windowNo, device: device() }),
    centerName: () => config.values.centerName,
    requireVerified: (checkId, idNumber) => {
      identity.requireVerified(checkId, idNumber);
      return { ...identity.syncRecord(checkId) };
    },
    attachDraftPages: (tx, draftId, caseId) => void materials.attachDraftToCase(tx, draftId, caseId),
    onChange: (caseId) => {
      emit({ type: 'case.changed', caseId });
      sync?.engine.poke();
    },
  });

  let sync: SyncRuntime | undefined;
  if (options.sync) {
    // Housekeeping of a running workstation (not of IT commands): pages of drafts that no longer
    // exist, then stored files nothing references any more (older than a day: never a page in flight).
    materials.removeAbandonedDraftPages();
    void materials.collectGarbage().catch((err: unknown) => log(`[materials] 清理未引用文件失败：${(err as Error).message}`));
    // Files of an earlier version were stored unencrypted: seal them once (a marker skips this afterwards).
    void materials.blobs.reseal({ onlyIfNeeded: true }).catch((err: unknown) => log(`[materials] 加密旧材料文件失败：${(err as Error).message}`));
    try {
      sync = await startSyncRuntime({
        backofficeUrl: config.values.backofficeUrl,
        enrolmentCode: config.values.enrolmentCode,
        ...(config.values.backofficeCaFile ? { caFile: config.values.backofficeCaFile } : {}),
        appVersion: appVersion(),
        importRestrictedList: (text) => void identity.importRestrictedList(text, { username: 'backoffice-sync', role: 'system' }),
        reloadCalendar,
        dataDir: base.values.dataDir,
        centerCode: config.values.centerCode,
        windowNo: config.values.windowNo,
        device: device(),
        db: database.db,
        materials,
        catalog,
        now,
        log,
        onEvent: (e) => {
          if (e.type === 'case.changed') {
            emit({ type: 'case.changed', caseId: e.caseId });
            // A 补正 request gets its 补正材料通知书 as it arrives, not only when the clerk opens the case.
            void documents
              .ensure(e.caseId, { name: 'system', role: 'system' }, ['supplement-notice'])
              .then((n) => n > 0 && emit({ type: 'case.changed', caseId: e.caseId }))
              .catch((err: unknown) => log(`[documents] ${e.caseId}: ${(err as Error).message}`));
          } else if (e.type === 'sync.status') emit({ type: 'sync.status', online: e.status.online, backlog: e.status.backlog, dead: e.status.dead });
        },
      });
    } catch (err) {
      // The window keeps working without the back office; the status bar says sync is off.
      log(`[sync] 未能启动同步：${(err as Error).message}`);
    }
  }

  // PII retention: face images and closed cases' personal data past policy; at start and daily when running.
  const retention = createRetentionService({
    db: database.db,
    dataDir: base.values.dataDir,
    audit,
    now,
    log,
    policy: () => ({ faceRetentionDays: config.values.faceRetentionDays, closedCaseRetentionDays: config.values.closedCaseRetentionDays }),
  });
  const stopRetention = options.sync ? retention.schedule() : undefined;

  // A first admin named in the system config file (unattended set-up) comes before the printed one.
  if (options.createFirstAdmin !== false) provisionFirstAdmin({ db: database.db, audit, values: config.values, now });
  const first = options.createFirstAdmin === false ? { created: false as const } : auth.ensureFirstAdmin();

  const sessionInfo = (s: Session): SessionInfo => ({
    user: { id: s.userId, username: s.username, displayName: s.displayName, role: s.role },
    mustChangePassword: s.mustChangePassword,
    locked: s.locked,
    idleLockMinutes: config.values.idleLockMinutes,
  });
  const actorOf = (s: Session | undefined) => {
    if (!s) throw new ContractError('UNAUTHENTICATED', '请先登录');
    return { actor: s.username, role: s.role, username: s.username };
  };

  const settingsView = () =>
    (Object.keys(CONFIG_KEYS) as (keyof typeof CONFIG_KEYS)[]).map((key) => {
      const spec = CONFIG_KEYS[key];
      const source = config.sources[key];
      return {
        key,
        label: spec.label,
        description: spec.description,
        // Secrets (enrolment code, first admin's password) are never shown, only whether they are set.
        value: 'secret' in spec && spec.secret ? (config.values[key] ? '（已设置）' : '') : (config.values[key] as string | number | boolean),
        source,
        editable: spec.adminEditable && (source === 'settings' || source === 'default'),
      };
    });

  /** After acceptance, one PDF per scanned material for the back office and printing (off the request path). */
  async function buildMaterialPdfs(caseId: string, caseNo: string): Promise<void> {
    const names = new Map(cases.get(caseId).materials.map((m) => [m.materialId, m.name]));
    for (const m of materials.materialsForSync(caseId)) {
      if (m.blobs.length === 0) continue;
      try {
        await materials.buildMaterialPdf(caseId, m.materialId, caseNo, names.get(m.materialId) ?? m.materialId);
      } catch (err) {
        log(`[materials] ${caseNo} ${m.materialId}: ${(err as Error).message}`);
      }
    }
  }

  const handlers: Handlers = {
    'system.info': () => ({
      appName: 'OneWindow 全科窗口受理工作台',
      version: appVersion(),
      centerCode: config.values.centerCode,
      centerName: config.values.centerName,
      level: config.values.level,
      windowNo: config.values.windowNo,
      training: config.values.mode === 'training',
      transport: options.transport,
    }),
    'auth.signIn': (input, ctx) => {
      if (ctx.session) auth.signOut(ctx.session.id);
      const session = auth.signIn(input.username, input.password);
      ctx.setSession(session.id);
      return sessionInfo(session);
    },
    'auth.session': (_input, ctx) => (ctx.session ? sessionInfo(ctx.session) : null),
    'auth.signOut': (_input, ctx) => {
      const signedOut = ctx.session ? auth.signOut(ctx.session.id) : false;
      ctx.setSession(null);
      return { signedOut };
    },
    'auth.changePassword': (input, ctx) => sessionInfo(auth.changePassword(ctx.session!.id, input.currentPassword, input.newPassword)),
    'auth.unlock': (input, ctx) => sessionInfo(auth.unlock(ctx.session!.id, input.password)),
    'auth.activity': (_input, ctx) => ({ locked: ctx.session!.locked }),
    'catalog.search': (input, ctx) => {
      const username = actorOf(ctx.session).username;
      const starred = favourites.list(username);
      const starredSet = new Set(starred);
      return catalog
        .search(input.query, { limit: input.limit, recent: cases.recentItems(username, 10), favourites: starred })
        .map((hit) => (starredSet.has(hit.code) ? { ...hit, favourite: true } : hit));
    },
    'catalog.setFavourite': (input, ctx) => {
      catalog.get(input.code);
      return { favourites: favourites.set(actorOf(ctx.session).username, input.code, input.favourite, now().toISOString()) };
    },
    'catalog.get': (input) => catalog.detail(catalog.get(input.code, input.version)),
    'cases.accept': (input, ctx) => {
      const a = actorOf(ctx.session);
      const row = cases.accept(input, { username: a.username, role: a.role });
      void buildMaterialPdfs(row.id, row.caseNo);
      return row;
    },
    'cases.list': (input) => cases.list(input),
    'cases.get': (input) => cases.view(input.id),
    'cases.exportCsv': (input, ctx) => cases.exportCsv(input, actorOf(ctx.session)),
    'documents.receipt': (input, ctx) => documents.receipt(input.caseId, actorOf(ctx.session)),
    'documents.oneTimeNotice': (input, ctx) => documents.oneTimeNotice(cases.oneTimeNotice(input, actorOf(ctx.session)), ctx.session!.displayName),
    'cases.oneTimeNotice': (input, ctx) => cases.oneTimeNotice(input, actorOf(ctx.session)),
    'applicants.lookup': (input, ctx) => cases.lookupApplicant(input, actorOf(ctx.session)),
    'drafts.save': (input, ctx) => drafts.save(input, actorOf(ctx.session).username),
    'drafts.list': (_input, ctx) => drafts.list(actorOf(ctx.session).username),
    'drafts.get': (input, ctx) => {
      const draft = drafts.get(input.draftId, actorOf(ctx.session).username);
      // null when the item left the catalogue: the draft can still be read and accepted on its own version.
      const latestVersion = catalog.items.find((i) => i.code === draft.itemCode)?.version ?? null;
      const { definition, ...row } = draft;
      return { draft: row, item: definition, latestVersion };
    },
    'drafts.discard': (input, ctx) => ({ discarded: drafts.discard(input.draftId, actorOf(ctx.session).username) }),
    'settings.get': () => settingsView(),
    'settings.update': (input, ctx) => {
      const a = actorOf(ctx.session);
      const key = input.key as keyof typeof CONFIG_KEYS;
      if (key in CONFIG_KEYS && !['settings', 'default'].includes(config.sources[key]) && CONFIG_KEYS[key].adminEditable) {
        throw new ContractError('CONFLICT', `配置项 ${key} 已由更高优先级的来源设定（${config.sources[key]}），请在该处修改`);
      }
      let value: unknown;
      try {
        value = parseSetting(input.key, input.value);
      } catch (err) {
        if (err instanceof ConfigError) throw new ContractError('CONFIG_INVALID', err.message, { key: err.key });
        throw err;
      }
      const at = now().toISOString();
      database.db.transaction(() => {
        writeSetting(database.db, input.key, value, a.actor, at);
        audit.append({ actor: a.actor, role: a.role, action: 'settings.update', detail: { key: input.key, value } });
      });
      config = loadConfig({ ...options.config, settings: readSettings(database.db) });
      return settingsView();
    },
    ...createLifecycleHandlers({ lifecycle, documents, audit, actor: (ctx) => actorOf(ctx.session), printDocument: () => options.printDocument }),
    ...createIdentityHandlers({ service: identity, actor: (ctx) => actorOf(ctx.session) }),
    ...applicantDisplay.handlers,
    ...createMaterialsHandlers({ service: materials, actor: (ctx) => actorOf(ctx.session), audit: (e) => audit.append(e) }),
    'dashboard.summary': (input) => dashboard.summary(input),
    'sync.status': () => {
      const st = sync?.engine.status();
      return {
        enabled: !!sync,
        online: st?.online ?? false,
        enrolled: st?.enrolled ?? false,
        backlog: st?.backlog ?? 0,
        oldestPendingAt: st?.oldestPendingAt ?? null,
        lastSuccessAt: st?.lastSuccessAt ?? null,
        dead: st?.dead ?? 0,
        lastError: sync ? (st?.lastError ?? null) : '未连接区级后台（同步未启动）',
        backofficeUrl: sync?.backofficeUrl ?? null,
      };
    },
    'sync.deadLetters': () =>
      (sync?.engine.exportDead() ?? []).map((d) => ({ outboxId: d.id, caseId: d.caseId, caseNo: d.caseNo, kind: d.kind, reason: d.lastError ?? '', attempts: d.attempts, createdAt: d.createdAt })),
    'supplements.list': () => ({ todos: supplements.list() }),
    'supplements.get': (input) => supplements.get(input.caseId),
    'supplements.submit': (input, ctx) => supplements.submit(input.caseId, { note: input.note }, actorOf(ctx.session)),
    'sync.retryDead': (input) => {
      if (!sync) throw new ContractError('CONFLICT', '同步未启动');
      sync.engine.retryDead(input.outboxId);
      return { queued: true };
    },
    'pii.reveal': (input, ctx) => revealCaseField({ db: database.db, audit }, input, actorOf(ctx.session)),
    'retention.run': (input, ctx) => retention.run({ dryRun: input.dryRun, by: actorOf(ctx.session) }),
    'users.list': () => auth.listUsers(),
    'users.add': (input, ctx) => auth.addUser(input, actorOf(ctx.session)),
    'users.resetPassword': (input, ctx) => auth.resetPassword(input.username, actorOf(ctx.session)),
    'users.setLocked': (input, ctx) => {
      const a = actorOf(ctx.session);
      if (input.username === a.username && input.locked) throw new ContractError('CONFLICT', '不能停用当前登录的账户');
      return auth.setLocked(input.username, input.locked, a);
    },
  };

  applicantDisplay.wrapHandlers(handlers);
  const dispatch = createDispatcher(handlers, auth, (err, channel) => {
    log(`[core] internal error on ${channel}: ${(err as Error)?.stack ?? String(err)}`);
  });

  return {
    dispatch,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    config: () => config,
    auth,
    cases,
    drafts,
    materials,
    identity,
    applicantDisplay,
    retention,
    catalog,
    workingCalendar: () => calendar,
    audit,
    database,
    ...(first.created ? { firstAdmin: { username: first.username, oneTimePassword: first.oneTimePassword } } : {}),
    ...(sync ? { sync } : {}),
    async close() {
      listeners.clear();
      stopRetention?.();
      if (sync) await sync.stop();
      void materials.close();
      identity.close();
      void faceService.close();
      database.close();
    },
  };
}
