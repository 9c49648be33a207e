// The packaging config, checked the only way our machines allow (packaging itself downloads
// the Electron runtime): against electron-builder's own JSON schema, every file it names, the
// fuses, and the afterPack hook that must reject a Node-built SQLite addon.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Ajv from 'ajv';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/workstation';

const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
// electron-builder's own config reader and validator (what `npx electron-builder` runs first).
const builderConfig = require(join(root, 'node_modules', 'app-builder-lib', 'out', 'util', 'config', 'config.js')) as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Record<string, any>>;
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require(join(root, 'node_modules', 'builder-util', 'out', 'DebugLogger.js')) as { DebugLogger: new (enabled: boolean) => unknown };
let config: Record<string, any>;
beforeAll(async () => {
  config = await builderConfig.getConfig(root, null, null);
});
const hook = require(join(root, 'scripts', 'verify-native-abi.cjs')) as {
  (context: unknown): Promise<void>;
  addonAbi(bytes: Uint8Array): number | null;
  electronAbi(version: string): number;
  verifyNativeAbi(o: { appOutDir: string; electronVersion: string }): { expected: number; checked: { file: string; abi: number | null }[] };
};
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version as string;

describe('electron-builder.yml', () => {
  it('validates against electron-builder’s own schema', () => {
    const schema = JSON.parse(readFileSync(join(root, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    // electron-builder's schema uses ajv-keywords' `typeof` for hook functions.
    ajv.addKeyword({ keyword: 'typeof', validate: (type: string, data: unknown) => typeof data === type });
    const validate = ajv.compile(schema);
    const ok = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('passes electron-builder’s own validation, which refuses a misspelt key', async () => {
    await expect(builderConfig.validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(builderConfig.validateConfiguration({ ...config, nsis: { ...config.nsis, perMachin: true } }, new DebugLogger(false))).rejects.toThrow(/Invalid configuration/);
  });

  it('rejects a misspelt key, so the schema check has teeth', () => {
    const schema = JSON.parse(readFileSync(join(root, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addKeyword({ keyword: 'typeof', validate: (type: string, data: unknown) => typeof data === type });
    expect(ajv.validate(schema, { ...config, nsis: { ...config.nsis, perMachin: true } })).toBe(false);
  });

  it('names the product, per-machine NSIS, deb and AppImage', () => {
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z0-9]+)+$/);
    expect(config.productName).toBe('OneWindow 全科窗口受理工作台');
    expect(config.nsis).toMatchObject({ perMachine: true, oneClick: true });
    expect(config.win.target.map((t: { target: string }) => t.target)).toEqual(['nsis']);
    expect(config.linux.target.map((t: { target: string }) => t.target).sort()).toEqual(['AppImage', 'deb']);
    expect(config.npmRebuild).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
  });

  it('sets the Electron fuses', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('refers only to files that exist', () => {
    const files: string[] = [
      config.afterPack,
      config.win.icon,
      config.nsis.include,
      config.nsis.installerIcon,
      config.nsis.uninstallerIcon,
      config.deb.afterInstall,
      config.linux.icon,
      ...config.extraResources.map((r: { from: string }) => r.from),
    ];
    for (const f of files) expect(existsSync(join(root, f)), f).toBe(true);
    // Linux takes a folder of <n>x<n>.png; NSIS needs an .ico with a 256 px entry.
    expect(existsSync(join(root, config.linux.icon, '256x256.png'))).toBe(true);
    const ico = readFileSync(join(root, config.win.icon));
    expect(ico.readUInt16LE(2)).toBe(1);
    expect(ico.readUInt16LE(4)).toBeGreaterThanOrEqual(4);
    // The NSIS include copies the config beside the installer and runs doctor.
    const nsh = readFileSync(join(root, config.nsis.include), 'utf8');
    expect(nsh).toContain('$EXEDIR\\config.json');
    expect(nsh).toContain('--cli doctor');
  });
});

describe('scripts/verify-native-abi.cjs (afterPack)', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

  function fakeApp(addon: (dest: string) => void): string {
    const dir = tempDir('onewindow-pack-');
    dirs.push(dir);
    const release = join(dir.path, 'resources', 'app.asar.unpacked', 'node_modules', 'better-sqlite3-multiple-ciphers', 'build', 'Release');
    mkdirSync(release, { recursive: true });
    addon(join(release, 'better_sqlite3.node'));
    return dir.path;
  }

  it('knows Electron’s ABI from node-abi', () => {
    expect(hook.electronAbi(electronVersion)).toBe(150);
  });

  it('rejects the Node-built addon from node_modules (ABI 115), failing the build', async () => {
    const nodeBuilt = join(root, 'node_modules', 'better-sqlite3-multiple-ciphers', 'build', 'Release', 'better_sqlite3.node');
    expect(hook.addonAbi(readFileSync(nodeBuilt))).toBe(Number(process.versions.modules));
    const appOutDir = fakeApp((dest) => copyFileSync(nodeBuilt, dest));
    expect(() => hook.verifyNativeAbi({ appOutDir, electronVersion })).toThrow(/ABI 不符.*150.*115/);
    await expect(hook({ appOutDir, packager: { config: {} } })).rejects.toThrow(/ABI 不符/);
  });

  it('accepts an addon that carries Electron’s ABI', async () => {
    const appOutDir = fakeApp((dest) => writeFileSync(dest, Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.from('\0node_register_module_v150\0napi\0', 'latin1')])));
    expect(hook.verifyNativeAbi({ appOutDir, electronVersion })).toMatchObject({ expected: 150, checked: [{ abi: 150 }] });
    await expect(hook({ appOutDir, packager: { config: { electronVersion } } })).resolves.toBeUndefined();
  });

  it('fails when the packaged app has no SQLite addon at all', () => {
    const dir = tempDir('onewindow-pack-');
    dirs.push(dir);
    expect(() => hook.verifyNativeAbi({ appOutDir: dir.path, electronVersion })).toThrow(/找不到 SQLite 原生模块/);
  });
});
