/**
 * `onewindow doctor [--json]`: what IT checks first on a sick window, and the installer's last
 * step. Configuration (secrets never shown), database integrity and pending migrations,
 * accounts, sync backlog, disk space, back-office reachability and clock skew, catalogue and
 * calendar versions, key file permissions, updates, versions. Never changes anything.
 * The camera list is only known to the app (the renderer enumerates devices).
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3-multiple-ciphers';
import { existsSync, mkdirSync, readdirSync, readFileSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CONFIG_KEYS, loadConfig, type ConfigInputs, type LoadedConfig } from '../config';
import { knownSchemaVersion, migrationsFolder, openRawDatabase } from '../database';
import { loadCatalog } from '../catalog/loader';
import { readCalendarYears } from '../calendar';
import { appPath, appVersion } from '../paths';
import { rolloutBucket, rolloutKey } from '../updates';
import { SYNC_ROUTES } from '../../shared/sync';
import { parseCommand, type CliIo } from './args';

export interface DoctorCheck {
  id: string;
  name: string;
  ok: boolean;
  detail: string;
  data?: Record<string, unknown>;
}

export interface DoctorReport {
  ok: boolean;
  at: string;
  checks: DoctorCheck[];
}

export interface DoctorOptions {
  fetch?: typeof fetch;
  now?: () => Date;
  /** Below this much free space the disk check fails (default 1 GiB). */
  minFreeBytes?: number;
  /** Largest acceptable clock difference with the back office (default 120 s). */
  maxSkewSeconds?: number;
  timeoutMs?: number;
}

const GiB = 1024 ** 3;

function electronRuntime(): string {
  return existsSync(appPath('node_modules', 'electron', 'dist')) ? '已安装' : '未安装（将使用浏览器模式）';
}

/** The nearest folder that exists (a data folder may not have been created yet). */
function existingAncestor(path: string): string {
  let p = path;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  return p;
}

function migrationTags(): string[] {
  const journal = JSON.parse(readFileSync(join(migrationsFolder(), 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  return journal.entries.map((e) => e.tag);
}

/** The configuration as IT may see it: secrets only say whether they are set. */
export function visibleConfig(cfg: LoadedConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(CONFIG_KEYS)) {
    const v = cfg.values[k as keyof typeof cfg.values];
    out[k] = 'secret' in spec && spec.secret ? (v ? '（已设置）' : '') : v;
  }
  return out;
}

function databaseChecks(dataDir: string, checks: DoctorCheck[], now: Date): void {
  const file = join(dataDir, 'onewindow.db');
  if (!existsSync(file)) {
    checks.push({ id: 'database', name: '数据库', ok: true, detail: `尚未创建（首次启动时创建）：${file}` });
    return;
  }
  let sqlite;
  try {
    sqlite = openRawDatabase(dataDir, { readonly: true });
  } catch (err) {
    checks.push({ id: 'database', name: '数据库完整性', ok: false, detail: `无法读取 ${file}：${(err as Error).message}（文件未做改动）` });
    return;
  }
  try {
    const integrity = String(sqlite.pragma('integrity_check', { simple: true }));
    checks.push({ id: 'database', name: '数据库完整性', ok: integrity === 'ok', detail: integrity === 'ok' ? `正常（${file}）` : `异常：${integrity}` });
    const version = sqlite.pragma('user_version', { simple: true }) as number;
    const known = knownSchemaVersion();
    const pending = migrationTags().slice(version);
    checks.push({
      id: 'migrations',
      name: '数据库结构版本',
      ok: version <= known,
      detail:
        version === known
          ? `${version}（最新，无待执行迁移）`
          : version < known
            ? `${version}，有 ${known - version} 个待执行迁移（${pending.join('、')}），下次启动时先备份再升级到 ${known}`
            : `${version}，高于本程序支持的 ${known}：请升级程序`,
      data: { version, known, pending },
    });
    const counts = sqlite.prepare('SELECT (SELECT count(*) FROM cases) AS cases, (SELECT count(*) FROM users) AS users').get() as { cases: number; users: number };
    checks.push({ id: 'accounts', name: '办件与账户', ok: counts.users > 0 || version === 0, detail: `${counts.cases} 件办件，${counts.users} 个账户`, data: counts });
    const sync = sqlite
      .prepare("SELECT sum(status = 'pending') AS pending, sum(status = 'dead') AS dead, min(CASE WHEN status = 'pending' THEN created_at END) AS oldest FROM outbox")
      .get() as { pending: number | null; dead: number | null; oldest: string | null };
    const device = sqlite.prepare("SELECT value FROM sync_state WHERE key = 'device'").pluck().get() as string | undefined;
    const lastSuccess = sqlite.prepare("SELECT value FROM sync_state WHERE key = 'last-success-at'").pluck().get() as string | undefined;
    const ageHours = sync.oldest ? (now.getTime() - Date.parse(sync.oldest)) / 3_600_000 : 0;
    const enrolled = device ? (JSON.parse(device) as { deviceId?: string }) : null;
    checks.push({
      id: 'sync',
      name: '同步积压',
      ok: (sync.dead ?? 0) === 0 && ageHours < 24,
      detail:
        `${enrolled ? `已注册（设备 ${enrolled.deviceId}）` : '尚未向区级后台注册'}；待上报 ${sync.pending ?? 0} 条` +
        (sync.oldest ? `，最早的已等待 ${ageHours.toFixed(1)} 小时` : '') +
        `；无法上报 ${sync.dead ?? 0} 条；上次成功同步：${lastSuccess ? JSON.parse(lastSuccess) : '无'}`,
      data: { enrolled: !!enrolled, pending: sync.pending ?? 0, dead: sync.dead ?? 0, oldestPendingAt: sync.oldest, lastSuccessAt: lastSuccess ? JSON.parse(lastSuccess) : null },
    });
  } finally {
    sqlite.close();
  }
}

function diskCheck(dataDir: string, minFree: number): DoctorCheck {
  try {
    const at = existingAncestor(dataDir);
    const fs = statfsSync(at);
    const free = fs.bavail * fs.bsize;
    const total = fs.blocks * fs.bsize;
    return {
      id: 'disk',
      name: '磁盘空间',
      ok: free >= minFree,
      detail: `${at} 所在磁盘可用 ${(free / GiB).toFixed(1)} GB / 共 ${(total / GiB).toFixed(1)} GB${free < minFree ? `，低于 ${(minFree / GiB).toFixed(1)} GB：请清理磁盘` : ''}`,
      data: { freeBytes: free, totalBytes: total },
    };
  } catch (err) {
    return { id: 'disk', name: '磁盘空间', ok: false, detail: `无法读取：${(err as Error).message}` };
  }
}

async function backofficeChecks(url: string, o: Required<Pick<DoctorOptions, 'fetch' | 'maxSkewSeconds' | 'timeoutMs'>>, now: () => Date): Promise<DoctorCheck[]> {
  if (url === 'embedded') return [{ id: 'backoffice', name: '区级后台', ok: true, detail: '内置后台（培训配置），随工作台启动' }];
  const started = Date.now();
  try {
    const response = await o.fetch(url.replace(/\/+$/, '') + SYNC_ROUTES.health, { signal: AbortSignal.timeout(o.timeoutMs) });
    const ms = Date.now() - started;
    const date = response.headers.get('date');
    const checks: DoctorCheck[] = [
      { id: 'backoffice', name: '区级后台', ok: response.ok, detail: `${url} ${response.ok ? '可访问' : `返回 HTTP ${response.status}`}（${ms} ms）`, data: { status: response.status, ms } },
    ];
    if (date) {
      // The Date header has 1 s resolution and is stamped while the request is in flight.
      const skew = Math.round((now().getTime() - (Date.parse(date) + ms / 2)) / 1000);
      checks.push({
        id: 'clock',
        name: '时钟',
        ok: Math.abs(skew) <= o.maxSkewSeconds,
        detail: `本机时钟${skew === 0 ? '与区级后台一致' : `比区级后台${skew > 0 ? '快' : '慢'} ${Math.abs(skew)} 秒`}${Math.abs(skew) > o.maxSkewSeconds ? '：请校准本机时间（办件时间、受理编号和审计记录依赖它）' : ''}`,
        data: { skewSeconds: skew },
      });
    } else {
      checks.push({ id: 'clock', name: '时钟', ok: true, detail: '区级后台未返回 Date 头，无法比对' });
    }
    return checks;
  } catch (err) {
    return [{ id: 'backoffice', name: '区级后台', ok: false, detail: `${url} 无法访问：${(err as Error).message}（检查网络、代理和防火墙）` }];
  }
}

function catalogCheck(): DoctorCheck {
  try {
    const catalog = loadCatalog();
    const fingerprint = createHash('sha256')
      .update(catalog.items.map((i) => `${i.code}@${i.version}`).sort().join('\n'))
      .digest('hex')
      .slice(0, 12);
    return {
      id: 'catalog',
      name: '事项目录',
      ok: catalog.problems.length === 0 && catalog.items.length > 0,
      detail:
        `${catalog.items.length} 个事项，${catalog.departments.length} 个部门，版本指纹 ${fingerprint}` +
        (catalog.problems.length ? `；${catalog.problems.length} 处定义错误（首处：${catalog.problems[0]!.file} ${catalog.problems[0]!.itemCode ?? ''} ${catalog.problems[0]!.message}）` : ''),
      data: { items: catalog.items.length, fingerprint },
    };
  } catch (err) {
    return { id: 'catalog', name: '事项目录', ok: false, detail: (err as Error).message };
  }
}

async function calendarCheck(now: Date): Promise<DoctorCheck> {
  try {
    const years = await readCalendarYears();
    const list = years.map((y) => y.year);
    const thisYear = now.getFullYear();
    const ok = list.includes(thisYear);
    return {
      id: 'calendar',
      name: '节假日日历',
      ok,
      detail: `${list.join('、')} 年${ok ? '' : `；缺少 ${thisYear} 年：承诺办结日期将显示“以后台确认为准”，请更新程序或日历`}`,
      data: { years: list },
    };
  } catch (err) {
    return { id: 'calendar', name: '节假日日历', ok: false, detail: (err as Error).message };
  }
}

/** Key and credential files must be readable by the owner only (POSIX; on Windows the folder ACL decides). */
function keyPermissionCheck(dataDir: string): DoctorCheck {
  const candidates = ['keys', 'sync'].flatMap((d) => {
    const dir = join(dataDir, d);
    if (!existsSync(dir)) return [];
    return statSync(dir).isDirectory() ? readdirSync(dir).filter((f) => !f.endsWith('.tmp')).map((f) => join(dir, f)) : [];
  });
  if (process.platform === 'win32') {
    return { id: 'keys', name: '密钥文件权限', ok: true, detail: `${candidates.length} 个密钥文件；Windows 上由数据目录的访问控制（ACL）保护` };
  }
  const loose = candidates.filter((f) => (statSync(f).mode & 0o077) !== 0);
  return {
    id: 'keys',
    name: '密钥文件权限',
    ok: loose.length === 0,
    detail: loose.length === 0 ? `${candidates.length} 个密钥文件，仅本用户可读` : `权限过宽（应为 600）：${loose.join('、')}；请执行 chmod 600`,
    data: { files: candidates.length, loose: loose.length },
  };
}

export async function collectDoctorReport(inputs: ConfigInputs, options: DoctorOptions = {}): Promise<DoctorReport> {
  const now = options.now ?? (() => new Date());
  const checks: DoctorCheck[] = [];
  let cfg: LoadedConfig | undefined;
  try {
    cfg = loadConfig(inputs);
    const v = cfg.values;
    const notes: string[] = [];
    if (v.enrolmentCode) notes.push('含设备注册码（注册后可删除）');
    if (v.firstAdminPassword) notes.push('含首个管理员一次性密码（建议改用 firstAdminPasswordHash 或在创建后删除）');
    checks.push({
      id: 'config',
      name: '配置',
      ok: true,
      detail: `${v.centerName}（${v.centerCode}），${v.windowNo} 号窗口，${v.mode === 'training' ? '培训模式' : '正式环境'}；系统配置文件：${cfg.systemFile ?? '无'}${notes.length ? `；${notes.join('；')}` : ''}`,
      data: { values: visibleConfig(cfg), sources: cfg.sources, systemFile: cfg.systemFile },
    });
  } catch (err) {
    checks.push({ id: 'config', name: '配置', ok: false, detail: (err as Error).message });
  }
  if (cfg) {
    databaseChecks(cfg.values.dataDir, checks, now());
    checks.push(diskCheck(cfg.values.dataDir, options.minFreeBytes ?? GiB));
    checks.push(...(await backofficeChecks(cfg.values.backofficeUrl, { fetch: options.fetch ?? fetch, maxSkewSeconds: options.maxSkewSeconds ?? 120, timeoutMs: options.timeoutMs ?? 5000 }, now)));
    checks.push(keyPermissionCheck(cfg.values.dataDir));
    const bucket = rolloutBucket(rolloutKey(cfg.values.centerCode, cfg.values.windowNo));
    checks.push({
      id: 'updates',
      name: '自动更新',
      ok: true,
      detail: cfg.values.updateUrl
        ? `${cfg.values.updateUrl}；本窗口分批序位 ${bucket.toFixed(2)}（分批比例高于此数时本窗口更新）`
        : '未配置更新服务器（updateUrl），由信息技术人员统一安装更新',
      data: { updateUrl: cfg.values.updateUrl, rolloutBucket: bucket },
    });
  }
  checks.push(catalogCheck());
  checks.push(await calendarCheck(now()));
  let sqliteVersion = '未知';
  try {
    const mem = new Database(':memory:');
    sqliteVersion = mem.prepare('select sqlite_version() v').pluck().get() as string;
    mem.close();
  } catch {
    // reported as unknown
  }
  checks.push({
    id: 'versions',
    name: '版本',
    ok: true,
    detail: `OneWindow ${appVersion()}，Node ${process.versions.node}，SQLite ${sqliteVersion}，Electron ${process.versions.electron ?? `运行时${electronRuntime()}`}，${process.platform}-${process.arch}`,
    data: { app: appVersion(), node: process.versions.node, sqlite: sqliteVersion, electron: process.versions.electron ?? null, platform: process.platform, arch: process.arch },
  });
  return { ok: checks.every((c) => c.ok), at: now().toISOString(), checks };
}

/**
 * `--out <file>` writes the report to a file as well: the Windows installer runs the GUI
 * executable, whose standard output goes nowhere, and collects this file instead.
 */
export async function runDoctor(argv: string[], io: CliIo): Promise<number> {
  const cmd = parseCommand(argv, { out: { type: 'string' } });
  const report = await collectDoctorReport(cmd.config);
  const lines = cmd.json
    ? [JSON.stringify(report)]
    : [...report.checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.name}：${c.detail}`), report.ok ? '检查通过' : '发现问题，请按上述提示处理'];
  for (const line of lines) io.stdout(line);
  if (typeof cmd.values.out === 'string') {
    mkdirSync(dirname(cmd.values.out), { recursive: true });
    writeFileSync(cmd.values.out, lines.join('\n') + '\n');
  }
  return report.ok ? 0 : 1;
}
