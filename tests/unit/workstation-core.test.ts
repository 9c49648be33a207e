import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { outbox, caseEvents, cases, auditLog } from '../../db/schema';
import type { Workstation } from '../../electron/workstation';
import { COMPANY_ITEM, COMPLETE_MATERIALS, idNumber, PERSONAL_ITEM, personalFormData, writeCatalogFixture } from '../helpers/catalog-fixture';
import { openTestWorkstation, signInAdmin, tempDir } from '../helpers/workstation';

let dir: ReturnType<typeof tempDir>;
let ws: Workstation;
let clock = new Date('2026-11-27T09:30:00+08:00').getTime();
const open = (flags: Record<string, unknown> = {}) =>
  openTestWorkstation(join(dir.path, 'data'), { catalogDir: join(dir.path, 'catalog'), now: () => new Date(clock), flags });

beforeEach(async () => {
  dir = tempDir();
  writeCatalogFixture(join(dir.path, 'catalog'));
  clock = new Date('2026-11-27T09:30:00+08:00').getTime();
  ws = await open();
});
afterEach(() => {
  ws.close();
  dir.remove();
});

async function call(channel: string, input: unknown, sessionId?: string) {
  return (await ws.dispatch(channel, input, { sessionId })).envelope;
}

async function addClerk(adminSession: string, username = 'zhangli') {
  const added = await call('users.add', { username, displayName: '张丽', role: 'clerk' }, adminSession);
  if (!added.ok) throw new Error(JSON.stringify(added));
  const otp = (added.data as { oneTimePassword: string }).oneTimePassword;
  const r = await ws.dispatch('auth.signIn', { username, password: otp }, {});
  await ws.dispatch('auth.changePassword', { currentPassword: otp, newPassword: 'Window03pass' }, { sessionId: r.session! });
  return r.session!;
}

describe('first start', () => {
  it('creates the database and a first admin with a one-time password', () => {
    expect(ws.firstAdmin?.username).toBe('admin');
    expect(ws.firstAdmin?.oneTimePassword).toMatch(/^[A-Za-z2-9]{12}$/);
    expect(ws.auth.listUsers()).toHaveLength(1);
  });

  it('does not create a second admin on the next start', async () => {
    ws.close();
    ws = await open();
    expect(ws.firstAdmin).toBeUndefined();
  });
});

describe('sign-in, roles and locks', () => {
  it('requires the one-time password to be changed before any work', async () => {
    const r = await ws.dispatch('auth.signIn', { username: 'admin', password: ws.firstAdmin!.oneTimePassword }, {});
    expect(r.envelope.ok).toBe(true);
    const list = await call('cases.list', {}, r.session!);
    expect(list).toMatchObject({ ok: false, error: { code: 'PASSWORD_CHANGE_REQUIRED' } });
    const weak = await call('auth.changePassword', { currentPassword: ws.firstAdmin!.oneTimePassword, newPassword: 'short1' }, r.session!);
    expect(weak).toMatchObject({ ok: false, error: { code: 'WEAK_PASSWORD' } });
  });

  it('refuses a wrong password with a Chinese message and locks after repeated failures', async () => {
    for (let i = 1; i <= 4; i++) {
      const r = await call('auth.signIn', { username: 'admin', password: 'wrong-password-1' });
      expect(r).toMatchObject({ ok: false, error: { code: 'BAD_CREDENTIALS' } });
      if (!r.ok) expect(r.error.message).toContain('用户名或密码错误');
    }
    const fifth = await call('auth.signIn', { username: 'admin', password: 'wrong-password-1' });
    expect(fifth).toMatchObject({ ok: false, error: { code: 'ACCOUNT_LOCKED' } });
    // Even the right password is refused while locked …
    const right = await call('auth.signIn', { username: 'admin', password: ws.firstAdmin!.oneTimePassword });
    expect(right).toMatchObject({ ok: false, error: { code: 'ACCOUNT_LOCKED' } });
    // … and accepted once the lock has expired.
    clock += 16 * 60_000;
    expect((await call('auth.signIn', { username: 'admin', password: ws.firstAdmin!.oneTimePassword })).ok).toBe(true);
    const actions = ws.audit.recent(20).map((e) => e.action);
    expect(actions.filter((a) => a === 'auth.signIn.failed')).toHaveLength(5);
    expect(actions).toContain('auth.signIn.refused');
  });

  it('enforces roles in the core, not only in the UI', async () => {
    const admin = await signInAdmin(ws);
    const clerk = await addClerk(admin);
    expect(await call('settings.get', {}, clerk)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call('users.add', { username: 'evil', displayName: '某人', role: 'admin' }, clerk)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect((await call('settings.get', {}, admin)).ok).toBe(true);
    expect(await call('cases.list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('locks an idle session and unlocks it with the password', async () => {
    const admin = await signInAdmin(ws);
    clock += 11 * 60_000;
    expect(await call('cases.list', {}, admin)).toMatchObject({ ok: false, error: { code: 'SESSION_LOCKED' } });
    expect(await call('auth.unlock', { password: 'not-it' }, admin)).toMatchObject({ ok: false, error: { code: 'BAD_CREDENTIALS' } });
    expect((await call('auth.unlock', { password: 'Counter2026pass' }, admin)).ok).toBe(true);
    expect((await call('cases.list', {}, admin)).ok).toBe(true);
    expect(ws.audit.recent(10).map((e) => e.action)).toContain('auth.idleLock');
  });

  it('never returns password hashes', async () => {
    const admin = await signInAdmin(ws);
    const users = await call('users.list', {}, admin);
    expect(JSON.stringify(users)).not.toMatch(/scrypt|passwordHash/);
  });
});

describe('contract boundary', () => {
  it('rejects unknown channels and malformed payloads with typed errors', async () => {
    const admin = await signInAdmin(ws);
    expect(await call('cases.drop', {}, admin)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(await call('__proto__', {}, admin)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(await call('constructor', {}, admin)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    for (const bad of [null, 42, 'x', [], { itemCode: 5 }, { itemCode: 'A', itemVersion: 1, formData: [] }, { itemCode: 'A', itemVersion: 1, formData: {}, extra: 1 }]) {
      const r = await call('cases.accept', bad, admin);
      expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    const huge = await call('catalog.search', { query: 'x'.repeat(10_000) }, admin);
    expect(huge).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});

describe('accepting a case', () => {
  it('numbers it locally and writes case, event, outbox and audit together', async () => {
    const admin = await signInAdmin(ws);
    const r = await call('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData(), materials: COMPLETE_MATERIALS }, admin);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const row = r.data as { id: string; caseNo: string; applicantIdMasked: string; status: string; promisedDate: string };
    expect(row.caseNo).toBe('32011300-20261127-01-0001');
    expect(row.applicantIdMasked).toBe('3201**********' + idNumber().slice(-4));
    expect(row.status).toBe('accepted');
    // Friday 27 Nov 2026 + 3 working days (the weekend skipped) = Wednesday 2 Dec.
    expect(row.promisedDate).toBe('2026-12-02');
    const db = ws.database.db;
    expect(db.select().from(cases).all()).toHaveLength(1);
    expect(db.select().from(caseEvents).all()).toMatchObject([{ caseId: row.id, type: 'accepted', actor: 'admin' }]);
    expect(db.select().from(outbox).all()).toMatchObject([{ caseId: row.id, kind: 'case.create', status: 'pending' }]);
    expect(db.select().from(auditLog).all().map((a) => a.action)).toContain('case.accept');
    expect(ws.audit.verify()).toMatchObject({ ok: true });

    const second = await call('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData('李建国', idNumber('19600101', '451')), materials: COMPLETE_MATERIALS }, admin);
    expect(second.ok && (second.data as { caseNo: string }).caseNo).toBe('32011300-20261127-01-0002');
  });

  it('keeps cases and the number sequence across a restart', async () => {
    let admin = await signInAdmin(ws);
    await call('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData(), materials: COMPLETE_MATERIALS }, admin);
    ws.close();
    ws = await open({ windowNo: '01' });
    const s = await ws.dispatch('auth.signIn', { username: 'admin', password: 'Counter2026pass' }, {});
    admin = s.session!;
    const list = await call('cases.list', {}, admin);
    expect(list.ok && (list.data as { total: number }).total).toBe(1);
    const next = await call('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData(), materials: COMPLETE_MATERIALS }, admin);
    expect(next.ok && (next.data as { caseNo: string }).caseNo).toBe('32011300-20261127-01-0002');
  });

  it('re-validates the form in the core and writes nothing when it is wrong', async () => {
    const admin = await signInAdmin(ws);
    const bad = personalFormData('王秀英', idNumber().slice(0, 17) + (idNumber().endsWith('1') ? '2' : '1'));
    const r = await call('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: bad, materials: COMPLETE_MATERIALS }, admin);
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    if (!r.ok) expect(r.error.message).toMatch(/[\u4e00-\u9fa5]/);
    expect(ws.database.db.select().from(cases).all()).toHaveLength(0);
    expect(ws.database.db.select().from(outbox).all()).toHaveLength(0);
    const unknownVersion = await call('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 7, formData: personalFormData(), materials: COMPLETE_MATERIALS }, admin);
    expect(unknownVersion).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('takes the company as applicant for company items and finds cases by full ID', async () => {
    const admin = await signInAdmin(ws);
    const uscc = '91320113MA1XXXXX0X';
    const formData = { company: { name: '南京栖霞某某科技有限公司', creditCode: uscc, legalRepresentative: '陈明' }, applicant: personalFormData().applicant };
    const r = await call('cases.accept', { itemCode: COMPANY_ITEM.code, itemVersion: 2, formData }, admin);
    // The fixture's credit code is not valid: the core must say so.
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    await call('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData(), materials: COMPLETE_MATERIALS }, admin);
    const byId = await call('cases.list', { query: idNumber() }, admin);
    expect(byId.ok && (byId.data as { total: number }).total).toBe(1);
    const byMasked = await call('cases.list', { query: '3201**' }, admin);
    expect(byMasked.ok && (byMasked.data as { total: number }).total).toBe(0);
  });
});

describe('settings', () => {
  it('lets an admin change an editable setting and names the key of an invalid one', async () => {
    const admin = await signInAdmin(ws);
    const ok = await call('settings.update', { key: 'windowNo', value: '07' }, admin);
    expect(ok.ok).toBe(true);
    expect(ws.config().values.windowNo).toBe('07');
    const bad = await call('settings.update', { key: 'windowNo', value: '7a' }, admin);
    expect(bad).toMatchObject({ ok: false, error: { code: 'CONFIG_INVALID' } });
    if (!bad.ok) expect(bad.error.message).toContain('windowNo');
    const fixed = await call('settings.update', { key: 'centerCode', value: '32011301' }, admin);
    expect(fixed).toMatchObject({ ok: false, error: { code: 'CONFIG_INVALID' } });
  });
});
