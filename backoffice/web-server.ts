/**
 * Serves the reviewers' web UI (backoffice/web, built to out/backoffice-web) at /review/.
 * Build it with `npx vite build --config backoffice/web/vite.config.ts`; until then /review/
 * answers 503 with a Chinese page telling IT to do so. The folder is checked per request, so
 * building it does not need a restart. Strict CSP: scripts from our origin only (no eval, no
 * inline scripts); antd's CSS-in-JS needs inline styles; pages are blob: object URLs.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REVIEW_UI_PREFIX = '/review/';
export const REVIEW_UI_BUILD_COMMAND = 'npx vite build --config backoffice/web/vite.config.ts';
/** out/backoffice-web beside backoffice/ (the back office runs from source with tsx). */
export const DEFAULT_REVIEW_UI_DIR = fileURLToPath(new URL('../out/backoffice-web', import.meta.url));

export const REVIEW_UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface ReviewWebUiOptions {
  /** The built UI folder; default ONEWINDOW_REVIEW_UI_DIR or out/backoffice-web. */
  dir?: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function notBuiltPage(dir: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>后台审批界面尚未构建</title></head>
<body style="font-family:sans-serif;padding:3em;line-height:1.7;color:#222">
<h2>后台审批界面尚未构建</h2>
<p>审批服务正常运行，但网页界面文件不存在，审批人员暂时无法登录。</p>
<p>请信息管理员在程序目录运行以下命令构建界面，完成后刷新本页即可（无需重启服务）：</p>
<pre style="background:#f5f5f5;padding:1em">${escapeHtml(REVIEW_UI_BUILD_COMMAND)}</pre>
<p style="color:#666">界面目录：${escapeHtml(dir)}</p>
</body></html>`;
}

const exists = (path: string) => access(path).then(() => true, () => false);

/** Fastify plugin: register it as is (`app.register(reviewWebUi)`); its hooks stay inside. */
export async function reviewWebUi(app: FastifyInstance, options: ReviewWebUiOptions = {}): Promise<void> {
  const dir = options.dir ?? process.env.ONEWINDOW_REVIEW_UI_DIR ?? DEFAULT_REVIEW_UI_DIR;
  const indexFile = join(dir, 'index.html');

  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', REVIEW_UI_CSP);
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
  });

  const sendIndex = async (reply: FastifyReply) => {
    if (!(await exists(indexFile))) {
      return reply.status(503).header('retry-after', '60').header('cache-control', 'no-store').type('text/html; charset=utf-8').send(notBuiltPage(dir));
    }
    return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(await readFile(indexFile));
  };

  app.get('/review', async (_request, reply) => reply.redirect(REVIEW_UI_PREFIX));
  app.get(REVIEW_UI_PREFIX, async (_request, reply) => sendIndex(reply));
  app.get(`${REVIEW_UI_PREFIX}index.html`, async (_request, reply) => sendIndex(reply));

  // Hashed bundles under assets/ never change; anything else is revalidated.
  await app.register(fastifyStatic, {
    root: dir,
    prefix: REVIEW_UI_PREFIX,
    index: false,
    wildcard: true,
    decorateReply: false,
    cacheControl: false,
    serveDotFiles: false,
    setHeaders(reply, path) {
      const immutable = /[\\/]assets[\\/][^\\/]+-[\w-]{8}\.\w+$/.test(path);
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
