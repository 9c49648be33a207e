/**
 * `onewindow catalog list|search|check`: the catalogue for IT and for scripts.
 * list prints every item with its materials, approval route and form; check validates
 * definition files (a folder, or one file against the shipped departments and form blocks).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parseCommand, UsageError, type CliIo } from '../cli/args';
import { createCatalog } from './index';
import { loadCatalog } from './loader';

const USAGE = '用法：onewindow catalog list [--json] | catalog search <关键词> [--json] [--limit N] | catalog check <文件或目录> [--json]';

export async function runCatalogCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  const cmd = parseCommand(rest, { limit: { type: 'string' } });
  if (sub === 'list') {
    if (cmd.positionals.length) throw new UsageError(USAGE);
    const catalog = createCatalog();
    const items = catalog.items.map((item) => ({
      code: item.code,
      version: item.version,
      name: item.name,
      shortName: item.shortName,
      departments: [...new Set([item.department, item.approval.lead, ...item.approval.co])],
      department: item.department,
      departmentName: catalog.departmentName(item.department),
      type: item.type,
      level: item.level,
      timeLimit: item.timeLimit,
      fees: item.fees,
      delivery: item.delivery,
      materials: item.materials,
      approval: item.approval,
      approvalDepartments: [item.approval.lead, ...item.approval.co],
      legalBasis: item.legalBasis,
      keywords: item.keywords,
      formSchema: item.resolvedSchema,
      uiSchema: item.form.uiSchema ?? {},
    }));
    if (cmd.json) io.stdout(JSON.stringify(items));
    else {
      for (const i of items) io.stdout(`${i.code}  ${i.name}（${i.departmentName}，${i.type}）`);
      io.stdout(`共 ${items.length} 个事项，${new Set(items.map((i) => i.department)).size} 个部门`);
    }
    return catalog.problems.length ? 1 : 0;
  }
  if (sub === 'search') {
    const query = cmd.positionals.join(' ');
    if (!query) throw new UsageError(USAGE);
    const limit = cmd.values.limit === undefined ? 20 : Number(cmd.values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new UsageError('--limit 须为 1–200 的整数');
    const hits = createCatalog().search(query, { limit });
    if (cmd.json) io.stdout(JSON.stringify(hits));
    else if (!hits.length) io.stdout(`没有与“${query}”匹配的事项`);
    else hits.forEach((h, n) => io.stdout(`${n + 1}. ${h.code}  ${h.name}（${h.departmentName}）`));
    return 0;
  }
  if (sub === 'check') {
    const target = cmd.positionals[0];
    if (!target || cmd.positionals.length > 1) throw new UsageError(USAGE);
    const path = resolve(target);
    if (!existsSync(path)) {
      const message = `找不到 ${target}`;
      if (cmd.json) io.stdout(JSON.stringify({ ok: false, error: 'NOT_FOUND', message }));
      else io.stderr(message);
      return 1;
    }
    const loaded = statSync(path).isDirectory() ? loadCatalog(path) : loadCatalog(dirname(path), { only: [basename(path)] });
    const ok = loaded.problems.length === 0;
    if (cmd.json) io.stdout(JSON.stringify({ ok, items: loaded.items.length, problems: loaded.problems }));
    else {
      for (const p of loaded.problems) io.stdout(`✗ ${p.file}${p.itemCode ? ` ${p.itemCode}` : ''}${p.field ? ` [${p.field}]` : ''}：${p.message}`);
      io.stdout(ok ? `✓ ${loaded.items.length} 个事项定义全部有效` : `${loaded.items.length} 个事项有效，${loaded.problems.length} 处错误`);
    }
    return ok ? 0 : 1;
  }
  throw new UsageError(USAGE);
}
