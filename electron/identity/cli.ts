/**
 * `onewindow identity …` for IT:
 *   identity import-restricted-list <file> [--json]   replace the local 失信名单 with a file (full snapshot)
 *   identity restricted-list status [--json]          version, source, age, entries
 *   identity purge-face-images [--json]               delete face images past their retention now
 * Exit codes: 0 done, 1 the operation failed (Chinese message), 2 bad usage.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { ContractError } from '../../shared/contract/errors';
import { parseCommand, UsageError, type CliIo } from '../cli/args';
import type { ConfigInputs } from '../config';
import type { IdentityAudit } from './checks';
import { createCreditService } from './credit';
import type { IdentityDb } from './db';
import { DEFAULT_RETENTION_DAYS, createFaceImageStore } from './face-images';
import { deriveIdentityKeys, identityKeySource, type IdentityKeySource } from './keys';
import { defaultKeyStore } from '../keys/store';
import { RestrictedListError } from './restricted-list';

export const IDENTITY_USAGE = `用法：onewindow identity <命令> [--json]
  import-restricted-list <文件>   导入失信名单（JSON，整份替换；只保存带密钥的哈希）
  restricted-list status          查看失信名单版本、来源和更新时间
  purge-face-images               立即删除超过保存期限的人脸图像（保留比对结果和哈希）`;

/** What the command needs from the workstation; tests pass their own. */
export interface IdentityCliContext {
  db: IdentityDb;
  dataDir: string;
  audit: IdentityAudit;
  keys?: IdentityKeySource;
  retentionDays?: number;
  close(): void;
}

export interface IdentityCliDeps {
  open?: (config: ConfigInputs) => Promise<IdentityCliContext> | IdentityCliContext;
  now?: () => Date;
}

const hasSealedKeysError = (e: unknown) => e instanceof ContractError && e.message.includes('操作系统密钥服务保护');

const MAX_LIST_BYTES = 512 * 1024 * 1024;

async function openWorkstation(config: ConfigInputs): Promise<IdentityCliContext> {
  // Imported here so tests that inject `open` never start a workstation.
  const { createWorkstation } = await import('../workstation');
  let ws: Awaited<ReturnType<typeof createWorkstation>>;
  try {
    ws = await createWorkstation({ transport: 'browser', config, createFirstAdmin: false, log: () => {} });
  } catch (e) {
    // Keys sealed by the OS key store: only the app itself (`OneWindow --cli identity …`) can open them.
    if (hasSealedKeysError(e)) throw new RestrictedListError(`${(e as Error).message}（例如：OneWindow --cli identity import-restricted-list <文件>）`);
    throw e;
  }
  const dataDir = ws.config().values.dataDir;
  return { db: ws.database.db, dataDir, audit: ws.audit, close: () => ws.close() };
}

const itActor = () => ({ username: `it-cli:${process.env.USER ?? process.env.USERNAME ?? 'unknown'}`, role: 'admin' });

export async function runIdentityCommand(argv: string[], io: CliIo, deps: IdentityCliDeps = {}): Promise<number> {
  const args = argv[0] === 'identity' ? argv.slice(1) : argv;
  const [sub, ...rest] = args;
  if (!sub || sub === 'help' || sub === '--help') {
    io.stdout(IDENTITY_USAGE);
    return sub ? 0 : 2;
  }
  const cmd = parseCommand(rest);
  const now = deps.now ?? (() => new Date());
  const out = (data: unknown, human: string) => io.stdout(cmd.json ? JSON.stringify(data) : human);
  const fail = (code: string, message: string) => {
    if (cmd.json) io.stdout(JSON.stringify({ ok: false, error: code, message }));
    else io.stderr(message);
    return 1;
  };

  let file: string | undefined;
  if (sub === 'import-restricted-list') {
    if (cmd.positionals.length !== 1) throw new UsageError(`缺少名单文件参数。\n${IDENTITY_USAGE}`);
    file = cmd.positionals[0];
    if (!existsSync(file) || !statSync(file).isFile()) return fail('NOT_FOUND', `找不到名单文件：${file}`);
    if (statSync(file).size > MAX_LIST_BYTES) return fail('TOO_LARGE', `名单文件过大（上限 ${MAX_LIST_BYTES / 1048576} MB）`);
  } else if (sub === 'restricted-list') {
    if (cmd.positionals.join(' ') !== 'status') throw new UsageError(`用法：onewindow identity restricted-list status [--json]`);
  } else if (sub === 'purge-face-images') {
    if (cmd.positionals.length) throw new UsageError(IDENTITY_USAGE);
  } else {
    throw new UsageError(`未知的子命令：${sub}。\n${IDENTITY_USAGE}`);
  }

  let ctx: IdentityCliContext;
  try {
    ctx = await (deps.open ?? openWorkstation)(cmd.config);
  } catch (e) {
    if (e instanceof RestrictedListError) return fail('KEY_UNAVAILABLE', e.message);
    throw e;
  }
  try {
    const keySource = ctx.keys ?? identityKeySource(defaultKeyStore(ctx.dataDir));
    const keys = () => deriveIdentityKeys(keySource.masterKey());
    const credit = createCreditService({ db: ctx.db, audit: ctx.audit, now, key: () => keys().restrictedList });
    if (sub === 'import-restricted-list') {
      let r;
      try {
        r = credit.importList(readFileSync(file!, 'utf8'), itActor());
      } catch (e) {
        if (e instanceof RestrictedListError) return fail('INVALID_LIST', `${e.message}（${file}）`);
        throw e;
      }
      const skipped = r.skipped.slice(0, 20).map((s) => `  第 ${s.index + 1} 条：${s.reason}`);
      out(
        { ok: true, imported: r.entries, skipped: r.skipped, status: r.status },
        [`已导入失信名单：${r.entries} 条（仅保存带密钥的哈希，未保存号码）。`, r.status.message, ...(r.skipped.length ? [`跳过 ${r.skipped.length} 条无效条目：`, ...skipped] : [])].join('\n'),
      );
      return 0;
    }
    if (sub === 'restricted-list') {
      const s = credit.status();
      out({ ok: s.loaded, ...s }, s.message);
      return s.loaded ? 0 : 1;
    }
    const images = createFaceImageStore({ db: ctx.db, dataDir: ctx.dataDir, key: () => keys().faceImages, now, retentionDays: ctx.retentionDays ?? DEFAULT_RETENTION_DAYS });
    const r = images.purgeExpired();
    ctx.audit.append({ actor: itActor().username, role: 'admin', action: 'identity.faceImages.purge', detail: { ...r } });
    out({ ok: true, ...r }, `已删除 ${r.purged} 张超过保存期限的人脸图像${r.orphans ? `，清理 ${r.orphans} 个无记录的文件` : ''}（比对结果和哈希保留）`);
    return 0;
  } finally {
    ctx.close();
  }
}
