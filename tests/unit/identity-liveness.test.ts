/**
 * Liveness on synthetic landmark sequences (no camera): blinks, head turns, a still photo,
 * a lost face, a second face, a swapped face, timeouts, and the random challenge order.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIVENESS,
  advanceLiveness,
  detectBlink,
  detectTurn,
  expireLiveness,
  eyeAspectRatio,
  headYaw,
  isFrontalCapture,
  pickChallenge,
  startLiveness,
  type ChallengeKind,
  type LivenessFrame,
  type LivenessState,
} from '../../electron/identity/liveness';
import { syntheticDetection, syntheticLandmarks, type SyntheticFace } from '../../electron/identity/testing';

const base: SyntheticFace = { cx: 320, cy: 240, width: 180, yaw: 0.02, ear: 0.3 };

/** Frames 250 ms apart from a list of face variations. */
function frames(faces: Partial<SyntheticFace>[], t0 = 0): LivenessFrame[] {
  return faces.map((f, i) => {
    const d = syntheticDetection({ ...base, ...f });
    return { t: t0 + i * 250, faces: 1, box: d.boxes[0], landmarks: d.landmarks![0] };
  });
}

const still = (n: number) => Array.from({ length: n }, () => ({}));
const blink = [{ ear: 0.31 }, { ear: 0.3 }, { ear: 0.12 }, { ear: 0.29 }];
const turnLeft = [{ yaw: 0.02 }, { yaw: 0.12 }, { yaw: 0.28 }, { yaw: 0.05 }];
const turnRight = [{ yaw: 0.0 }, { yaw: -0.1 }, { yaw: -0.26 }, { yaw: -0.03 }];

function run(steps: ChallengeKind[], seq: LivenessFrame[]): { state: LivenessState; hints: string[] } {
  let state = startLiveness(steps, seq[0]?.t ?? 0);
  const hints: string[] = [];
  for (const f of seq) {
    const r = advanceLiveness(state, f);
    state = r.state;
    hints.push(r.hint);
  }
  return { state, hints };
}

describe('landmark measures', () => {
  it('eye aspect ratio and yaw read back what the synthetic face was built with', () => {
    const l = syntheticLandmarks({ ...base, yaw: 0.2, ear: 0.27 });
    expect(l).toHaveLength(68);
    expect(eyeAspectRatio(l)).toBeCloseTo(0.27, 6);
    expect(headYaw(l)).toBeCloseTo(0.2, 6);
    expect(() => eyeAspectRatio(l.slice(0, 60))).toThrow(RangeError);
  });
});

describe('blink', () => {
  it('is detected on open → closed → open', () => {
    const r = detectBlink(frames(blink));
    expect(r.detected).toBe(true);
    expect(r.minRatio!).toBeLessThan(0.5);
  });

  it('is refused on a still face (a printed photo held still)', () => {
    const r = detectBlink(frames(still(20)));
    expect(r.detected).toBe(false);
    expect(r.minRatio).toBeCloseTo(1, 6);
  });

  it('is refused when the eyes close but never open again, or only narrow a little', () => {
    expect(detectBlink(frames([{ ear: 0.3 }, { ear: 0.3 }, { ear: 0.1 }, { ear: 0.1 }])).detected).toBe(false);
    expect(detectBlink(frames([{ ear: 0.3 }, { ear: 0.3 }, { ear: 0.24 }, { ear: 0.3 }])).detected).toBe(false);
  });

  it('needs eyes seen open first', () => {
    expect(detectBlink(frames([{ ear: 0.08 }, { ear: 0.03 }, { ear: 0.08 }])).detected).toBe(false);
  });

  it('ignores frames without exactly one face', () => {
    const seq = frames(blink);
    seq.splice(2, 0, { t: 600, faces: 0 }, { t: 610, faces: 2 });
    expect(detectBlink(seq).detected).toBe(true);
  });
});

describe('head turn', () => {
  it('is detected in the asked direction only', () => {
    expect(detectTurn(frames(turnLeft), 'turn-left').detected).toBe(true);
    expect(detectTurn(frames(turnLeft), 'turn-right').detected).toBe(false);
    expect(detectTurn(frames(turnRight), 'turn-right').detected).toBe(true);
    expect(detectTurn(frames(turnRight), 'turn-left').detected).toBe(false);
  });

  it('is refused on a still face, even one photographed turned', () => {
    expect(detectTurn(frames(still(20).map(() => ({ yaw: 0.3 }))), 'turn-left').detected).toBe(false);
  });

  it('needs both the movement and the end position', () => {
    // Moves 0.2 but ends at 0.1 (started turned the other way).
    expect(detectTurn(frames([{ yaw: -0.1 }, { yaw: 0.1 }]), 'turn-left').detected).toBe(false);
    // Ends far left but moved only 0.05.
    expect(detectTurn(frames([{ yaw: 0.2 }, { yaw: 0.25 }]), 'turn-left').detected).toBe(false);
  });
});

describe('challenge state machine', () => {
  it('passes blink + turn + frontal capture and names the capture frame', () => {
    // Blink done at frame 3, the turn at 5; frame 6 is still turned, 7 is frontal, 8 comes too late.
    const seq = frames([...blink, { yaw: 0 }, { yaw: -0.27 }, { yaw: -0.25 }, { yaw: 0.01, ear: 0.3 }, { yaw: 0.01 }]);
    const { state, hints } = run(['blink', 'turn-right', 'front'], seq);
    expect(state.status).toBe('passed');
    expect(state.captureFrame).toBe(7);
    expect(hints.at(-1)).toContain('通过');
    expect(state.measures.minEarRatio!).toBeLessThan(0.5);
    expect(state.measures.maxTurn['turn-right']!).toBeGreaterThan(0.2);
  });

  it('does not take a capture with closed eyes or a turned head', () => {
    const seq = frames([...turnLeft, ...blink, { ear: 0.1 }, { yaw: 0.3 }]);
    const { state } = run(['turn-left', 'blink', 'front'], seq);
    expect(state.status).toBe('in-progress');
    expect(state.index).toBe(2);
    expect(isFrontalCapture(seq[1], 0.3)).toBe(true);
  });

  it('fails a still face by the step timeout', () => {
    const seq = frames(still(40)); // 10 s of the same face
    const { state, hints } = run(['blink', 'turn-left', 'front'], seq);
    expect(state.status).toBe('failed');
    expect(state.failure).toBe('step-timeout');
    expect(state.index).toBe(0);
    expect(hints.at(-1)).toContain('规定时间');
  });

  it('restarts from the first step when the face leaves or a second face appears', () => {
    const seq = frames([...blink, { yaw: 0.05 }]);
    let { state } = run(['blink', 'turn-left', 'front'], seq);
    expect(state.index).toBe(1);
    let r = advanceLiveness(state, { t: 1500, faces: 0 });
    expect(r.state.index).toBe(0);
    expect(r.state.restarts).toBe(1);
    expect(r.hint).toContain('离开');
    state = run(['blink', 'turn-left', 'front'], seq).state;
    r = advanceLiveness(state, { t: 1500, faces: 2 });
    expect(r.state.index).toBe(0);
    expect(r.hint).toContain('多张人脸');
  });

  it('restarts when the face box jumps (a photo swapped in after the actions)', () => {
    const seq = frames([...blink, { yaw: 0.02 }, { yaw: 0.3 }]);
    const { state } = run(['blink', 'turn-left', 'front'], seq);
    expect(state.index).toBe(2);
    const other = frames([{ cx: 80, cy: 90, width: 60 }], 3000)[0];
    const r = advanceLiveness(state, other);
    expect(r.state.status).toBe('in-progress');
    expect(r.state.index).toBe(0);
    expect(r.hint).toContain('突然变化');
  });

  it('fails by the total timeout even with restarts, and expireLiveness fails a silent challenge', () => {
    const s = startLiveness(['blink', 'turn-left', 'front'], 0);
    expect(expireLiveness(s, DEFAULT_LIVENESS.stepTimeoutMs - 1).status).toBe('in-progress');
    expect(expireLiveness(s, DEFAULT_LIVENESS.stepTimeoutMs + 1).failure).toBe('step-timeout');
    const late = { ...s, stepStartedAt: DEFAULT_LIVENESS.totalTimeoutMs };
    expect(expireLiveness(late, DEFAULT_LIVENESS.totalTimeoutMs + 1).failure).toBe('total-timeout');
  });

  it('ignores frames after the end', () => {
    const { state } = run(['front'], frames([{}]));
    expect(state.status).toBe('passed');
    const r = advanceLiveness(state, frames([{ ear: 0.05 }], 500)[0]);
    expect(r.state).toBe(state);
  });

  it('refuses a challenge without the final capture step', () => {
    expect(() => startLiveness(['blink'], 0)).toThrow(RangeError);
  });
});

describe('random challenge', () => {
  it('always asks a blink and one turn, in either order, then the capture', () => {
    const seen = new Set<string>();
    for (const a of [0, 1]) {
      for (const b of [0, 1]) {
        const answers = [a, b];
        const steps = pickChallenge(() => answers.shift()!);
        expect(steps).toHaveLength(3);
        expect(steps[2]).toBe('front');
        expect(steps).toContain('blink');
        expect(steps.filter((s) => s.startsWith('turn'))).toHaveLength(1);
        seen.add(steps.join(','));
      }
    }
    expect(seen.size).toBe(4);
  });

  it('varies with a real random source', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(pickChallenge((n) => Math.floor(Math.random() * n)).join(','));
    expect(seen.size).toBe(4);
  });
});
