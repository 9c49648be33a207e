/**
 * A fault-injecting TCP proxy for sync tests, listening on 127.0.0.1 only and forwarding to a
 * port on 127.0.0.1. It reads just enough HTTP/1.1 on the way in (request line, Content-Length)
 * to choose a fault per request; the bytes themselves pass through untouched.
 *
 * Per request (chosen by `decide`):
 *   pass            forward as is
 *   delay           hold the request for `delayMs`, then forward
 *   reset           forward the head and half the body, then reset both sides (cut mid-upload)
 *   drop-response   forward the whole request, then cut the connection instead of answering
 *                   (the server acted, the client never hears: a duplicate delivery follows)
 *   error-503       answer 503 UNAVAILABLE without forwarding (the server never saw it)
 *   error-500-after forward, swallow the server's answer and answer 500 instead
 * Per connection:
 *   mode 'refuse'    new connections are reset at once, open ones are cut (network cut)
 *   mode 'blackhole' connections are accepted and then never answered (half-open)
 *   holdOpen(p)      a fraction of new connections is held half-open even in normal mode
 */
import { createServer, Socket, type Server } from 'node:net';

export type Fault = 'pass' | 'delay' | 'reset' | 'drop-response' | 'error-503' | 'error-500-after';
export type ProxyMode = 'normal' | 'refuse' | 'blackhole';

export interface RequestInfo {
  method: string;
  path: string;
  bodyLength: number;
}

export interface ChaosProxyOptions {
  targetPort: number;
  /** Chooses a fault per request; default: always pass. */
  decide?: (request: RequestInfo) => Fault;
  delayMs?: number;
  /** Fraction [0,1) of new connections held half-open in normal mode. */
  holdOpenRate?: number;
  random?: () => number;
}

export interface ChaosProxy {
  port: number;
  url: string;
  setMode(mode: ProxyMode): void;
  setDecide(decide: (request: RequestInfo) => Fault): void;
  setHoldOpenRate(rate: number): void;
  setTargetPort(port: number): void;
  /** Cuts every open connection (both sides). */
  cutAll(): void;
  /** How often each fault (and 'refused', 'held-open') was injected. */
  stats(): Record<string, number>;
  close(): Promise<void>;
}

const ERROR_BODY = (status: number) =>
  JSON.stringify({ error: { code: status === 503 ? 'UNAVAILABLE' : 'INTERNAL', message: status === 503 ? '后台服务暂不可用，请稍后重试' : '后台服务内部错误，请稍后重试' } });

function errorResponse(status: number): Buffer {
  const body = Buffer.from(ERROR_BODY(status), 'utf8');
  const reason = status === 503 ? 'Service Unavailable' : 'Internal Server Error';
  return Buffer.concat([
    Buffer.from(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${body.byteLength}\r\nconnection: close\r\n\r\n`, 'latin1'),
    body,
  ]);
}

export async function startChaosProxy(options: ChaosProxyOptions): Promise<ChaosProxy> {
  let targetPort = options.targetPort;
  let decide = options.decide ?? (() => 'pass' as Fault);
  let mode: ProxyMode = 'normal';
  let holdOpenRate = options.holdOpenRate ?? 0;
  const random = options.random ?? Math.random;
  const delayMs = options.delayMs ?? 1_500;
  const counters: Record<string, number> = {};
  const count = (what: string) => (counters[what] = (counters[what] ?? 0) + 1);
  const open = new Set<Socket>();
  const track = (s: Socket) => {
    open.add(s);
    s.on('close', () => open.delete(s));
    s.on('error', () => undefined);
  };

  const server: Server = createServer((client) => {
    track(client);
    if (mode === 'refuse') {
      count('refused');
      client.resetAndDestroy();
      return;
    }
    if (mode === 'blackhole' || random() < holdOpenRate) {
      count('held-open');
      client.on('data', () => undefined); // read and ignore: the client waits for an answer that never comes
      return;
    }
    const upstream = new Socket();
    track(upstream);
    upstream.connect(targetPort, '127.0.0.1');
    const killBoth = () => {
      client.resetAndDestroy();
      upstream.destroy();
    };
    upstream.on('error', () => killBoth());
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());

    // What the current request asked for, and what is left of its body.
    let fault: Fault = 'pass';
    let head = Buffer.alloc(0);
    let remaining = 0;
    let bodyLength = 0;
    let forwarded = 0;
    let phase: 'head' | 'body' | 'raw' = 'head';
    const queue: Buffer[] = [];
    let pumping = false;

    upstream.on('data', (chunk) => {
      if (fault === 'drop-response') {
        killBoth();
      } else if (fault === 'error-500-after') {
        upstream.destroy();
        client.end(errorResponse(500));
      } else {
        client.write(chunk);
      }
    });

    const forward = (bytes: Buffer) => {
      if (bytes.byteLength && !upstream.destroyed) upstream.write(bytes);
    };

    async function handle(chunk: Buffer): Promise<void> {
      let rest = chunk;
      while (rest.byteLength && !client.destroyed) {
        if (phase === 'raw') {
          forward(rest);
          return;
        }
        if (phase === 'head') {
          head = Buffer.concat([head, rest]);
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) return;
          const headBytes = head.subarray(0, end + 4);
          rest = head.subarray(end + 4);
          head = Buffer.alloc(0);
          const text = headBytes.toString('latin1');
          const [requestLine, ...lines] = text.split('\r\n');
          const [method = 'GET', path = '/'] = requestLine.split(' ');
          const header = (name: string) => lines.find((l) => l.toLowerCase().startsWith(name + ':'))?.slice(name.length + 1).trim();
          if (header('transfer-encoding')) {
            phase = 'raw'; // not used by our clients: pass through without looking
            forward(headBytes);
            continue;
          }
          bodyLength = Number(header('content-length') ?? 0);
          remaining = bodyLength;
          forwarded = 0;
          fault = decide({ method, path, bodyLength });
          if (fault !== 'pass') count(fault);
          if (fault === 'delay') await new Promise((r) => setTimeout(r, delayMs));
          if (fault !== 'error-503') forward(headBytes);
          phase = 'body';
          if (fault === 'reset' && bodyLength === 0) {
            killBoth();
            return;
          }
        }
        if (phase === 'body') {
          const n = Math.min(remaining, rest.byteLength);
          const part = rest.subarray(0, n);
          rest = rest.subarray(n);
          remaining -= n;
          if (fault === 'reset') {
            const allowed = Math.max(0, Math.floor(bodyLength / 2) - forwarded);
            forward(part.subarray(0, allowed));
            forwarded += Math.min(allowed, part.byteLength);
            if (forwarded >= Math.floor(bodyLength / 2)) {
              // Give the half a moment to reach the server, then cut.
              await new Promise((r) => setTimeout(r, 20));
              killBoth();
              return;
            }
          } else if (fault !== 'error-503') {
            forward(part);
          }
          if (remaining === 0) {
            if (fault === 'error-503') {
              upstream.destroy();
              client.end(errorResponse(503));
              return;
            }
            phase = 'head';
          }
        }
      }
    }

    client.on('data', (chunk) => {
      queue.push(chunk);
      if (pumping) return;
      pumping = true;
      client.pause();
      void (async () => {
        try {
          while (queue.length) await handle(queue.shift()!);
        } catch {
          killBoth();
        } finally {
          pumping = false;
          if (!client.destroyed) client.resume();
        }
      })();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;

  const cutAll = () => {
    for (const s of open) s.resetAndDestroy();
  };

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    setMode(next) {
      mode = next;
      if (next !== 'normal') {
        cutAll();
        if (next === 'refuse') count('network-cut');
      }
    },
    setDecide(next) {
      decide = next;
    },
    setHoldOpenRate(rate) {
      holdOpenRate = rate;
    },
    setTargetPort(next) {
      targetPort = next;
    },
    cutAll,
    stats: () => ({ ...counters }),
    async close() {
      cutAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
