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

export function buildIfStale({ quiet = false } = {}) {
  const marker = join(root, 'out', 'renderer', 'index.html');
  const built = existsSync(marker) ? statSync(marker).mtimeMs : 0;
  const sources = Math.max(newest(join(root, 'renderer')), newest(join(root, 'shared')), newest(join(root, 'electron')), statSync(join(root, 'electron.vite.config.ts')).mtimeMs);
  if (built >= sources) return;
  if (!quiet) console.log('正在构建界面（首次启动或源码有更新）…');
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: root,
    stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
  });
  if (r.status !== 0) {
    console.error('构建失败，请查看上方输出');
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) buildIfStale();
