/** `onewindow serve`: browser mode on 127.0.0.1; prints the URL (with its launch token). */
import { join } from 'node:path';
import { startBrowserMode } from '../browser-mode/server';
import { loadConfig } from '../config';
import { createLogger } from '../logging';
import { createWorkstation } from '../workstation';
import { parseCommand, type CliIo } from './args';

export async function runServe(argv: string[], io: CliIo): Promise<number> {
  const cmd = parseCommand(argv);
  // JSON-lines logs without personal data in <dataDir>/logs, echoed (redacted) to stderr.
  const logger = createLogger({ dir: join(loadConfig(cmd.config).values.dataDir, 'logs'), echo: (l) => process.stderr.write(l + '\n') });
  const ws = await createWorkstation({ transport: 'browser', config: cmd.config, sync: true, log: logger.log });
  const cfg = ws.config();
  let server;
  try {
    server = await startBrowserMode({ workstation: ws, port: cfg.values.port });
  } catch (err) {
    await ws.close();
    throw err;
  }
  if (cmd.json) {
    io.stdout(
      JSON.stringify({
        ok: true,
        url: server.url,
        dataDir: cfg.values.dataDir,
        training: cfg.values.mode === 'training',
        firstAdmin: ws.firstAdmin ?? null,
        backofficeUrl: ws.sync?.backofficeUrl ?? null,
        trainingReviewers: ws.sync?.trainingReviewers ?? null,
      }),
    );
  } else {
    io.stdout(`OneWindow 全科窗口受理工作台 — 浏览器模式（${cfg.values.centerName}，${cfg.values.windowNo} 号窗口${cfg.values.mode === 'training' ? '，培训配置' : ''}）`);
    io.stdout(`数据目录：${cfg.values.dataDir}`);
    if (ws.firstAdmin) {
      io.stdout(`首个管理员账户：${ws.firstAdmin.username}  一次性密码：${ws.firstAdmin.oneTimePassword}（首次登录须修改；遗失可用 onewindow user reset-password admin 重置）`);
    }
    if (ws.sync) {
      io.stdout(`区级后台：${ws.sync.backofficeUrl}${cfg.values.backofficeUrl === 'embedded' ? '（内置，培训用）；审批界面：' + ws.sync.backofficeUrl + '/review/' : ''}`);
      if (ws.sync.trainingReviewers) {
        io.stdout(`培训审批账户：${ws.sync.trainingReviewers.usernames.join('、')}  密码：${ws.sync.trainingReviewers.password}`);
      }
    } else {
      io.stdout('区级后台：未连接（同步未启动），办件将保存在本机待上报');
    }
    io.stdout(`请在浏览器中打开：${server.url}`);
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await ws.close();
  return 0;
}
