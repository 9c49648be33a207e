/**
 * Audit witnessing (#8 item 1): the window's audit entries travel to the back office through
 * the outbox, every push carries the chain head, and the back office witnesses it per device. A
 * hash chain alone cannot show a truncated tail; here the tail of the local audit table is cut
 * off (as someone with the database file would) and both the back office and
 * `onewindow audit verify` notice. Real back office over real HTTP, real workstation core.
 */
import { eq } from 'drizzle-orm';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import { startTestBackoffice, TestDevice, type TestBackoffice } from '../../backoffice/testing';
import { auditLog, outbox } from '../../db/schema';
import { runAuditCommand } from '../../electron/audit/cli';
import { auditEntryId } from '../../electron/audit/witness';
import { createCredentialFile, createSyncEngine, type SyncEngine } from '../../electron/sync';
import { lastWitness } from '../../electron/sync/audit-ship';
import type { Workstation } from '../../electron/workstation';
import { auditHeadResponseSchema, deviceAuthorization, isUlid, SYNC_ROUTES, type AuditHeadResponse } from '../../shared/sync';
import { acceptCase, materialsFromPlan, memoryBlobs } from '../chaos/sync-fixture';
import { writeCatalogFixture } from '../helpers/catalog-fixture';
import { openTestWorkstation, signInAdmin, tempDir } from '../helpers/workstation';

const FAST = { backoffBaseMs: 20, backoffCapMs: 300, probeCapMs: 100, idlePollMs: 100, longPollSeconds: 1, requestTimeoutMs: 10_000 };

let bo: TestBackoffice;
beforeAll(async () => {
  bo = await startTestBackoffice();
}, 60_000);
afterAll(async () => {
  await bo?.close();
});

let dir: ReturnType<typeof tempDir>;
let dataDir: string;
let ws: Workstation;
let admin: string;
let engine: SyncEngine;
const credentialPath = () => join(dataDir, 'sync', 'device.cred');
let windowNo = 80;

beforeEach(async () => {
  dir = tempDir();
  windowNo++;
  dataDir = join(dir.path, 'data');
  ws = await openTestWorkstation(dataDir, { catalogDir: writeCatalogFixture(join(dir.path, 'catalog')), flags: { windowNo: String(windowNo) } });
  admin = await signInAdmin(ws);
  const blobs = memoryBlobs();
  engine = createSyncEngine({
    db: ws.database.db,
    baseUrl: bo.baseUrl,
    // The same encrypted credential file browser mode uses, so the CLI can ask the back office.
    credentials: createCredentialFile(credentialPath()),
    blobs,
    materialsForCase: materialsFromPlan(blobs, { pageSize: 2048, pages: 1 }),
    approvalFor: (code, version) => ws.catalog.get(code, version).approval,
    now: () => new Date(),
    onEvent: () => undefined,
    tuning: FAST,
    shipAudit: true,
  });
  await engine.enrol(await bo.backoffice.admin.createEnrolmentCode({ centerCode: '32011300', windowNo: String(windowNo) }), 'audit-test-pc');
}, 30_000);
afterEach(async () => {
  await engine.stop();
  await ws.close();
  dir.remove();
});

async function witnessedAtBackoffice(): Promise<AuditHeadResponse> {
  const credentials = (await createCredentialFile(credentialPath()).load())!;
  const response = await fetch(bo.baseUrl + SYNC_ROUTES.auditHead, { headers: { authorization: deviceAuthorization(credentials.deviceId, credentials.deviceSecret) } });
  expect(response.status).toBe(200);
  return auditHeadResponseSchema.parse(await response.json());
}

/** `onewindow audit verify --json` against this workstation's data folder and the back office. */
async function verifyCli(backofficeUrl = bo.baseUrl): Promise<{ code: number; out: Record<string, any> }> {
  const lines: string[] = [];
  const code = await runAuditCommand(['verify', '--json', '--data-dir', dataDir, '--backoffice-url', backofficeUrl], { stdout: (t) => lines.push(t), stderr: () => undefined });
  return { code, out: JSON.parse(lines.join('\n')) };
}

const localHead = () => ws.database.sqlite.prepare('select id as seq, hash from audit_log order by id desc limit 1').get() as { seq: number; hash: string };

/** Some real work at the window: two cases (each writes audit entries), then sync rounds. Returns the witnessed head. */
async function work(n: number) {
  await acceptCase(ws, admin, n);
  await acceptCase(ws, admin, n + 1);
  await engine.syncOnce();
  // Applying the feed writes audit entries too: one more round ships them.
  await engine.syncOnce();
  const witness = lastWitness(ws.database.db)!;
  expect(witness.status).toBe('witnessed');
  return witness.head;
}

describe('audit shipping with a witnessed chain head', () => {
  it('ships every entry through the outbox with its chain fields and gets the head witnessed', async () => {
    const head = await work(1);
    const shipped = ws.database.db.select().from(outbox).where(eq(outbox.kind, 'audit.append')).all();
    expect(shipped.length).toBeGreaterThan(0);
    expect(shipped.every((e) => e.status === 'done' && e.caseId === null)).toBe(true);
    const entries = shipped.flatMap((e) => (JSON.parse(e.payload) as { entries: { seq: number; hash: string; prevHash: string; entryId: string }[] }).entries);
    // Up to the witnessed head: every local entry exactly once, in order, with the very hashes of the local chain.
    const rows = ws.database.db.select().from(auditLog).all().filter((r) => r.id <= head.seq);
    expect(head).toEqual({ seq: entries.at(-1)!.seq, hash: entries.at(-1)!.hash });
    expect(head.seq).toBeGreaterThan(5);
    expect(entries.map((e) => e.seq)).toEqual(rows.map((r) => r.id));
    expect(entries.map((e) => [e.hash, e.prevHash])).toEqual(rows.map((r) => [r.hash, r.prevHash]));
    expect(entries.every((e) => isUlid(e.entryId))).toBe(true);
    expect(auditEntryId(rows[0].at, rows[0].hash)).toBe(entries[0].entryId);

    // The push carried the head; the back office witnessed it and the PC kept the acknowledgement.
    expect(await witnessedAtBackoffice()).toMatchObject({ head, flags: [] });
    const verified = await verifyCli();
    expect(verified.code).toBe(0);
    expect(verified.out).toMatchObject({ ok: true, chainOk: true, witness: { source: 'backoffice', ok: true, head } });
  }, 60_000);

  it('a truncated tail (rowid sequence reset too) is caught by the back office and by audit verify', async () => {
    const witnessed = await work(1);
    // Someone with the database file removes the last six entries and hides the gap.
    const cut = witnessed.seq - 6;
    ws.database.sqlite.prepare('delete from audit_log where id > ?').run(cut);
    ws.database.sqlite.prepare("update sqlite_sequence set seq = ? where name = 'audit_log'").run(cut);
    // The chain that is left is perfectly consistent: the local check alone sees nothing.
    expect(ws.audit.verify()).toMatchObject({ ok: true });

    // audit verify asks the back office for the witnessed head and finds it missing locally.
    const verified = await verifyCli();
    expect(verified.code).toBe(1);
    expect(verified.out).toMatchObject({ ok: false, chainOk: true, witness: { source: 'backoffice', ok: false, head: witnessed } });
    expect(verified.out.witness.reason).toContain('末尾被删除');
    // Without the back office it falls back to the head the PC kept, and still sees it.
    const offline = await verifyCli('http://127.0.0.1:9');
    expect(offline.out.witness).toMatchObject({ source: 'local', ok: false, head: witnessed });

    // The window carries on; its next push shows a head behind the witnessed one.
    await acceptCase(ws, admin, 10);
    await engine.syncOnce();
    expect(localHead().seq).toBeLessThan(witnessed.seq);
    expect(lastWitness(ws.database.db)).toMatchObject({ status: 'flagged', code: 'HEAD_BACKWARDS', head: witnessed });
    const atBackoffice = await witnessedAtBackoffice();
    // The witnessed head is never lowered, and the evidence stays.
    expect(atBackoffice.head).toEqual(witnessed);
    const codes = atBackoffice.flags.map((f) => f.code);
    expect(codes).toContain('HEAD_BACKWARDS');
    // The entries written after the cut reuse sequence numbers the back office already holds.
    expect(codes).toContain('ENTRY_REWRITTEN');
  }, 60_000);

  it('a truncated tail followed by new entries (numbers moving on) breaks the chain at the back office', async () => {
    const witnessed = await work(1);
    ws.database.sqlite.prepare('delete from audit_log where id > ?').run(witnessed.seq - 2);
    await acceptCase(ws, admin, 20);
    await acceptCase(ws, admin, 21);
    await engine.syncOnce();
    // The new head is ahead of the witnessed one, but its entries do not link to what the back office holds.
    expect(localHead().seq).toBeGreaterThan(witnessed.seq);
    const atBackoffice = await witnessedAtBackoffice();
    expect(atBackoffice.flags.map((f) => f.code)).toContain('CHAIN_BROKEN');
    const verified = await verifyCli();
    expect(verified.code).toBe(1);
    expect(verified.out.witness.flags.length).toBeGreaterThan(0);
  }, 60_000);

  it('without any witnessed head, verify says so and passes on the chain alone', async () => {
    const lines: string[] = [];
    const code = await runAuditCommand(['verify', '--data-dir', dataDir, '--backoffice-url', 'embedded'], { stdout: (t) => lines.push(t), stderr: () => undefined });
    expect(code).toBe(0);
    expect(lines.join('\n')).toContain('尚未见证');
  });

  it('a tail rewritten with fresh hashes (same length) is flagged by the back office, whose head stays', async () => {
    const device = await TestDevice.enrol(bo.baseUrl, await bo.backoffice.admin.createEnrolmentCode({ centerCode: '32011300', windowNo: '89' }));
    const chain = (tag: string, from: number, prev: string, n: number) => {
      const out = [];
      for (let seq = from; seq < from + n; seq++) {
        const hash = createHash('sha256').update(`${tag}/${seq}/${prev}`).digest('hex');
        const at = new Date(Date.UTC(2026, 2, 10, 2, 0, seq)).toISOString();
        out.push({ entryId: auditEntryId(at, hash), at, actor: 'clerk01', action: 'case.accept', seq, role: 'clerk', device: 'ws-32011300-89', prevHash: prev, hash });
        prev = hash;
      }
      return out;
    };
    const push = async (entries: unknown[], auditHead: { seq: number; hash: string }) => {
      const response = await device.fetch(SYNC_ROUTES.push, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ deviceId: device.id, mutations: [{ mutationId: ulid(), kind: 'audit.append', payload: { entries } }], auditHead }),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as { results: { status: string }[]; auditWitness: { status: string; code?: string; head: unknown } };
    };
    const genesis = '0'.repeat(64);
    const original = chain('a', 1, genesis, 5);
    const head = { seq: 5, hash: original[4].hash };
    expect(await push(original, head)).toMatchObject({ results: [{ status: 'applied' }], auditWitness: { status: 'witnessed', head } });
    // Entries 3–5 rewritten and re-hashed: a consistent chain of the same length.
    const rewritten = [...original.slice(0, 2), ...chain('b', 3, original[1].hash, 3)];
    const answer = await push(rewritten.slice(2), { seq: 5, hash: rewritten[4].hash });
    expect(answer.results[0].status).toBe('applied');
    expect(answer.auditWitness).toMatchObject({ status: 'flagged', code: 'HEAD_MISMATCH', head });
    const held = await device.fetch(SYNC_ROUTES.auditHead);
    const state = auditHeadResponseSchema.parse(await held.json());
    expect(state.head).toEqual(head);
    expect(state.flags.map((f) => [f.code, f.seq])).toEqual(expect.arrayContaining([['ENTRY_REWRITTEN', 3], ['HEAD_MISMATCH', 5]]));
  }, 30_000);
});
