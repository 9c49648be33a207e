/**
 * `onewindow purge [--dry-run] [--json]`: the retention purge now (face images, closed cases'
 * personal data past policy). With --dry-run it only counts. Audited either way, as IT.
 */
import { parseCommand, UsageError, type CliIo } from '../cli/args';

export async function runPurgeCommand(argv: string[], io: CliIo): Promise<number> {
  const cmd = parseCommand(argv, { 'dry-run': { type: 'boolean' } });
  if (cmd.positionals.length) throw new UsageError('用法：onewindow purge [--dry-run] [--json]');
  const dryRun = cmd.values['dry-run'] === true;
  const { createWorkstation } = await import('../workstation');
  const ws = await createWorkstation({ transport: 'browser', config: cmd.config, createFirstAdmin: false, log: () => {} });
  try {
    const report = ws.retention.run({ dryRun, by: { actor: `it-cli:${process.env.USER ?? process.env.USERNAME ?? 'unknown'}`, role: 'admin' } });
    const verb = dryRun ? '将' : '已';
    io.stdout(
      cmd.json
        ? JSON.stringify({ ok: true, ...report })
        : [
            `${dryRun ? '试运行（未做任何改动）：' : ''}${verb}删除超过 ${report.faceRetentionDays} 天的人脸图像 ${report.faceImages} 份`,
            `${verb}删除办结超过 ${report.closedCaseRetentionDays} 天的办件中的个人信息 ${report.casesRedacted} 件（保留办件编号、状态、校验值和审计记录）`,
            `审计日志不清理（至少保存 ${report.auditKeptMonths} 个月）`,
          ].join('\n'),
    );
    return 0;
  } finally {
    await ws.close();
  }
}
