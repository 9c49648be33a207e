/**
 * Benchmark: the center dashboard with 100,000 cases in the local database, through the real
 * dashboard service (the same code the contract calls): every figure is an aggregate query in
 * SQLite. The history is a year of intake at 12 windows; older cases are mostly closed, a few
 * stuck open (overdue); about half the cases are rated. Prints p50/p95 and CPU time per call for
 * today, the last 7 and 30 days (the goal) and a whole year (shown, not part of the goal).
 *
 *   npx tsx bench/dashboard.ts
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
const STEP_MS = 5 * 60_000;
const START = Date.parse('2025-11-01T00:00:00Z');
// "Now" is just after the last case: today holds a normal day's intake.
const NOW = START + CASES * STEP_MS + 60_000;
const OPEN = ['accepted', 'submitted', 'in-review', 'supplement-requested'];
const CLOSED = ['approved', 'certificate-ready', 'handed-out', 'delivered', 'refused', 'withdrawn'];

const dir = mkdtempSync(join(tmpdir(), 'onewindow-bench-'));
try {
  const ws = await openTestWorkstation(join(dir, 'data'), { now: () => new Date(NOW) });
  const sqlite = ws.database.sqlite;
  const items = ws.catalog.items.slice(0, 60);
  const insert = sqlite.prepare(`insert into cases (id, case_no, item_code, item_version, item_name, department, applicant_name, applicant_id_type, applicant_id_no, form_data, materials, status, promised_date, center_code, window_no, created_by, created_at, updated_at, started_at)
    values (?, ?, ?, 1, ?, ?, '王秀英', 'id-card', ?, '{}', '[]', ?, ?, '32011300', ?, 'bench', ?, ?, ?)`);
  const rate = sqlite.prepare(`insert into case_ratings (case_id, level, comment, rated_at, "window") values (?, ?, null, ?, ?)`);
  const queue = sqlite.prepare(`insert into outbox (id, case_id, kind, payload, status, attempts, created_at, updated_at) values (?, ?, 'case.create', '{}', ?, 1, ?, ?)`);
  const t0 = performance.now();
  sqlite.transaction(() => {
    for (let i = 0; i < CASES; i++) {
      const t = START + i * STEP_MS;
      const at = new Date(t).toISOString();
      const item = items[i % items.length]!;
      const window = String((i % 12) + 1).padStart(2, '0');
      const ageDays = (NOW - t) / 86_400_000;
      // Old cases are closed, except one in fifty stuck open; recent ones are still running.
      const status = ageDays > 20 && i % 50 !== 0 ? CLOSED[i % CLOSED.length]! : OPEN[i % OPEN.length]!;
      const promised = new Date(t + (3 + (i % 10)) * 86_400_000).toISOString().slice(0, 10);
      const started = i % 5 === 0 ? null : new Date(t - (120 + (i % 900)) * 1000).toISOString();
      const id = ulid(t);
      insert.run(id, `32011300-${at.slice(0, 10).replaceAll('-', '')}-${window}-${String(i).padStart(6, '0')}`, item.code, item.name, item.department,
        idNumber('19700101', String(i % 1000).padStart(3, '0')), status, promised, window, at, at, started);
      if (i % 2 === 0) rate.run(id, 1 + (i % 5), new Date(t + 600_000).toISOString(), window);
      queue.run(ulid(t), id, i > CASES - 40 ? 'pending' : i % 997 === 0 ? 'dead' : 'done', at, at);
    }
  })();
  sqlite.pragma('optimize');
  const fill = performance.now() - t0;

  const dashboard = (from?: string) => () => ws.dispatch('dashboard.summary', from ? { from } : {}, { sessionId: session });
  // Through the dispatcher as a supervisor would call it: validation, access and output check included.
  const { oneTimePassword } = ws.firstAdmin!;
  const signIn = await ws.dispatch('auth.signIn', { username: 'admin', password: oneTimePassword }, {});
  const session = signIn.session!;
  await ws.dispatch('auth.changePassword', { currentPassword: oneTimePassword, newPassword: 'Counter2026pass' }, { sessionId: session });
  const daysBack = (n: number) => new Date(NOW + 8 * 3_600_000 - n * 86_400_000).toISOString().slice(0, 10);
  const first = await dashboard()();
  if (!first.envelope.ok) throw new Error(JSON.stringify(first.envelope));

  const measure = async (name: string, run: () => Promise<unknown>, runs = RUNS) => {
    const times: number[] = [];
    const cpu = process.cpuUsage();
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      await run();
      times.push(performance.now() - s);
    }
    // CPU time per call says what the queries cost when other work shares the cores.
    const used = process.cpuUsage(cpu);
    times.sort((a, b) => a - b);
    return { name, p50: times[Math.floor(runs * 0.5)]!, p95: times[Math.floor(runs * 0.95)]!, cpu: (used.user + used.system) / 1000 / runs };
  };
  const results = [
    await measure('today', dashboard()),
    await measure('week', dashboard(daysBack(6))),
    await measure('month', dashboard(daysBack(29))),
  ];
  const year = await measure('year', dashboard(daysBack(365)), 10);
  for (const r of [...results, year]) console.log(`  ${r.name.padEnd(8)} p50=${r.p50.toFixed(2)}ms p95=${r.p95.toFixed(2)}ms cpu=${r.cpu.toFixed(2)}ms`);
  const data = (first.envelope as { data: { intake: { total: number }; deadlines: { overdue: number; dueSoon: number | null } } }).data;
  console.log(`  today: intake=${data.intake.total} overdue=${data.deadlines.overdue} dueSoon=${data.deadlines.dueSoon}`);
  const worst = Math.max(...results.map((r) => r.p95));
  console.log(
    `dashboard: cases=${CASES} fill=${(fill / 1000).toFixed(1)}s worst_p95=${worst.toFixed(1)}ms ${results.map((r) => `${r.name}=${r.p95.toFixed(1)}ms`).join(' ')} year=${year.p95.toFixed(1)}ms cpu_today=${results[0]!.cpu.toFixed(1)}ms goal=p95<${GOAL_MS}ms (${worst < GOAL_MS ? 'met' : 'NOT met'})`,
  );
  await ws.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
