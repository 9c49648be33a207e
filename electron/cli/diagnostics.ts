/**
 * `onewindow diagnostics export <file>`: one .tar.gz a clerk can send to IT, with no personal
 * data in it — the doctor report, the configuration (secrets only say whether they are set),
 * versions, sync status and the recent logs. Every file goes through the same redaction as the
 * logs, and the user's home folder is replaced by `~` (Windows paths carry the account name).
 */
import { renameSync, writeFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig, type ConfigInputs } from '../config';
import { readRecentLogs, redactText, redactValue } from '../logging';
import { tarGz } from '../backup/tar';
import { collectDoctorReport, visibleConfig, type DoctorOptions } from './doctor';
import { parseCommand, UsageError, type CliIo } from './args';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Redacts text for the bundle: personal data, then the home folder and account name. */
export function bundleSafe(text: string): string {
  let out = redactText(text);
  const home = homedir();
  if (home && home.length > 3) out = out.replace(new RegExp(escapeRegExp(home), 'g'), '~').replace(new RegExp(escapeRegExp(JSON.stringify(home).slice(1, -1)), 'g'), '~');
  let user = '';
  try {
    user = userInfo().username;
  } catch {
    // no account name to hide
  }
  if (user.length >= 3) out = out.replace(new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(user)}(?![A-Za-z0-9])`, 'g'), '[用户]');
  return out;
}

export async function buildDiagnosticsBundle(inputs: ConfigInputs, options: DoctorOptions = {}): Promise<{ bytes: Buffer; files: string[] }> {
  const now = options.now ?? (() => new Date());
  const report = await collectDoctorReport(inputs, options);
  const files: { path: string; text: string }[] = [];
  const json = (v: unknown) => JSON.stringify(redactValue(v), null, 2);
  files.push({ path: 'doctor.json', text: json(report) });
  let dataDir: string | undefined;
  try {
    const cfg = loadConfig(inputs);
    dataDir = cfg.values.dataDir;
    files.push({ path: 'config.json', text: json({ values: visibleConfig(cfg), sources: cfg.sources, systemFile: cfg.systemFile }) });
  } catch (err) {
    files.push({ path: 'config.json', text: json({ error: (err as Error).message }) });
  }
  const versions = report.checks.find((c) => c.id === 'versions')?.data ?? {};
  files.push({ path: 'versions.json', text: json({ ...versions, runtime: process.versions }) });
  files.push({ path: 'sync.json', text: json(report.checks.find((c) => c.id === 'sync')?.data ?? { note: '尚无本地数据库' }) });
  if (dataDir) files.push({ path: 'logs/onewindow.log', text: readRecentLogs(join(dataDir, 'logs')) });
  files.push({
    path: 'README.txt',
    text: `OneWindow 诊断包\n生成时间：${now().toISOString()}\n内容：doctor.json（自检结果）、config.json（配置，密钥类仅显示是否已设置）、versions.json、sync.json（同步状态）、logs/（近期日志）。\n已去除身份证号、手机号、姓名等个人信息。\n`,
  });
  const mtime = now();
  return {
    bytes: tarGz(files.map((f) => ({ path: f.path, data: Buffer.from(bundleSafe(f.text), 'utf8'), mtime }))),
    files: files.map((f) => f.path),
  };
}

export async function runDiagnosticsCommand(argv: string[], io: CliIo): Promise<number> {
  const cmd = parseCommand(argv);
  const [sub, file] = cmd.positionals;
  if (sub !== 'export' || !file || cmd.positionals.length > 2) throw new UsageError('用法：onewindow diagnostics export <文件.tar.gz> [--json]');
  const target = resolve(file);
  const { bytes, files } = await buildDiagnosticsBundle(cmd.config);
  const tmp = `${target}.partial`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, target);
  if (cmd.json) io.stdout(JSON.stringify({ ok: true, file: target, bytes: bytes.length, files }));
  else io.stdout(`已生成诊断包：${target}（${(bytes.length / 1024).toFixed(1)} KB，不含个人信息），请发送给信息技术人员`);
  return 0;
}
