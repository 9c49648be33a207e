/**
 * The renderer's view of the core. A transport (the Electron preload, or HTTP in browser mode)
 * implements `WorkstationApi`; `createContractClient` turns it into typed calls. The renderer
 * depends on this file only, never on a transport.
 */
import type { Channel, ChannelInput, ChannelOutput } from './channels';
import { ContractError, type Envelope } from './errors';
import type { CoreEvent } from './events';

/** What a transport provides. The Electron preload exposes exactly this object. */
export interface WorkstationApi {
  /** Sends one call; resolves with the envelope (never rejects for a refused call). */
  invoke(channel: string, input: unknown): Promise<Envelope>;
  /** Subscribes to core events; returns the unsubscribe function. */
  onEvent(listener: (event: CoreEvent) => void): () => void;
}

export interface ContractClient {
  /** Resolves with the channel's output, or rejects with a ContractError carrying a Chinese message. */
  call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
  onEvent(listener: (event: CoreEvent) => void): () => void;
}

export function createContractClient(api: WorkstationApi): ContractClient {
  return {
    async call(channel, input) {
      let envelope: Envelope;
      try {
        envelope = await api.invoke(channel, input);
      } catch {
        throw new ContractError('INTERNAL', '无法连接工作台服务，请检查程序是否仍在运行后重试');
      }
      if (envelope.ok) return envelope.data as never;
      throw new ContractError(envelope.error.code, envelope.error.message, envelope.error.details);
    },
    onEvent: (listener) => api.onEvent(listener),
  };
}
