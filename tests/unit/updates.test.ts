// Staged rollout and the install policy: which windows take an update, and when.
import { describe, expect, it } from 'vitest';
import { createInstallPolicy, isInRollout, rolloutBucket, rolloutKey, stagingPercentage } from '../../electron/updates';

const windows = Array.from({ length: 4000 }, (_, i) => rolloutKey(`3201${String(13 + (i % 7)).padStart(2, '0')}${String(i % 13).padStart(2, '0')}`, String(i % 100).padStart(2, '0')) + `#${i}`);

describe('staged rollout', () => {
  it('gives each window a stable bucket in [0, 100)', () => {
    const key = rolloutKey('32011300', '03');
    expect(rolloutBucket(key)).toBe(rolloutBucket(key));
    for (const w of windows.slice(0, 200)) {
      const b = rolloutBucket(w);
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThan(100);
    }
    expect(rolloutBucket(rolloutKey('32011300', '03'))).not.toBe(rolloutBucket(rolloutKey('32011300', '04')));
  });

  it('takes about the staged percentage of windows, and raising it only adds windows', () => {
    const buckets = windows.map(rolloutBucket);
    for (const pct of [5, 20, 50]) {
      const share = buckets.filter((b) => isInRollout(pct, b)).length / buckets.length;
      expect(Math.abs(share - pct / 100)).toBeLessThan(0.03);
    }
    for (const b of buckets) if (isInRollout(10, b)) expect(isInRollout(50, b)).toBe(true);
  });

  it('reads stagingPercentage from update metadata: missing is everyone, garbage is no one', () => {
    expect(stagingPercentage(undefined)).toBe(100);
    expect(stagingPercentage('25')).toBe(25);
    expect(stagingPercentage(12.5)).toBe(12.5);
    expect(stagingPercentage('lots')).toBe(0);
    expect(stagingPercentage(150)).toBe(0);
    expect(isInRollout(0, 0)).toBe(false);
    expect(isInRollout(undefined, 99.99)).toBe(true);
  });
});

describe('install policy', () => {
  function setup() {
    let t = Date.parse('2026-11-27T09:00:00Z');
    const policy = createInstallPolicy({ now: () => t, quietMinutes: 10 });
    return { policy, advance: (min: number) => (t += min * 60_000) };
  }

  it('has nothing to do before an update was downloaded', () => {
    expect(setup().policy.decide()).toEqual({ action: 'none' });
  });

  it('installs at once on an idle window', () => {
    const { policy } = setup();
    policy.downloaded('0.2.0');
    expect(policy.decide()).toEqual({ action: 'install-now', version: '0.2.0' });
  });

  it('never installs while a draft is open, and waits for a quiet moment after the case is accepted', () => {
    const { policy, advance } = setup();
    policy.noteCall('drafts.save', { itemCode: 'X', itemVersion: 1, formData: {} }, { draftId: 'D1', savedAt: '' });
    policy.downloaded('0.2.0');
    expect(policy.decide()).toMatchObject({ action: 'defer', reason: expect.stringContaining('草稿') });
    advance(60);
    expect(policy.decide().action).toBe('defer'); // an open draft is open however long the clerk takes
    policy.noteCall('cases.accept', { draftId: 'D1' }, { id: 'C1' });
    expect(policy.decide()).toMatchObject({ action: 'defer', reason: '正在办理业务' });
    advance(9);
    expect(policy.decide().action).toBe('defer');
    advance(2);
    expect(policy.decide()).toEqual({ action: 'install-now', version: '0.2.0' });
  });

  it('treats a discarded draft as closed, and a case being looked at as work', () => {
    const { policy, advance } = setup();
    policy.downloaded('0.2.0');
    policy.noteCall('drafts.get', { draftId: 'D2' });
    policy.noteCall('drafts.discard', { draftId: 'D2' }, { discarded: true });
    advance(11);
    expect(policy.decide().action).toBe('install-now');
    policy.noteCall('cases.get', { id: 'C9' });
    expect(policy.decide().action).toBe('defer');
    policy.noteCall('system.info', {});
    advance(11);
    expect(policy.decide().action).toBe('install-now');
  });

  it('forgets a draft abandoned for a working day', () => {
    const { policy, advance } = setup();
    policy.noteCall('drafts.save', {}, { draftId: 'D3', savedAt: '' });
    policy.downloaded('0.2.0');
    advance(8 * 60 + 1);
    expect(policy.decide().action).toBe('install-now');
  });

  it('installs on quit once something was downloaded', () => {
    const { policy } = setup();
    expect(policy.installOnQuit()).toBe(false);
    policy.noteCall('drafts.save', {}, { draftId: 'D4', savedAt: '' });
    policy.downloaded('0.2.0');
    expect(policy.installOnQuit()).toBe(true);
  });
});
