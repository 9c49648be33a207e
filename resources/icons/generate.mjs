// Draws the app icon (a window with a check mark, in government blue) and writes the sizes
// electron-builder wants: <n>x<n>.png for Linux, icon.png (512) and icon.ico for Windows.
// Run once with `node resources/icons/generate.mjs`; the outputs are committed.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const here = dirname(fileURLToPath(import.meta.url));
const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">
  <rect x="16" y="16" width="480" height="480" rx="96" fill="#1d4ea8"/>
  <rect x="104" y="120" width="304" height="272" rx="28" fill="#ffffff"/>
  <rect x="104" y="120" width="304" height="64" rx="28" fill="#c9d8f5"/>
  <path d="M176 280 l56 56 l112 -112" fill="none" stroke="#c8102e" stroke-width="40" stroke-linecap="round" stroke-linejoin="round"/>
</svg>`);

const sizes = [16, 24, 32, 48, 64, 128, 256, 512];
const pngs = new Map();
for (const n of sizes) {
  const png = await sharp(svg, { density: 300 }).resize(n, n).png().toBuffer();
  pngs.set(n, png);
  writeFileSync(join(here, `${n}x${n}.png`), png);
}
writeFileSync(join(here, 'icon.png'), pngs.get(512));

// ICO with PNG-compressed entries (Windows Vista and later read them), 16–256 px.
const icoSizes = [16, 24, 32, 48, 64, 128, 256];
const header = Buffer.alloc(6 + 16 * icoSizes.length);
header.writeUInt16LE(0, 0);
header.writeUInt16LE(1, 2);
header.writeUInt16LE(icoSizes.length, 4);
let offset = header.length;
icoSizes.forEach((n, i) => {
  const e = 6 + 16 * i;
  const data = pngs.get(n);
  header.writeUInt8(n >= 256 ? 0 : n, e);
  header.writeUInt8(n >= 256 ? 0 : n, e + 1);
  header.writeUInt16LE(1, e + 4); // colour planes
  header.writeUInt16LE(32, e + 6); // bits per pixel
  header.writeUInt32LE(data.length, e + 8);
  header.writeUInt32LE(offset, e + 12);
  offset += data.length;
});
writeFileSync(join(here, 'icon.ico'), Buffer.concat([header, ...icoSizes.map((n) => pngs.get(n))]));
console.log(`icons written to ${here}`);
