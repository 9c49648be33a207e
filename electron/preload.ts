/**
 * The sandboxed preload: exposes exactly one object, `window.onewindow`, with a fixed method
 * list checked by the compiler against the contract's WorkstationApi. Never raw ipcRenderer.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { WorkstationApi } from '../shared/contract/client';
import type { Envelope } from '../shared/contract/errors';
import type { CoreEvent } from '../shared/contract/events';

const IPC_CALL = 'ow:call';
const IPC_EVENT = 'ow:event';

const api = {
  invoke: (channel: string, input: unknown) => ipcRenderer.invoke(IPC_CALL, channel, input) as Promise<Envelope>,
  onEvent(listener: (event: CoreEvent) => void) {
    const wrapped = (_e: IpcRendererEvent, event: CoreEvent) => listener(event);
    ipcRenderer.on(IPC_EVENT, wrapped);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, wrapped);
    };
  },
} satisfies WorkstationApi;

contextBridge.exposeInMainWorld('onewindow', api);
