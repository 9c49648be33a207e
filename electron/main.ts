/**
 * The Electron shell: one window, the Electron-free core behind IPC. Everything the app does
 * lives in the core (electron/workstation.ts); this file only adapts it to Electron.
 * It cannot run on our build machines (no Electron binary there); it is type-checked against
 * electron.d.ts and its security settings are asserted by tests/unit/shell-security.test.ts.
 */
import { app, BrowserWindow, dialog, ipcMain, screen, session, webContents } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApplicantWindows } from './shell/applicant-window';
import { createPdfPrinter } from './shell/print';
import { registerIpc, type IpcHandle } from './shell/ipc';
import { hardenSession, hardenWebContents, SECURE_WEB_PREFERENCES } from './shell/security';
import { CONTENT_SECURITY_POLICY } from './security/csp';
import { createWorkstation, type Workstation } from './workstation';
import { main as runCli } from './cli';
import { loadConfig } from './config';
import { createLogger } from './logging';
import { startUpdater, type ShellUpdater } from './shell/updater';
import { shellKeyStore } from './shell/keys';
import { useKeyStoreForProcess } from './keys/store';

const here = fileURLToPath(new URL('.', import.meta.url));
const APP_ORIGIN = 'file://';

let workstation: Workstation | undefined;
let ipc: IpcHandle | undefined;
// The citizen-facing window on the second display, paired with the clerk's window.
const applicantWindows = createApplicantWindows({
  preload: join(here, '../preload/index.cjs'),
  indexHtml: join(here, '../renderer/index.html'),
  appOrigin: APP_ORIGIN,
});

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    show: false,
    title: 'OneWindow 全科窗口受理工作台',
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: join(here, '../preload/index.cjs') },
  });
  hardenWebContents(win.webContents, APP_ORIGIN);
  win.once('ready-to-show', () => {
    win.show();
    // A counter with a second monitor gets the applicant screen at once.
    if (screen.getAllDisplays().length > 1) applicantWindows.open(win.webContents);
  });
  void win.loadFile(join(here, '../renderer/index.html'));
  return win;
}

let updater: ShellUpdater | undefined;

// `OneWindow --cli doctor …`: the packaged app's `onewindow` command for IT (the installer's
// last step runs doctor this way; RunAsNode is fused off, so there is no other way in).
const cliAt = process.argv.indexOf('--cli');
// The data keys are sealed by the OS key store, for the window and the --cli commands alike.
useKeyStoreForProcess(shellKeyStore);
if (cliAt !== -1) {
  app.disableHardwareAcceleration();
  // safeStorage answers only once the app is ready (on Linux).
  void app.whenReady().then(() => runCli(process.argv.slice(cliAt + 1))).then(
    (code) => app.exit(code),
    () => app.exit(1),
  );
} else {
  startShell();
}

function startShell(): void {
  app.enableSandbox();

  app.whenReady().then(async () => {
    // The data folder is the same for the app and the `onewindow` command (config defaults), so
    // doctor, backup and diagnostics export see what the window uses.
    let logger: ReturnType<typeof createLogger>;
    try {
      logger = createLogger({ dir: join(loadConfig().values.dataDir, 'logs') });
      workstation = await createWorkstation({
        transport: 'electron',
        sync: true,
        log: logger.log,
        keyStore: shellKeyStore,
        // Documents print through the system dialog; `--print-silent` sends them to the default printer.
        printDocument: createPdfPrinter({ silent: () => process.argv.includes('--print-silent'), appOrigin: APP_ORIGIN }),
        openApplicantScreen: (sessionId) => {
          const id = ipc?.webContentsIdOf(sessionId);
          const clerk = id === undefined ? undefined : webContents.fromId(id);
          return clerk ? applicantWindows.open(clerk) : false;
        },
      });
    } catch (err) {
      dialog.showErrorBox('OneWindow 无法启动', (err as Error).message);
      app.exit(1);
      return;
    }
    const cfg = workstation.config().values;
    updater = startUpdater({ updateUrl: cfg.updateUrl, centerCode: cfg.centerCode, windowNo: cfg.windowNo, log: logger.log });
    // Every call the renderer makes tells the update policy whether the clerk is mid-intake.
    const core = workstation;
    const observed: Workstation = {
      ...core,
      dispatch: (async (channel, input, ctx) => {
        const result = await core.dispatch(channel, input, ctx);
        updater?.policy.noteCall(String(channel), input, result.envelope.ok ? result.envelope.data : undefined);
        return result;
      }) as Workstation['dispatch'],
    };
    if (workstation.firstAdmin) {
      void dialog.showMessageBox({
        type: 'info',
        title: '首个管理员账户',
        message: `用户名：${workstation.firstAdmin.username}\n一次性密码：${workstation.firstAdmin.oneTimePassword}\n首次登录后须修改密码。`,
      });
    }
    hardenSession(session.defaultSession, APP_ORIGIN);
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
    });
    ipc = registerIpc(ipcMain, observed, APP_ORIGIN, () => BrowserWindow.getAllWindows().map((w) => w.webContents), applicantWindows);
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, APP_ORIGIN));

  app.on('window-all-closed', () => {
    updater?.stop();
    const closing = workstation?.close();
    workstation = undefined;
    void Promise.resolve(closing).finally(() => app.quit());
  });
}
