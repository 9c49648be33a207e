/** The settings page's layer: admin-editable values stored in the local database. */
import { settings } from '../../db/schema';
import type { WorkstationDb } from '../database';

export function readSettings(db: WorkstationDb): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const row of db.select().from(settings).all()) out[row.key] = JSON.parse(row.value);
  return out;
}

export function writeSetting(db: WorkstationDb, key: string, value: unknown, by: string, at: string): void {
  db.insert(settings)
    .values({ key, value: JSON.stringify(value), updatedAt: at, updatedBy: by })
    .onConflictDoUpdate({ target: settings.key, set: { value: JSON.stringify(value), updatedAt: at, updatedBy: by } })
    .run();
}
