/**
 * The center dashboard (中心看板): every figure is one aggregate query in SQLite over an index
 * range (created_at, or status + promised_date), never a loop over all cases in JS, so it stays
 * fast with 100,000 cases. Civil days are Asia/Shanghai (UTC+8 all year, no daylight saving):
 * a day is the UTC range [D-1 16:00Z, D 16:00Z), compared as text against the stored ISO times.
 */
import type Database from 'better-sqlite3';
import { DASHBOARD_DUE_SOON_DAYS, DASHBOARD_MAX_RANGE_DAYS, type DashboardSummary, type DeadlineCase } from '../../shared/contract/dashboard';
import { ContractError } from '../../shared/contract/errors';
import type { CaseStatus } from '../../shared/cases/status';
import { counts as outboxCounts } from '../sync/outbox';
import type { WorkstationDb } from '../database';
import { createSatisfactionReader } from './satisfaction';

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** Statuses whose promised completion date still runs (the case is not decided or closed yet). */
export const OPEN_STATUSES: readonly CaseStatus[] = ['accepted', 'queued', 'submitted', 'in-review', 'supplement-requested'];

/** The Asia/Shanghai civil date of an instant. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The first instant of an Asia/Shanghai civil day, as the ISO text the database stores. */
export function shanghaiDayStart(civil: string): string {
  return new Date(Date.parse(`${civil}T00:00:00Z`) - SHANGHAI_OFFSET_MS).toISOString();
}

function addDays(civil: string, days: number): string {
  return new Date(Date.parse(`${civil}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The part of the working calendar the dashboard needs; both throw outside the covered years. */
export interface DashboardCalendar {
  addWorkingDays(date: string, n: number): string;
  workingDaysBetween(from: string, to: string): number;
}

export interface DashboardSyncView {
  enabled: boolean;
  online: boolean;
  lastSuccessAt: string | null;
}

export interface DashboardDeps {
  db: WorkstationDb;
  sqlite: Database.Database;
  /** Absent when the holiday calendar could not be loaded: due-soon is then not guessed. */
  calendar?: () => DashboardCalendar | undefined;
  /** The running sync engine's view (online, last success); the outbox itself is read here. */
  sync?: () => DashboardSyncView;
  now?: () => Date;
}

export interface DashboardQuery {
  from?: string;
  to?: string;
  dueSoonDays?: number;
  listLimit?: number;
}

export interface DashboardService {
  summary(input?: DashboardQuery): DashboardSummary;
}

const OPEN_SQL = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');

export function createDashboardService(deps: DashboardDeps): DashboardService {
  const { sqlite } = deps;
  const now = deps.now ?? (() => new Date());

  // Intake: cases accepted in the range ('not-accepted' is a refusal at the window, not intake).
  const inRange = `created_at >= @lo AND created_at < @hi AND status <> 'not-accepted'`;
  // Per window in one pass: intake, and item opened (draft created) → accepted where measured
  // (a case without a draft, or a clock that went backwards, is not a measurement).
  const measurable = `started_at IS NOT NULL AND started_at <= created_at`;
  const byWindow = sqlite.prepare(
    `SELECT window_no AS windowNo, count(*) AS count, sum(${measurable}) AS measured,
            avg(CASE WHEN ${measurable} THEN (julianday(created_at) - julianday(started_at)) * 86400.0 END) AS averageSeconds
       FROM cases WHERE ${inRange} GROUP BY window_no ORDER BY window_no`,
  );
  const byItem = sqlite.prepare(
    `SELECT item_code AS itemCode, max(item_name) AS itemName, count(*) AS count FROM cases WHERE ${inRange} GROUP BY item_code ORDER BY count DESC, item_code LIMIT 20`,
  );
  const byHour = sqlite.prepare(
    `SELECT CAST(strftime('%H', created_at, '+8 hours') AS INTEGER) AS hour, count(*) AS count FROM cases WHERE ${inRange} GROUP BY hour ORDER BY hour`,
  );
  const overdueCount = sqlite.prepare(`SELECT count(*) AS n FROM cases WHERE status IN (${OPEN_SQL}) AND promised_date < @today`);
  const dueSoonCount = sqlite.prepare(`SELECT count(*) AS n FROM cases WHERE status IN (${OPEN_SQL}) AND promised_date >= @today AND promised_date <= @until`);
  // Most urgent first. One index-ordered branch per open status, merged: no sort of every open case.
  const deadlineList = sqlite.prepare(
    `SELECT * FROM (${OPEN_STATUSES.map(
      (s) => `SELECT * FROM (SELECT id, case_no AS caseNo, item_name AS itemName, applicant_name AS applicantName, status, window_no AS windowNo, promised_date AS promisedDate
           FROM cases WHERE status = '${s}' AND promised_date <= @until ORDER BY promised_date LIMIT @limit)`,
    ).join(' UNION ALL ')}) ORDER BY promisedDate, caseNo LIMIT @limit`,
  );
  const satisfaction = createSatisfactionReader(sqlite);

  function range(input: DashboardQuery): { from: string; to: string; today: string; days: number } {
    const today = shanghaiDate(now());
    // One bound alone: from that day up to today, or that single day when it lies beyond today.
    const to = input.to ?? (input.from && input.from > today ? input.from : today);
    const from = input.from ?? (input.to && input.to < today ? input.to : today);
    if (from > to) throw new ContractError('INVALID_INPUT', '开始日期不能晚于结束日期');
    const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
    if (days > DASHBOARD_MAX_RANGE_DAYS) throw new ContractError('INVALID_INPUT', `统计区间最长 ${DASHBOARD_MAX_RANGE_DAYS} 天`);
    return { from, to, today, days };
  }

  /** n working days after today, or null outside the calendar's years (flagged, never guessed). */
  function calendarOr<T>(run: (c: DashboardCalendar) => T): T | null {
    const calendar = deps.calendar?.();
    if (!calendar) return null;
    try {
      return run(calendar);
    } catch {
      return null;
    }
  }

  return {
    summary(input = {}) {
      const at = now();
      const r = range(input);
      const bounds = { lo: shanghaiDayStart(r.from), hi: shanghaiDayStart(addDays(r.to, 1)) };

      const perWindow = byWindow.all(bounds) as { windowNo: string; count: number; measured: number; averageSeconds: number | null }[];
      const windows = perWindow.map((w) => ({ windowNo: w.windowNo, count: w.count }));
      const total = windows.reduce((sum, w) => sum + w.count, 0);
      const handled = perWindow.flatMap((w) => (w.measured && w.averageSeconds !== null ? [{ windowNo: w.windowNo, measured: w.measured, averageSeconds: w.averageSeconds }] : []));
      const measured = handled.reduce((sum, w) => sum + w.measured, 0);
      const weighted = handled.reduce((sum, w) => sum + w.averageSeconds * w.measured, 0);

      const dueSoonDays = input.dueSoonDays ?? DASHBOARD_DUE_SOON_DAYS;
      const until = calendarOr((c) => c.addWorkingDays(r.today, dueSoonDays));
      // Without the calendar only the overdue ones are listed: they need no working-day count.
      const listUntil = until ?? addDays(r.today, -1);
      const rows = deadlineList.all({ until: listUntil, limit: input.listLimit ?? 50 }) as Omit<DeadlineCase, 'overdue' | 'workingDaysLeft'>[];
      const cases = rows.map((c) => ({
        ...c,
        overdue: c.promisedDate < r.today,
        workingDaysLeft: calendarOr((cal) => cal.workingDaysBetween(r.today, c.promisedDate)),
      }));

      const queue = outboxCounts(deps.db);
      const sync = deps.sync?.() ?? { enabled: false, online: false, lastSuccessAt: null };

      return {
        range: r,
        generatedAt: at.toISOString(),
        intake: {
          total,
          byWindow: windows,
          byItem: byItem.all(bounds) as { itemCode: string; itemName: string; count: number }[],
          byHour: byHour.all(bounds) as { hour: number; count: number }[],
        },
        handling: {
          measured,
          averageSeconds: measured ? weighted / measured : null,
          byWindow: handled,
        },
        sync: {
          enabled: sync.enabled,
          online: sync.online,
          backlog: queue.backlog,
          oldestPendingAt: queue.oldestPendingAt,
          oldestPendingAgeSeconds: queue.oldestPendingAt ? Math.max(0, Math.round((at.getTime() - Date.parse(queue.oldestPendingAt)) / 1000)) : null,
          dead: queue.dead,
          lastSuccessAt: sync.lastSuccessAt,
        },
        deadlines: {
          dueSoonDays,
          dueSoonUntil: until,
          dueSoon: until ? (dueSoonCount.get({ today: r.today, until }) as { n: number }).n : null,
          overdue: (overdueCount.get({ today: r.today }) as { n: number }).n,
          cases,
        },
        satisfaction: satisfaction(bounds),
      };
    },
  };
}
