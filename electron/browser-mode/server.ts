/**
 * Browser mode: the same core served on 127.0.0.1 to the same renderer, for tests, demos and
 * training. Guards: bound to loopback only; a per-launch token in the printed URL becomes an
 * HttpOnly cookie; every API call must carry it, come from our own Origin and name our Host
 * (defeats DNS rebinding and cross-site requests). The session lives in a second HttpOnly cookie.
 * Failed sign-ins are throttled per client and per username (429 with Retry-After).
 */
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CoreEvent } from '../../shared/contract/events';
import { appPath } from '../paths';
import { CONTENT_SECURITY_POLICY } from '../security/csp';
import type { Workstation } from '../workstation';
import { createSignInLimiter, DEFAULT_SIGN_IN_LIMITS, type SignInLimits } from '../auth/rate-limit';

export interface BrowserModeOptions {
  workstation: Workstation;
  port: number;
  /** The built renderer (index.html and assets); default out/renderer. */
  rendererDir?: string;
  /** Failed sign-ins allowed per client and per username (tests lower them). */
  signInLimits?: SignInLimits;
}

export interface BrowserModeServer {
  app: FastifyInstance;
  /** The URL to open, with the launch token. */
  url: string;
  origin: string;
  close(): Promise<void>;
}

const LAUNCH_COOKIE = 'ow_launch';
/** Ordinary calls stay small; a captured or imported page (base64) may be large. */
const SMALL_BODY = 2 * 1024 * 1024;
const PAGE_BODY = 40 * 1024 * 1024;
const LARGE_BODY_CHANNELS = new Set(['materials.addPage']);
const SESSION_COOKIE = 'ow_session';


function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

function signInUsername(body: unknown): string | undefined {
  const u = body && typeof body === 'object' ? (body as Record<string, unknown>).username : undefined;
  return typeof u === 'string' ? u.slice(0, 64) : undefined;
}

function sameSecret(a: string | undefined, b: string): boolean {
  if (!a || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

const cookie = (name: string, value: string, maxAge?: number) =>
  `${name}=${value}; Path=/; HttpOnly; SameSite=Strict${maxAge !== undefined ? `; Max-Age=${maxAge}` : ''}`;

const NOT_LAUNCHED_PAGE = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>OneWindow</title>
<body style="font-family:sans-serif;padding:3em"><h2>请使用启动时打印的地址打开工作台</h2>
<p>为保护办件数据，浏览器模式只接受带有本次启动令牌的地址（形如 http://127.0.0.1:端口/?launch=…）。请查看启动窗口中的输出。</p></body></html>`;

export async function startBrowserMode(options: BrowserModeOptions): Promise<BrowserModeServer> {
  const { workstation } = options;
  const rendererDir = options.rendererDir ?? appPath('out', 'renderer');
  const indexFile = join(rendererDir, 'index.html');
  if (!existsSync(indexFile)) {
    throw new Error(`找不到界面文件 ${indexFile}：请先运行 npm run build`);
  }
  const launchToken = randomBytes(24).toString('base64url');
  const app = Fastify({ logger: false, bodyLimit: SMALL_BODY });
  let allowedHosts: string[] = [];
  const signInLimiter = createSignInLimiter(options.signInLimits ?? DEFAULT_SIGN_IN_LIMITS);

  app.addHook('onRequest', async (req, reply) => {
    reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Frame-Options', 'DENY');
    if (!allowedHosts.includes(req.headers.host ?? '')) {
      return reply.code(421).type('text/plain; charset=utf-8').send('主机名不被接受');
    }
  });

  const launched = (req: FastifyRequest) => sameSecret(parseCookies(req.headers.cookie)[LAUNCH_COOKIE], launchToken);
  const guardApi = (req: FastifyRequest, reply: FastifyReply): boolean => {
    if (!launched(req)) {
      reply.code(401).send({ ok: false, error: { code: 'UNAUTHENTICATED', message: '启动令牌无效，请使用启动时打印的地址重新打开' } });
      return false;
    }
    const requestOrigin = req.headers.origin;
    if (requestOrigin !== undefined && !allowedHosts.some((h) => requestOrigin === `http://${h}`)) {
      reply.code(403).send({ ok: false, error: { code: 'FORBIDDEN', message: '拒绝来自其他网站的请求' } });
      return false;
    }
    return true;
  };

  app.get('/', async (req, reply) => {
    const token = (req.query as Record<string, string | undefined>).launch;
    if (token !== undefined) {
      if (!sameSecret(token, launchToken)) return reply.code(403).type('text/html; charset=utf-8').send(NOT_LAUNCHED_PAGE);
      return reply.header('Set-Cookie', cookie(LAUNCH_COOKIE, launchToken)).redirect('/');
    }
    if (!launched(req)) return reply.code(403).type('text/html; charset=utf-8').send(NOT_LAUNCHED_PAGE);
    return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(readFileSync(indexFile));
  });

  await app.register(fastifyStatic, { root: rendererDir, index: false, wildcard: true, decorateReply: false });

  app.post('/api/call/:channel', { bodyLimit: PAGE_BODY }, async (req, reply) => {
    if (!guardApi(req, reply)) return reply;
    const { channel: name } = req.params as { channel: string };
    if (Number(req.headers['content-length'] ?? 0) > SMALL_BODY && !LARGE_BODY_CHANNELS.has(name)) {
      return reply.code(413).send({ ok: false, error: { code: 'INVALID_INPUT', message: '请求数据过大' } });
    }
    if (!req.headers['content-type']?.startsWith('application/json')) {
      return reply.code(415).send({ ok: false, error: { code: 'INVALID_INPUT', message: '请求须为 JSON' } });
    }
    const { channel } = req.params as { channel: string };
    // Sign-in is throttled per client and per username before the password is checked.
    const signIn = channel === 'auth.signIn';
    const username = signIn ? signInUsername(req.body) : undefined;
    if (signIn) {
      const wait = signInLimiter.retryAfter(req.ip, username);
      if (wait > 0) {
        return reply
          .code(429)
          .header('Retry-After', String(wait))
          .header('Cache-Control', 'no-store')
          .send({ ok: false, error: { code: 'RATE_LIMITED', message: `登录失败次数过多，请 ${wait} 秒后再试`, details: { retryAfterSeconds: wait } } });
      }
    }
    const result = await workstation.dispatch(channel, req.body, { sessionId: parseCookies(req.headers.cookie)[SESSION_COOKIE] });
    if (signIn) signInLimiter.record(req.ip, username, result.envelope.ok);
    if (result.session === null) reply.header('Set-Cookie', cookie(SESSION_COOKIE, '', 0));
    else if (typeof result.session === 'string') reply.header('Set-Cookie', cookie(SESSION_COOKIE, result.session));
    return reply.header('Cache-Control', 'no-store').send(result.envelope);
  });

  app.get('/api/events', (req, reply) => {
    if (!guardApi(req, reply)) return reply;
    const sessionId = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    });
    res.write(': connected\n\n');
    const send = (event: CoreEvent, target?: string) => {
      if (target !== undefined && target !== sessionId) return;
      res.write(`data: ${JSON.stringify(event)}\n\n`);
    };
    const unsubscribe = workstation.subscribe(send);
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
    req.raw.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
    });
  });

  const address = await listenWithFallback(app, options.port);
  const port = Number(new URL(address).port);
  const origin = `http://127.0.0.1:${port}`;
  allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  return {
    app,
    origin,
    url: `${origin}/?launch=${launchToken}`,
    close: () => app.close(),
  };
}

/** Listens on the configured port, or on a free one when it is taken (a second window on one PC). */
async function listenWithFallback(app: FastifyInstance, port: number): Promise<string> {
  try {
    return await app.listen({ port, host: '127.0.0.1' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw err;
    return app.listen({ port: 0, host: '127.0.0.1' });
  }
}
