// `npm test`: every suite. Unit and integration tests (Vitest, Node: real SQLite files, real
// HTTP, PGlite, and PostgreSQL when TEST_DATABASE_URL is set), then the browser tests against
// browser mode in a real Chromium, then the chaos suite. Ends with one line: "tests: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfStale } from './build-if-stale.js';
import { findChromium } from './chromium.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const reports = mkdtempSync(join(tmpdir(), 'onewindow-test-'));
const extra = process.argv.slice(2);

function run(name, config) {
  const out = join(reports, `${name}.json`);
  const r = spawnSync(process.execPath, [vitest, 'run', '--config', config, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...extra], {
    cwd: root,
    stdio: 'inherit',
  });
  const report = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : null;
  return {
    passed: report?.numPassedTests ?? 0,
    failed: report ? report.numFailedTests + (r.status !== 0 && report.numFailedTests === 0 ? 1 : 0) : 1,
    skipped: (report?.numPendingTests ?? 0) + (report?.numTodoTests ?? 0),
  };
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const add = (r) => {
  totals.passed += r.passed;
  totals.failed += r.failed;
  totals.skipped += r.skipped;
};

add(run('unit', 'vitest.config.ts'));

const chromium = findChromium();
if (!chromium) {
  console.error('浏览器测试需要 Chromium：请运行 apt-get install -y chromium，或设置 CHROMIUM_PATH 指向 Chromium 可执行文件。');
  totals.failed += 1;
} else {
  buildIfStale({ quiet: true });
  add(run('e2e', 'vitest.e2e.config.ts'));
}

// Faults on purpose: a real back-office process, a workstation process and a TCP proxy that
// drops, delays and resets, with processes killed mid-sync. Ends with its `chaos:` line.
add(run('chaos', 'vitest.chaos.config.ts'));
rmSync(reports, { recursive: true, force: true });
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed ? 1 : 0);
