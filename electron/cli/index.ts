/**
 * `onewindow` — the command line for IT. Human-readable output by default, `--json` for
 * scripts. Exit codes: 0 success, 1 the operation failed (with a message), 2 bad usage.
 * Configuration flags (--center-code, --window-no, --data-dir, …) work with every command.
 */
import { CONFIG_KEYS, ConfigError, flagName } from '../config';
import { parseCommand, processIo, UsageError, type CliIo } from './args';
import { DatabaseOpenError } from '../database';
import { ContractError } from '../../shared/contract/errors';
import { ROLES, type Role } from '../../shared/auth/roles';
import { createWorkstation } from '../workstation';
import { runAuditCommand } from '../audit/cli';
import { runKeysCommand } from '../keys/cli';
import { runPurgeCommand } from '../retention/cli';
import { runCalendarCommand } from '../calendar/cli';
import { runCatalogCommand } from '../catalog/cli';
import { runDoctor } from './doctor';
import { runDiagnosticsCommand } from './diagnostics';
import { runHashPasswordCommand } from './hash-password';
import { runBackupCommand, runRestoreCommand } from '../backup/cli';
import { runServe } from './serve';
import { runValidateCommand } from './validate';
import { runFaceCompareCommand } from '../identity/face/cli';
import { runIdentityCommand } from '../identity/cli';
import { runBackofficeAdminCommand, runBackofficeServeCommand } from '../../backoffice/main';

const USAGE = `用法：onewindow <命令> [参数] [--json]
  serve                                   以浏览器模式启动工作台（仅监听 127.0.0.1）
  user add <用户名> --role <clerk|supervisor|admin> [--name 显示名]
  user reset-password <用户名>            生成一次性密码（首次登录须修改）
  user lock <用户名> | user unlock <用户名>
  doctor [--json]                         自检：配置、数据库完整性与待执行迁移、磁盘、区级后台与时钟、目录与日历版本、同步积压、密钥权限
  diagnostics export <文件.tar.gz>         导出不含个人信息的诊断包（自检结果、配置、版本、同步状态、近期日志）
  backup <目录> | restore <目录> [--force]  备份本机数据（数据库在线备份、材料文件按校验值核对）/ 从备份恢复（须先关闭工作台）
  hash-password                           从标准输入读取密码，输出 firstAdminPasswordHash 用的哈希
  catalog list | search <关键词> | check <文件或目录>
  validate <id-card|uscc|mobile> [值]     校验证件号码（不给值时逐行读取标准输入）
  calendar add-working-days <YYYY-MM-DD> <n>  计算 n 个工作日后的日期
  face compare <图片A> <图片B> [--json]   人像比对（离线模型）
  identity import-restricted-list <文件> | identity restricted-list status | identity purge-face-images
  audit verify [--json]                   核对审计日志哈希链，指出第一条被改动的记录
  keys status | keys rotate [--json]      查看数据密钥的保存方式 / 轮换数据库与材料文件的加密密钥（须先关闭工作台）
  purge [--dry-run] [--json]              按保存期限清理人脸图像和办结办件的个人信息（--dry-run 只统计）
  backoffice serve [--port N] [--data 目录] [--tls-cert 文件 --tls-key 文件]  启动区级后台（DATABASE_URL 指向 PostgreSQL 时使用该库）
  backoffice admin <enrol-code|add-reviewer|catalog publish|restricted-list publish|calendar publish|revoke-device|list-devices|purge-uploads> …  后台管理
配置参数（所有命令可用）：${Object.keys(CONFIG_KEYS).map(flagName).join(' ')} --config <系统配置文件>`;

function emit(io: CliIo, json: boolean, data: unknown, human: string): void {
  io.stdout(json ? JSON.stringify(data) : human);
}

async function runUser(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  const cmd = parseCommand(rest, { role: { type: 'string' }, name: { type: 'string' } });
  const username = cmd.positionals[0];
  if (!sub || !['add', 'reset-password', 'lock', 'unlock'].includes(sub) || !username || cmd.positionals.length > 1) {
    throw new UsageError('用法：onewindow user <add|reset-password|lock|unlock> <用户名> [--role 角色] [--name 显示名]');
  }
  const ws = await createWorkstation({ transport: 'browser', config: cmd.config, createFirstAdmin: false, log: () => {} });
  const by = { actor: `it-cli:${process.env.USER ?? process.env.USERNAME ?? 'unknown'}`, role: 'admin' };
  try {
    if (sub === 'add') {
      const role = cmd.values.role;
      if (typeof role !== 'string' || !ROLES.includes(role as Role)) throw new UsageError(`--role 须为 ${ROLES.join(' / ')} 之一`);
      if (!/^[a-z][a-z0-9_.-]{2,31}$/.test(username)) throw new UsageError('用户名为 3–32 位小写字母、数字、点、下划线或连字符，以字母开头');
      const name = typeof cmd.values.name === 'string' ? cmd.values.name : username;
      const { user, oneTimePassword } = ws.auth.addUser({ username, displayName: name, role: role as Role }, by);
      emit(io, cmd.json, { ok: true, user, oneTimePassword }, `已创建用户 ${user.username}（${role}）。一次性密码：${oneTimePassword}（首次登录须修改）`);
    } else if (sub === 'reset-password') {
      const { oneTimePassword } = ws.auth.resetPassword(username, by);
      emit(io, cmd.json, { ok: true, username, oneTimePassword }, `已重置 ${username} 的密码并解除锁定。一次性密码：${oneTimePassword}（首次登录须修改）`);
    } else {
      const locked = sub === 'lock';
      ws.auth.setLocked(username, locked, by);
      emit(io, cmd.json, { ok: true, username, locked }, locked ? `已停用账户 ${username}` : `已启用账户 ${username}`);
    }
    return 0;
  } finally {
    await ws.close();
  }
}

export type { CliIo };
export type CommandRunner = (argv: string[], io: CliIo) => Promise<number>;

/** Commands by name; capability folders add theirs here. */
const COMMANDS: Record<string, CommandRunner> = {
  serve: runServe,
  user: runUser,
  doctor: runDoctor,
  diagnostics: runDiagnosticsCommand,
  backup: runBackupCommand,
  restore: runRestoreCommand,
  'hash-password': (argv, io) => runHashPasswordCommand(argv, io),
  catalog: runCatalogCommand,
  validate: runValidateCommand,
  calendar: runCalendarCommand,
  audit: runAuditCommand,
  keys: runKeysCommand,
  purge: runPurgeCommand,
  face: (argv, io) => runFaceCompareCommand(argv, io),
  identity: (argv, io) => runIdentityCommand(argv, io),
  backoffice: (argv, io) => {
    const streams = { stdout: { write: (t: string) => io.stdout(t) }, stderr: { write: (t: string) => io.stderr(t) } };
    if (argv[0] === 'serve') return runBackofficeServeCommand(argv.slice(1), streams);
    return runBackofficeAdminCommand(argv[0] === 'admin' ? argv.slice(1) : argv, streams);
  },
};

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    io.stdout(USAGE);
    return command ? 0 : 2;
  }
  const runner = COMMANDS[command];
  if (!runner) {
    io.stderr(`未知命令“${command}”。\n${USAGE}`);
    return 2;
  }
  const json = rest.includes('--json');
  try {
    return await runner(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(err.message);
      return 2;
    }
    const known = err instanceof ContractError || err instanceof ConfigError || err instanceof DatabaseOpenError;
    const code = err instanceof ContractError ? err.code : err instanceof DatabaseOpenError ? err.code : err instanceof ConfigError ? 'CONFIG_INVALID' : 'INTERNAL';
    const message = known ? (err as Error).message : `内部错误：${(err as Error)?.message ?? String(err)}`;
    if (json) io.stdout(JSON.stringify({ ok: false, error: code, message }));
    else io.stderr(message);
    return 1;
  }
}
