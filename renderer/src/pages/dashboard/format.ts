/** How the dashboard writes durations and dates, in Chinese. */

/** 8 分 20 秒, 1 小时 5 分. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} 秒`;
  if (s < 3600) return `${Math.floor(s / 60)} 分 ${s % 60} 秒`;
  return `${Math.floor(s / 3600)} 小时 ${Math.floor((s % 3600) / 60)} 分`;
}

/** An age: 45 分钟, 3 小时, 2 天. */
export function formatAge(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} 分钟`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} 小时`;
  return `${Math.round(seconds / 86_400)} 天`;
}

/** A civil date (YYYY-MM-DD) moved by whole days, without time zones getting in the way. */
export function shiftDate(civil: string, days: number): string {
  return new Date(Date.parse(`${civil}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
