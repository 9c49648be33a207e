// electron-builder `afterPack` hook: fails the build when a packaged SQLite addon was built for
// the wrong ABI. `npmRebuild` can silently build better-sqlite3 for the Node that runs the
// build instead of for Electron; such a package installs fine and only fails on the counter PC
// ("was compiled against a different Node.js version"). We read the addon itself: a V8 addon
// exports `node_register_module_v<NODE_MODULE_VERSION>`, and that number must be Electron's.
/* global require, module, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- electron-builder loads hooks as CommonJS */
'use strict';
const { existsSync, readdirSync, readFileSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

const ADDON_PACKAGES = ['better-sqlite3-multiple-ciphers', 'better-sqlite3'];
// Used only when node-abi cannot be loaded; keep in step with the electron devDependency.
const KNOWN_ELECTRON_ABI = { 45: 150 };

/** NODE_MODULE_VERSION an addon was built for, or null (N-API or not an addon). */
function addonAbi(bytes) {
  const m = /node_register_module_v(\d+)/.exec(Buffer.from(bytes).toString('latin1'));
  return m ? Number(m[1]) : null;
}

function loadNodeAbi() {
  for (const id of ['node-abi', '@electron/rebuild/node_modules/node-abi']) {
    try {
      return require(id);
    } catch {
      // try the next location
    }
  }
  return null;
}

/** The NODE_MODULE_VERSION of an Electron version, e.g. "45.3.4" → 150. */
function electronAbi(version) {
  const nodeAbi = loadNodeAbi();
  if (nodeAbi) {
    try {
      return Number(nodeAbi.getAbi(version, 'electron'));
    } catch {
      // unknown to this node-abi: fall back to our table
    }
  }
  const known = KNOWN_ELECTRON_ABI[Number(String(version).split('.')[0])];
  if (!known) throw new Error(`不知道 Electron ${version} 的 NODE_MODULE_VERSION：请升级 node-abi 或补充 KNOWN_ELECTRON_ABI`);
  return known;
}

function findAddons(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) {
      if (name !== 'obj.target' && name !== 'deps') findAddons(path, out);
    } else if (name.endsWith('.node') && name !== 'test_extension.node') {
      out.push(path);
    }
  }
  return out;
}

/** Where the unpacked app sits inside an electron-builder output folder (Windows, Linux, macOS). */
function unpackedRoots(appOutDir) {
  const roots = [join(appOutDir, 'resources', 'app.asar.unpacked'), join(appOutDir, 'resources', 'app')];
  if (existsSync(appOutDir)) {
    for (const name of readdirSync(appOutDir)) {
      if (name.endsWith('.app')) roots.push(join(appOutDir, name, 'Contents', 'Resources', 'app.asar.unpacked'));
    }
  }
  return roots;
}

/**
 * Checks every SQLite addon in a packaged app; throws (failing the build) when one is missing
 * or was built for another ABI. Returns what it checked.
 */
function verifyNativeAbi({ appOutDir, electronVersion }) {
  const expected = electronAbi(electronVersion);
  const checked = [];
  for (const root of unpackedRoots(appOutDir)) {
    for (const pkg of ADDON_PACKAGES) {
      for (const file of findAddons(join(root, 'node_modules', pkg))) {
        checked.push({ file: relative(appOutDir, file), abi: addonAbi(readFileSync(file)) });
      }
    }
  }
  if (checked.length === 0) {
    throw new Error(`打包结果中找不到 SQLite 原生模块（${ADDON_PACKAGES.join(' / ')}）：${appOutDir}。请检查 asarUnpack 配置。`);
  }
  const wrong = checked.filter((c) => c.abi !== expected);
  if (wrong.length > 0) {
    throw new Error(
      `原生模块 ABI 不符：Electron ${electronVersion} 需要 NODE_MODULE_VERSION ${expected}，但 ` +
        wrong.map((w) => `${w.file} 为 ${w.abi ?? '未知'}`).join('；') +
        '。重建步骤可能按 Node 而非 Electron 编译了模块：请在装有 Electron 运行时的机器上执行 npx electron-rebuild -f -w better-sqlite3-multiple-ciphers,better-sqlite3 后重新打包。',
    );
  }
  return { expected, checked };
}

function installedElectronVersion() {
  return JSON.parse(readFileSync(join(__dirname, '..', 'node_modules', 'electron', 'package.json'), 'utf8')).version;
}

/** The hook electron-builder calls after packing each platform/arch. */
async function afterPack(context) {
  const version =
    (context.packager && context.packager.config && context.packager.config.electronVersion) ||
    (context.packager && context.packager.info && context.packager.info.framework && context.packager.info.framework.version) ||
    installedElectronVersion();
  const { expected, checked } = verifyNativeAbi({ appOutDir: context.appOutDir, electronVersion: version });
  console.log(`  • native ABI verified  electron=${version} abi=${expected} addons=${checked.map((c) => c.file).join(', ')}`);
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.afterPack = afterPack;
module.exports.addonAbi = addonAbi;
module.exports.electronAbi = electronAbi;
module.exports.verifyNativeAbi = verifyNativeAbi;
