/**
 * The Electron shell cannot start on our machines, so its security settings are asserted here
 * by reading them: a regression in any of them fails the suite.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Envelope } from '../../shared/contract/errors';
import { registerIpc } from '../../electron/shell/ipc';
import { describe, expect, it } from 'vitest';
import { appPath } from '../../electron/paths';
import { CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_META } from '../../electron/security/csp';
import { ALLOWED_PERMISSIONS, hardenSession, hardenWebContents, isAppUrl, SECURE_WEB_PREFERENCES } from '../../electron/shell/security';
import { APPLICANT_WINDOW_CHANNELS, applicantWindowOptions, pickApplicantDisplay } from '../../electron/shell/applicant-layout';
import { printWindowOptions } from '../../electron/shell/print-window';

describe('Electron shell hardening', () => {
  it('keeps isolation, sandbox and no Node in the renderer', () => {
    expect(SECURE_WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('grants only the camera, only to the app itself', () => {
    expect([...ALLOWED_PERMISSIONS]).toEqual(['media']);
    expect(isAppUrl('file:///opt/onewindow/out/renderer/index.html', 'file://')).toBe(true);
    expect(isAppUrl('https://evil.example/', 'file://')).toBe(false);
    expect(isAppUrl('not a url', 'file://')).toBe(false);
  });

  it('uses the same CSP in the page as in the headers', () => {
    const html = readFileSync(appPath('renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(CONTENT_SECURITY_POLICY_META);
    expect(CONTENT_SECURITY_POLICY).toBe(`${CONTENT_SECURITY_POLICY_META}; frame-ancestors 'none'`);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*unsafe/);
  });

  it('wires the hardening into the shell and exposes one allow-listed object in the preload', () => {
    const main = readFileSync(appPath('electron', 'main.ts'), 'utf8');
    for (const call of ['hardenSession(', 'hardenWebContents(', 'SECURE_WEB_PREFERENCES', 'app.enableSandbox()', "'web-contents-created'"]) {
      expect(main).toContain(call);
    }
    const preload = readFileSync(appPath('electron', 'preload.ts'), 'utf8');
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(preload).toContain('satisfies WorkstationApi');
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\s*\)/);
    const security = readFileSync(appPath('electron', 'shell', 'security.ts'), 'utf8');
    expect(security).toContain("setWindowOpenHandler(() => ({ action: 'deny' }))");
    expect(security).toContain("'will-navigate'");
  });
});

describe('applicant window (申请人屏)', () => {
  const display = (id: number, x: number, internal = false) => ({ id, internal, bounds: { x, y: 0, width: 1920, height: 1080 }, workArea: { x, y: 0, width: 1920, height: 1040 } });

  it('opens with the same hardened webPreferences as the clerk window', () => {
    const options = applicantWindowOptions(display(2, 1920), '/app/preload/index.cjs');
    expect(options.webPreferences).toEqual({ ...SECURE_WEB_PREFERENCES, preload: '/app/preload/index.cjs' });
    expect(options).toMatchObject({ x: 1920, y: 0, width: 1920, height: 1040, fullscreen: true });
    expect(applicantWindowOptions(null, '/p').fullscreen).toBe(false);
  });

  it("goes to a display other than the clerk's, preferring an external one", () => {
    expect(pickApplicantDisplay([display(1, 0, true), display(2, 1920)], 1)?.id).toBe(2);
    expect(pickApplicantDisplay([display(1, 0), display(2, 1920, true), display(3, 3840)], 1)?.id).toBe(3);
    expect(pickApplicantDisplay([display(1, 0)], 1)).toBeNull();
  });

  it('may only read its screen and hand in a signature or rating, with the hardening wired in', () => {
    expect([...APPLICANT_WINDOW_CHANNELS].sort()).toEqual(['applicant.rate', 'applicant.sign', 'applicant.view', 'system.info']);
    const source = readFileSync(appPath('electron', 'shell', 'applicant-window.ts'), 'utf8');
    expect(source).toContain('hardenWebContents(win.webContents');
    expect(source).toContain('applicantWindowOptions(');
    expect(source).toContain('screen.getAllDisplays()');
    const ipc = readFileSync(appPath('electron', 'shell', 'ipc.ts'), 'utf8');
    expect(ipc).toContain('APPLICANT_WINDOW_CHANNELS.has(');
  });
});

describe('print window (documents)', () => {
  it('is hidden, hardened like the others, without a preload, with only the PDF viewer added', () => {
    const options = printWindowOptions('受理回执');
    expect(options.show).toBe(false);
    expect(options.webPreferences).toEqual({ ...SECURE_WEB_PREFERENCES, plugins: true, partition: 'onewindow-print' });
    expect(options.webPreferences).not.toHaveProperty('preload');
  });

  it('is the hook the shell passes to the core, hardened, and deletes its temp file', () => {
    const source = readFileSync(appPath('electron', 'shell', 'print.ts'), 'utf8');
    expect(source).toContain('new BrowserWindow(printWindowOptions(');
    expect(source).toContain('hardenWebContents(win.webContents');
    expect(source).toMatch(/finally \{[\s\S]*win\.destroy\(\)[\s\S]*rm\(dir, \{ recursive: true, force: true \}\)/);
    expect(source).toContain('webContents.print(');
    expect(source).toContain('hardenSession(session.fromPartition(PRINT_PARTITION)');
    expect(readFileSync(appPath('electron', 'main.ts'), 'utf8')).toMatch(/printDocument: createPdfPrinter\(/);
  });
});

/**
 * Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security),
 * item by item; docs/SECURITY.md maps each item to the code and to the test here. The shell's
 * handlers are driven with stand-in Session / WebContents / IpcMain objects: what they decide
 * is asserted, not only that they are present.
 */
describe('Electron security checklist', () => {
  const read = (...p: string[]) => readFileSync(appPath(...p), 'utf8');
  const shellSources = () =>
    ['main.ts', 'preload.ts', ...readdirSync(appPath('electron', 'shell')).map((f) => `shell/${f}`)].map((f) => ({ f, text: read('electron', ...f.split('/')) }));

  it('1, 18: loads only the packaged local page, never remote content', () => {
    const main = read('electron', 'main.ts');
    expect(main).toMatch(/loadFile\(/);
    for (const { f, text } of shellSources()) {
      expect(text, f).not.toMatch(/\.loadURL\(/);
      expect(text, f).not.toMatch(/https?:\/\/(?!onewindow-updates\.invalid)/);
    }
  });

  it('2, 3, 4, 6, 8, 9, 10: secure webPreferences on every window, sandbox for the whole app', () => {
    expect(SECURE_WEB_PREFERENCES).toMatchObject({ nodeIntegration: false, contextIsolation: true, sandbox: true, webSecurity: true, allowRunningInsecureContent: false, experimentalFeatures: false });
    expect(SECURE_WEB_PREFERENCES).not.toHaveProperty('enableBlinkFeatures');
    expect(read('electron', 'main.ts')).toContain('app.enableSandbox()');
    // Every window the shell makes spreads the secure preferences.
    for (const { f, text } of shellSources()) {
      expect(text, f).not.toMatch(/enableBlinkFeatures|nodeIntegration:\s*true|contextIsolation:\s*false|webSecurity:\s*false|sandbox:\s*false/);
      for (const m of text.matchAll(/new BrowserWindow\(([^)]*)\)/g)) {
        expect(m[1]!.includes('SECURE_WEB_PREFERENCES') || m[1]!.includes('applicantWindowOptions(') || m[1]!.includes('printWindowOptions('), `${f}: ${m[0]}`).toBe(true);
      }
    }
  });

  it('5: grants the camera (video only) to our own page, and nothing else to anyone', () => {
    let request: ((wc: unknown, permission: string, cb: (ok: boolean) => void, details: Record<string, unknown>) => void) | undefined;
    let check: ((wc: unknown, permission: string, origin: string) => boolean) | undefined;
    const session = { setPermissionRequestHandler: (h: typeof request) => (request = h), setPermissionCheckHandler: (h: typeof check) => (check = h) };
    hardenSession(session as never, 'file://');
    const ask = (permission: string, details: Record<string, unknown>) => {
      let granted: boolean | undefined;
      request!({ getURL: () => 'file:///app/index.html' }, permission, (ok) => (granted = ok), details);
      return granted;
    };
    const own = 'file:///opt/onewindow/resources/app.asar/out/renderer/index.html';
    expect(ask('media', { requestingUrl: own, mediaTypes: ['video'] })).toBe(true);
    expect(ask('media', { requestingUrl: own, mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(ask('media', { requestingUrl: 'https://evil.example/', mediaTypes: ['video'] })).toBe(false);
    for (const p of ['geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'midi', 'pointerLock', 'display-capture', 'hid', 'serial', 'usb']) {
      expect(ask(p, { requestingUrl: own }), p).toBe(false);
    }
    expect(check!(null, 'media', 'file:///')).toBe(true);
    expect(check!(null, 'media', 'https://evil.example')).toBe(false);
    expect(check!(null, 'geolocation', 'file:///')).toBe(false);
  });

  it('7: a strict CSP on every response and in the page', () => {
    expect(CONTENT_SECURITY_POLICY).toMatch(/default-src 'self'/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/object-src 'none'/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/base-uri 'none'/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|script-src[^;]*(unsafe-inline|\*|https?:)/);
    expect(read('electron', 'main.ts')).toMatch(/onHeadersReceived[\s\S]*Content-Security-Policy[\s\S]*CONTENT_SECURITY_POLICY/);
    expect(read('electron', 'browser-mode', 'server.ts')).toMatch(/header\('Content-Security-Policy', CONTENT_SECURITY_POLICY\)/);
  });

  it('11, 12, 13, 14: no webview, no navigation away, no new windows', () => {
    const handlers = new Map<string, (event: { preventDefault(): void }, url?: string) => void>();
    let openHandler: (() => { action: string }) | undefined;
    const contents = { on: (name: string, h: (e: { preventDefault(): void }, url?: string) => void) => handlers.set(name, h), setWindowOpenHandler: (h: typeof openHandler) => (openHandler = h) };
    hardenWebContents(contents as never, 'file://');
    const prevented = (name: string, url?: string) => {
      let p = false;
      handlers.get(name)!({ preventDefault: () => (p = true) }, url);
      return p;
    };
    expect(prevented('will-navigate', 'https://evil.example/')).toBe(true);
    expect(prevented('will-navigate', 'javascript:alert(1)')).toBe(true);
    expect(prevented('will-navigate', 'file:///app/index.html#/cases')).toBe(false);
    expect(prevented('will-redirect', 'http://127.0.0.1:8080/')).toBe(true);
    expect(prevented('will-attach-webview')).toBe(true);
    expect(openHandler!()).toEqual({ action: 'deny' });
    expect(SECURE_WEB_PREFERENCES.webviewTag).toBe(false);
    // Every webContents gets it, including ones the app did not create itself.
    expect(read('electron', 'main.ts')).toMatch(/'web-contents-created'[^\n]*hardenWebContents/);
  });

  it('15: never opens external links (no shell.openExternal anywhere)', () => {
    const files = [...shellSources().map((s) => s.text), read('electron', 'workstation.ts')];
    for (const text of files) expect(text).not.toMatch(/openExternal|shell\.openPath/);
  });

  it('16: runs a current Electron (security policy in docs/SECURITY.md)', () => {
    const pkg = JSON.parse(read('package.json')) as { devDependencies?: Record<string, string>; dependencies?: Record<string, string> };
    const version = pkg.devDependencies?.electron ?? pkg.dependencies?.electron ?? '';
    // Pinned exactly (no ^ or ~) so an update is a reviewed change, and within the supported majors.
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Number(version.split('.')[0])).toBeGreaterThanOrEqual(39);
    expect(read('docs', 'SECURITY.md')).toMatch(/## Updating Electron/);
  });

  it('17: answers IPC only from our own top-level page', async () => {
    let handler: ((event: unknown, channel: unknown, input: unknown) => Promise<Envelope>) | undefined;
    const ipcMain = { handle: (_c: string, h: typeof handler) => (handler = h), removeHandler: () => undefined };
    const calls: unknown[] = [];
    const workstation = { dispatch: async (channel: unknown) => (calls.push(channel), { envelope: { ok: true, data: null } }), subscribe: () => () => undefined };
    registerIpc(ipcMain as never, workstation as never, 'file://', () => []);
    const mainFrame = { url: 'file:///app/index.html' };
    const sender = (frame: { url: string }, main = frame) => ({ senderFrame: frame, sender: { id: 1, mainFrame: main } });
    expect(await handler!(sender(mainFrame), 'system.info', {})).toEqual({ ok: true, data: null });
    expect(await handler!(sender({ url: 'file:///app/index.html' }, mainFrame), 'system.info', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await handler!(sender({ url: 'https://evil.example/' }), 'system.info', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await handler!({ senderFrame: null, sender: { id: 1, mainFrame } }, 'system.info', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(calls).toEqual(['system.info']);
  });

  it('19: packaging fuses are set as docs/SECURITY.md lists them', () => {
    const file = appPath('electron-builder.yml');
    if (!existsSync(file)) return; // packaging config not written yet
    // The flat `electronFuses:` block (key: true|false lines), read without a YAML dependency.
    const block = /^electronFuses:\n((?:[ \t]+\w+:[ \t]*(?:true|false)[ \t]*\n)+)/m.exec(readFileSync(file, 'utf8'))?.[1] ?? '';
    const fuses = Object.fromEntries([...block.matchAll(/(\w+):\s*(true|false)/g)].map((m) => [m[1]!, m[2] === 'true'])) as Record<string, boolean>;
    expect(fuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    const doc = read('docs', 'SECURITY.md');
    for (const name of Object.keys(fuses!)) expect(doc, name).toContain(name);
  });

  it('20: exposes one fixed object to the page, never Electron or Node APIs', () => {
    const preload = read('electron', 'preload.ts');
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(preload).toMatch(/exposeInMainWorld\('onewindow', api\)/);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*(ipcRenderer|require|process|shell)\b/);
    // The object has exactly invoke and onEvent, and invoke sends only on our one channel.
    expect([...preload.matchAll(/^ {2}(\w+)[:(]/gm)].map((m) => m[1])).toEqual(['invoke', 'onEvent']);
    expect(preload.match(/ipcRenderer\.invoke\(/g)).toHaveLength(1);
    expect(preload).toContain('ipcRenderer.invoke(IPC_CALL');
  });
});
