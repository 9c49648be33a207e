/** The one contract client the UI uses; the transport is Electron's preload or HTTP. */
import { createContractClient, type WorkstationApi } from '../../../shared/contract/client';
import { createHttpTransport } from './http-transport';

declare global {
  interface Window {
    onewindow?: WorkstationApi;
  }
}

export const api = createContractClient(window.onewindow ?? createHttpTransport());
