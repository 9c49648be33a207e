/**
 * `onewindow audit verify [--json]`: checks the audit trail's hash chain and names the first
 * broken entry. Read-only. (A chain cannot show a truncated tail by itself: the back office
 * witnesses the chain head with every push.)
 */
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as schema from '../../db/schema';
import { parseCommand, UsageError, type CliIo } from '../cli/args';
import { loadConfig } from '../config';
import { createAuditLog } from './index';

export async function runAuditCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  const cmd = parseCommand(rest);
  if (sub !== 'verify' || cmd.positionals.length) throw new UsageError('用法：onewindow audit verify [--json]');
  const file = join(loadConfig(cmd.config).values.dataDir, 'onewindow.db');
  if (!existsSync(file)) {
    const message = `找不到本地数据库 ${file}`;
    io.stdout(cmd.json ? JSON.stringify({ ok: false, error: 'NOT_FOUND', message }) : message);
    return 1;
  }
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const result = createAuditLog(drizzle(sqlite, { schema }), 'verify').verify();
    if (cmd.json) io.stdout(JSON.stringify(result));
    else if (result.ok) io.stdout(`✓ 审计日志完整：共 ${result.entries} 条，哈希链未被改动`);
    else io.stdout(`✗ 审计日志被改动：第 ${result.firstBrokenId} 条记录${result.reason}（已核对 ${result.entries} 条）`);
    return result.ok ? 0 : 1;
  } finally {
    sqlite.close();
  }
}
