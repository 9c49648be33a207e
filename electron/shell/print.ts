/**
 * The shell's printer for the case documents (PrintDocumentHook): the PDF is written to a
 * private temp folder, loaded in a hidden window by Chromium's built-in PDF viewer and printed
 * with webContents.print() — on the default printer without a dialog (`silent`), or through the
 * system print dialog. The window is as hardened as the others (plus the PDF viewer plugin,
 * without which a PDF cannot be shown); the window and the file (personal data) go right after.
 */
import { BrowserWindow, session } from 'electron';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContractError } from '../../shared/contract/errors';
import type { PrintDocumentHook } from '../cases/handlers';
import { PRINT_PARTITION, printWindowOptions } from './print-window';
import { hardenSession, hardenWebContents } from './security';

export interface PdfPrinterOptions {
  /** Print on the default printer without a dialog (e.g. a counter set up with one printer). */
  silent: () => boolean;
  appOrigin: string;
  /** Time the PDF viewer gets to lay out the pages after loading (ms, default 800). */
  settleMs?: number;
}

export function createPdfPrinter(o: PdfPrinterOptions): PrintDocumentHook {
  let hardened = false;
  return async ({ bytes, title }) => {
    if (!hardened) {
      // The print session denies every permission request like the app's own.
      hardenSession(session.fromPartition(PRINT_PARTITION), o.appOrigin);
      hardened = true;
    }
    // mkdtemp makes a 0700 folder: the document holds personal data.
    const dir = await mkdtemp(join(tmpdir(), 'onewindow-print-'));
    const file = join(dir, `${randomUUID()}.pdf`);
    const win = new BrowserWindow(printWindowOptions(title));
    hardenWebContents(win.webContents, o.appOrigin);
    try {
      await writeFile(file, bytes, { mode: 0o600 });
      await win.loadFile(file);
      await new Promise((r) => setTimeout(r, o.settleMs ?? 800));
      const failure = await new Promise<string | null>((resolve) => {
        win.webContents.print({ silent: o.silent(), printBackground: true }, (success, reason) => resolve(success ? null : reason || 'unknown'));
      });
      if (failure === 'cancelled') throw new ContractError('CONFLICT', '已取消打印');
      if (failure) throw new ContractError('INTERNAL', `打印失败（${failure}），请检查打印机后重试，或在文书中下载 PDF 打印`);
    } finally {
      if (!win.isDestroyed()) win.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  };
}
