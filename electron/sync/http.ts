/**
 * The back office over HTTP, with every failure sorted into what the engine does about it:
 *  - `offline`   network error, timeout, 502/503/504: back off, probe health, nothing was lost;
 *  - `transient` other 5xx, 408, 429, 409 UPLOAD_BUSY: back off and resend unchanged;
 *  - `auth`      401: stop syncing until the device is enrolled again;
 *  - `request`   other 4xx: this request will never succeed as it is.
 */
import { deviceAuthorization, errorBodySchema, isRetryableStatus, SYNC_ERROR_MESSAGES } from '../../shared/sync';
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
