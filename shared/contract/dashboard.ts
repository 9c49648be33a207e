/**
 * The center dashboard (中心看板) for supervisors and administrators: intake per window and
 * item, window handling time, sync backlog, due-soon and overdue cases, satisfaction (好差评).
 * Every figure is computed in SQLite by the core (electron/dashboard); dates are civil days in
 * Asia/Shanghai. Spread `dashboardChannels` into the contract in channels.ts.
 */
import { z } from 'zod';
import { isValidCivilDate } from '../calendar/civil-date';
import { CASE_STATUSES } from '../cases/status';
import { channel } from './define';

const civilDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
  .refine(isValidCivilDate, '不是真实存在的日期');

/** Longest range the dashboard answers: a year of days keeps every query an index range. */
export const DASHBOARD_MAX_RANGE_DAYS = 366;
/** "Due soon" by default: promised within this many working days. */
export const DASHBOARD_DUE_SOON_DAYS = 3;

export const dashboardInputSchema = z
  .object({
    /** First and last civil day (Asia/Shanghai), inclusive; both default to today. */
    from: civilDate.optional(),
    to: civilDate.optional(),
    /** Due soon: promised within this many working days (default 3). */
    dueSoonDays: z.number().int().min(1, '天数至少为 1').max(30, '天数最多为 30').optional(),
    /** Rows of the due-soon/overdue list (most urgent first). */
    listLimit: z.number().int().min(1).max(200).optional(),
  })
  .strict()
  .refine((v) => !v.from || !v.to || v.from <= v.to, { message: '开始日期不能晚于结束日期', path: ['from'] });

const count = z.number().int().min(0);

export const deadlineCaseSchema = z.object({
  id: z.string(),
  caseNo: z.string(),
  itemName: z.string(),
  applicantName: z.string(),
  status: z.enum(CASE_STATUSES),
  windowNo: z.string(),
  promisedDate: z.string(),
  overdue: z.boolean(),
  /** Working days from today to the promised date (negative when overdue); null outside the calendar's years. */
  workingDaysLeft: z.number().int().nullable(),
});
export type DeadlineCase = z.infer<typeof deadlineCaseSchema>;

export const dashboardSummarySchema = z.object({
  range: z.object({ from: z.string(), to: z.string(), today: z.string(), days: z.number().int() }),
  generatedAt: z.string(),
  intake: z.object({
    total: count,
    byWindow: z.array(z.object({ windowNo: z.string(), count })),
    byItem: z.array(z.object({ itemCode: z.string(), itemName: z.string(), count })),
    /** Hour of day (Asia/Shanghai, 0–23) over the whole range. */
    byHour: z.array(z.object({ hour: z.number().int().min(0).max(23), count })),
  }),
  /** Item opened (draft created) → accepted, over cases accepted from a draft in the range. */
  handling: z.object({
    measured: count,
    averageSeconds: z.number().nullable(),
    byWindow: z.array(z.object({ windowNo: z.string(), measured: count, averageSeconds: z.number() })),
  }),
  sync: z.object({
    enabled: z.boolean(),
    online: z.boolean(),
    backlog: count,
    oldestPendingAt: z.string().nullable(),
    oldestPendingAgeSeconds: z.number().nullable(),
    dead: count,
    lastSuccessAt: z.string().nullable(),
  }),
  deadlines: z.object({
    dueSoonDays: z.number().int(),
    /** The last day counted as due soon; null when the calendar does not cover today's year (not guessed). */
    dueSoonUntil: z.string().nullable(),
    dueSoon: count.nullable(),
    overdue: count,
    cases: z.array(deadlineCaseSchema),
  }),
  satisfaction: z.object({
    /** Whether this workstation has recorded any rating at all (else the screen says 尚无评价记录). */
    available: z.boolean(),
    count,
    /** Mean level 1–5 (5 = 非常满意); null without ratings in the range. */
    average: z.number().nullable(),
    byLevel: z.array(z.object({ level: z.number().int().min(1).max(5), count })),
    /** Ratings of level 1–2 (差评) in the range. */
    negative: count,
  }),
});
export type DashboardSummary = z.infer<typeof dashboardSummarySchema>;
export type DashboardInput = z.input<typeof dashboardInputSchema>;

export const dashboardChannels = {
  /** The center dashboard's figures for a range of civil days (default today). Supervisors and admins. */
  'dashboard.summary': channel({
    input: dashboardInputSchema,
    output: dashboardSummarySchema,
    access: ['supervisor', 'admin'],
  }),
} as const;
