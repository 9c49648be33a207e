/**
 * Hostile input against EVERY contract channel, through the real dispatcher of a real
 * workstation (SQLite in a temp folder): malformed, oversized, deeply nested and wrong-typed
 * inputs, path-traversal names, prototype-pollution keys, and replayed / reordered sequences of
 * real calls. Every refusal must be a typed error with a Chinese message (never INTERNAL), the
 * process must not crash, the database must pass integrity_check and no half-written rows may
 * appear. Prints `fuzz: channels=N cases=M`.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import sharp from 'sharp';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelAccess, decideAccess } from '../../shared/auth/permissions';
import { CHANNELS, contract, type Channel } from '../../shared/contract/channels';
import { ERROR_CODES, type Envelope } from '../../shared/contract/errors';
import type { Workstation } from '../../electron/workstation';
import { COMPLETE_MATERIALS, PERSONAL_ITEM, personalFormData, writeCatalogFixture } from '../helpers/catalog-fixture';
import { openTestWorkstation, signInAdmin, tempDir } from '../helpers/workstation';

const RUNS_PER_CHANNEL = Number(process.env.FUZZ_RUNS ?? 60);
const SEQUENCE_RUNS = Number(process.env.FUZZ_SEQUENCE_RUNS ?? 40);
const CHINESE = /[\u4e00-\u9fff]/;

/** Names an attacker would try for files, ids and codes. */
const HOSTILE_STRINGS = [
  '../../../../etc/passwd',
  '..\\..\\..\\Windows\\System32\\config\\SAM',
  '/etc/shadow',
  'C:\\Windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '....//....//',
  'file:///etc/passwd',
  '\\\\server\\share\\x',
  'nul',
  'CON',
  'a\u0000b',
  '\u202e\u202d',
  "' OR 1=1 --",
  '"; DROP TABLE cases; --',
  '<script>alert(1)</script>',
  '=HYPERLINK("http://x")',
  '${process.exit()}',
  '__proto__',
  'constructor',
  'prototype',
  '𠀀𪚥𫝀',
  '',
  ' ',
  'x'.repeat(70_000),
];

/** Objects whose own keys reach for the prototype, as JSON.parse makes them. */
const POLLUTERS: unknown[] = [
  JSON.parse('{"__proto__": {"polluted": "yes"}}'),
  JSON.parse('{"constructor": {"prototype": {"polluted": "yes"}}}'),
  JSON.parse('{"a": {"__proto__": {"polluted": "yes"}}}'),
  { prototype: { polluted: 'yes' } },
];

function nested(depth: number, leaf: unknown = 'x'): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** The keys of a channel's input object, when it is one (so the fuzz reaches past the first check). */
function inputKeys(schema: z.ZodType): string[] {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape && typeof shape === 'object' ? Object.keys(shape) : [];
}

describe('fuzzing every contract channel', () => {
  let dir: ReturnType<typeof tempDir>;
  let ws: Workstation;
  let clock = Date.parse('2026-11-27T02:00:00Z');
  const sessions: Record<string, string> = {};
  const passwords: Record<string, string> = { admin: 'Counter2026pass', clerk01: 'Clerk2026pass', supervisor01: 'Supervisor2026pass' };
  const known: string[] = [];
  let cases = 0;
  const internals: string[] = [];

  beforeAll(async () => {
    dir = tempDir();
    writeCatalogFixture(join(dir.path, 'catalog'));
    ws = await openTestWorkstation(join(dir.path, 'data'), {
      catalogDir: join(dir.path, 'catalog'),
      now: () => new Date(clock),
      log: (line) => {
        if (line.includes('internal error')) internals.push(line.slice(0, 2000));
      },
    });
    sessions.admin = await signInAdmin(ws, passwords.admin);
    for (const [username, role] of [['clerk01', 'clerk'], ['supervisor01', 'supervisor']] as const) {
      const { oneTimePassword } = ws.auth.addUser({ username, displayName: username, role }, { actor: 'test', role: 'admin' });
      const s = (await ws.dispatch('auth.signIn', { username, password: oneTimePassword }, {})).session as string;
      await ws.dispatch('auth.changePassword', { currentPassword: oneTimePassword, newPassword: passwords[username] }, { sessionId: s });
      sessions[username] = s;
    }
    // Real ids for the fuzz to aim at: a draft with a page, an accepted case.
    const draft = await ws.dispatch('drafts.save', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData(), materials: [...COMPLETE_MATERIALS] }, { sessionId: sessions.clerk01 });
    const draftId = (draft.envelope as { data: { draftId: string } }).data.draftId;
    const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 90, g: 120, b: 150 } } }).jpeg().toBuffer();
    const page = await ws.dispatch('materials.addPage', { owner: { draftId }, materialId: 'id-card', dataBase64: jpeg.toString('base64'), source: 'camera' }, { sessionId: sessions.clerk01 });
    const pageId = (page.envelope as { data: { added: { id: string }[] } }).data.added[0]!.id;
    const accepted = await ws.dispatch('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData('李四'), materials: [...COMPLETE_MATERIALS] }, { sessionId: sessions.clerk01 });
    const caseId = (accepted.envelope as { data: { id: string } }).data.id;
    known.push(draftId, pageId, caseId, PERSONAL_ITEM.code, 'id-card', 'photo', 'hukou-book');
  }, 60_000);

  afterAll(async () => {
    await ws?.close();
    dir?.remove();
  });

  /** A session allowed to call the channel (so the fuzz reaches the input checks and the handler). */
  function sessionFor(channel: Channel): string | undefined {
    const access = channelAccess(channel) ?? contract[channel].access;
    for (const name of ['admin', 'supervisor01', 'clerk01']) {
      const s = ws.auth.getSession(sessions[name]);
      if (s && decideAccess(access, s) === 'ALLOWED') return sessions[name];
    }
    return undefined;
  }

  /** The fuzz may sign a session out, lock it or fail its unlocks: put the test users back. */
  async function restoreSessions() {
    ws.database.sqlite.prepare('update users set failed_attempts = 0, locked_until = null, disabled = 0').run();
    for (const username of Object.keys(sessions)) {
      const s = ws.auth.getSession(sessions[username]);
      if (s && !s.locked) continue;
      const r = await ws.dispatch('auth.signIn', { username, password: passwords[username] }, {});
      if (!r.envelope.ok) {
        // A fuzzed users.resetPassword: set it back through the service, as IT would.
        const { oneTimePassword } = ws.auth.resetPassword(username, { actor: 'test', role: 'admin' });
        const fresh = (await ws.dispatch('auth.signIn', { username, password: oneTimePassword }, {})).session as string;
        await ws.dispatch('auth.changePassword', { currentPassword: oneTimePassword, newPassword: passwords[username] === 'x' ? 'Reset2026pass' : `${passwords[username]}9` }, { sessionId: fresh });
        passwords[username] = `${passwords[username]}9`;
        sessions[username] = fresh;
      } else sessions[username] = r.session as string;
    }
  }

  const outcomes = new Map<string, number>();
  function checkEnvelope(channel: string, input: unknown, envelope: Envelope): void {
    cases++;
    const outcome = envelope.ok ? 'ok' : envelope.error.code;
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    if (envelope.ok) return;
    const { code, message } = envelope.error;
    expect(ERROR_CODES, `${channel}: unknown code ${code}`).toContain(code);
    expect(code, `${channel} with ${JSON.stringify(input)?.slice(0, 300)}: ${message}\n${internals.at(-1) ?? ''}`).not.toBe('INTERNAL');
    expect(message, `${channel}: ${code}`).toMatch(CHINESE);
  }

  /** Built after beforeAll, so the real ids are in the pool. */
  function values() {
    const leaf = fc.oneof(
      fc.constantFrom(...HOSTILE_STRINGS),
      fc.constantFrom(...known),
      fc.string({ maxLength: 40 }),
      fc.integer(),
      fc.double(),
      fc.constantFrom(0, -1, 1, 2 ** 31, Number.MAX_SAFE_INTEGER, -0, Number.NaN, Number.POSITIVE_INFINITY),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
    );
    const value = fc.oneof(
      { weight: 4, arbitrary: leaf },
      { weight: 1, arbitrary: fc.array(leaf, { maxLength: 5 }) },
      { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), leaf, { maxKeys: 5 }) },
      { weight: 1, arbitrary: fc.constantFrom(...POLLUTERS) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map((d) => nested(d)) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 50_000 }).map((n) => Array.from({ length: n }, (_, i) => i)) },
    );
    return value;
  }

  function inputFor(channel: Channel, value: fc.Arbitrary<unknown>) {
    const keys = inputKeys(contract[channel].input);
    const shaped = keys.length
      ? fc.record(Object.fromEntries(keys.map((k) => [k, value])), { requiredKeys: [] }).chain((base) =>
          fc.oneof(
            fc.constant(base as unknown),
            // An extra key, including the ones that reach for the prototype.
            fc.tuple(fc.constantFrom('__proto__', 'constructor', 'extra', 'prototype'), value).map(([k, v]) => Object.defineProperty({ ...(base as object) }, k, { value: v, enumerable: true, configurable: true, writable: true }) as unknown),
          ),
        )
      : fc.constant({} as unknown);
    return fc.oneof({ weight: 3, arbitrary: shaped }, { weight: 1, arbitrary: value }, { weight: 1, arbitrary: fc.anything({ maxDepth: 4, withNullPrototype: true, withObjectString: true }) });
  }

  it('answers every hostile input to every channel with a typed refusal or a valid result', async () => {
    const value = values();
    for (const channel of CHANNELS) {
      await fc.assert(
        fc.asyncProperty(inputFor(channel, value), async (input) => {
          await restoreSessions();
          let result;
          try {
            result = await ws.dispatch(channel, input, { sessionId: sessionFor(channel) });
          } catch (err) {
            throw new Error(`dispatch threw on ${channel}: ${(err as Error).message}`, { cause: err });
          }
          checkEnvelope(channel, input, result.envelope);
          clock += 1000;
        }),
        { numRuns: RUNS_PER_CHANNEL, endOnFailure: true },
      );
    }
    // Unknown and look-alike channel names.
    for (const name of ['__proto__', 'constructor', 'toString', 'cases.list ', 'CASES.LIST', '../cases.list', 'cases.list\u0000', 'x'.repeat(5000), 42, null, {}]) {
      const r = await ws.dispatch(name, {}, { sessionId: sessions.admin });
      expect(r.envelope).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
      cases++;
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  }, 240_000);

  it('survives replayed and reordered intake sequences without half-written rows', async () => {
    type Step = { channel: Channel; input: (ids: Record<string, string>) => unknown };
    const smallJpeg = (await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 10, g: 200, b: 30 } } }).jpeg().toBuffer()).toString('base64');
    const steps: Step[] = [
      { channel: 'drafts.save', input: (ids) => ({ ...(ids.draftId ? { draftId: ids.draftId } : {}), itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData('赵六'), materials: [...COMPLETE_MATERIALS] }) },
      { channel: 'materials.addPage', input: (ids) => ({ owner: { draftId: ids.draftId ?? 'none' }, materialId: 'photo', dataBase64: smallJpeg, source: 'import', fileName: '../../照片.jpg' }) },
      { channel: 'materials.listPages', input: (ids) => ({ owner: { draftId: ids.draftId ?? 'none' }, materialId: 'id-card' }) },
      { channel: 'materials.rotate', input: (ids) => ({ pageId: ids.pageId ?? 'none', degrees: 90 }) },
      { channel: 'materials.deletePage', input: (ids) => ({ pageId: ids.pageId ?? 'none' }) },
      { channel: 'cases.accept', input: (ids) => ({ itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData('赵六'), materials: [...COMPLETE_MATERIALS], ...(ids.draftId ? { draftId: ids.draftId } : {}) }) },
      { channel: 'drafts.discard', input: (ids) => ({ draftId: ids.draftId ?? 'none' }) },
      { channel: 'drafts.get', input: (ids) => ({ draftId: ids.draftId ?? 'none' }) },
      { channel: 'cases.get', input: (ids) => ({ id: ids.caseId ?? 'none' }) },
      { channel: 'auth.signOut', input: () => ({}) },
      { channel: 'auth.activity', input: () => ({}) },
    ];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: steps.length - 1 }), { minLength: 2, maxLength: 12 }), fc.boolean(), async (order, replayEach) => {
        await restoreSessions();
        const ids: Record<string, string> = {};
        const casesBefore = ws.cases.list({ limit: 500 }).total;
        let accepted = 0;
        for (const i of order) {
          const step = steps[i]!;
          for (let times = 0; times < (replayEach ? 2 : 1); times++) {
            const input = step.input(ids);
            const r = await ws.dispatch(step.channel, input, { sessionId: sessions.clerk01 });
            checkEnvelope(step.channel, input, r.envelope);
            if (r.envelope.ok) {
              const data = r.envelope.data as Record<string, unknown>;
              if (step.channel === 'drafts.save') ids.draftId = data.draftId as string;
              if (step.channel === 'materials.addPage') ids.pageId = (data.added as { id: string }[])[0]!.id;
              if (step.channel === 'cases.accept') {
                accepted++;
                ids.caseId = data.id as string;
              }
            }
            if (step.channel === 'auth.signOut') await restoreSessions();
          }
        }
        // Replaying an accept of the same draft never makes a second case from it.
        const created = ws.cases.list({ limit: 500 }).total - casesBefore;
        expect(created).toBe(accepted);
      }),
      { numRuns: SEQUENCE_RUNS, endOnFailure: true },
    );
  }, 120_000);

  it('leaves a sound database: integrity, foreign keys, audit chain, no half-written case', () => {
    const db = ws.database.sqlite;
    expect((db.pragma('integrity_check') as { integrity_check: string }[])[0]!.integrity_check).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(ws.audit.verify()).toMatchObject({ ok: true });
    // Every case was written whole: its first event, its outbox entry and its audit entry.
    const orphans = db
      .prepare(
        `select c.case_no from cases c
         where not exists (select 1 from case_events e where e.case_id = c.id)
            or not exists (select 1 from outbox o where o.case_id = c.id)
            or not exists (select 1 from audit_log a where a.case_id = c.id and a.action = 'case.accept')`,
      )
      .all();
    expect(orphans).toEqual([]);
    // Every page names a stored blob; no page belongs to nobody.
    expect(db.prepare('select count(*) as n from material_pages p left join blobs b on b.sha256 = p.sha256 where b.sha256 is null').get()).toEqual({ n: 0 });
    expect(db.prepare('select count(*) as n from material_pages where draft_id is null and case_id is null').get()).toEqual({ n: 0 });
    expect(internals).toEqual([]);
    // The fuzz got past the schemas too: some calls succeeded and some were refused by handlers.
    expect(outcomes.get('ok') ?? 0).toBeGreaterThan(0);
    expect([...outcomes.keys()].filter((k) => !['ok', 'INVALID_INPUT'].includes(k)).length).toBeGreaterThan(0);
    console.log(`fuzz: channels=${CHANNELS.length} cases=${cases} outcomes=${JSON.stringify(Object.fromEntries(outcomes))}`);
  });
});
