/**
 * The applicant window (申请人屏) in Electron: a second BrowserWindow on the display facing the
 * citizen, loading the renderer's #/applicant route, paired with ONE clerk window: its calls
 * run with that window's session (electron/shell/ipc.ts) and only the applicant channels are
 * allowed. Closing the clerk's window closes it. Type-checked only: Electron cannot run here.
 */
import { BrowserWindow, screen, type WebContents } from 'electron';
import { APPLICANT_HASH, applicantWindowOptions, pickApplicantDisplay } from './applicant-layout';
import { hardenWebContents } from './security';

export interface ApplicantWindows {
  /** Opens (or shows again) the applicant window of this clerk window. */
  open(clerk: WebContents): boolean;
  /** The clerk window a webContents is paired with, when it is an applicant window. */
  clerkOf(webContentsId: number): number | undefined;
}

export function createApplicantWindows(deps: { preload: string; indexHtml: string; appOrigin: string }): ApplicantWindows {
  /** applicant webContents id → clerk webContents id */
  const pairs = new Map<number, number>();
  const byClerk = new Map<number, BrowserWindow>();

  return {
    open(clerk) {
      const existing = byClerk.get(clerk.id);
      if (existing && !existing.isDestroyed()) {
        existing.show();
        return true;
      }
      const clerkWindow = BrowserWindow.fromWebContents(clerk);
      const clerkDisplay = screen.getDisplayMatching(clerkWindow?.getBounds() ?? screen.getPrimaryDisplay().bounds);
      const display = pickApplicantDisplay(screen.getAllDisplays(), clerkDisplay.id);
      const win = new BrowserWindow(applicantWindowOptions(display, deps.preload));
      const id = win.webContents.id;
      hardenWebContents(win.webContents, deps.appOrigin);
      pairs.set(id, clerk.id);
      byClerk.set(clerk.id, win);
      win.once('ready-to-show', () => win.show());
      win.on('closed', () => {
        pairs.delete(id);
        byClerk.delete(clerk.id);
      });
      clerk.once('destroyed', () => {
        if (!win.isDestroyed()) win.close();
      });
      void win.loadFile(deps.indexHtml, { hash: APPLICANT_HASH });
      return true;
    },
    clerkOf: (webContentsId) => pairs.get(webContentsId),
  };
}
