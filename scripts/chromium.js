// Finds a Chromium for the browser tests: CHROMIUM_PATH, or Debian's package.
import { existsSync } from 'node:fs';

export function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium'];
  return candidates.find((p) => p && existsSync(p)) ?? null;
}
