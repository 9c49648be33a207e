/**
 * Case numbers after a reinstall. A workstation numbers its cases offline from a local
 * per-center/day/window sequence (`<center>-<YYYYMMDD>-<window>-<seq>`); a reinstalled one
 * starts that sequence again and would collide with numbers the back office already holds
 * (CASE_EXISTS). Enrolment therefore tells the device the highest sequence held per prefix for
 * its center and window over recent days, and the device continues after them.
 */
import { and, eq, gte } from 'drizzle-orm';
import type { Tx } from '../db/connect';
import { cases } from '../db/schema';

/** How far back enrolment looks (a window's clock may lag, cases may reach us late). */
const LOOKBACK_DAYS = 40;

export async function lastCaseNumbers(tx: Tx, centerCode: string, windowNo: string, now: Date): Promise<{ prefix: string; lastValue: number }[]> {
  const since = new Date(now.getTime() - LOOKBACK_DAYS * 86_400_000);
  const rows = await tx
    .select({ caseNo: cases.caseNo })
    .from(cases)
    .where(and(eq(cases.centerCode, centerCode), eq(cases.windowNo, windowNo), gte(cases.acceptedAt, since)));
  const last = new Map<string, number>();
  for (const { caseNo } of rows) {
    const match = /^(.+)-(\d+)$/.exec(caseNo);
    if (!match) continue;
    const value = Number(match[2]);
    if (value > (last.get(match[1]) ?? 0)) last.set(match[1], value);
  }
  return [...last].sort(([a], [b]) => a.localeCompare(b)).slice(-400).map(([prefix, lastValue]) => ({ prefix, lastValue }));
}
