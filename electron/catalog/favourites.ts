/** A clerk's starred items (常用事项), ranked first in search after the recent ones. */
import { and, asc, eq } from 'drizzle-orm';
import { userFavourites } from '../../db/schema';
import type { WorkstationDb } from '../database';

export interface Favourites {
  list(username: string): string[];
  set(username: string, itemCode: string, favourite: boolean, at: string): string[];
}

export function createFavourites(db: WorkstationDb): Favourites {
  const list = (username: string) =>
    db.select({ code: userFavourites.itemCode }).from(userFavourites).where(eq(userFavourites.username, username)).orderBy(asc(userFavourites.createdAt)).all().map((r) => r.code);
  return {
    list,
    set(username, itemCode, favourite, at) {
      if (favourite) db.insert(userFavourites).values({ username, itemCode, createdAt: at }).onConflictDoNothing().run();
      else db.delete(userFavourites).where(and(eq(userFavourites.username, username), eq(userFavourites.itemCode, itemCode))).run();
      return list(username);
    },
  };
}
