/**
 * The back office over HTTP, with every failure sorted into what the engine does about it:
 *  - `offline`   network error, timeout, 502/503/504: back off, probe health, nothing was lost;
 *  - `transient` other 5xx, 408, 429, 409 UPLOAD_BUSY: back off and resend unchanged;
 *  - `auth`      401: stop syncing until the device is enrolled again;
 *  - `request`   other 4xx: this request will never succeed as it is.
 */
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { deviceAuthorization, errorBodySchema, isRetryableStatus, SYNC_ERROR_MESSAGES } from '../../shared/sync';
import { DEVICE_STATUS_HEADERS } from '../../shared/sync/device-status';
import type { DeviceCredentials } from './types';

export type FailureKind = 'offline' | 'transient' | 'auth' | 'request';

export class BackofficeError extends Error {
  constructor(
    readonly kind: FailureKind,
    /** Chinese, shown to the clerk or IT. */
    message: string,
    readonly status?: number,
    readonly code?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'BackofficeError';
  }

  get retryable(): boolean {
    return this.kind === 'offline' || this.kind === 'transient';
  }
}

export interface BackofficeClientOptions {
  baseUrl: string;
  fetch: typeof fetch;
  /** Aborted by stop(): every request ends at once. */
  signal: AbortSignal;
  timeoutMs: number;
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  bytes?: Uint8Array;
  credentials?: DeviceCredentials | null;
  timeoutMs?: number;
  /** Statuses handed back to the caller instead of thrown (e.g. 404 for HEAD). */
  accept?: number[];
  /** Hand back the body's bytes whatever its type (downloads). */
  raw?: boolean;
}

export interface CallResult {
  status: number;
  headers: Headers;
  body: unknown;
  raw?: Uint8Array;
}

const OFFLINE_MESSAGE = '无法连接区级后台（网络中断或后台未启动），稍后自动重试';
const TIMEOUT_MESSAGE = '连接区级后台超时，稍后自动重试';

export function createBackofficeClient(options: BackofficeClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');

  async function call(path: string, call: CallOptions = {}): Promise<CallResult> {
    const headers: Record<string, string> = {};
    if (call.credentials) headers.authorization = deviceAuthorization(call.credentials.deviceId, call.credentials.deviceSecret);
    let body: RequestInit['body'];
    if (call.bytes) {
      headers['content-type'] = 'application/octet-stream';
      body = call.bytes as unknown as RequestInit['body'];
    } else if (call.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.body);
    }
    const timeout = AbortSignal.timeout(call.timeoutMs ?? options.timeoutMs);
    const signal = AbortSignal.any([options.signal, timeout]);
    const method = call.method ?? 'GET';
    let response: Response;
    let text: Uint8Array;
    try {
      response = await options.fetch(base + path, { method, headers, body, signal });
      // Read the whole body inside the try: a connection cut mid-response is a network failure.
      text = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      if (options.signal.aborted) throw new BackofficeError('offline', '同步已停止');
      const tls = tlsProblem(error);
      if (tls) throw new BackofficeError('offline', tls, undefined, 'TLS_CERTIFICATE');
      throw new BackofficeError('offline', timeout.aborted ? TIMEOUT_MESSAGE : OFFLINE_MESSAGE, undefined, (error as Error)?.name);
    }
    const isJson = !(call.raw && response.ok) && (response.headers.get('content-type') ?? '').includes('json');
    let parsed: unknown = undefined;
    if (isJson && text.byteLength) {
      try {
        parsed = JSON.parse(new TextDecoder().decode(text));
      } catch {
        // A truncated answer: the connection broke, the server may or may not have acted.
        throw new BackofficeError('offline', OFFLINE_MESSAGE, response.status);
      }
    }
    if (response.ok || call.accept?.includes(response.status)) {
      return { status: response.status, headers: response.headers, body: parsed, raw: isJson ? undefined : text };
    }
    throw toError(response.status, parsed);
  }

  return { call, baseUrl: base };
}

export type BackofficeClient = ReturnType<typeof createBackofficeClient>;

function toError(status: number, body: unknown): BackofficeError {
  const parsed = errorBodySchema.safeParse(body);
  const code = parsed.success ? parsed.data.error.code : undefined;
  const details = parsed.success ? parsed.data.error.details : undefined;
  const message =
    (parsed.success && parsed.data.error.message) ||
    (code && code in SYNC_ERROR_MESSAGES ? SYNC_ERROR_MESSAGES[code as keyof typeof SYNC_ERROR_MESSAGES] : undefined) ||
    (status >= 500
      ? SYNC_ERROR_MESSAGES.UNAVAILABLE
      : status === 401
        ? '区级后台不认可本设备的凭证（可能已被停用），请联系信息管理员重新登记本设备'
        : `区级后台拒绝了请求（HTTP ${status}）`);
  let kind: FailureKind;
  if (status === 502 || status === 503 || status === 504) kind = 'offline';
  else if (isRetryableStatus(status, code)) kind = 'transient';
  else if (status === 401) kind = 'auth';
  else kind = 'request';
  return new BackofficeError(kind, message, status, code, details);
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A Chinese explanation when the failure is the back office's certificate, else null. */
function tlsProblem(error: unknown): string | null {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 4; e = e.cause as typeof e, i++) {
    if (typeof e.code === 'string' && TLS_CODES.has(e.code)) {
      return e.code === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? '区级后台的证书与其地址不符，已拒绝连接（请核对后台地址或证书）'
        : e.code === 'CERT_HAS_EXPIRED' || e.code === 'CERT_NOT_YET_VALID'
          ? '区级后台的证书不在有效期内，已拒绝连接（请核对本机时间或联系信息管理员更换证书）'
          : `区级后台的证书不受信任，已拒绝连接（${e.code}；请检查配置项 backofficeCaFile 指向的根证书）`;
    }
  }
  return null;
}

export interface SyncFetchOptions {
  /** PEM of the CA(s) that signed the back office's certificate; only these are trusted for https. */
  ca?: string | Uint8Array;
  /** Headers added to every request (this window's version and backlog, for IT's overview). */
  headers?: () => Record<string, string>;
}

/**
 * The fetch the sync engine uses: adds the device-status headers and, with a CA, speaks https
 * through node:https trusting that CA only (fetch itself cannot take a CA). Unknown
 * certificates are refused.
 */
export function createSyncFetch(options: SyncFetchOptions = {}): typeof fetch {
  const agent = options.ca ? new HttpsAgent({ ca: Buffer.from(options.ca), keepAlive: true, rejectUnauthorized: true }) : undefined;
  const syncFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(options.headers?.() ?? {})) headers.set(name, value);
    if (!agent || url.protocol !== 'https:') return fetch(url, { ...init, headers });
    return httpsFetch(url, { ...init, headers }, agent);
  };
  return syncFetch as typeof fetch;
}

function httpsFetch(url: URL, init: RequestInit & { headers: Headers }, agent: HttpsAgent): Promise<Response> {
  const method = init.method ?? 'GET';
  const body = init.body as string | Uint8Array | undefined | null;
  const headers = Object.fromEntries(init.headers.entries());
  if (body != null) headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
  return new Promise<Response>((resolve, reject) => {
    const req = httpsRequest(url, { method, headers, agent, signal: init.signal ?? undefined }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('response aborted')));
      res.on('end', () => {
        const status = res.statusCode ?? 500;
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v);
          else if (value !== undefined) responseHeaders.set(name, value);
        }
        const nullBody = method === 'HEAD' || status === 204 || status === 304;
        resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, headers: responseHeaders }));
      });
    });
    req.on('error', reject);
    if (body != null) req.end(body);
    else req.end();
  });
}

/** The device-status headers for a status snapshot (see shared/sync/device-status.ts). */
export function deviceStatusHeaders(s: { appVersion: string; backlog: number; oldestPendingAt: string | null; dead?: number }, now: Date): Record<string, string> {
  const age = s.oldestPendingAt ? Math.max(0, Math.round((now.getTime() - Date.parse(s.oldestPendingAt)) / 1000)) : 0;
  return {
    [DEVICE_STATUS_HEADERS.appVersion]: s.appVersion,
    [DEVICE_STATUS_HEADERS.backlog]: String(s.backlog),
    [DEVICE_STATUS_HEADERS.backlogAge]: String(Number.isFinite(age) ? age : 0),
    ...(s.dead !== undefined ? { [DEVICE_STATUS_HEADERS.dead]: String(s.dead) } : {}),
  };
}
