/**
 * Benchmark: the case list with 100,000 cases in the local database. Filtering happens in
 * SQLite through the real cases service (the same code the contract calls), not in the grid.
 * Prints p50/p95 per query kind.
 *
 *   npx tsx bench/case-list.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { openTestWorkstation } from '../tests/helpers/workstation';
import { idNumber } from '../tests/helpers/catalog-fixture';

const CASES = 100_000;
const RUNS = 40;
const GOAL_MS = 50;

const dir = mkdtempSync(join(tmpdir(), 'onewindow-bench-'));
try {
  const ws = await openTestWorkstation(join(dir, 'data'));
  const sqlite = ws.database.sqlite;
  const surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
  const given = ['秀英', '建国', '丽', '伟', '芳', '敏', '静', '强', '磊', '洋', '艳', '勇', '军', '杰', '娟'];
  const statuses = ['accepted', 'submitted', 'in-review', 'approved', 'certificate-ready', 'handed-out'];
  const items = ws.catalog.items.slice(0, 60);
  const insert = sqlite.prepare(`insert into cases (id, case_no, item_code, item_version, item_name, department, applicant_name, applicant_id_type, applicant_id_no, form_data, materials, status, promised_date, center_code, window_no, created_by, created_at, updated_at)
    values (?, ?, ?, 1, ?, ?, ?, 'id-card', ?, '{}', '[]', ?, ?, '32011300', ?, 'bench', ?, ?)`);
  const t0 = performance.now();
  const start = Date.parse('2025-01-01T00:00:00Z');
  sqlite.transaction(() => {
    for (let i = 0; i < CASES; i++) {
      const at = new Date(start + i * 5 * 60_000).toISOString();
      const item = items[i % items.length]!;
      const window = String((i % 12) + 1).padStart(2, '0');
      const id = idNumber(`19${50 + (i % 50)}0${1 + (i % 9)}1${i % 10}`, String(i % 1000).padStart(3, '0'));
      insert.run(ulid(start + i), `32011300-${at.slice(0, 10).replaceAll('-', '')}-${window}-${String(i).padStart(6, '0')}`, item.code, item.name, item.department,
        surnames[i % surnames.length]! + given[i % given.length]!, id, statuses[i % statuses.length]!, at.slice(0, 10), window, at, at);
    }
  })();
  const fill = performance.now() - t0;

  const measure = (name: string, run: () => unknown) => {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const s = performance.now();
      run();
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    return { name, p50: times[Math.floor(RUNS * 0.5)]!, p95: times[Math.floor(RUNS * 0.95)]! };
  };
  const someId = idNumber('19770317', '777');
  const results = [
    measure('newest-500', () => ws.cases.list({ limit: 500 })),
    measure('status', () => ws.cases.list({ status: 'in-review', limit: 500 })),
    measure('name-substring', () => ws.cases.list({ query: '秀英', limit: 500 })),
    measure('case-no', () => ws.cases.list({ query: '20250301', limit: 500 })),
    measure('full-id', () => ws.cases.list({ query: someId, limit: 500 })),
    measure('page-200', () => ws.cases.list({ limit: 100, offset: 20_000 })),
  ];
  for (const r of results) console.log(`  ${r.name.padEnd(16)} p50=${r.p50.toFixed(2)}ms p95=${r.p95.toFixed(2)}ms`);
  const worst = Math.max(...results.map((r) => r.p95));
  console.log(`case-list: cases=${CASES} fill=${(fill / 1000).toFixed(1)}s worst_p95=${worst.toFixed(1)}ms ${results.map((r) => `${r.name}=${r.p95.toFixed(1)}ms`).join(' ')} goal=p95<${GOAL_MS}ms (${worst < GOAL_MS ? 'met' : 'NOT met'})`);
  ws.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
