/**
 * Where the app's own files are (db/migrations, resources/, out/renderer). Found by walking up
 * from this module to the package root, so it works from the sources (tsx, tests) and from the
 * electron-vite bundle in out/main alike.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

export function appRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'onewindow') return (cachedRoot = dir);
      } catch {
        // not ours; keep walking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error('找不到 OneWindow 程序目录（package.json）');
}

export function appPath(...parts: string[]): string {
  // Packaged app: electron-builder's extraResources (catalogue, calendar, migrations) sit in
  // process.resourcesPath, outside app.asar.
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  if (resources && parts.length > 0 && existsSync(join(resources, ...parts))) return join(resources, ...parts);
  return join(appRoot(), ...parts);
}

export function appVersion(): string {
  return JSON.parse(readFileSync(appPath('package.json'), 'utf8')).version as string;
}
