/**
 * Test and demo material for the identity capability, made on the fly: synthetic 68-point
 * landmarks (for liveness without a camera), practice cards for the training driver, a card
 * image with a real face on it (for the manual driver), and a face service whose detector
 * replays scripted landmarks while compare() stays real. Nothing here is used by the service.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { idCardCheckChar } from '../../shared/validators/id-card';
import type { FaceDetectResult, FaceService } from './face/types';
import type { TrainingCardFile } from './id-card/training';
import type { Point } from './liveness';

/** A valid 公民身份号码 for a birth date (YYYYMMDD) and sequence (odd last digit = male). */
export function makeIdNumber(region = '320113', birth = '19900307', seq = '123'): string {
  const first17 = `${region}${birth}${seq}`;
  return first17 + idCardCheckChar(first17);
}

export interface SyntheticFace {
  /** Centre and width of the face in pixels. */
  cx: number;
  cy: number;
  width: number;
  /** Nose offset as a fraction of the jaw width (headYaw() returns exactly this). */
  yaw: number;
  /** Eye aspect ratio of both eyes (eyeAspectRatio() returns exactly this). */
  ear: number;
}

/** 68 points in the iBUG layout with the given yaw and eye openness. */
export function syntheticLandmarks(f: SyntheticFace): Point[] {
  const { cx, cy, width: w } = f;
  const p: Point[] = [];
  // Jaw 0–16: a half ellipse from the left temple to the right one through the chin.
  for (let i = 0; i <= 16; i++) {
    const a = Math.PI * (i / 16);
    p.push({ x: cx - (w / 2) * Math.cos(a), y: cy + 0.55 * w * Math.sin(a) - 0.05 * w });
  }
  // Eyebrows 17–26.
  for (let i = 0; i < 10; i++) p.push({ x: cx - 0.35 * w + (0.7 * w * i) / 9, y: cy - 0.28 * w });
  // Nose bridge 27–30 (30 = tip) and nostrils 31–35, shifted by the yaw.
  const nx = cx + f.yaw * w;
  for (let i = 0; i < 4; i++) p.push({ x: cx + ((nx - cx) * i) / 3, y: cy - 0.2 * w + 0.07 * w * i });
  for (let i = 0; i < 5; i++) p.push({ x: nx - 0.08 * w + 0.04 * w * i, y: cy + 0.05 * w });
  // Eyes 36–41 and 42–47: corners ±0.08w, lids ±h/2, so EAR = h / 0.16w.
  const h = f.ear * 0.16 * w;
  for (const ex of [cx - 0.2 * w, cx + 0.2 * w]) {
    const ey = cy - 0.15 * w;
    p.push(
      { x: ex - 0.08 * w, y: ey },
      { x: ex - 0.03 * w, y: ey - h / 2 },
      { x: ex + 0.03 * w, y: ey - h / 2 },
      { x: ex + 0.08 * w, y: ey },
      { x: ex + 0.03 * w, y: ey + h / 2 },
      { x: ex - 0.03 * w, y: ey + h / 2 },
    );
  }
  // Mouth 48–67.
  for (let i = 0; i < 20; i++) {
    const a = (2 * Math.PI * i) / 20;
    p.push({ x: cx + 0.18 * w * Math.cos(a), y: cy + 0.3 * w + 0.05 * w * Math.sin(a) });
  }
  return p;
}

/** A detector result for one synthetic face (box around the jaw line). */
export function syntheticDetection(f: SyntheticFace, frame = { width: 640, height: 480 }): FaceDetectResult {
  return {
    faces: 1,
    boxes: [{ x: f.cx - f.width / 2, y: f.cy - 0.35 * f.width, width: f.width, height: 1.0 * f.width, score: 0.99 }],
    landmarks: [syntheticLandmarks(f)],
    width: frame.width,
    height: frame.height,
    ms: 1,
  };
}

/**
 * A face service whose detect() answers from a script — one entry per frame, in order — while
 * compare(), describe() and the rest are the real service's. The script is consulted only for
 * calls with `landmarks: true` (liveness frames); card-image detection stays real.
 */
export function scriptedFaceService(real: FaceService, script: () => FaceDetectResult | undefined): FaceService {
  return {
    compare: (a, b) => real.compare(a, b),
    describe: (i) => real.describe(i),
    compareDescriptors: (a, b) => real.compareDescriptors(a, b),
    detect: async (image, options) => {
      if (options?.landmarks) {
        const next = script();
        if (next) return next;
      }
      return real.detect(image, options);
    },
    warmUp: () => real.warmUp(),
    stats: () => real.stats(),
    close: async () => undefined,
    get thresholds() {
      return real.thresholds;
    },
  };
}

/** Writes `<dir>/<card>.json` and `<dir>/<card>.jpg`. */
export function writeTrainingCard(dir: string, card: string, data: Omit<TrainingCardFile, 'photo'>, photo: Uint8Array): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${card}.json`), JSON.stringify(data, null, 2));
  writeFileSync(join(dir, `${card}.jpg`), photo);
}

export function trainingCardData(overrides: Partial<Omit<TrainingCardFile, 'photo'>> = {}): Omit<TrainingCardFile, 'photo'> {
  return {
    name: '张培训',
    sex: 'male',
    nation: '汉',
    birthDate: '1990-03-07',
    address: '江苏省南京市栖霞区仙林大道 1 号',
    idNumber: makeIdNumber(),
    issuer: '南京市公安局栖霞分局',
    validFrom: '2020-01-01',
    validTo: '2040-01-01',
    ...overrides,
  };
}

/**
 * A card-like image (856×540, the card's 85.6×54 mm at 10 px/mm) with `photo` pasted where the
 * portrait sits on a 居民身份证 (right side) and some grey "text" bars on the left.
 */
export async function makeCardImage(photo: Uint8Array, options: { background?: string } = {}): Promise<Buffer> {
  const portrait = await sharp(photo).resize(260, 320, { fit: 'cover' }).toBuffer();
  const bars = await Promise.all(
    [90, 150, 210, 270, 330, 460].map(async (top) => ({
      input: await sharp({ create: { width: 300, height: 22, channels: 3, background: '#6b6b6b' } }).png().toBuffer(),
      left: 60,
      top,
    })),
  );
  return sharp({ create: { width: 856, height: 540, channels: 3, background: options.background ?? '#dfe9ef' } })
    .composite([...bars, { input: portrait, left: 540, top: 90 }])
    .jpeg({ quality: 90 })
    .toBuffer();
}
