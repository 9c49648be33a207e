/**
 * The Electron transport: one `ow:call` handler carrying the contract, sessions kept per
 * renderer (webContents) in the main process so the renderer never holds a session token.
 * Calls from any frame but our own top-level page are refused.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { Envelope } from '../../shared/contract/errors';
import type { Workstation } from '../workstation';
import { isAppUrl } from './security';

export const IPC_CALL = 'ow:call';
export const IPC_EVENT = 'ow:event';

export function registerIpc(ipcMain: IpcMain, workstation: Workstation, appOrigin: string, windows: () => WebContents[]): () => void {
  const sessions = new Map<number, string>();
  ipcMain.handle(IPC_CALL, async (event: IpcMainInvokeEvent, channel: unknown, input: unknown): Promise<Envelope> => {
    const frameUrl = event.senderFrame?.url ?? '';
    if (event.senderFrame !== event.sender.mainFrame || !isAppUrl(frameUrl, appOrigin)) {
      return { ok: false, error: { code: 'FORBIDDEN', message: '拒绝来自未知页面的调用' } };
    }
    const id = event.sender.id;
    const result = await workstation.dispatch(channel, input, { sessionId: sessions.get(id) });
    if (result.session === null) sessions.delete(id);
    else if (typeof result.session === 'string') sessions.set(id, result.session);
    return result.envelope;
  });
  const unsubscribe = workstation.subscribe((event, sessionId) => {
    for (const wc of windows()) {
      if (sessionId === undefined || sessions.get(wc.id) === sessionId) wc.send(IPC_EVENT, event);
    }
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_CALL);
  };
}
