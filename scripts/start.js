// `npm start`: the Electron window where the Electron runtime is installed; otherwise one line
// says so and the same workstation starts in browser mode, printing the URL to open.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfStale } from './build-if-stale.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

function electronBinary() {
  try {
    // The electron package exports its binary's path and throws when the download failed.
    return createRequire(import.meta.url)('electron');
  } catch {
    return null;
  }
}

buildIfStale();
const electron = electronBinary();
const child = electron
  ? spawn(electron, [root, ...args], { stdio: 'inherit' })
  : (console.log('未检测到 Electron 运行时，改为浏览器模式启动（同一工作台，在浏览器中使用）。'),
    spawn(process.execPath, [join(root, 'bin', 'onewindow.js'), 'serve', ...args], { stdio: 'inherit' }));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
