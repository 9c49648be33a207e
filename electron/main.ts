/**
 * The Electron shell: one window, the Electron-free core behind IPC. Everything the app does
 * lives in the core (electron/workstation.ts); this file only adapts it to Electron.
 * It cannot run on our build machines (no Electron binary there); it is type-checked against
 * electron.d.ts and its security settings are asserted by tests/unit/shell-security.test.ts.
 */
import { app, BrowserWindow, dialog, ipcMain, session } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerIpc } from './shell/ipc';
import { hardenSession, hardenWebContents, SECURE_WEB_PREFERENCES } from './shell/security';
import { CONTENT_SECURITY_POLICY } from './security/csp';
import { createWorkstation, type Workstation } from './workstation';

const here = fileURLToPath(new URL('.', import.meta.url));
const APP_ORIGIN = 'file://';

let workstation: Workstation | undefined;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    show: false,
    title: 'OneWindow 全科窗口受理工作台',
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: join(here, '../preload/index.cjs') },
  });
  hardenWebContents(win.webContents, APP_ORIGIN);
  win.once('ready-to-show', () => win.show());
  void win.loadFile(join(here, '../renderer/index.html'));
  return win;
}

app.enableSandbox();

app.whenReady().then(async () => {
  try {
    workstation = await createWorkstation({
      transport: 'electron',
      sync: true,
      config: { defaults: { dataDir: app.getPath('userData') } },
    });
  } catch (err) {
    dialog.showErrorBox('OneWindow 无法启动', (err as Error).message);
    app.exit(1);
    return;
  }
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
  registerIpc(ipcMain, workstation, APP_ORIGIN, () => BrowserWindow.getAllWindows().map((w) => w.webContents));
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, APP_ORIGIN));

app.on('window-all-closed', () => {
  const closing = workstation?.close();
  workstation = undefined;
  void Promise.resolve(closing).finally(() => app.quit());
});
