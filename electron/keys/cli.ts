/**
 * `onewindow keys status|rotate [--json]`: where the data keys are kept, and key rotation
 * (electron/keys/rotate.ts). Rotation must run with the workstation stopped.
 */
import { parseCommand, UsageError, type CliIo } from '../cli/args';
import { loadConfig } from '../config';
import { createWorkstationKeys, DATABASE_KEY } from './index';
import { rotateDataKeys } from './rotate';
import { defaultKeyStore } from './store';

const USAGE = '用法：onewindow keys status | onewindow keys rotate（须先关闭工作台）[--json]';

export async function runKeysCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  const cmd = parseCommand(rest);
  if ((sub !== 'status' && sub !== 'rotate') || cmd.positionals.length) throw new UsageError(USAGE);
  const config = loadConfig(cmd.config).values;
  const store = defaultKeyStore(config.dataDir);
  const protection = store.kind === 'sealed' ? '操作系统密钥服务（safeStorage）' : '本机密钥文件（权限 0600，保护较弱）';
  if (sub === 'status') {
    const keys = createWorkstationKeys(store);
    const current = keys.current(false);
    const pending = keys.next() !== null;
    const data = { ok: true, protection: store.kind, location: store.location(DATABASE_KEY), keyId: current?.blobKeyId.toString('hex') ?? null, rotationPending: pending };
    io.stdout(
      cmd.json
        ? JSON.stringify(data)
        : `数据密钥：${current ? `已创建（标识 ${data.keyId}）` : '尚未创建'}，保存于${protection}：${data.location}${pending ? '\n有一次未完成的密钥轮换，请再次执行 onewindow keys rotate 完成' : ''}`,
    );
    return 0;
  }
  const device = `ws-${config.centerCode}-${config.windowNo}`;
  const report = await rotateDataKeys(config.dataDir, { store, device });
  if (cmd.json) io.stdout(JSON.stringify({ ok: true, ...report }));
  else {
    io.stdout(
      `✓ 密钥轮换完成${report.resumed ? '（续完上次中断的轮换）' : ''}：数据库已用新密钥重新加密，材料文件重新加密 ${report.resealedBlobs} 个（已是新密钥 ${report.keptBlobs} 个）；新密钥标识 ${report.keyId}，保存于${protection}`,
    );
    if (report.damagedBlobs.length) io.stdout(`✗ ${report.damagedBlobs.length} 个材料文件已损坏，无法重新加密，已原样保留：${report.damagedBlobs.map((s) => s.slice(0, 12)).join('、')}…，请联系信息技术人员`);
  }
  return report.damagedBlobs.length ? 1 : 0;
}
