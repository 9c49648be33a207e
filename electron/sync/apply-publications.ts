/**
 * Broadcast publications from the back office, installed on this workstation:
 *  - `catalog-updated`: the bundle (shared/sync/catalog-bundle.ts) is downloaded, its SHA-256
 *    checked, checked again with the loader's rules, written to <dataDir>/catalog/versions/…
 *    and made current (current.json, replaced atomically); the live catalogue reloads. Drafts
 *    keep the definition snapshot they were started on, so work in progress is untouched.
 *  - `restricted-list-updated`: the list file is downloaded, checked and imported (信用审查).
 *  - `calendar-updated`: the holiday calendar bundle (shared/calendar/bundle.ts) is downloaded,
 *    its SHA-256 checked, checked again with the loader's rules, written to
 *    <dataDir>/calendar/versions/… (electron/calendar/installed.ts) and the calendar used for
 *    promised dates and the dashboard is reloaded.
 *
 * Runs outside the feed's transaction (downloads are slow): apply.ts records the latest
 * publication in sync_state; this module installs it and remembers what it installed, so a
 * failure (offline, bad bundle) is retried and a restart catches up.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkCalendarFiles, parseCalendarBundle } from '../../shared/calendar';
import { checkCatalogBundle, parseCatalogBundle, type CatalogBundle } from '../../shared/sync/catalog-bundle';
import { BROADCAST_CHANGE_TYPES } from '../../shared/sync/changes';
import { installCalendarBundle } from '../calendar/installed';
import type { Catalog } from '../catalog';
import { loadCatalog } from '../catalog/loader';
import type { WorkstationDb } from '../database';
import { readState, writeState } from './state';
import type { Publication } from './types';

export type PublicationType = Publication['type'];

export interface InstalledPublication {
  version: string;
  sha256: string;
  installedAt: string;
}

export interface PublicationDeps {
  db: WorkstationDb;
  dataDir: string;
  /** Downloads a blob and checks its SHA-256 (SyncEngine.fetchBlob). */
  fetchBlob(sha256: string): Promise<Uint8Array>;
  /** The latest publication seen on the feed (SyncEngine.latestPublication). */
  latestPublication(type: PublicationType): Publication | null;
  catalog: Catalog;
  /** Imports a restricted-list file (the identity capability's importRestrictedList). */
  importRestrictedList(text: string): void;
  /** Loads the calendar again (shipped + installed years) and puts it in use; throws when it cannot. */
  reloadCalendar?: () => Promise<void>;
  now: () => Date;
  log: (line: string) => void;
  /** Called after a publication was installed. */
  onInstalled?: (type: PublicationType, installed: InstalledPublication) => void;
  /** Delay before retrying a failed install (ms; default 30 s, doubling up to 10 min). */
  retryMs?: number;
}

export interface PublicationApplier {
  /** Installs a publication just pulled (or the latest known, when none is given). */
  handle(event?: Publication): Promise<void>;
  /** Installs the latest publications not installed yet (call at start). */
  catchUp(): Promise<void>;
  installed(type: PublicationType): InstalledPublication | null;
  stop(): void;
}

const installedKey = (type: PublicationType) => `publication-installed.${type}`;
const KIND_NAMES: Record<PublicationType, string> = { 'catalog-updated': '事项目录', 'restricted-list-updated': '失信名单', 'calendar-updated': '工作日历' };
const CURRENT_FILE = 'current.json';

/** Where pulled catalogue versions live: <dataDir>/catalog (resources/catalog stays as shipped). */
export function pulledCatalogRoot(dataDir: string): string {
  return join(dataDir, 'catalog');
}

/** The folder of the catalogue version pulled last, or null to use the shipped one. */
export function installedCatalogDir(dataDir: string): string | null {
  const root = pulledCatalogRoot(dataDir);
  try {
    const current = JSON.parse(readFileSync(join(root, CURRENT_FILE), 'utf8')) as { dir?: unknown };
    if (typeof current.dir !== 'string' || !/^[A-Za-z0-9._-]+$/.test(current.dir)) return null;
    const dir = join(root, 'versions', current.dir);
    return existsSync(join(dir, 'departments.json')) ? dir : null;
  } catch {
    return null;
  }
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { flush: true });
  renameSync(tmp, file);
}

/** Writes the bundle's files into a fresh version folder and makes it current. */
function installCatalogFiles(dataDir: string, bundle: CatalogBundle, sha256: string): string {
  const root = pulledCatalogRoot(dataDir);
  const name = `${bundle.version}-${sha256.slice(0, 12)}`;
  const final = join(root, 'versions', name);
  if (!existsSync(join(final, 'departments.json'))) {
    const staging = join(root, 'versions', `.staging-${name}`);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    // File names were checked by the bundle schema (no path separators).
    for (const [file, json] of Object.entries(bundle.files)) writeFileSync(join(staging, file), JSON.stringify(json, null, 2), { flush: true });
    rmSync(final, { recursive: true, force: true });
    renameSync(staging, final);
  }
  writeAtomic(join(root, CURRENT_FILE), JSON.stringify({ version: bundle.version, sha256, dir: name }));
  return final;
}

export function createPublicationApplier(deps: PublicationDeps): PublicationApplier {
  const baseRetry = deps.retryMs ?? 30_000;
  let chain: Promise<void> = Promise.resolve();
  const retries = new Map<PublicationType, { timer: NodeJS.Timeout; attempt: number }>();
  let stopped = false;

  const installed = (type: PublicationType) => readState<InstalledPublication>(deps.db, installedKey(type));

  async function install(event: Publication): Promise<void> {
    const bundle = event.data.bundle;
    if (!bundle) return; // an announcement without data: nothing to fetch
    const done = installed(event.type);
    if (done?.sha256 === bundle.sha256) return;
    const bytes = await deps.fetchBlob(bundle.sha256); // SHA-256 checked there
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (event.type === 'catalog-updated') {
      const parsed = parseCatalogBundle(text);
      const checked = checkCatalogBundle(parsed);
      if (checked.problems.length || !checked.items.length) {
        const first = checked.problems[0];
        throw new Error(`事项目录 ${parsed.version} 未通过校验${first ? `（${first.file} ${first.itemCode ?? ''} ${first.message}）` : '（没有事项）'}，继续使用当前目录`);
      }
      const dir = installCatalogFiles(deps.dataDir, parsed, bundle.sha256);
      // Re-read from disk: what runs is exactly what a restart would load.
      deps.catalog.reload({ loaded: loadCatalog(dir) });
    } else if (event.type === 'calendar-updated') {
      const parsed = parseCalendarBundle(text);
      const checked = checkCalendarFiles(parsed.files);
      if (checked.problems.length) {
        const first = checked.problems[0]!;
        throw new Error(`工作日历 ${parsed.version} 未通过校验（${first.file}：${first.message}），继续使用当前日历`);
      }
      installCalendarBundle(deps.dataDir, parsed, bundle.sha256);
      // Re-read from disk: what runs is exactly what a restart would load.
      if (deps.reloadCalendar) await deps.reloadCalendar();
    } else {
      deps.importRestrictedList(text);
    }
    const at = deps.now().toISOString();
    const record: InstalledPublication = { version: event.data.version, sha256: bundle.sha256, installedAt: at };
    writeState(deps.db, installedKey(event.type), record, at);
    deps.log(`[sync] 已安装区级后台下发的${KIND_NAMES[event.type]} ${event.data.version}`);
    deps.onInstalled?.(event.type, record);
  }

  function scheduleRetry(type: PublicationType) {
    if (stopped) return;
    const previous = retries.get(type);
    if (previous) clearTimeout(previous.timer);
    const attempt = (previous?.attempt ?? 0) + 1;
    const delay = Math.min(baseRetry * 2 ** (attempt - 1), 600_000);
    const timer = setTimeout(() => void applier.handle(deps.latestPublication(type) ?? undefined), delay);
    timer.unref();
    retries.set(type, { timer, attempt });
  }

  const applier: PublicationApplier = {
    handle(event) {
      // One install at a time, in order; the latest publication of its kind wins.
      const run = chain.then(async () => {
        if (!event || stopped) return;
        const latest = deps.latestPublication(event.type) ?? event;
        try {
          await install(latest.seq >= event.seq ? latest : event);
          const r = retries.get(event.type);
          if (r) clearTimeout(r.timer);
          retries.delete(event.type);
        } catch (error) {
          deps.log(`[sync] 安装${KIND_NAMES[event.type]} ${event.data.version} 失败：${(error as Error).message}`);
          scheduleRetry(event.type);
        }
      });
      chain = run.catch(() => undefined);
      return run;
    },
    async catchUp() {
      for (const type of BROADCAST_CHANGE_TYPES) {
        const latest = deps.latestPublication(type);
        if (latest) await applier.handle(latest);
      }
    },
    installed,
    stop() {
      stopped = true;
      for (const r of retries.values()) clearTimeout(r.timer);
      retries.clear();
    },
  };
  return applier;
}
