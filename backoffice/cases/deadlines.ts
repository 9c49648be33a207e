/**
 * Review deadlines. The window promises a date (承诺办结日期); the lead department (主办)
 * must conclude by the end of that day, co-departments (协办) within the first two thirds of
 * the time so the lead can take their opinions into account. Beijing time (UTC+8, no DST).
 * Working-day arithmetic happens at intake (the promised date already counts working days).
 */
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** "YYYY-MM-DD" of an instant in Beijing. */
export function beijingDate(at: Date): string {
  return new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** 23:59:59.999 Beijing time on that date. */
export function endOfBeijingDay(date: string): Date {
  return new Date(`${date}T23:59:59.999+08:00`);
}

export interface TaskDeadlines {
  lead: Date;
  co: Date;
}

export function taskDeadlines(acceptedAt: Date, promisedDate: string | undefined): TaskDeadlines {
  const lead = endOfBeijingDay(promisedDate ?? beijingDate(acceptedAt));
  const span = lead.getTime() - acceptedAt.getTime();
  const coDay = beijingDate(new Date(acceptedAt.getTime() + Math.floor((span * 2) / 3)));
  const co = endOfBeijingDay(coDay);
  return { lead, co: co.getTime() < lead.getTime() ? co : lead };
}

/** 补正 stops the clock: a reopened task gets back the time it spent waiting. */
export function extendDeadline(deadline: Date, waitingSince: Date, now: Date): Date {
  return new Date(deadline.getTime() + Math.max(0, now.getTime() - waitingSince.getTime()));
}
