/**
 * Runs the back office from the command line.
 *
 *   npx tsx backoffice/main.ts --port 8787 --data ./backoffice-data
 *   DATABASE_URL=postgres://… npx tsx backoffice/main.ts --host 0.0.0.0
 *   npx tsx backoffice/main.ts admin enrol-code --center 320113001 --window 03
 *
 * `onewindow backoffice serve …` calls runBackofficeServeCommand, and
 * `onewindow backoffice admin …` calls runBackofficeAdminCommand.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { PublicationError } from './publications';
import { createBackoffice, type Backoffice, type BackofficeOptions } from './server';

export interface BackofficeCommandIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Stops `serve`; without it, SIGINT/SIGTERM do. */
  signal?: AbortSignal;
}

const SERVE_HELP = `用法：onewindow backoffice serve [选项]
  --port <端口>          监听端口（默认 8787）
  --host <地址>          监听地址（默认 127.0.0.1；供窗口电脑访问时用 0.0.0.0）
  --data <目录>          数据目录：内置数据库与文件（默认 ./backoffice-data）
  --blob-dir <目录>      文件存储目录（默认 <数据目录>/blobs；多实例时须为共享目录）
  --database-url <URL>   使用 PostgreSQL（也可用环境变量 DATABASE_URL）
  --trust-proxy          信任负载均衡转发的 X-Forwarded-* 头
  --public-url <URL>     证照二维码中核验链接的地址前缀（默认为监听地址），如 https://zwfw.qixia.gov.cn
  --tls-cert <文件>      以 HTTPS 提供服务：服务器证书（PEM，可含中间证书）
  --tls-key <文件>       服务器证书的私钥（PEM）；须与 --tls-cert 同时给出
  --log                  输出请求日志
`;

const ADMIN_HELP = `用法：onewindow backoffice admin <命令> [选项]（另加 --data / --database-url 指定数据库）
  enrol-code --center <中心代码> --window <窗口号> [--label <说明>] [--ttl-hours <小时>]
                         生成一次性设备登记码
  add-reviewer --username <用户名> --department <部门代码> --display-name <姓名> [--it-admin]
                         新增审批人员；密码取自环境变量 ONEWINDOW_REVIEWER_PASSWORD；
                         --it-admin 可在审批界面查看各窗口状态
  catalog publish <目录> [--version <版本号>] [--note <说明>]
                         校验并向所有窗口发布事项目录（与工作台加载时的校验相同）
  restricted-list publish <文件> [--note <说明>]
                         校验并向所有窗口发布失信名单（版本号取自文件）
  calendar publish <文件或目录> [--version <版本号>] [--note <说明>]
                         校验并向所有窗口发布节假日数据（YYYY.json，与工作台加载时的校验相同；
                         连同此前已发布的年份一并下发）
  revoke-device --device <设备编号>
                         停用设备
  list-devices           列出已登记设备
  purge-uploads [--older-than-hours <小时>]
                         清理长期未完成的上传（默认 48 小时）
注意：使用内置数据库时，须先停止正在运行的后台服务。
`;

const commonOptions = {
  data: { type: 'string' },
  'blob-dir': { type: 'string' },
  'database-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function backofficeOptions(values: { data?: string; 'blob-dir'?: string; 'database-url'?: string }, env: Record<string, string | undefined>): BackofficeOptions {
  const dataDir = resolve(values.data ?? './backoffice-data');
  const url = values['database-url'] ?? env.DATABASE_URL;
  return {
    database: url ? { kind: 'postgres', url } : { kind: 'pglite', dataDir: join(dataDir, 'pgdata') },
    blobDir: resolve(values['blob-dir'] ?? join(dataDir, 'blobs')),
  };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

export async function runBackofficeServeCommand(argv: string[], io: BackofficeCommandIo): Promise<number> {
  const env = io.env ?? process.env;
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        ...commonOptions,
        port: { type: 'string' },
        host: { type: 'string' },
        log: { type: 'boolean' },
        'trust-proxy': { type: 'boolean' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'public-url': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    io.stderr.write(`参数错误：${(error as Error).message}\n${SERVE_HELP}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(SERVE_HELP);
    return 0;
  }
  const port = Number(values.port ?? env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr.write(`端口无效：${values.port}\n`);
    return 2;
  }
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) {
    io.stderr.write('--tls-cert 与 --tls-key 须同时给出\n');
    return 2;
  }
  let tls: BackofficeOptions['tls'];
  if (values['tls-cert'] && values['tls-key']) {
    try {
      tls = { cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']) };
    } catch (error) {
      io.stderr.write(`无法读取证书或私钥：${(error as Error).message}\n`);
      return 2;
    }
  }
  const options = { ...backofficeOptions(values, env), logger: values.log ?? false, trustProxy: values['trust-proxy'] ?? false, ...(tls ? { tls } : {}), ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}) };
  let backoffice: Backoffice;
  let url: string;
  try {
    backoffice = await createBackoffice(options);
    url = await backoffice.listen(port, values.host ?? '127.0.0.1');
  } catch (error) {
    io.stderr.write(`后台服务启动失败：${(error as Error).message}\n`);
    return 1;
  }
  const where = options.database.kind === 'postgres' ? `PostgreSQL ${redact(options.database.url)}` : `内置数据库 ${options.database.dataDir}`;
  io.stdout.write(`后台服务已启动：${url}\n数据库：${where}\n文件存储：${options.blobDir}\n`);

  await new Promise<void>((resolveStop) => {
    if (io.signal) {
      if (io.signal.aborted) return resolveStop();
      io.signal.addEventListener('abort', () => resolveStop(), { once: true });
    } else {
      process.once('SIGINT', () => resolveStop());
      process.once('SIGTERM', () => resolveStop());
    }
  });
  io.stdout.write('正在停止后台服务…\n');
  await backoffice.close();
  return 0;
}

export async function runBackofficeAdminCommand(argv: string[], io: BackofficeCommandIo): Promise<number> {
  const env = io.env ?? process.env;
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    (command ? io.stdout : io.stderr).write(ADMIN_HELP);
    return command ? 0 : 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: {
        ...commonOptions,
        center: { type: 'string' },
        window: { type: 'string' },
        label: { type: 'string' },
        'ttl-hours': { type: 'string' },
        username: { type: 'string' },
        department: { type: 'string' },
        'display-name': { type: 'string' },
        device: { type: 'string' },
        'older-than-hours': { type: 'string' },
        'it-admin': { type: 'boolean' },
        version: { type: 'string' },
        note: { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    io.stderr.write(`参数错误：${(error as Error).message}\n${ADMIN_HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const need = (name: keyof typeof values): string => {
    const value = values[name];
    if (typeof value !== 'string' || !value) throw new UsageError(`缺少参数 --${name}`);
    return value;
  };
  let backoffice: Backoffice | undefined;
  try {
    const run = async (fn: (b: Backoffice) => Promise<void>) => {
      backoffice = await createBackoffice(backofficeOptions(values, env));
      await fn(backoffice);
    };
    switch (command) {
      case 'enrol-code': {
        const center = need('center');
        const window = need('window');
        const ttlHours = values['ttl-hours'] ? Number(values['ttl-hours']) : undefined;
        await run(async (b) => {
          const code = await b.admin.createEnrolmentCode({ centerCode: center, windowNo: window, label: values.label, ttlHours });
          io.stdout.write(`${code}\n`);
        });
        break;
      }
      case 'add-reviewer': {
        const password = env.ONEWINDOW_REVIEWER_PASSWORD;
        if (!password) throw new UsageError('请在环境变量 ONEWINDOW_REVIEWER_PASSWORD 中提供密码');
        const opts = { username: need('username'), department: need('department'), displayName: need('display-name'), password, itAdmin: values['it-admin'] ?? false };
        await run(async (b) => {
          await b.admin.createReviewer(opts);
          io.stdout.write(`已新增审批人员 ${opts.username}（${opts.department}）\n`);
        });
        break;
      }
      case 'revoke-device': {
        const device = need('device');
        await run(async (b) => {
          await b.admin.revokeDevice(device);
          io.stdout.write(`已停用设备 ${device}\n`);
        });
        break;
      }
      case 'list-devices':
        await run(async (b) => {
          for (const d of await b.admin.listDevices()) {
            const state = d.revokedAt ? '已停用' : '正常';
            const backlog = d.backlog === null ? '—' : `${d.backlog}${d.oldestPendingAt && d.backlog ? `（最早 ${d.oldestPendingAt.toISOString()}）` : ''}`;
            io.stdout.write(`${d.id}\t${d.centerCode}/${d.windowNo}\t${d.name}\t${state}\t最近联系 ${d.lastSeenAt?.toISOString() ?? '—'}\t版本 ${d.appVersion ?? '—'}\t待上报 ${backlog}\n`);
          }
        });
        break;
      case 'purge-uploads': {
        const hours = Number(values['older-than-hours'] ?? 48);
        await run(async (b) => {
          io.stdout.write(`已清理 ${await b.admin.purgeStaleUploads(hours)} 个未完成的上传\n`);
        });
        break;
      }
      case 'catalog': {
        const [sub, dir] = positionals;
        if (sub !== 'publish' || !dir) throw new UsageError('用法：catalog publish <目录>');
        await run(async (b) => {
          const r = await b.admin.publishCatalog({ dir: resolve(dir), ...(values.version ? { version: values.version } : {}), ...(values.note ? { note: values.note } : {}) });
          io.stdout.write(`已发布事项目录 ${r.version}（${r.items} 个事项，SHA-256 ${r.sha256}）；各窗口将在下次同步时更新\n`);
        });
        break;
      }
      case 'restricted-list': {
        const [sub, file] = positionals;
        if (sub !== 'publish' || !file) throw new UsageError('用法：restricted-list publish <文件>');
        const text = readFileSync(resolve(file), 'utf8');
        await run(async (b) => {
          const r = await b.admin.publishRestrictedList({ text, ...(values.note ? { note: values.note } : {}) });
          io.stdout.write(`已发布失信名单 ${r.version}（${r.entries} 条，SHA-256 ${r.sha256}）\n`);
        });
        break;
      }
      case 'calendar': {
        const [sub, target] = positionals;
        if (sub !== 'publish' || !target) throw new UsageError('用法：calendar publish <文件或目录>');
        await run(async (b) => {
          const r = await b.admin.publishCalendar({ path: resolve(target), ...(values.version ? { version: values.version } : {}), ...(values.note ? { note: values.note } : {}) });
          io.stdout.write(`已发布工作日历 ${r.version}（本次 ${r.added.join('、')} 年；共含 ${r.years.join('、')} 年，SHA-256 ${r.sha256}）；各窗口将在下次同步时更新\n`);
        });
        break;
      }
      default:
        throw new UsageError(`未知命令：${command}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${error.message}\n${ADMIN_HELP}`);
      return 2;
    }
    if (error instanceof PublicationError) {
      const lines = error.problems.slice(0, 50).map((p) => `  ${p.file}${p.itemCode ? ` ${p.itemCode}` : ''}${p.field ? ` ${p.field}` : ''}：${p.message}\n`);
      io.stderr.write(`发布失败：${error.message}\n${lines.join('')}${error.problems.length > 50 ? `  …另有 ${error.problems.length - 50} 处\n` : ''}`);
      return 1;
    }
    io.stderr.write(`操作失败：${(error as Error).message}\n`);
    return 1;
  } finally {
    await (backoffice as Backoffice | undefined)?.close();
  }
}

class UsageError extends Error {}

const invokedDirectly = process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  const args = process.argv.slice(2);
  const io = { stdout: process.stdout, stderr: process.stderr };
  const run = args[0] === 'admin' ? runBackofficeAdminCommand(args.slice(1), io) : runBackofficeServeCommand(args[0] === 'serve' ? args.slice(1) : args, io);
  run.then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`${(error as Error).stack ?? error}\n`);
      process.exit(1);
    },
  );
}
