/**
 * Staged rollout: the update metadata (latest.yml) carries `stagingPercentage`; a window takes
 * the update when its bucket is below it. The bucket is a stable hash of the window's identity
 * (center code + window number), so the same windows go first every time, IT can tell in
 * advance which ones (`onewindow doctor` prints it), and raising the percentage only ever adds
 * windows.
 */
import { createHash } from 'node:crypto';

/** The window's place in the rollout, in [0, 100). */
export function rolloutBucket(deviceKey: string): number {
  const digest = createHash('sha256').update(`onewindow-rollout:${deviceKey}`).digest();
  return (digest.readUInt32BE(0) / 0x1_0000_0000) * 100;
}

/** The stable identity a bucket is computed from. */
export function rolloutKey(centerCode: string, windowNo: string): string {
  return `${centerCode}-${windowNo}`;
}

/**
 * The percentage from update metadata: missing means everyone (a normal release); a value that
 * is not a number between 0 and 100 means no one — a broken staging file must not become a
 * full rollout.
 */
export function stagingPercentage(raw: unknown): number {
  if (raw === undefined || raw === null || raw === '') return 100;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(n) || n < 0 || n > 100) return 0;
  return n;
}

export function isInRollout(rawPercentage: unknown, bucket: number): boolean {
  return bucket < stagingPercentage(rawPercentage);
}
