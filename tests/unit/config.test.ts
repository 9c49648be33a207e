import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, envName, flagName, loadConfig } from '../../electron/config';
import { tempDir } from '../helpers/workstation';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir()));
afterEach(() => dir.remove());

describe('configuration layers', () => {
  it('starts in the training configuration with nothing set', () => {
    const c = loadConfig({ env: {}, systemFile: join(dir.path, 'missing.json') });
    expect(c.values.mode).toBe('training');
    expect(c.values.backofficeUrl).toBe('embedded');
    expect(c.sources.centerCode).toBe('default');
    expect(c.systemFile).toBeNull();
  });

  it('applies flags > environment > system file > settings > defaults', () => {
    const file = join(dir.path, 'config.json');
    writeFileSync(file, JSON.stringify({ mode: 'production', centerCode: '32011305', windowNo: '02', centerName: '栖霞区龙潭街道便民服务中心', level: 'street' }));
    const c = loadConfig({
      systemFile: file,
      env: { ONEWINDOW_WINDOW_NO: '03', ONEWINDOW_IDLE_LOCK_MINUTES: '5' },
      flags: { windowNo: '04' },
      settings: { centerName: '设置页名称', lockoutMinutes: 30 },
    });
    expect(c.values.windowNo).toBe('04');
    expect(c.sources.windowNo).toBe('flag');
    expect(c.values.idleLockMinutes).toBe(5);
    expect(c.sources.idleLockMinutes).toBe('env');
    expect(c.values.centerCode).toBe('32011305');
    expect(c.values.centerName).toBe('栖霞区龙潭街道便民服务中心');
    expect(c.sources.centerName).toBe('file');
    expect(c.values.lockoutMinutes).toBe(30);
    expect(c.sources.lockoutMinutes).toBe('settings');
    expect(c.values.level).toBe('street');
  });

  it('names the key and its source when a value is invalid', () => {
    expect(() => loadConfig({ env: { ONEWINDOW_WINDOW_NO: 'A1' }, systemFile: join(dir.path, 'none.json') })).toThrowError(/windowNo（窗口号）.*ONEWINDOW_WINDOW_NO/);
    const file = join(dir.path, 'config.json');
    writeFileSync(file, JSON.stringify({ centreCode: '1' }));
    expect(() => loadConfig({ env: {}, systemFile: file })).toThrowError(/未知配置项“centreCode”/);
    writeFileSync(file, '{ not json');
    expect(() => loadConfig({ env: {}, systemFile: file })).toThrowError(ConfigError);
    expect(() => loadConfig({ env: {}, systemFile: join(dir.path, 'none.json'), flags: { backofficeUrl: 'ftp://x' } })).toThrowError(/backofficeUrl/);
  });

  it('derives env and flag names from keys', () => {
    expect(envName('centerCode')).toBe('ONEWINDOW_CENTER_CODE');
    expect(flagName('idleLockMinutes')).toBe('--idle-lock-minutes');
  });
});
