/**
 * `onewindow audit verify [--json]`: checks the audit trail's hash chain and names the first
 * broken entry; then checks the trail against the chain head the back office witnessed (a chain
 * alone cannot show a truncated tail): the back office's head when it answers, else the last
 * head it acknowledged, as kept on this PC. Read-only.
 */
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as schema from '../../db/schema';
import { auditHeadResponseSchema, SYNC_ROUTES } from '../../shared/sync';
import { parseCommand, UsageError, type CliIo } from '../cli/args';
import { loadConfig } from '../config';
import { openRawDatabase, type WorkstationDb } from '../database';
import { createCredentialFile } from '../sync/credential-file';
import { createBackofficeClient, createSyncFetch } from '../sync/http';
import { readState, STATE_KEYS } from '../sync/state';
import { createAuditLog } from './index';
import { checkWitness, type WitnessReport } from './witness';

export interface AuditCommandOptions {
  /** Injected in tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export async function runAuditCommand(argv: string[], io: CliIo, options: AuditCommandOptions = {}): Promise<number> {
  const [sub, ...rest] = argv;
  const cmd = parseCommand(rest);
  if (sub !== 'verify' || cmd.positionals.length) throw new UsageError('用法：onewindow audit verify [--json]');
  const config = loadConfig(cmd.config).values;
  const file = join(config.dataDir, 'onewindow.db');
  if (!existsSync(file)) {
    const message = `找不到本地数据库 ${file}`;
    io.stdout(cmd.json ? JSON.stringify({ ok: false, error: 'NOT_FOUND', message }) : message);
    return 1;
  }
  // Encrypted at rest: opened with this PC's key, read-only.
  const sqlite = openRawDatabase(config.dataDir, { readonly: true, file });
  try {
    const db = drizzle(sqlite, { schema }) as unknown as WorkstationDb;
    const result = createAuditLog(db, 'verify').verify();
    const witness = await witnessReport(db, config.dataDir, config.backofficeUrl, options.fetch ?? syncFetch(config.backofficeCaFile));
    const ok = result.ok && witness.ok;
    if (cmd.json) io.stdout(JSON.stringify({ ...result, ok, chainOk: result.ok, witness }));
    else {
      if (result.ok) io.stdout(`✓ 审计日志完整：共 ${result.entries} 条，哈希链未被改动`);
      else io.stdout(`✗ 审计日志被改动：第 ${result.firstBrokenId} 条记录${result.reason}（已核对 ${result.entries} 条）`);
      io.stdout(describeWitness(witness));
    }
    return ok ? 0 : 1;
  } finally {
    sqlite.close();
  }
}

/** fetch trusting the district CA when one is configured (as the sync engine does); unreadable → plain fetch, the check then says why it failed. */
function syncFetch(caFile: string): typeof fetch {
  if (!caFile) return fetch;
  try {
    return createSyncFetch({ ca: readFileSync(caFile) });
  } catch {
    return fetch;
  }
}

async function witnessReport(db: WorkstationDb, dataDir: string, backofficeUrl: string, fetchImpl: typeof fetch): Promise<WitnessReport> {
  const kept = readState<{ status: string; head: { seq: number; hash: string }; at: string }>(db, STATE_KEYS.auditWitness);
  const local = kept ? { head: kept.head, at: kept.at } : null;
  const credentialPath = join(dataDir, 'sync', 'device.cred');
  // The embedded training back office runs inside the workstation: not reachable from here.
  const reachable = /^https?:\/\//.test(backofficeUrl) && existsSync(credentialPath);
  const fetchHead = reachable
    ? async () => {
        const credentials = await createCredentialFile(credentialPath).load();
        if (!credentials) throw new Error('本设备尚未登记');
        const client = createBackofficeClient({ baseUrl: backofficeUrl, fetch: fetchImpl, signal: new AbortController().signal, timeoutMs: 5_000 });
        const response = await client.call(SYNC_ROUTES.auditHead, { credentials });
        return auditHeadResponseSchema.parse(response.body);
      }
    : undefined;
  return checkWitness(db, local, fetchHead);
}

function describeWitness(w: WitnessReport): string {
  const head = w.head ? `第 ${w.head.seq} 条（${w.head.hash.slice(0, 12)}…）` : '';
  const lines: string[] = [];
  if (w.source === 'none') lines.push(`· 区级后台尚未见证本机的审计链头${w.unreachable ? `（未能询问区级后台：${w.unreachable}）` : ''}`);
  else if (w.source === 'backoffice') lines.push(`${w.ok ? '✓' : '✗'} 区级后台见证的链头：${head}${w.witnessedAt ? `，${w.witnessedAt}` : ''}`);
  else lines.push(`${w.ok ? '✓' : '✗'} 本机记录的最近一次已确认链头：${head}${w.witnessedAt ? `，${w.witnessedAt}` : ''}（未能询问区级后台${w.unreachable ? `：${w.unreachable}` : ''}）`);
  if (w.reason) lines.push(`✗ ${w.reason}`);
  for (const f of w.flags) lines.push(`  ! ${f.reason}（${f.at}）`);
  return lines.join('\n');
}
