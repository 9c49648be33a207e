/**
 * Public certificate verification: the QR code on a certificate opens GET /verify/<code>, a
 * small Chinese page (or JSON with ?format=json) saying whether the certificate is genuine:
 * certificate and case numbers, item, holder with the ID number masked, issue date, validity.
 * The code is random (96 bits), so certificates cannot be enumerated; no login is needed, and
 * nothing beyond what is printed on the paper is shown.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { BackofficeContext } from '../context';
import { cases, certificates } from '../db/schema';
import { chineseDate, DEFAULT_ISSUER, maskHolderId, validityText } from './certificate';

export function newVerifyCode(): string {
  return randomBytes(12).toString('base64url');
}

const CODE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

export interface CertificateVerification {
  valid: boolean;
  certificateNo: string;
  caseNo: string;
  itemCode: string;
  itemName: string;
  holderName: string;
  holderIdMasked: string;
  issuedAt: string;
  issuedOn: string;
  validity: string;
  /** Why the certificate is no longer valid (expired, the case withdrawn). */
  note?: string;
  issuer: string;
}

export async function verifyCertificate(ctx: BackofficeContext, code: string): Promise<CertificateVerification | null> {
  if (!CODE_PATTERN.test(code)) return null;
  const [row] = await ctx.db
    .select({ cert: certificates, kase: cases })
    .from(certificates)
    .innerJoin(cases, eq(cases.id, certificates.caseId))
    .where(eq(certificates.verifyCode, code));
  if (!row) return null;
  const applicant = row.kase.applicant as { name: string; idType: string; idNumber: string };
  const today = new Date(ctx.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  const expired = row.cert.validUntil !== null && row.cert.validUntil < today;
  const withdrawn = row.kase.status === 'withdrawn';
  return {
    valid: !expired && !withdrawn,
    certificateNo: row.cert.certificateNo,
    caseNo: row.kase.caseNo,
    itemCode: row.kase.itemCode,
    itemName: row.kase.itemName,
    holderName: applicant.name,
    holderIdMasked: maskHolderId(applicant.idType, applicant.idNumber),
    issuedAt: row.cert.issuedAt.toISOString(),
    issuedOn: chineseDate(row.cert.issuedAt),
    validity: validityText(row.cert.validUntil),
    ...(expired ? { note: '已超过有效期' } : withdrawn ? { note: '办件已撤回，本证明失效' } : {}),
    issuer: DEFAULT_ISSUER,
  };
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
    .header('referrer-policy', 'no-referrer')
    .send(
      `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
        `<title>${escape(title)}</title><style>body{font-family:sans-serif;max-width:36em;margin:2em auto;padding:0 1em;color:#222}` +
        `h1{font-size:1.4em}dl{display:grid;grid-template-columns:7em 1fr;gap:.5em}dt{color:#666}.ok{color:#137333}.bad{color:#b3261e}</style></head>` +
        `<body>${body}</body></html>`,
    );
}

export async function verifyRoutes(app: FastifyInstance, ctx: BackofficeContext): Promise<void> {
  app.get('/verify/:code', async (request, reply) => {
    const code = String((request.params as { code?: unknown }).code ?? '');
    const json = (request.query as { format?: unknown }).format === 'json';
    const found = await verifyCertificate(ctx, code);
    if (json) {
      reply.header('cache-control', 'no-store');
      return found ? reply.send(found) : reply.status(404).send({ error: { code: 'CERTIFICATE_NOT_FOUND', message: '未找到该证照，可能不是本中心出具的证明', details: {} } });
    }
    if (!found) {
      return page(reply, 404, '证照核验', `<h1 class="bad">未找到该证照</h1><p>核验码无效：该证明可能不是${escape(DEFAULT_ISSUER)}出具的，请向发证机关核实。</p>`);
    }
    const rows: [string, string][] = [
      ['证照编号', found.certificateNo],
      ['办件编号', found.caseNo],
      ['事项名称', `${found.itemName}（${found.itemCode}）`],
      ['持证人', found.holderName],
      ['证件号码', found.holderIdMasked],
      ['核发日期', found.issuedOn],
      ['有效期', found.validity],
      ['核发机关', found.issuer],
    ];
    const state = found.valid ? `<h1 class="ok">证照真实有效</h1>` : `<h1 class="bad">证照已失效：${escape(found.note ?? '')}</h1>`;
    return page(reply, 200, '证照核验', `${state}<dl>${rows.map(([k, v]) => `<dt>${escape(k)}</dt><dd>${escape(v)}</dd>`).join('')}</dl>`);
  });
}
