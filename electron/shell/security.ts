/**
 * The shell's security settings, kept in one place so a test can read them and fail if one
 * regresses: isolation and sandbox on, no Node in the renderer, navigation and new windows
 * blocked, every permission denied except the camera for the app's own page.
 */
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';

export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  spellcheck: false,
} as const satisfies BrowserWindowConstructorOptions['webPreferences'];

/** Permissions the renderer may get: the document and face cameras only. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['media']);

export function isAppUrl(url: string, appOrigin: string): boolean {
  try {
    const u = new URL(url);
    return appOrigin === 'file://' ? u.protocol === 'file:' : u.origin === appOrigin;
  } catch {
    return false;
  }
}

export function hardenSession(session: Session, appOrigin: string): void {
  session.setPermissionRequestHandler((webContents, permission, callback, details) => {
    const fromApp = isAppUrl(details.requestingUrl ?? webContents.getURL(), appOrigin);
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
    callback(fromApp && ALLOWED_PERMISSIONS.has(permission) && mediaTypes.every((t) => t === 'video'));
  });
  session.setPermissionCheckHandler((_wc, permission, requestingOrigin) =>
    ALLOWED_PERMISSIONS.has(permission) && isAppUrl(requestingOrigin, appOrigin),
  );
}

export function hardenWebContents(contents: WebContents, appOrigin: string): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appOrigin)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, appOrigin)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
