// `npm run bench`: runs every benchmark in bench/ one after another (2 cores: never in
// parallel), after measuring the machine's own limits, and prints one table of figures and goals.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv.slice(2);
const files = ['limits.ts', ...readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.ts') && f !== 'limits.ts').sort()].filter(
  (f) => only.length === 0 || f === 'limits.ts' || only.some((o) => f.startsWith(o)),
);

const rows = [];
for (const file of files) {
  process.stderr.write(`… ${file}\n`);
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', file)], { cwd: root, encoding: 'utf8', timeout: 15 * 60_000 });
  const line = (r.stdout ?? '').split('\n').reverse().find((l) => /^[a-z][a-z0-9-]*: /.test(l));
  if (r.status !== 0 || !line) {
    rows.push({ name: file.replace(/\.ts$/, ''), figures: `失败（退出码 ${r.status}）：${(r.stderr ?? '').trim().split('\n').pop() ?? ''}`, goal: '', verdict: 'FAILED' });
    continue;
  }
  const [name, rest] = [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()];
  const goalMatch = /goal=(\S+)(?:\s+\((met|NOT met)\))?/.exec(rest);
  rows.push({
    name,
    figures: rest.replace(/goal=\S+(\s+\((met|NOT met)\))?/, '').trim(),
    goal: goalMatch?.[1] ?? '—',
    verdict: goalMatch?.[2] ?? (goalMatch ? '' : 'limit'),
    seconds: ((Date.now() - started) / 1000).toFixed(0),
  });
}

const width = (k) => Math.max(k.length, ...rows.map((r) => String(r[k] ?? '').length));
const cols = ['name', 'goal', 'verdict', 'figures'];
console.log(cols.map((c) => c.padEnd(width(c))).join(' | '));
console.log(cols.map((c) => '-'.repeat(width(c))).join('-|-'));
for (const r of rows) console.log(cols.map((c) => String(r[c] ?? '').padEnd(width(c))).join(' | '));
process.exit(rows.some((r) => r.verdict === 'FAILED') ? 1 : 0);
