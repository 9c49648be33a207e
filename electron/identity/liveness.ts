/**
 * Active liveness challenge (活体检测, 动作配合式): before a capture counts, the applicant blinks
 * and turns the head in a random order, then looks straight at the camera; that last frame
 * is the capture. Pure functions over the 68-point landmarks of each frame (face-api's iBUG
 * 68 layout: jaw 0–16, nose tip 30, eyes 36–41 and 42–47), so they are tested on landmark
 * sequences without a camera. The core feeds them the landmarks of the frames the renderer
 * sends (electron/identity/checks.ts); nothing here keeps images.
 *
 * - Blink: eye aspect ratio (EAR, Soukupová & Čech 2016) = (|p2−p6| + |p3−p5|) / (2·|p1−p4|),
 *   both eyes averaged. A blink is a frame at ≤ 70 % of the open level before it, followed by
 *   a frame back at ≥ 85 % of it.
 * - Head turn: the nose tip's horizontal offset from the middle of the jaw line (points 0 and
 *   16), as a fraction of the jaw width. About 0 facing the camera; it must move by ≥ 0.15 in
 *   the asked direction and reach ≥ 0.18.
 * - The same face throughout: a frame with no face, two faces, or a face box that jumps
 *   (overlap under 20 % with the previous frame's) restarts the challenge from its first step.
 *
 * What it stops and what it does not: docs/IDENTITY.md.
 */
import { CHALLENGE_PROMPTS, type ChallengeKind } from '../../shared/contract/identity';

export type { ChallengeKind };

export interface Point {
  x: number;
  y: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the detector saw in one frame. `landmarks` and `box` are those of the face when faces === 1. */
export interface LivenessFrame {
  /** Milliseconds (the core's clock). */
  t: number;
  faces: number;
  box?: Box;
  landmarks?: readonly Point[];
}

export interface LivenessSettings {
  /** A closed-eye frame has EAR ≤ this × the open level before it. */
  blinkClosedRatio: number;
  /** … and a later frame must come back to ≥ this × the open level. */
  blinkReopenRatio: number;
  /** The open level must be at least this (otherwise the eyes were never seen open). */
  minOpenEar: number;
  /** A head turn moves the yaw measure at least this far in the asked direction … */
  turnMinDelta: number;
  /** … and reaches at least this on that side. */
  turnMinYaw: number;
  /** The capture must be this frontal (|yaw| ≤). */
  frontalMaxYaw: number;
  /** One step must be done within this. */
  stepTimeoutMs: number;
  /** The whole challenge, restarts included. */
  totalTimeoutMs: number;
  /** Consecutive face boxes must overlap at least this much (intersection over union). */
  minBoxOverlap: number;
}

export const DEFAULT_LIVENESS: LivenessSettings = {
  blinkClosedRatio: 0.7,
  blinkReopenRatio: 0.85,
  minOpenEar: 0.15,
  turnMinDelta: 0.15,
  turnMinYaw: 0.18,
  frontalMaxYaw: 0.15,
  stepTimeoutMs: 8000,
  totalTimeoutMs: 30000,
  minBoxOverlap: 0.2,
};

const dist = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);

function eyeRatio(l: readonly Point[], o: number): number {
  const width = dist(l[o], l[o + 3]);
  return width > 0 ? (dist(l[o + 1], l[o + 5]) + dist(l[o + 2], l[o + 4])) / (2 * width) : 0;
}

/** Mean eye aspect ratio of both eyes (≈ 0.25–0.40 open, far lower closed). */
export function eyeAspectRatio(landmarks: readonly Point[]): number {
  if (landmarks.length < 68) throw new RangeError(`68 landmarks expected, got ${landmarks.length}`);
  return (eyeRatio(landmarks, 36) + eyeRatio(landmarks, 42)) / 2;
}

/**
 * Horizontal nose offset from the jaw line's middle, as a fraction of the jaw width, in image
 * coordinates (not mirrored): > 0 when the nose is right of centre in the image, which is the
 * applicant turning to *their* left.
 */
export function headYaw(landmarks: readonly Point[]): number {
  if (landmarks.length < 68) throw new RangeError(`68 landmarks expected, got ${landmarks.length}`);
  const left = landmarks[0];
  const right = landmarks[16];
  const width = Math.abs(right.x - left.x);
  return width > 0 ? (landmarks[30].x - (left.x + right.x) / 2) / width : 0;
}

/** 'turn-left' is the applicant's left: the nose moves right in the (unmirrored) image. */
const TURN_SIGN = { 'turn-left': 1, 'turn-right': -1 } as const;

export function boxOverlap(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const faceFrames = (frames: readonly LivenessFrame[]) => frames.filter((f) => f.faces === 1 && f.landmarks && f.landmarks.length >= 68);

export interface BlinkResult {
  detected: boolean;
  /** Open level before the closure (median EAR), lowest EAR, and their ratio. */
  openEar: number | null;
  minEar: number | null;
  minRatio: number | null;
}

/** Open → closed (≤ blinkClosedRatio × open) → open again (≥ blinkReopenRatio × open). */
export function detectBlink(frames: readonly LivenessFrame[], settings: LivenessSettings = DEFAULT_LIVENESS): BlinkResult {
  const ears = faceFrames(frames).map((f) => eyeAspectRatio(f.landmarks!));
  let best: BlinkResult = { detected: false, openEar: null, minEar: null, minRatio: null };
  for (let c = 1; c < ears.length; c++) {
    const open = median(ears.slice(0, c));
    if (open < settings.minOpenEar) continue;
    const ratio = ears[c] / open;
    if (best.minRatio === null || ratio < best.minRatio) best = { detected: false, openEar: open, minEar: ears[c], minRatio: ratio };
    if (ratio > settings.blinkClosedRatio) continue;
    if (ears.slice(c + 1).some((e) => e >= settings.blinkReopenRatio * open)) {
      return { detected: true, openEar: open, minEar: ears[c], minRatio: ratio };
    }
  }
  return best;
}

export interface TurnResult {
  detected: boolean;
  /** Yaw at the start of the step and the furthest reached in the asked direction. */
  baseline: number | null;
  peak: number | null;
}

export function detectTurn(
  frames: readonly LivenessFrame[],
  direction: 'turn-left' | 'turn-right',
  settings: LivenessSettings = DEFAULT_LIVENESS,
): TurnResult {
  const yaws = faceFrames(frames).map((f) => headYaw(f.landmarks!));
  if (yaws.length === 0) return { detected: false, baseline: null, peak: null };
  const sign = TURN_SIGN[direction];
  const baseline = yaws[0];
  const peak = yaws.reduce((p, y) => (sign * y > sign * p ? y : p), baseline);
  const detected = sign * (peak - baseline) >= settings.turnMinDelta && sign * peak >= settings.turnMinYaw;
  return { detected, baseline, peak };
}

/** Frontal, eyes open (≥ blinkReopenRatio × the open level seen so far): good enough to compare. */
export function isFrontalCapture(frame: LivenessFrame, openEar: number | null, settings: LivenessSettings = DEFAULT_LIVENESS): boolean {
  if (frame.faces !== 1 || !frame.landmarks) return false;
  if (Math.abs(headYaw(frame.landmarks)) > settings.frontalMaxYaw) return false;
  const ear = eyeAspectRatio(frame.landmarks);
  return ear >= settings.minOpenEar && (openEar === null || ear >= settings.blinkReopenRatio * openEar);
}

/**
 * Two actions in random order — a blink and one head turn (direction random too) — then the
 * frontal capture. `randomInt(n)` returns an integer in [0, n) (crypto.randomInt in the core).
 */
export function pickChallenge(randomInt: (n: number) => number): ChallengeKind[] {
  const turn: ChallengeKind = randomInt(2) === 0 ? 'turn-left' : 'turn-right';
  const actions: ChallengeKind[] = randomInt(2) === 0 ? ['blink', turn] : [turn, 'blink'];
  return [...actions, 'front'];
}

export type LivenessFailure = 'step-timeout' | 'total-timeout';

export interface LivenessState {
  steps: readonly ChallengeKind[];
  /** Current step. */
  index: number;
  status: 'in-progress' | 'passed' | 'failed';
  failure?: LivenessFailure;
  startedAt: number;
  stepStartedAt: number;
  /** Frames of the current step, with faces. */
  stepFrames: readonly LivenessFrame[];
  /** The last frame with exactly one face (for the continuity check). */
  lastFace?: LivenessFrame;
  /** Median EAR of all one-face frames so far (the applicant's open-eye level). */
  ears: readonly number[];
  framesSeen: number;
  restarts: number;
  /** Sequence number (0-based, of all frames) of the frame that completed 'front'. */
  captureFrame?: number;
  /** Numbers for the record: how far each action got. */
  measures: { minEarRatio: number | null; maxTurn: Record<'turn-left' | 'turn-right', number | null> };
}

export function startLiveness(steps: readonly ChallengeKind[], t: number): LivenessState {
  if (steps.length === 0 || steps[steps.length - 1] !== 'front') throw new RangeError('a challenge ends with the frontal capture');
  return {
    steps,
    index: 0,
    status: 'in-progress',
    startedAt: t,
    stepStartedAt: t,
    stepFrames: [],
    ears: [],
    framesSeen: 0,
    restarts: 0,
    measures: { minEarRatio: null, maxTurn: { 'turn-left': null, 'turn-right': null } },
  };
}

export interface LivenessAdvance {
  state: LivenessState;
  /** Chinese, to tell the applicant now. */
  hint: string;
}

export const LIVENESS_HINTS = {
  noFace: '未检测到人脸：请办事人正对摄像头，露出整张脸',
  manyFaces: '画面中有多张人脸：请只留办事人一人，动作重新开始',
  jumped: '人脸位置突然变化：动作重新开始，请保持在画面中',
  lost: '人脸离开画面：动作重新开始',
  notFrontal: '请正对摄像头、睁开眼睛，保持不动',
  stepTimeout: '未在规定时间内完成动作',
  totalTimeout: '活体检测超时',
  passed: '活体检测通过，正在比对',
} as const;

/** Everything after a failure or a pass is ignored. Only the time limit is checked. */
export function expireLiveness(state: LivenessState, t: number, settings: LivenessSettings = DEFAULT_LIVENESS): LivenessState {
  if (state.status !== 'in-progress') return state;
  if (t - state.startedAt > settings.totalTimeoutMs) return { ...state, status: 'failed', failure: 'total-timeout' };
  if (t - state.stepStartedAt > settings.stepTimeoutMs) return { ...state, status: 'failed', failure: 'step-timeout' };
  return state;
}

function restart(state: LivenessState, t: number): LivenessState {
  return { ...state, index: 0, stepStartedAt: t, stepFrames: [], lastFace: undefined, restarts: state.restarts + 1 };
}

/** Feeds one frame; returns the new state and what to tell the applicant. */
export function advanceLiveness(state: LivenessState, frame: LivenessFrame, settings: LivenessSettings = DEFAULT_LIVENESS): LivenessAdvance {
  if (state.status !== 'in-progress') return { state, hint: state.status === 'passed' ? LIVENESS_HINTS.passed : LIVENESS_HINTS.stepTimeout };
  const seq = state.framesSeen;
  let s: LivenessState = { ...state, framesSeen: seq + 1 };
  const expired = expireLiveness(s, frame.t, settings);
  if (expired.status === 'failed') {
    return { state: expired, hint: expired.failure === 'total-timeout' ? LIVENESS_HINTS.totalTimeout : LIVENESS_HINTS.stepTimeout };
  }

  const started = s.index > 0 || s.stepFrames.length > 0;
  if (frame.faces !== 1 || !frame.landmarks || frame.landmarks.length < 68) {
    if (frame.faces > 1) return { state: started ? restart(s, frame.t) : s, hint: LIVENESS_HINTS.manyFaces };
    return { state: started ? restart(s, frame.t) : s, hint: started ? LIVENESS_HINTS.lost : LIVENESS_HINTS.noFace };
  }
  if (s.lastFace?.box && frame.box && boxOverlap(s.lastFace.box, frame.box) < settings.minBoxOverlap) {
    const r = restart(s, frame.t);
    return { state: { ...r, stepFrames: [frame], lastFace: frame }, hint: LIVENESS_HINTS.jumped };
  }

  const ear = eyeAspectRatio(frame.landmarks);
  s = { ...s, lastFace: frame, ears: [...s.ears, ear], stepFrames: [...s.stepFrames, frame] };
  const kind = s.steps[s.index];
  let done: boolean;
  if (kind === 'blink') {
    const r = detectBlink(s.stepFrames, settings);
    if (r.minRatio !== null && (s.measures.minEarRatio === null || r.minRatio < s.measures.minEarRatio)) {
      s = { ...s, measures: { ...s.measures, minEarRatio: r.minRatio } };
    }
    done = r.detected;
  } else if (kind === 'turn-left' || kind === 'turn-right') {
    const r = detectTurn(s.stepFrames, kind, settings);
    const sign = TURN_SIGN[kind];
    const prev = s.measures.maxTurn[kind];
    if (r.peak !== null && r.baseline !== null) {
      const moved = sign * (r.peak - r.baseline);
      if (prev === null || moved > prev) s = { ...s, measures: { ...s.measures, maxTurn: { ...s.measures.maxTurn, [kind]: moved } } };
    }
    done = r.detected;
  } else {
    // The open-eye level: median over the challenge, so a blink frame does not lower it.
    if (isFrontalCapture(frame, median([...s.ears]), settings)) return { state: { ...s, status: 'passed', captureFrame: seq, stepFrames: [] }, hint: LIVENESS_HINTS.passed };
    return { state: s, hint: LIVENESS_HINTS.notFrontal };
  }
  if (!done) return { state: s, hint: stepPrompt(kind) };
  const next = { ...s, index: s.index + 1, stepStartedAt: frame.t, stepFrames: [frame] };
  return { state: next, hint: `很好。${stepPrompt(next.steps[next.index])}` };
}

export function stepPrompt(kind: ChallengeKind): string {
  return CHALLENGE_PROMPTS[kind];
}
