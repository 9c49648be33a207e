/** `onewindow backup <dir>` and `onewindow restore <dir> [--force]`. */
import { resolve } from 'node:path';
import { loadConfig } from '../config';
import { parseCommand, UsageError, type CliIo } from '../cli/args';
import { createBackup, restoreBackup } from './index';

export async function runBackupCommand(argv: string[], io: CliIo): Promise<number> {
  const cmd = parseCommand(argv);
  const [dir] = cmd.positionals;
  if (!dir || cmd.positionals.length > 1) throw new UsageError('用法：onewindow backup <备份目录> [--json]');
  const dataDir = loadConfig(cmd.config).values.dataDir;
  const manifest = await createBackup({ dataDir, target: resolve(dir) });
  const summary = { ok: true, dir: resolve(dir), cases: manifest.counts.cases ?? 0, files: manifest.files.length, schemaVersion: manifest.schemaVersion };
  if (cmd.json) io.stdout(JSON.stringify(summary));
  else io.stdout(`已备份 ${dataDir} 到 ${summary.dir}：${summary.cases} 件办件，${summary.files} 个文件，均已按校验值核对（清单 manifest.json）`);
  return 0;
}

export async function runRestoreCommand(argv: string[], io: CliIo): Promise<number> {
  const cmd = parseCommand(argv, { force: { type: 'boolean' } });
  const [dir] = cmd.positionals;
  if (!dir || cmd.positionals.length > 1) throw new UsageError('用法：onewindow restore <备份目录> [--force] [--json]（恢复前请关闭工作台）');
  const dataDir = loadConfig(cmd.config).values.dataDir;
  const result = await restoreBackup({ source: resolve(dir), dataDir, force: cmd.values.force === true });
  const summary = { ok: true, dataDir, cases: result.manifest.counts.cases ?? 0, files: result.manifest.files.length, previous: result.previous };
  if (cmd.json) io.stdout(JSON.stringify(summary));
  else io.stdout(`已从 ${resolve(dir)} 恢复到 ${dataDir}：${summary.cases} 件办件，${summary.files} 个文件，均已核对${result.previous ? `；原数据目录已改名保留为 ${result.previous}` : ''}`);
  return 0;
}
