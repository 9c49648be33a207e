/**
 * Dependency hygiene (docs/SECURITY.md): knip fails on an unused file, dependency or binary,
 * so a package nobody imports cannot linger in the lock file. Reasons for every exception
 * live in knip.json.
 */
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { appPath } from '../../electron/paths';

it('has no unused files, dependencies or binaries (knip)', () => {
  const r = spawnSync(process.execPath, [appPath('scripts', 'knip.js')], { cwd: appPath(), encoding: 'utf8', timeout: 240_000 });
  expect(r.status, `${r.stdout}\n${r.stderr}`.slice(-4000)).toBe(0);
}, 300_000);
