/**
 * Local accounts and sessions. Roles are enforced by the dispatcher from this service's
 * sessions; lockout after repeated failures (of sign-in and of unlocking an idle-locked
 * screen alike); idle lock after the configured minutes; the password policy
 * (shared/auth/password-policy) with the last few passwords refused; every sign-in, failure,
 * sign-out and account change is audited.
 */
import { randomBytes } from 'node:crypto';
import { desc, eq, inArray } from 'drizzle-orm';
import { ulid } from 'ulid';
import { users } from '../../db/schema';
import { passwordHistory } from '../../db/security-schema';
import { checkPasswordStrength, PASSWORD_POLICY } from '../../shared/auth/password-policy';
import type { Role } from '../../shared/auth/roles';
import { ContractError } from '../../shared/contract/errors';
import type { AuditLog } from '../audit';
import type { WorkstationDb } from '../database';
import { generateOneTimePassword, hashPassword, verifyPassword } from './passwords';

export interface Session {
  id: string;
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  mustChangePassword: boolean;
  locked: boolean;
  lastActivity: number;
}

export interface AuthPolicy {
  idleLockMinutes: number;
  lockoutThreshold: number;
  lockoutMinutes: number;
}

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  locked: boolean;
  mustChangePassword: boolean;
}

/** Who did something outside a session (the IT command line, the first start). */
const SYSTEM_ACTOR = { actor: 'system', role: 'admin' } as const;

export interface AuthService {
  /** Creates the first admin on an empty user table; returns its one-time password then. */
  ensureFirstAdmin(): { created: false } | { created: true; username: string; oneTimePassword: string };
  addUser(input: { username: string; displayName: string; role: Role }, by: Actor): { user: UserView; oneTimePassword: string };
  resetPassword(username: string, by: Actor): { oneTimePassword: string };
  setLocked(username: string, locked: boolean, by: Actor): { locked: boolean };
  listUsers(): UserView[];
  signIn(username: string, password: string): Session;
  signOut(sessionId: string): boolean;
  /** The session, with the idle lock applied; undefined when unknown or signed out. */
  getSession(sessionId: string | undefined): Session | undefined;
  touch(sessionId: string): void;
  changePassword(sessionId: string, current: string, next: string): Session;
  unlock(sessionId: string, password: string): Session;
  policy(): AuthPolicy;
}

export interface Actor {
  actor: string;
  role: string;
}

export interface AuthDeps {
  db: WorkstationDb;
  audit: AuditLog;
  policy: () => AuthPolicy;
  now?: () => number;
  /** Called when a session becomes idle-locked, so the transport can tell the renderer. */
  onIdleLock?: (sessionId: string) => void;
}

// A real hash to compare against for unknown users, so timing does not reveal which names exist.
const DECOY_HASH = hashPassword(randomBytes(12).toString('hex'));

export function createAuthService(deps: AuthDeps): AuthService {
  const { db, audit } = deps;
  const now = deps.now ?? Date.now;
  const sessions = new Map<string, Session>();
  const iso = () => new Date(now()).toISOString();

  const findUser = (username: string) => db.select().from(users).where(eq(users.username, username)).get();
  const view = (u: typeof users.$inferSelect): UserView => ({
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    locked: u.disabled || (u.lockedUntil !== null && Date.parse(u.lockedUntil) > now()),
    mustChangePassword: u.mustChangePassword,
  });
  const requireUser = (username: string) => {
    const u = findUser(username);
    if (!u) throw new ContractError('NOT_FOUND', `用户“${username}”不存在`);
    return u;
  };

  function createUser(input: { username: string; displayName: string; role: Role }, by: Actor) {
    if (findUser(input.username)) throw new ContractError('CONFLICT', `用户名“${input.username}”已存在`);
    const oneTimePassword = generateOneTimePassword();
    const row = {
      id: ulid(),
      username: input.username,
      displayName: input.displayName,
      role: input.role,
      passwordHash: hashPassword(oneTimePassword),
      mustChangePassword: true,
      failedAttempts: 0,
      lockedUntil: null,
      disabled: false,
      createdAt: iso(),
      updatedAt: iso(),
    };
    db.transaction((tx) => {
      tx.insert(users).values(row).run();
      audit.append({ ...by, action: 'user.add', detail: { username: input.username, role: input.role } });
    });
    return { user: view(row), oneTimePassword };
  }

  function sessionFor(u: typeof users.$inferSelect): Session {
    const session: Session = {
      id: randomBytes(24).toString('base64url'),
      userId: u.id,
      username: u.username,
      displayName: u.displayName,
      role: u.role,
      mustChangePassword: u.mustChangePassword,
      locked: false,
      lastActivity: now(),
    };
    sessions.set(session.id, session);
    return session;
  }

  /** The account's earlier password hashes, newest first. */
  const recentHashes = (userId: string, n: number) =>
    n <= 0
      ? []
      : db
          .select({ h: passwordHistory.passwordHash })
          .from(passwordHistory)
          .where(eq(passwordHistory.userId, userId))
          .orderBy(desc(passwordHistory.id))
          .limit(n)
          .all()
          .map((r) => r.h);

  function requireSession(sessionId: string): Session {
    const s = sessions.get(sessionId);
    if (!s) throw new ContractError('UNAUTHENTICATED', '登录已失效，请重新登录');
    return s;
  }

  return {
    ensureFirstAdmin() {
      const any = db.select({ id: users.id }).from(users).limit(1).get();
      if (any) return { created: false };
      const { oneTimePassword } = createUser({ username: 'admin', displayName: '系统管理员', role: 'admin' }, SYSTEM_ACTOR);
      return { created: true, username: 'admin', oneTimePassword };
    },
    addUser: createUser,
    resetPassword(username, by) {
      requireUser(username);
      const oneTimePassword = generateOneTimePassword();
      db.transaction((tx) => {
        tx.update(users)
          .set({ passwordHash: hashPassword(oneTimePassword), mustChangePassword: true, failedAttempts: 0, lockedUntil: null, disabled: false, updatedAt: iso() })
          .where(eq(users.username, username))
          .run();
        audit.append({ ...by, action: 'user.resetPassword', detail: { username } });
      });
      for (const [id, s] of sessions) if (s.username === username) sessions.delete(id);
      return { oneTimePassword };
    },
    setLocked(username, locked, by) {
      requireUser(username);
      db.transaction((tx) => {
        tx.update(users)
          .set({ disabled: locked, failedAttempts: 0, lockedUntil: null, updatedAt: iso() })
          .where(eq(users.username, username))
          .run();
        audit.append({ ...by, action: locked ? 'user.lock' : 'user.unlock', detail: { username } });
      });
      if (locked) for (const [id, s] of sessions) if (s.username === username) sessions.delete(id);
      return { locked };
    },
    listUsers() {
      return db.select().from(users).all().map(view);
    },
    signIn(username, password) {
      const u = findUser(username);
      if (!u) {
        verifyPassword(password, DECOY_HASH);
        audit.append({ actor: username, role: 'unknown', action: 'auth.signIn.failed', detail: { reason: 'unknown-user' } });
        throw new ContractError('BAD_CREDENTIALS', '用户名或密码错误');
      }
      if (u.disabled) {
        audit.append({ actor: username, role: u.role, action: 'auth.signIn.refused', detail: { reason: 'disabled' } });
        throw new ContractError('ACCOUNT_LOCKED', '该账户已被管理员停用，请联系系统管理员');
      }
      if (u.lockedUntil && Date.parse(u.lockedUntil) > now()) {
        const until = new Date(u.lockedUntil);
        const hhmm = `${String(until.getHours()).padStart(2, '0')}:${String(until.getMinutes()).padStart(2, '0')}`;
        audit.append({ actor: username, role: u.role, action: 'auth.signIn.refused', detail: { reason: 'locked' } });
        throw new ContractError('ACCOUNT_LOCKED', `密码错误次数过多，账户已锁定，请于 ${hhmm} 后重试或联系系统管理员解锁`);
      }
      if (!verifyPassword(password, u.passwordHash)) {
        const policy = deps.policy();
        const failures = u.failedAttempts + 1;
        const lock = failures >= policy.lockoutThreshold;
        db.transaction((tx) => {
          tx.update(users)
            .set({
              failedAttempts: lock ? 0 : failures,
              lockedUntil: lock ? new Date(now() + policy.lockoutMinutes * 60_000).toISOString() : u.lockedUntil,
              updatedAt: iso(),
            })
            .where(eq(users.id, u.id))
            .run();
          audit.append({ actor: username, role: u.role, action: 'auth.signIn.failed', detail: { reason: 'bad-password', failures, locked: lock } });
        });
        if (lock) throw new ContractError('ACCOUNT_LOCKED', `密码连续错误 ${failures} 次，账户已锁定 ${policy.lockoutMinutes} 分钟`);
        const left = policy.lockoutThreshold - failures;
        throw new ContractError('BAD_CREDENTIALS', `用户名或密码错误（再错 ${left} 次将锁定账户）`);
      }
      db.transaction((tx) => {
        tx.update(users).set({ failedAttempts: 0, lockedUntil: null, updatedAt: iso() }).where(eq(users.id, u.id)).run();
        audit.append({ actor: username, role: u.role, action: 'auth.signIn' });
      });
      return sessionFor(u);
    },
    signOut(sessionId) {
      const s = sessions.get(sessionId);
      if (!s) return false;
      sessions.delete(sessionId);
      audit.append({ actor: s.username, role: s.role, action: 'auth.signOut' });
      return true;
    },
    getSession(sessionId) {
      if (!sessionId) return undefined;
      const s = sessions.get(sessionId);
      if (!s) return undefined;
      const idleMs = deps.policy().idleLockMinutes * 60_000;
      if (!s.locked && now() - s.lastActivity > idleMs) {
        s.locked = true;
        audit.append({ actor: s.username, role: s.role, action: 'auth.idleLock' });
        deps.onIdleLock?.(s.id);
      }
      return s;
    },
    touch(sessionId) {
      const s = sessions.get(sessionId);
      if (s && !s.locked) s.lastActivity = now();
    },
    changePassword(sessionId, current, next) {
      const s = requireSession(sessionId);
      const u = requireUser(s.username);
      if (!verifyPassword(current, u.passwordHash)) throw new ContractError('BAD_CREDENTIALS', '当前密码不正确');
      const weak = checkPasswordStrength(next, u.username);
      if (weak) throw new ContractError('WEAK_PASSWORD', weak);
      if (verifyPassword(next, u.passwordHash)) throw new ContractError('WEAK_PASSWORD', '新密码不能与当前密码相同');
      const earlier = recentHashes(u.id, PASSWORD_POLICY.historySize - 1);
      if (earlier.some((h) => verifyPassword(next, h))) {
        audit.append({ actor: s.username, role: s.role, action: 'auth.changePassword.refused', detail: { reason: 'reused' } });
        throw new ContractError('WEAK_PASSWORD', `新密码不能与最近 ${PASSWORD_POLICY.historySize} 次使用过的密码相同`);
      }
      db.transaction((tx) => {
        // The replaced hash joins the history; only the last few are kept.
        tx.insert(passwordHistory).values({ userId: u.id, passwordHash: u.passwordHash, createdAt: iso() }).run();
        const keep = tx
          .select({ id: passwordHistory.id })
          .from(passwordHistory)
          .where(eq(passwordHistory.userId, u.id))
          .orderBy(desc(passwordHistory.id))
          .all()
          .slice(PASSWORD_POLICY.historySize)
          .map((r) => r.id);
        if (keep.length) tx.delete(passwordHistory).where(inArray(passwordHistory.id, keep)).run();
        tx.update(users).set({ passwordHash: hashPassword(next), mustChangePassword: false, updatedAt: iso() }).where(eq(users.id, u.id)).run();
        audit.append({ actor: s.username, role: s.role, action: 'auth.changePassword' });
      });
      s.mustChangePassword = false;
      s.lastActivity = now();
      return s;
    },
    unlock(sessionId, password) {
      const s = requireSession(sessionId);
      const u = requireUser(s.username);
      if (u.disabled || (u.lockedUntil && Date.parse(u.lockedUntil) > now())) {
        // Locked or disabled meanwhile: the session ends, the screen goes back to sign-in.
        sessions.delete(s.id);
        audit.append({ actor: s.username, role: s.role, action: 'auth.unlock.refused', detail: { reason: u.disabled ? 'disabled' : 'locked' } });
        throw new ContractError('ACCOUNT_LOCKED', u.disabled ? '该账户已被管理员停用，请联系系统管理员' : '账户已锁定，请稍后重新登录或联系系统管理员解锁');
      }
      if (!verifyPassword(password, u.passwordHash)) {
        // Failed unlocks count toward the lockout exactly like failed sign-ins.
        const policy = deps.policy();
        const failures = u.failedAttempts + 1;
        const lock = failures >= policy.lockoutThreshold;
        db.transaction((tx) => {
          tx.update(users)
            .set({
              failedAttempts: lock ? 0 : failures,
              lockedUntil: lock ? new Date(now() + policy.lockoutMinutes * 60_000).toISOString() : u.lockedUntil,
              updatedAt: iso(),
            })
            .where(eq(users.id, u.id))
            .run();
          audit.append({ actor: s.username, role: s.role, action: 'auth.unlock.failed', detail: { failures, locked: lock } });
        });
        if (lock) {
          sessions.delete(s.id);
          throw new ContractError('ACCOUNT_LOCKED', `密码连续错误 ${failures} 次，账户已锁定 ${policy.lockoutMinutes} 分钟`);
        }
        throw new ContractError('BAD_CREDENTIALS', `密码不正确（再错 ${policy.lockoutThreshold - failures} 次将锁定账户）`);
      }
      if (u.failedAttempts) db.update(users).set({ failedAttempts: 0, updatedAt: iso() }).where(eq(users.id, u.id)).run();
      s.locked = false;
      s.lastActivity = now();
      audit.append({ actor: s.username, role: s.role, action: 'auth.unlock' });
      return s;
    },
    policy: deps.policy,
  };
}
