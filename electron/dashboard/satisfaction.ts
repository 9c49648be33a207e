/**
 * Satisfaction (好差评, five levels per GB/T 39734) as the applicant-facing screen records it in
 * `case_ratings` (db/lifecycle-schema.ts): one GROUP BY level over the rated_at index range.
 */
import type Database from 'better-sqlite3';
import type { DashboardSummary } from '../../shared/contract/dashboard';

type Satisfaction = DashboardSummary['satisfaction'];

export function createSatisfactionReader(sqlite: Database.Database): (bounds: { lo: string; hi: string }) => Satisfaction {
  const byLevel = sqlite.prepare(`SELECT level, count(*) AS count FROM case_ratings WHERE rated_at >= @lo AND rated_at < @hi GROUP BY level ORDER BY level`);
  const anyRating = sqlite.prepare(`SELECT EXISTS (SELECT 1 FROM case_ratings) AS any`);
  return (bounds) => {
    const rows = byLevel.all(bounds) as { level: number; count: number }[];
    const count = rows.reduce((sum, r) => sum + r.count, 0);
    const levels = [1, 2, 3, 4, 5].map((level) => ({ level, count: rows.find((r) => r.level === level)?.count ?? 0 }));
    return {
      available: count > 0 || (anyRating.get() as { any: number }).any === 1,
      count,
      average: count ? rows.reduce((sum, r) => sum + r.level * r.count, 0) / count : null,
      byLevel: levels,
      negative: levels[0]!.count + levels[1]!.count,
    };
  };
}
