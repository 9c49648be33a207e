/**
 * Wakes long-polling change-feed requests. Only a hint: the feed is always read from the
 * database, and waiters re-check on a timer anyway, so a lost wake-up costs latency, not data.
 * Same process: an in-memory fan-out. Several instances on PostgreSQL: NOTIFY inside the
 * writing transaction (delivered on commit) and one LISTEN connection per instance.
 */
import pg from 'pg';

/** Target "*" wakes everyone (a broadcast event); otherwise a device id. */
export const BROADCAST_TARGET = '*';
export const NOTIFY_CHANNEL = 'onewindow_changes';

export class ChangeNotifier {
  private readonly waiters = new Map<string, Set<() => void>>();

  /** Call after commit with the devices whose feed grew. */
  publish(targets: Iterable<string>): void {
    for (const target of targets) {
      if (target === BROADCAST_TARGET) {
        for (const set of this.waiters.values()) set.forEach((wake) => wake());
      } else {
        this.waiters.get(target)?.forEach((wake) => wake());
      }
    }
  }

  subscribe(deviceId: string, wake: () => void): () => void {
    let set = this.waiters.get(deviceId);
    if (!set) this.waiters.set(deviceId, (set = new Set()));
    set.add(wake);
    return () => {
      set.delete(wake);
      if (set.size === 0 && this.waiters.get(deviceId) === set) this.waiters.delete(deviceId);
    };
  }
}

/**
 * Keeps one LISTEN connection open and forwards notifications to the local notifier;
 * reconnects with a delay when the connection drops.
 */
export function listenToPostgres(url: string, notifier: ChangeNotifier, onError: (error: unknown) => void): { close(): Promise<void> } {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async () => {
    if (closed) return;
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => notifier.publish([message.payload || BROADCAST_TARGET]));
    next.on('error', (error) => {
      onError(error);
      scheduleReconnect(next);
    });
    next.on('end', () => scheduleReconnect(next));
    try {
      await next.connect();
      await next.query(`LISTEN ${NOTIFY_CHANNEL}`);
      if (closed) {
        await next.end();
        return;
      }
      client = next;
      notifier.publish([BROADCAST_TARGET]); // may have missed some while disconnected
    } catch (error) {
      onError(error);
      scheduleReconnect(next);
    }
  };
  const scheduleReconnect = (failed: pg.Client) => {
    if (closed || retry || (client && client !== failed)) return;
    client = undefined;
    failed.end().catch(() => undefined);
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, 1000);
  };
  void connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
