/**
 * Operations for IT staff, called in process (main.ts CLI, tests). Not exposed over HTTP.
 */
import { lt } from 'drizzle-orm';
import type { BackofficeContext } from './context';
import { storeServerBlob } from './blobs/service';
import { blobUploads, broadcastBlobs } from './db/schema';
import { createEnrolmentCode, listDevices, revokeDevice, type EnrolmentCodeOptions } from './devices/service';
import { createReviewer, type NewReviewer } from './review/accounts';
import { withTransaction } from './sync/feed';

export interface Publication {
  /** Version label, e.g. "2025.03.1". */
  version: string;
  /** The new data (JSON, archive…), stored as a blob every device may download. */
  bundle?: Uint8Array;
  /** Media type of the bundle; default application/json. */
  mediaType?: string;
  note?: string;
}

export interface BackofficeAdmin {
  /** A one-time code binding the device that uses it to this center and window. */
  createEnrolmentCode(opts: EnrolmentCodeOptions): Promise<string>;
  createReviewer(opts: NewReviewer): Promise<void>;
  /** The device's next request gets 401 DEVICE_REVOKED. Throws when the device does not exist. */
  revokeDevice(deviceId: string): Promise<void>;
  listDevices(): ReturnType<typeof listDevices>;
  /** Broadcasts `catalog-updated` to every device. */
  publishCatalogUpdate(p: Publication): Promise<void>;
  /** Broadcasts `restricted-list-updated` to every device. */
  publishRestrictedListUpdate(p: Publication): Promise<void>;
  /** Drops uploads untouched for this long (their clients start again from 0). Returns how many. */
  purgeStaleUploads(olderThanHours: number): Promise<number>;
}

export function createAdmin(ctx: BackofficeContext): BackofficeAdmin {
  const publish = (type: 'catalog-updated' | 'restricted-list-updated', p: Publication) =>
    withTransaction(ctx, async (tx, feed) => {
      let bundle;
      if (p.bundle) {
        const mediaType = p.mediaType ?? 'application/json';
        const stored = await storeServerBlob(ctx, tx, p.bundle, mediaType);
        await tx.insert(broadcastBlobs).values({ sha256: stored.sha256, kind: type, createdAt: ctx.now() }).onConflictDoNothing();
        bundle = { ...stored, mediaType };
      }
      await feed.append({
        type,
        deviceId: null,
        data: { version: p.version, ...(bundle ? { bundle } : {}), ...(p.note ? { note: p.note } : {}) },
      });
    });
  return {
    createEnrolmentCode: (opts) => createEnrolmentCode(ctx, opts),
    createReviewer: (opts) => createReviewer(ctx, opts),
    revokeDevice: (deviceId) => revokeDevice(ctx, deviceId),
    listDevices: () => listDevices(ctx),
    publishCatalogUpdate: (p) => publish('catalog-updated', p),
    publishRestrictedListUpdate: (p) => publish('restricted-list-updated', p),
    async purgeStaleUploads(olderThanHours) {
      const cutoff = new Date(ctx.now().getTime() - olderThanHours * 3_600_000);
      // The lease is shorter than any sensible cutoff, so nobody is writing these.
      const stale = await ctx.db.delete(blobUploads).where(lt(blobUploads.updatedAt, cutoff)).returning({ sha256: blobUploads.sha256 });
      for (const { sha256 } of stale) await ctx.blobs.discardPartial(sha256);
      return stale.length;
    },
  };
}
