import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The reviewers' web UI (后台审批), served by the back office at /review/.
 * Build from the repository root: npx vite build --config backoffice/web/vite.config.ts
 */
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/review/',
  plugins: [react()],
  // No .env files or public/ folder: everything the UI needs is in src/.
  envDir: false,
  publicDir: false,
  build: {
    outDir: here('../../out/backoffice-web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
    // The back office's CSP has no 'unsafe-inline' scripts: never inline the module preload polyfill.
    modulePreload: { polyfill: false },
  },
});
