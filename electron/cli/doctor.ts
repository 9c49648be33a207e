/**
 * `onewindow doctor`: what IT checks first on a sick window — configuration, database integrity
 * and schema version, catalogue, accounts, versions. Never changes anything.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config';
import { knownSchemaVersion } from '../database';
import { loadCatalog } from '../catalog/loader';
import { appPath, appVersion } from '../paths';
import { parseCommand, type CliIo } from './args';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

function electronRuntime(): string {
  return existsSync(appPath('node_modules', 'electron', 'dist')) ? '已安装' : '未安装（将使用浏览器模式）';
}

export async function runDoctor(argv: string[], io: CliIo): Promise<number> {
  const cmd = parseCommand(argv);
  const checks: Check[] = [];
  let dataDir: string | undefined;
  try {
    const cfg = loadConfig(cmd.config);
    dataDir = cfg.values.dataDir;
    checks.push({
      name: '配置',
      ok: true,
      detail: `${cfg.values.centerName}（${cfg.values.centerCode}），${cfg.values.windowNo} 号窗口，${cfg.values.mode === 'training' ? '培训模式' : '正式环境'}；系统配置文件：${cfg.systemFile ?? '无'}`,
    });
  } catch (err) {
    checks.push({ name: '配置', ok: false, detail: (err as Error).message });
  }
  if (dataDir) {
    const file = join(dataDir, 'onewindow.db');
    if (!existsSync(file)) {
      checks.push({ name: '数据库', ok: true, detail: `尚未创建（首次启动时创建）：${file}` });
    } else {
      try {
        const db = new Database(file, { readonly: true, fileMustExist: true });
        try {
          const integrity = db.pragma('integrity_check', { simple: true });
          const version = db.pragma('user_version', { simple: true }) as number;
          const known = knownSchemaVersion();
          const counts = db.prepare('SELECT (SELECT count(*) FROM cases) AS cases, (SELECT count(*) FROM users) AS users').get() as { cases: number; users: number };
          checks.push({ name: '数据库完整性', ok: integrity === 'ok', detail: integrity === 'ok' ? `正常（${file}）` : `异常：${String(integrity)}` });
          checks.push({
            name: '数据库结构版本',
            ok: version <= known,
            detail: version === known ? `${version}（最新）` : version < known ? `${version}，启动时将升级到 ${known}` : `${version}，高于本程序支持的 ${known}：请升级程序`,
          });
          checks.push({ name: '办件与账户', ok: counts.users > 0, detail: `${counts.cases} 件办件，${counts.users} 个账户` });
        } finally {
          db.close();
        }
      } catch (err) {
        checks.push({ name: '数据库完整性', ok: false, detail: `无法读取 ${file}：${(err as Error).message}（文件未做改动）` });
      }
    }
  }
  try {
    const catalog = loadCatalog();
    checks.push({
      name: '事项目录',
      ok: catalog.problems.length === 0 && catalog.items.length > 0,
      detail: `${catalog.items.length} 个事项，${catalog.departments.length} 个部门${catalog.problems.length ? `；${catalog.problems.length} 处定义错误（首处：${catalog.problems[0]!.file} ${catalog.problems[0]!.itemCode ?? ''} ${catalog.problems[0]!.message}）` : ''}`,
    });
  } catch (err) {
    checks.push({ name: '事项目录', ok: false, detail: (err as Error).message });
  }
  checks.push({
    name: '版本',
    ok: true,
    detail: `OneWindow ${appVersion()}，Node ${process.versions.node}，SQLite ${new Database(':memory:').prepare('select sqlite_version() v').pluck().get() as string}，Electron 运行时${electronRuntime()}`,
  });
  const ok = checks.every((c) => c.ok);
  if (cmd.json) io.stdout(JSON.stringify({ ok, checks }));
  else {
    for (const c of checks) io.stdout(`${c.ok ? '✓' : '✗'} ${c.name}：${c.detail}`);
    io.stdout(ok ? '检查通过' : '发现问题，请按上述提示处理');
  }
  return ok ? 0 : 1;
}
