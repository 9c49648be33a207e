/**
 * Browser mode's transport: the contract over same-origin HTTP (the launch and session cookies
 * are HttpOnly, so this code never sees a secret) and server-sent events.
 */
import type { WorkstationApi } from '../../../shared/contract/client';
import type { Envelope } from '../../../shared/contract/errors';
import { coreEventSchema, type CoreEvent } from '../../../shared/contract/events';

const SESSION_CHANNELS = new Set(['auth.signIn', 'auth.signOut', 'auth.changePassword']);

export function createHttpTransport(base = ''): WorkstationApi {
  const listeners = new Set<(event: CoreEvent) => void>();
  let source: EventSource | undefined;
  const connect = () => {
    if (source) return;
    source = new EventSource(`${base}/api/events`);
    source.onmessage = (message) => {
      const parsed = coreEventSchema.safeParse(JSON.parse(message.data as string));
      if (parsed.success) for (const l of listeners) l(parsed.data);
    };
  };
  return {
    async invoke(channel, input) {
      const response = await fetch(`${base}/api/call/${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(input ?? {}),
        credentials: 'same-origin',
      });
      const envelope = (await response.json()) as Envelope;
      // The event stream is bound to the session cookie it was opened with: reopen it when the
      // session changes, or events meant for this session (lock, applicant screen) never arrive.
      if (SESSION_CHANNELS.has(channel) && source) {
        source.close();
        source = undefined;
        connect();
      }
      return envelope;
    },
    onEvent(listener) {
      listeners.add(listener);
      connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          source?.close();
          source = undefined;
        }
      };
    },
  };
}
