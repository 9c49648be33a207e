/**
 * 信用审查: the restricted list imported from a file through the CLI, stored as keyed hashes
 * only, checked offline with its age shown; a hit is recorded, audited and blocks 告知承诺.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../electron/cli/args';
import { runIdentityCommand, type IdentityCliContext } from '../../electron/identity/cli';
import { createCreditService } from '../../electron/identity/credit';
import { commitmentBlocked, creditCommitmentProblems } from '../../electron/identity/credit-rules';
import { createFileKeySource, deriveIdentityKeys } from '../../electron/identity/keys';
import { makeIdNumber } from '../../electron/identity/testing';
import { ContractError } from '../../shared/contract/errors';
import { identityChannels } from '../../shared/contract/identity';
import { orgCodeCheckChar, usccCheckChar } from '../../shared/validators/uscc';
import { auditEntries, openIdentityTestDb, type IdentityTestDb } from '../helpers/identity-db';

const ACTOR = { username: 'clerk1', role: 'clerk' };
const listed = makeIdNumber('320113', '19750101', '031');
const clear = makeIdNumber('320113', '19880808', '042');
const org = '12345678';
const body = `91320113${org}${orgCodeCheckChar(org)}`;
const company = body + usccCheckChar(body);

let t: IdentityTestDb;
let listFile: string;

function listJson(entries: unknown[], generatedAt = '2026-03-08T00:00:00+08:00') {
  return JSON.stringify({ source: '信用中国（江苏南京）', version: '2026-03-08', generatedAt, entries });
}

function io() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (s: string) => void (out.stdout += s + '\n'), stderr: (s: string) => void (out.stderr += s + '\n') } };
}

const open = (): IdentityCliContext => ({ db: t.database.db, dataDir: t.dataDir, audit: t.audit, close: () => undefined });
const credit = () => createCreditService({ db: t.database.db, audit: t.audit, now: t.now, key: () => deriveIdentityKeys(createFileKeySource(t.dataDir).masterKey()).restrictedList });

beforeAll(() => {
  t = openIdentityTestDb();
  listFile = join(t.dir, 'restricted.json');
  writeFileSync(
    listFile,
    listJson([
      { kind: 'person', idNumber: listed, category: '失信被执行人' },
      { kind: 'enterprise', creditCode: company },
      { kind: 'person', idNumber: listed.slice(0, 17) + (listed[17] === '0' ? '1' : '0') }, // bad check digit
      { kind: 'enterprise', creditCode: clear }, // a person's number is no credit code
      { kind: 'robot', idNumber: 'x' },
    ]),
  );
});

afterAll(() => t?.close());

describe('onewindow identity (CLI)', () => {
  it('reports that no list is loaded yet', async () => {
    const { out, io: cio } = io();
    expect(await runIdentityCommand(['restricted-list', 'status'], cio, { open, now: t.now })).toBe(1);
    expect(out.stdout).toContain('尚未导入失信名单');
    expect(credit().check({ idNumber: listed }, ACTOR)).toMatchObject({ standing: 'unknown', hit: false, commitmentAllowed: true });
  });

  it('imports the list, skipping bad entries with reasons, and audits it', async () => {
    const { out, io: cio } = io();
    expect(await runIdentityCommand(['identity', 'import-restricted-list', listFile], cio, { open, now: t.now })).toBe(0);
    expect(out.stdout).toContain('已导入失信名单：2 条');
    expect(out.stdout).toContain('跳过 3 条');
    expect(out.stdout).toContain('校验位');
    expect(out.stdout).not.toContain(listed);
    const { out: out2, io: jio } = io();
    expect(await runIdentityCommand(['restricted-list', 'status', '--json'], jio, { open, now: t.now })).toBe(0);
    const status = JSON.parse(out2.stdout);
    expect(status).toMatchObject({ ok: true, loaded: true, version: '2026-03-08', entries: 2, ageDays: 2, stale: false });
    const entry = auditEntries(t).find((e) => e.action === 'identity.restrictedList.import')!;
    expect(entry.detail).toMatchObject({ entries: 2, skipped: 3, version: '2026-03-08' });
  });

  it('refuses a broken file, a missing file and bad usage', async () => {
    const bad = join(t.dir, 'bad.json');
    writeFileSync(bad, '{"source": 1}');
    const { out, io: cio } = io();
    expect(await runIdentityCommand(['import-restricted-list', bad], cio, { open, now: t.now })).toBe(1);
    expect(out.stderr).toContain('名单文件格式有误');
    expect(await runIdentityCommand(['import-restricted-list', join(t.dir, 'none.json')], cio, { open, now: t.now })).toBe(1);
    expect(out.stderr).toContain('找不到名单文件');
    await expect(runIdentityCommand(['import-restricted-list'], cio, { open })).rejects.toThrow(UsageError);
    await expect(runIdentityCommand(['frobnicate'], cio, { open })).rejects.toThrow(UsageError);
    // The list loaded before is untouched.
    expect(credit().status().entries).toBe(2);
  });
});

describe('credit check', () => {
  it('finds a listed person and company by keyed hash; a hit is recorded and blocks commitments', () => {
    const hit = credit().check({ idNumber: listed, draftId: 'draft-1' }, ACTOR);
    expect(hit).toMatchObject({ kind: 'person', standing: 'hit', hit: true, category: '失信被执行人', commitmentAllowed: false });
    expect(hit.message).toContain('不适用告知承诺制');
    expect(hit.message).toContain('2 天前');
    expect(hit.valueMasked).not.toBe(listed);
    const firm = credit().check({ creditCode: company.toLowerCase() }, ACTOR);
    expect(firm).toMatchObject({ kind: 'enterprise', hit: true, category: '严重失信主体名单' });
    expect(credit().check({ idNumber: clear }, ACTOR)).toMatchObject({ standing: 'clear', hit: false, commitmentAllowed: true });

    const rows = t.database.sqlite.prepare('SELECT kind, value_masked, draft_id, operator, key_hash FROM identity_credit_hits ORDER BY at').all() as Record<string, string>[];
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ kind: 'person', draft_id: 'draft-1', operator: 'clerk1' });
    expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    const checks = auditEntries(t).filter((e) => e.action === 'identity.credit.check');
    expect(checks.map((e) => e.detail.standing)).toEqual(['unknown', 'hit', 'hit', 'clear']);
  });

  it('the database file holds no plain ID number or credit code', () => {
    t.database.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    for (const file of [t.database.file, `${t.database.file}-wal`]) {
      if (!existsSync(file)) continue;
      const raw = readFileSync(file);
      for (const value of [listed, company, clear]) {
        expect(raw.includes(Buffer.from(value))).toBe(false);
        expect(raw.includes(Buffer.from(value, 'utf16le'))).toBe(false);
      }
    }
  });

  it('depends on the workstation key: the same list under another key does not match', () => {
    const other = createCreditService({ db: t.database.db, audit: t.audit, now: t.now, key: () => deriveIdentityKeys(Buffer.alloc(32, 9)).restrictedList });
    expect(other.check({ idNumber: listed }, ACTOR).hit).toBe(false);
  });

  it('says when the list is getting old', () => {
    const later = createCreditService({
      db: t.database.db,
      audit: t.audit,
      now: () => new Date(t.now().getTime() + 10 * 86_400_000),
      key: () => deriveIdentityKeys(createFileKeySource(t.dataDir).masterKey()).restrictedList,
    });
    const s = later.status();
    expect(s).toMatchObject({ ageDays: 12, stale: true });
    expect(s.message).toContain('尽快更新');
  });

  it('refuses numbers that are not valid, with a Chinese message', () => {
    expect(() => credit().check({ idNumber: '123' }, ACTOR)).toThrow(ContractError);
    expect(() => credit().check({ idNumber: company }, ACTOR)).toThrow(/公民身份号码/);
    const input = identityChannels['identity.credit.check'].input;
    expect(input.safeParse({ idNumber: listed, creditCode: company }).success).toBe(false);
    expect(input.safeParse({}).success).toBe(false);
  });
});

describe('commitment rules (pure)', () => {
  const materials = [
    { id: 'licence', name: '营业执照' },
    { id: 'lease', name: '场地使用证明' },
  ];
  const states = [
    { materialId: 'licence', status: 'received' as const },
    { materialId: 'lease', status: 'commitment' as const },
  ];

  it('a hit forbids every material taken on commitment', () => {
    const problems = creditCommitmentProblems(materials, states, [{ standing: 'hit', category: '失信被执行人', subject: '申请人' }]);
    expect(problems).toEqual([{ materialId: 'lease', name: '场地使用证明', reason: expect.stringContaining('失信名单') }]);
    expect(commitmentBlocked([{ standing: 'clear' }, { standing: 'hit' }])).toBe(true);
  });

  it('a clear check forbids nothing; an unknown one only when the center says so', () => {
    expect(creditCommitmentProblems(materials, states, [{ standing: 'clear' }])).toEqual([]);
    expect(creditCommitmentProblems(materials, states, [{ standing: 'unknown' }])).toEqual([]);
    expect(creditCommitmentProblems(materials, states, [{ standing: 'unknown' }], { blockWhenUnknown: true })).toHaveLength(1);
  });
});
