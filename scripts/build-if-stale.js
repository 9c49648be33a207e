// Builds the app bundles (electron-vite: main, preload, renderer) when out/ is missing or older
// than the sources, so `npm start` and the browser tests always serve the current UI.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function newest(dir) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function builtAt(file) {
  return existsSync(file) ? statSync(file).mtimeMs : 0;
}

function run(args, quiet) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit' });
  if (r.status !== 0) {
    console.error('构建失败，请查看上方输出');
    process.exit(1);
  }
}

/** The workstation (electron-vite: main, preload, renderer) and the back office's reviewer UI. */
export function buildIfStale({ quiet = false } = {}) {
  const shared = newest(join(root, 'shared'));
  const workstation = Math.max(newest(join(root, 'renderer')), shared, newest(join(root, 'electron')), statSync(join(root, 'electron.vite.config.ts')).mtimeMs);
  if (builtAt(join(root, 'out', 'renderer', 'index.html')) < workstation) {
    if (!quiet) console.log('正在构建工作台界面（首次启动或源码有更新）…');
    run([join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], quiet);
  }
  const review = Math.max(newest(join(root, 'backoffice', 'web')), shared, newest(join(root, 'resources', 'catalog')));
  if (builtAt(join(root, 'out', 'backoffice-web', 'index.html')) < review) {
    if (!quiet) console.log('正在构建后台审批界面…');
    run([join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'backoffice/web/vite.config.ts', '--logLevel', 'warn'], quiet);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) buildIfStale();
