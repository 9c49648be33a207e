import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

/**
 * Three bundles: the main process (shell + Electron-free core), the sandboxed preload (one
 * self-contained CommonJS file) and the renderer. Browser mode serves out/renderer as well.
 * The main bundle finds db/migrations and resources/ through electron/paths.ts at run time.
 */
export default defineConfig({
  main: {
    build: {
      // The workers are their own entries: worker_threads loads each as a separate file.
      lib: {
        entry: {
          index: 'electron/main.ts',
          'face-worker': 'electron/identity/face/face-worker.ts',
          'materials-image-worker': 'electron/materials/image-worker.ts',
        },
      },
      rolldownOptions: { external: ['better-sqlite3', 'better-sqlite3-multiple-ciphers', 'sharp', '@vladmandic/face-api', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'] },
    },
  },
  preload: {
    build: {
      lib: { entry: { index: 'electron/preload.ts' }, formats: ['cjs'] },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [react()],
    build: {
      chunkSizeWarningLimit: 4096,
      rolldownOptions: { input: 'renderer/index.html' },
    },
  },
});
