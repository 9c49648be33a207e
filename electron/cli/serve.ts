/** `onewindow serve`: browser mode on 127.0.0.1; prints the URL (with its launch token). */
import { startBrowserMode } from '../browser-mode/server';
import { createWorkstation } from '../workstation';
import { parseCommand, type CliIo } from './args';

export async function runServe(argv: string[], io: CliIo): Promise<number> {
  const cmd = parseCommand(argv);
  const ws = await createWorkstation({ transport: 'browser', config: cmd.config });
  const cfg = ws.config();
  let server;
  try {
    server = await startBrowserMode({ workstation: ws, port: cfg.values.port });
  } catch (err) {
    ws.close();
    throw err;
  }
  if (cmd.json) {
    io.stdout(JSON.stringify({ ok: true, url: server.url, dataDir: cfg.values.dataDir, training: cfg.values.mode === 'training', firstAdmin: ws.firstAdmin ?? null }));
  } else {
    io.stdout(`OneWindow 全科窗口受理工作台 — 浏览器模式（${cfg.values.centerName}，${cfg.values.windowNo} 号窗口${cfg.values.mode === 'training' ? '，培训配置' : ''}）`);
    io.stdout(`数据目录：${cfg.values.dataDir}`);
    if (ws.firstAdmin) {
      io.stdout(`首个管理员账户：${ws.firstAdmin.username}  一次性密码：${ws.firstAdmin.oneTimePassword}（首次登录须修改；遗失可用 onewindow user reset-password admin 重置）`);
    }
    io.stdout(`请在浏览器中打开：${server.url}`);
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  ws.close();
  return 0;
}
