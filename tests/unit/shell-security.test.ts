/**
 * The Electron shell cannot start on our machines, so its security settings are asserted here
 * by reading them: a regression in any of them fails the suite.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appPath } from '../../electron/paths';
import { CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_META } from '../../electron/security/csp';
import { ALLOWED_PERMISSIONS, isAppUrl, SECURE_WEB_PREFERENCES } from '../../electron/shell/security';

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
