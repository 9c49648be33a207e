/**
 * The hidden print window's options, apart from print.ts so a test can read them without
 * Electron: the shared hardened preferences, no preload (nothing in that page may call the
 * core), and Chromium's PDF viewer plugin, without which a PDF cannot be shown. Its own
 * in-memory session: no cookies of the app, and the app page's CSP header (object-src 'none')
 * is not laid over the PDF viewer.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { SECURE_WEB_PREFERENCES } from './security';

/** In memory (no "persist:" prefix): nothing of a printed document stays on disk. */
export const PRINT_PARTITION = 'onewindow-print';

export function printWindowOptions(title: string): BrowserWindowConstructorOptions {
  return { show: false, width: 794, height: 1123, title, webPreferences: { ...SECURE_WEB_PREFERENCES, plugins: true, partition: PRINT_PARTITION } };
}
