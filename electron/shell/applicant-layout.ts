/**
 * Where and how the applicant window (申请人屏) opens, as plain data so a test can check it
 * without Electron: on a display other than the clerk's, full screen, with the same hardened
 * webPreferences as the clerk's window, and only the applicant screen's channels allowed.
 */
import type { BrowserWindowConstructorOptions, Rectangle } from 'electron';
import { SECURE_WEB_PREFERENCES } from './security';

/** The renderer route of the applicant screen (index.html#/applicant). */
export const APPLICANT_HASH = '/applicant';

/** The only calls the applicant window may make: it reads its screen and hands in signature and rating. */
export const APPLICANT_WINDOW_CHANNELS: ReadonlySet<string> = new Set(['system.info', 'applicant.view', 'applicant.sign', 'applicant.rate']);

export interface DisplayLike {
  id: number;
  bounds: Rectangle;
  workArea: Rectangle;
  internal?: boolean;
}

/**
 * The display facing the citizen: the first one that is not the clerk's (external before
 * internal). null with a single display: then the clerk uses the fallback (sign on own screen).
 */
export function pickApplicantDisplay(displays: readonly DisplayLike[], clerkDisplayId: number): DisplayLike | null {
  const others = displays.filter((d) => d.id !== clerkDisplayId);
  return others.find((d) => !d.internal) ?? others[0] ?? null;
}

export function applicantWindowOptions(display: DisplayLike | null, preload: string): BrowserWindowConstructorOptions {
  const area = display?.workArea;
  return {
    ...(area ? { x: area.x, y: area.y, width: area.width, height: area.height } : { width: 1280, height: 800 }),
    // Full screen on its own monitor; windowed beside the clerk's when there is only one.
    fullscreen: !!display,
    autoHideMenuBar: true,
    show: false,
    title: '申请人屏',
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload },
  };
}
