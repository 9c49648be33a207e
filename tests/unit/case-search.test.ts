/**
 * The case list's quick search (part of a case number or a name) against a brute-force filter
 * of the same rows: the fast path on the cases_search index must return exactly the rows,
 * order, pages and totals a plain scan would, alone and combined with other filters.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ulid } from 'ulid';
import type { Workstation } from '../../electron/workstation';
import { idNumber } from '../helpers/catalog-fixture';
import { openTestWorkstation, tempDir } from '../helpers/workstation';

let dir: ReturnType<typeof tempDir>;
let ws: Workstation;
const all: { id: string; caseNo: string; name: string; status: string; createdAt: string }[] = [];

beforeAll(async () => {
  dir = tempDir();
  ws = await openTestWorkstation(join(dir.path, 'data'));
  const names = ['王秀英', '李建国', '张秀兰', '刘100%', '陈_伟', '杨秀英'];
  const statuses = ['accepted', 'in-review', 'approved'];
  const insert = ws.database.sqlite.prepare(`insert into cases (id, case_no, item_code, item_version, item_name, department, applicant_name, applicant_id_type, applicant_id_no, form_data, materials, status, promised_date, center_code, window_no, created_by, created_at, updated_at)
    values (?, ?, 'QX-X', 1, '测试事项', 'MZ', ?, 'id-card', ?, '{}', '[]', ?, '2026-12-01', '32011300', '01', 'test', ?, ?)`);
  const start = Date.parse('2026-11-01T00:00:00Z');
  ws.database.sqlite.transaction(() => {
    for (let i = 0; i < 600; i++) {
      // Some rows share a created_at: the id breaks the tie, as the list orders.
      const at = new Date(start + Math.floor(i / 2) * 60_000).toISOString();
      const row = { id: ulid(start + i), caseNo: `32011300-20261101-01-${String(i).padStart(4, '0')}`, name: names[i % names.length]!, status: statuses[i % 3]!, createdAt: at };
      insert.run(row.id, row.caseNo, row.name, idNumber('19800101', String(i % 1000).padStart(3, '0')), row.status, at, at);
      all.push(row);
    }
  })();
}, 60_000);
afterAll(async () => {
  await ws?.close();
  dir?.remove();
});

const newestFirst = (a: (typeof all)[number], b: (typeof all)[number]) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1);

it.each(['秀英', '0012', '100%', '_', '20261101-01-05', '不存在'])('quick search "%s" matches a plain scan, page by page', (query) => {
  const expected = all.filter((r) => r.caseNo.includes(query) || r.name.includes(query)).sort(newestFirst);
  for (const [offset, limit] of [[0, 100], [100, 100], [37, 11]] as const) {
    const got = ws.cases.list({ query, offset, limit });
    expect(got.total).toBe(expected.length);
    expect(got.rows.map((r) => r.id)).toEqual(expected.slice(offset, offset + limit).map((r) => r.id));
  }
});

it('quick search combined with a status filter matches a plain scan', () => {
  const expected = all.filter((r) => r.status === 'in-review' && (r.caseNo.includes('秀英') || r.name.includes('秀英'))).sort(newestFirst);
  const got = ws.cases.list({ query: '秀英', status: 'in-review', limit: 500 });
  expect(got.total).toBe(expected.length);
  expect(got.rows.map((r) => r.id)).toEqual(expected.map((r) => r.id));
});
