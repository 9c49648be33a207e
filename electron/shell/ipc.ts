/**
 * The Electron transport: one `ow:call` handler carrying the contract, sessions kept per
 * renderer (webContents) in the main process so the renderer never holds a session token.
 * Calls from any frame but our own top-level page are refused.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { Envelope } from '../../shared/contract/errors';
import type { Workstation } from '../workstation';
import { APPLICANT_WINDOW_CHANNELS } from './applicant-layout';
import { isAppUrl } from './security';

export const IPC_CALL = 'ow:call';
export const IPC_EVENT = 'ow:event';

/** Applicant windows (申请人屏) run with the session of the clerk window they are paired with. */
export interface IpcPairing {
  clerkOf(webContentsId: number): number | undefined;
}

export type IpcHandle = (() => void) & {
  /** The clerk window holding this session, to pair an applicant window with it. */
  webContentsIdOf(sessionId: string): number | undefined;
};

export function registerIpc(ipcMain: IpcMain, workstation: Workstation, appOrigin: string, windows: () => WebContents[], pairing?: IpcPairing): IpcHandle {
  const sessions = new Map<number, string>();
  const owner = (id: number) => pairing?.clerkOf(id) ?? id;
  ipcMain.handle(IPC_CALL, async (event: IpcMainInvokeEvent, channel: unknown, input: unknown): Promise<Envelope> => {
    const frameUrl = event.senderFrame?.url ?? '';
    if (event.senderFrame !== event.sender.mainFrame || !isAppUrl(frameUrl, appOrigin)) {
      return { ok: false, error: { code: 'FORBIDDEN', message: '拒绝来自未知页面的调用' } };
    }
    const id = event.sender.id;
    const paired = owner(id) !== id;
    // The citizen's window can only read its screen and hand in a signature or rating.
    if (paired && !APPLICANT_WINDOW_CHANNELS.has(String(channel))) {
      return { ok: false, error: { code: 'FORBIDDEN', message: '申请人屏不能执行此操作' } };
    }
    const result = await workstation.dispatch(channel, input, { sessionId: sessions.get(owner(id)) });
    if (paired) return result.envelope;
    if (result.session === null) sessions.delete(id);
    else if (typeof result.session === 'string') sessions.set(id, result.session);
    return result.envelope;
  });
  const unsubscribe = workstation.subscribe((event, sessionId) => {
    for (const wc of windows()) {
      if (sessionId === undefined || sessions.get(owner(wc.id)) === sessionId) wc.send(IPC_EVENT, event);
    }
  });
  const dispose = () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_CALL);
  };
  return Object.assign(dispose, {
    webContentsIdOf: (sessionId: string) => [...sessions].find(([, s]) => s === sessionId)?.[0],
  });
}
