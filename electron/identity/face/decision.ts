/** Pure decision rules of the face check: thresholds, distance, verdict. */
import type { FaceDecision, FaceThresholds } from './types';

/**
 * Chosen from measurements on the face-api demo photos (see docs/FACE.md): no pair of
 * different people came under `match`, and every altered copy of the same face (ID-photo
 * size, old low-quality JPEG, mirror, light, blur, tilt) stayed under `noMatch`.
 */
export const DEFAULT_THRESHOLDS: FaceThresholds = { match: 0.4, noMatch: 0.6 };

export function resolveThresholds(partial: Partial<FaceThresholds> = {}): FaceThresholds {
  const t = { ...DEFAULT_THRESHOLDS, ...partial };
  const ok = (x: number) => Number.isFinite(x) && x > 0 && x < 2;
  if (!ok(t.match) || !ok(t.noMatch) || t.match > t.noMatch) {
    throw new RangeError(`人脸比对阈值无效：match=${t.match}，noMatch=${t.noMatch}（须 0 < match ≤ noMatch < 2）`);
  }
  return t;
}

export function euclideanDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) throw new RangeError(`descriptor length ${a.length} vs ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += d * d;
  }
  return Math.sqrt(sum);
}

/** ≤ match → 'match'; ≥ noMatch → 'no-match'; in between → 'review' (a supervisor decides). */
export function decide(distance: number, t: FaceThresholds): FaceDecision {
  if (distance <= t.match) return 'match';
  if (distance >= t.noMatch) return 'no-match';
  return 'review';
}

export const DECISION_LABELS: Record<FaceDecision, string> = {
  match: '通过：判定为同一人',
  review: '需人工复核：相似度处于复核区间，请由负责人核对',
  'no-match': '不通过：判定为不同人',
};
