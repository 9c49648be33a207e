/**
 * Operations for IT staff, called in process (main.ts CLI, tests). Not exposed over HTTP.
 */
import { lt } from 'drizzle-orm';
import type { BackofficeContext } from './context';
import { storeServerBlob } from './blobs/service';
import { blobUploads, broadcastBlobs } from './db/schema';
import { createEnrolmentCode, listDevices, revokeDevice, type EnrolmentCodeOptions } from './devices/service';
import { createReviewer, type NewReviewer } from './review/accounts';
import type { BroadcastChangeType } from '../shared/sync/changes';
import {
  assertCatalogPublishable,
  buildCalendarBundle,
  checkRestrictedListFile,
  latestCalendarBundle,
  PublicationError,
  readCalendarInput,
  readCatalogDir,
  wasPublished,
} from './publications';
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
  /**
   * Checks a catalogue folder with the workstation loader's rules, bundles it and broadcasts it.
   * Throws PublicationError (with the problems) when anything is wrong or the label was used.
   */
  publishCatalog(opts: { dir: string; version?: string; note?: string }): Promise<{ version: string; sha256: string; items: number }>;
  /** Checks a restricted-list file (the workstation's import format) and broadcasts it. */
  publishRestrictedList(opts: { text: string; note?: string }): Promise<{ version: string; sha256: string; entries: number }>;
  /** Broadcasts `calendar-updated` with any bundle (tests, tooling); prefer publishCalendar. */
  publishCalendarUpdate(p: Publication): Promise<void>;
  /**
   * Checks a holiday calendar file (YYYY.json) or folder with the workstation loader's rules and
   * broadcasts it together with the years published before. Throws PublicationError when anything
   * is wrong or the label was used. `years`: every year the published calendar now covers.
   */
  publishCalendar(opts: { path: string; version?: string; note?: string }): Promise<{ version: string; sha256: string; years: number[]; added: number[] }>;
  /** Drops uploads untouched for this long (their clients start again from 0). Returns how many. */
  purgeStaleUploads(olderThanHours: number): Promise<number>;
}

export function createAdmin(ctx: BackofficeContext): BackofficeAdmin {
  const publish = (type: BroadcastChangeType, p: Publication) =>
    withTransaction(ctx, async (tx, feed): Promise<string | undefined> => {
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
      return bundle?.sha256;
    });
  return {
    createEnrolmentCode: (opts) => createEnrolmentCode(ctx, opts),
    createReviewer: (opts) => createReviewer(ctx, opts),
    revokeDevice: (deviceId) => revokeDevice(ctx, deviceId),
    listDevices: () => listDevices(ctx),
    publishCatalogUpdate: async (p) => void (await publish('catalog-updated', p)),
    publishRestrictedListUpdate: async (p) => void (await publish('restricted-list-updated', p)),
    async publishCatalog(opts) {
      const now = ctx.now();
      const version = opts.version ?? defaultVersion(now);
      const bundle = await readCatalogDir(opts.dir, version, now);
      const items = assertCatalogPublishable(bundle);
      if (await wasPublished(ctx, 'catalog-updated', version)) throw new PublicationError(`版本号 ${version} 已发布过，请换一个版本号`);
      const bytes = new TextEncoder().encode(JSON.stringify(bundle));
      const sha256 = (await publish('catalog-updated', { version, bundle: bytes, mediaType: 'application/json', ...(opts.note ? { note: opts.note } : {}) }))!;
      return { version, sha256, items };
    },
    async publishRestrictedList(opts) {
      const { version, entries } = checkRestrictedListFile(opts.text);
      if (await wasPublished(ctx, 'restricted-list-updated', version)) throw new PublicationError(`名单版本 ${version} 已发布过`);
      const bytes = new TextEncoder().encode(opts.text);
      const sha256 = (await publish('restricted-list-updated', { version, bundle: bytes, mediaType: 'application/json', ...(opts.note ? { note: opts.note } : {}) }))!;
      return { version, sha256, entries };
    },
    publishCalendarUpdate: async (p) => void (await publish('calendar-updated', p)),
    async publishCalendar(opts) {
      const now = ctx.now();
      const version = opts.version ?? defaultVersion(now);
      const input = await readCalendarInput(opts.path);
      if (await wasPublished(ctx, 'calendar-updated', version)) throw new PublicationError(`版本号 ${version} 已发布过，请换一个版本号`);
      const bundle = buildCalendarBundle(await latestCalendarBundle(ctx), input.files, version, now);
      const bytes = new TextEncoder().encode(JSON.stringify(bundle));
      const sha256 = (await publish('calendar-updated', { version, bundle: bytes, mediaType: 'application/json', ...(opts.note ? { note: opts.note } : {}) }))!;
      const years = Object.keys(bundle.files).map((f) => Number(f.slice(0, 4))).sort((a, b) => a - b);
      return { version, sha256, years, added: input.years };
    },
    async purgeStaleUploads(olderThanHours) {
      const cutoff = new Date(ctx.now().getTime() - olderThanHours * 3_600_000);
      // The lease is shorter than any sensible cutoff, so nobody is writing these.
      const stale = await ctx.db.delete(blobUploads).where(lt(blobUploads.updatedAt, cutoff)).returning({ sha256: blobUploads.sha256 });
      for (const { sha256 } of stale) await ctx.blobs.discardPartial(sha256);
      return stale.length;
    },
  };
}

/** Default label: Beijing date and time, e.g. 20260315.093000. */
function defaultVersion(now: Date): string {
  const b = new Date(now.getTime() + 8 * 3_600_000).toISOString();
  return `${b.slice(0, 10).replace(/-/g, '')}.${b.slice(11, 19).replace(/:/g, '')}`;
}
