/**
 * The permission matrix (shared/auth/permissions.ts), call by call: every contract channel is
 * called by every kind of caller through the real dispatcher, and every back-office route by
 * every kind of principal over real HTTP, and the refusals land exactly where the matrix says.
 */
import { join } from 'node:path';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKOFFICE_ADMIN_ACTIONS,
  BACKOFFICE_PERMISSIONS,
  BACKOFFICE_PRINCIPALS,
  WORKSTATION_PERMISSIONS,
  backofficeMay,
  channelAccess,
  roleMay,
  type BackofficePrincipal,
  type BackofficeRoute,
  type ChannelAccess,
} from '../../shared/auth/permissions';
import { ROLES, type Role } from '../../shared/auth/roles';
import { CHANNELS, contract } from '../../shared/contract/channels';
import { SYNC_ROUTES } from '../../shared/sync';
import type { Workstation } from '../../electron/workstation';
import { sampleCase, sha256Hex, startTestBackoffice, TestDevice, TestReviewer, type TestBackoffice } from '../../backoffice/testing';
import { writeCatalogFixture } from '../helpers/catalog-fixture';
import { openTestWorkstation, signInAdmin, tempDir } from '../helpers/workstation';

const ACCESS_REFUSALS = ['UNAUTHENTICATED', 'PASSWORD_CHANGE_REQUIRED', 'SESSION_LOCKED', 'FORBIDDEN'];
const normalise = (a: ChannelAccess) => (typeof a === 'string' ? a : [...a].sort().join(','));

describe('the matrix covers the contract', () => {
  it('has one row per channel, and each row says what the channel declares', () => {
    const missing = CHANNELS.filter((c) => channelAccess(c) === undefined);
    expect(missing, `channels without a row in shared/auth/permissions.ts: ${missing.join(', ')}`).toEqual([]);
    for (const c of CHANNELS) {
      expect(normalise(channelAccess(c)!), c).toBe(normalise(contract[c].access));
    }
  });

  it('has no row for a channel that does not exist', () => {
    const stale = Object.keys(WORKSTATION_PERMISSIONS).filter((c) => !(CHANNELS as string[]).includes(c));
    expect(stale).toEqual([]);
  });

  it('names only known roles and keeps administration to admins', () => {
    for (const access of Object.values(WORKSTATION_PERMISSIONS)) {
      if (typeof access !== 'string') for (const r of access) expect(ROLES).toContain(r);
    }
    for (const c of Object.keys(WORKSTATION_PERMISSIONS).filter((k) => /^(users|settings)\./.test(k))) {
      expect(channelAccess(c)).toEqual(['admin']);
      expect(ROLES.filter((r) => roleMay(r, c))).toEqual(['admin']);
    }
    // Full values and exports: never a clerk; an unknown channel: nobody.
    for (const c of ['pii.reveal', 'cases.exportCsv']) expect(ROLES.filter((r) => roleMay(r, c))).toEqual(['supervisor', 'admin']);
    expect(ROLES.some((r) => roleMay(r, 'no.such.channel'))).toBe(false);
  });

  it('gives back-office administration no HTTP route at all', () => {
    expect(BACKOFFICE_ADMIN_ACTIONS.length).toBeGreaterThan(0);
    for (const route of Object.keys(BACKOFFICE_PERMISSIONS)) expect(route).not.toMatch(/admin|enrol-code|reviewers|revoke|purge/);
  });
});

type Caller = { name: string; sessionId?: string; role?: Role; state: 'anonymous' | 'fresh' | 'active' | 'locked' };

/** What the matrix says, worked out independently of the dispatcher's own helper. */
function expected(access: ChannelAccess, caller: Caller): string {
  if (access === 'public') return 'ALLOWED';
  if (caller.state === 'anonymous') return 'UNAUTHENTICATED';
  if (access === 'session') return 'ALLOWED';
  if (caller.state === 'fresh') return 'PASSWORD_CHANGE_REQUIRED';
  if (caller.state === 'locked') return 'SESSION_LOCKED';
  return access.includes(caller.role!) ? 'ALLOWED' : 'FORBIDDEN';
}

describe('workstation: every channel × every caller', () => {
  let dir: ReturnType<typeof tempDir>;
  let ws: Workstation;
  let clock = Date.parse('2026-11-27T02:00:00Z');
  const callers: Caller[] = [{ name: 'anonymous', state: 'anonymous' }];
  let calls = 0;

  beforeAll(async () => {
    dir = tempDir();
    writeCatalogFixture(join(dir.path, 'catalog'));
    ws = await openTestWorkstation(join(dir.path, 'data'), { catalogDir: join(dir.path, 'catalog'), now: () => new Date(clock) });
    const admin = await signInAdmin(ws);
    callers.push({ name: 'admin', sessionId: admin, role: 'admin', state: 'active' });
    for (const role of ['clerk', 'supervisor'] as const) {
      const { oneTimePassword } = ws.auth.addUser({ username: `${role}01`, displayName: role, role }, { actor: 'test', role: 'admin' });
      const fresh = await ws.dispatch('auth.signIn', { username: `${role}01`, password: oneTimePassword }, {});
      callers.push({ name: `${role} (one-time password)`, sessionId: fresh.session as string, role, state: 'fresh' });
      const second = await ws.dispatch('auth.signIn', { username: `${role}01`, password: oneTimePassword }, {});
      const changed = await ws.dispatch('auth.changePassword', { currentPassword: oneTimePassword, newPassword: `${role[0]!.toUpperCase()}${role.slice(1)}2026pass` }, { sessionId: second.session as string });
      expect(changed.envelope.ok).toBe(true);
      callers.push({ name: role, sessionId: second.session as string, role, state: 'active' });
    }
  });
  afterAll(async () => {
    await ws.close();
    dir.remove();
  });

  async function sweep(who: Caller[]) {
    for (const caller of who) {
      for (const channel of CHANNELS) {
        // An input no channel accepts: a caller who passes the access check gets INVALID_INPUT,
        // so no handler runs and no session is ended by the sweep itself.
        const r = await ws.dispatch(channel, { '〈permission-probe〉': 1 }, { sessionId: caller.sessionId });
        calls++;
        // A channel without a row runs on its contract access (the dispatcher's fallback); the test above fails then.
        const want = expected(channelAccess(channel) ?? contract[channel].access, caller);
        const code = r.envelope.ok ? 'ALLOWED' : r.envelope.error.code;
        if (want === 'ALLOWED') expect(ACCESS_REFUSALS, `${caller.name} → ${channel}: ${code}`).not.toContain(code);
        else expect(code, `${caller.name} → ${channel}`).toBe(want);
      }
    }
  }

  it('refuses exactly where the matrix says (signed out, one-time password, each role)', async () => {
    await sweep(callers);
    expect(calls).toBe(callers.length * CHANNELS.length);
  });

  it('refuses role channels on an idle-locked screen, for every role', async () => {
    clock += (ws.config().values.idleLockMinutes + 1) * 60_000;
    const locked = callers.filter((c) => c.state === 'active').map((c) => ({ ...c, name: `${c.name} (locked)`, state: 'locked' as const }));
    await sweep(locked);
  });

  it('enforces it on real calls too: a clerk cannot export, a supervisor can, an admin manages users', async () => {
    clock += 1000;
    const unlock = async (c: Caller, password: string) => expect((await ws.dispatch('auth.unlock', { password }, { sessionId: c.sessionId })).envelope.ok).toBe(true);
    const clerk = callers.find((c) => c.name === 'clerk')!;
    const supervisor = callers.find((c) => c.name === 'supervisor')!;
    await unlock(clerk, 'Clerk2026pass');
    await unlock(supervisor, 'Supervisor2026pass');
    expect((await ws.dispatch('cases.exportCsv', {}, { sessionId: clerk.sessionId })).envelope).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect((await ws.dispatch('cases.exportCsv', {}, { sessionId: supervisor.sessionId })).envelope.ok).toBe(true);
    expect((await ws.dispatch('users.list', {}, { sessionId: supervisor.sessionId })).envelope).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect((await ws.dispatch('users.list', {}, { sessionId: clerk.sessionId })).envelope).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('back office: every route × every principal', () => {
  let t: TestBackoffice;
  let device: TestDevice;
  let own: TestReviewer;
  let other: TestReviewer;
  let caseId: string;
  let taskId: string;
  let sha: string;
  const PASSWORD = 'Qixia#2026review';

  beforeAll(async () => {
    t = await startTestBackoffice();
    device = await TestDevice.enrol(t.baseUrl, await t.backoffice.admin.createEnrolmentCode({ centerCode: '320113004', windowNo: '01' }));
    await t.backoffice.admin.createReviewer({ username: 'scjg.a', password: PASSWORD, department: 'SCJG', displayName: '甲' });
    await t.backoffice.admin.createReviewer({ username: 'zj.b', password: PASSWORD, department: 'ZJ', displayName: '乙' });
    own = await TestReviewer.login(t.baseUrl, 'scjg.a', PASSWORD);
    other = await TestReviewer.login(t.baseUrl, 'zj.b', PASSWORD);
    const scan = Buffer.from(`scan ${ulid()}`);
    sha = await device.upload(scan);
    const kase = sampleCase(device.credentials, { materials: [{ materialId: 'id-card', name: '身份证', status: 'received', blobs: [sha] }], approval: { lead: 'SCJG', co: [] } });
    caseId = kase.caseId;
    const { results } = await device.push([{ mutationId: ulid(), kind: 'case.create', payload: kase }]);
    expect(results[0]!.status).toBe('applied');
    const feed = await device.changes(0);
    const received = feed.events.find((e) => e.type === 'case-received' && e.caseId === caseId) as { data: { tasks: { taskId: string }[] } } | undefined;
    taskId = received!.data.tasks[0]!.taskId;
  }, 60_000);
  afterAll(async () => t?.close());

  const auth = (p: BackofficePrincipal): Record<string, string> =>
    p === 'anonymous' ? {} : { authorization: p === 'device' ? device.authorization : `Bearer ${(p === 'reviewer-own' ? own : other).token}` };

  /** One representative, well-formed request per route (a fresh chunk upload each time). */
  function request(route: BackofficeRoute): { path: string; init: RequestInit } {
    const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    switch (route) {
      case 'GET /v1/info':
        return { path: SYNC_ROUTES.info, init: {} };
      case 'GET /healthz':
        return { path: SYNC_ROUTES.health, init: {} };
      case 'POST /v1/devices/enrol':
        return { path: SYNC_ROUTES.enrol, init: json({ code: 'NOT-A-CODE', deviceName: 'probe' }) };
      case 'HEAD /v1/blobs/:sha256':
        return { path: SYNC_ROUTES.blob(sha), init: { method: 'HEAD' } };
      case 'GET /v1/blobs/:sha256':
        return { path: SYNC_ROUTES.blob(sha), init: {} };
      case 'PUT /v1/blobs/:sha256': {
        const chunk = Buffer.from(`chunk ${ulid()}`);
        return { path: SYNC_ROUTES.blobUpload(sha256Hex(chunk), 0, chunk.length), init: { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(chunk) } };
      }
      case 'POST /v1/push':
        return { path: SYNC_ROUTES.push, init: json({ deviceId: device.id, mutations: [{ mutationId: ulid(), kind: 'case.create', payload: sampleCase(device.credentials) }] }) };
      case 'GET /v1/changes':
        return { path: SYNC_ROUTES.changes(0), init: {} };
      case 'POST /v1/review/login':
        return { path: SYNC_ROUTES.reviewLogin, init: json({ username: 'nobody', password: 'wrong-password' }) };
      case 'POST /v1/review/logout':
        return { path: SYNC_ROUTES.reviewLogout, init: { method: 'POST' } };
      case 'GET /v1/review/queue':
        return { path: SYNC_ROUTES.reviewQueue, init: {} };
      case 'GET /v1/review/cases/:caseId':
        return { path: SYNC_ROUTES.reviewCase(caseId), init: {} };
      case 'GET /v1/review/blobs/:sha256':
        return { path: SYNC_ROUTES.reviewBlob(sha), init: {} };
      case 'POST /v1/review/tasks/:taskId/decision':
        // An invalid decision body: an allowed reviewer gets 400, never a decision taken by the sweep.
        return { path: SYNC_ROUTES.reviewDecision(taskId), init: json({ decision: 'refuse' }) };
    }
  }

  it('refuses each route to every principal the matrix does not list', async () => {
    let tried = 0;
    // Logout ends the session its token names: sweep it last.
    const routes = (Object.keys(BACKOFFICE_PERMISSIONS) as BackofficeRoute[]).sort((a, b) => Number(a.includes('logout')) - Number(b.includes('logout')));
    for (const route of routes) {
      const publicRoute = BACKOFFICE_PRINCIPALS.every((p) => (BACKOFFICE_PERMISSIONS[route] as readonly string[]).includes(p));
      const statuses = new Set<number>();
      for (const principal of BACKOFFICE_PRINCIPALS) {
        if (route.includes('logout') && principal.startsWith('reviewer')) continue;
        const { path, init } = request(route);
        const response = await fetch(t.baseUrl + path, { ...init, headers: { ...(init.headers as Record<string, string>), ...auth(principal) } });
        await response.arrayBuffer();
        tried++;
        statuses.add(response.status);
        const allowed = backofficeMay(principal, route);
        if (publicRoute) continue;
        if (allowed) expect([401, 403], `${principal} ${route}: ${response.status}`).not.toContain(response.status);
        // Another department's case, blob or task is not even said to exist.
        else expect([401, 403, 404], `${principal} ${route}: ${response.status}`).toContain(response.status);
        if (allowed && route !== 'POST /v1/review/tasks/:taskId/decision') expect(response.status, `${principal} ${route}`).toBeLessThan(300);
      }
      // A public route answers everyone alike: who asks changes nothing.
      if (publicRoute) expect(statuses.size, route).toBe(1);
    }
    expect(tried).toBeGreaterThan(40);
  });

  it('lets the own department decide, refuses the other department and devices', async () => {
    const body = { decision: 'approve' };
    expect((await other.decide(taskId, body)).status).toBe(404);
    const asDevice = await device.fetch(SYNC_ROUTES.reviewDecision(taskId), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(asDevice.status).toBe(401);
    expect((await other.fetch(SYNC_ROUTES.reviewQueue).then((r) => r.json())) as { tasks: unknown[] }).toMatchObject({ tasks: [] });
    expect((await own.decide(taskId, body)).status).toBe(200);
  });
});
