/**
 * The reviewers' side of the back-office API (docs/SYNC.md, "Endpoints"). Same origin as the
 * page, so no CORS. The session token lives in sessionStorage (gone when the tab closes) and is
 * sent as a Bearer token; files are fetched with it and shown through object URLs.
 */
import type {
  DecisionRequest,
  DecisionResponse,
  DeviceOverviewResponse,
  QueueItem,
  ReviewCaseResponse,
  ReviewerLoginResponse,
} from '../../../shared/sync';
import { SYNC_ROUTES } from '../../../shared/sync/routes';

/** An API failure with the back office's Chinese message. */
export class ReviewApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ReviewApiError';
  }

  /** The session is gone: sign in again. */
  get signedOut(): boolean {
    return this.status === 401;
  }
}

export type Session = ReviewerLoginResponse;

const STORAGE_KEY = 'onewindow.review.session';

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    if (!session.token || new Date(session.expiresAt).getTime() <= Date.now()) {
      sessionStorage.removeItem(STORAGE_KEY);
      return null;
    }
    return session;
  } catch {
    return null;
  }
}

function saveSession(session: Session | null): void {
  try {
    if (session) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage may be disabled: the session then lasts as long as the page.
  }
}

/** Turns any failure into a Chinese sentence for the reviewer. */
export function errorText(error: unknown): string {
  if (error instanceof ReviewApiError) return error.message;
  return '无法连接后台服务，请检查网络后重试';
}

async function failure(response: Response): Promise<ReviewApiError> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.message) return new ReviewApiError(response.status, body.error.code ?? 'UNKNOWN', body.error.message);
  } catch {
    // Not our JSON error body (a proxy page, say): fall through to a generic message.
  }
  const message = response.status >= 500 ? '后台服务暂不可用，请稍后重试' : `请求失败（HTTP ${response.status}）`;
  return new ReviewApiError(response.status, 'HTTP_' + response.status, message);
}

export class ReviewClient {
  constructor(
    private session: Session,
    /** Called once a request finds the session gone (expired, logged out elsewhere). */
    private readonly onSignedOut: (message: string) => void,
  ) {}

  static async login(username: string, password: string): Promise<Session> {
    const response = await fetch(SYNC_ROUTES.reviewLogin, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (!response.ok) throw await failure(response);
    const session = (await response.json()) as Session;
    saveSession(session);
    return session;
  }

  get reviewer(): Session['reviewer'] {
    return this.session.reviewer;
  }

  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(path, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${this.session.token}` },
    });
    if (!response.ok) {
      const error = await failure(response);
      if (error.signedOut) {
        saveSession(null);
        this.onSignedOut(error.message);
      }
      throw error;
    }
    return response;
  }

  async queue(): Promise<QueueItem[]> {
    const response = await this.request(SYNC_ROUTES.reviewQueue);
    return ((await response.json()) as { tasks: QueueItem[] }).tasks;
  }

  async case(caseId: string): Promise<ReviewCaseResponse> {
    return (await this.request(SYNC_ROUTES.reviewCase(encodeURIComponent(caseId)))).json() as Promise<ReviewCaseResponse>;
  }

  /** A file of the case as a Blob (images are then shown through an object URL). */
  async blob(url: string): Promise<Blob> {
    return (await this.request(url)).blob();
  }

  async decide(taskId: string, decision: DecisionRequest): Promise<DecisionResponse> {
    const response = await this.request(SYNC_ROUTES.reviewDecision(taskId), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(decision),
    });
    return response.json() as Promise<DecisionResponse>;
  }

  /** IT's overview of every window (itAdmin reviewers only). */
  async devices(): Promise<DeviceOverviewResponse> {
    return (await this.request(SYNC_ROUTES.adminDevices)).json() as Promise<DeviceOverviewResponse>;
  }

  async logout(): Promise<void> {
    saveSession(null);
    await fetch(SYNC_ROUTES.reviewLogout, { method: 'POST', headers: { authorization: `Bearer ${this.session.token}` } }).catch(() => undefined);
  }
}
