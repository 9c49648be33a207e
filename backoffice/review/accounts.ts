/**
 * Reviewer accounts (one department each) and their sessions. Passwords are scrypt hashes;
 * session tokens are random and stored as SHA-256, so the database never holds a usable token.
 */
import { eq } from 'drizzle-orm';
import { ulid } from 'ulid';
import { DEPARTMENT_CODE_PATTERN, type ReviewerLoginResponse } from '../../shared/sync';
import { DUMMY_PASSWORD_HASH, hashPassword, randomSecret, sha256Hex, verifyPassword } from '../auth/crypto';
import type { BackofficeContext } from '../context';
import { reviewerSessions, reviewers } from '../db/schema';
import { ApiError } from '../http/errors';

export type Reviewer = typeof reviewers.$inferSelect;

const MAX_FAILED_LOGINS = 5;
const LOCK_MINUTES = 15;

export interface NewReviewer {
  username: string;
  password: string;
  /** Department code, e.g. "SCJG". */
  department: string;
  displayName: string;
  /** Also sees IT's pages (window status). */
  itAdmin?: boolean;
}

export async function createReviewer(ctx: BackofficeContext, r: NewReviewer): Promise<void> {
  if (!/^[A-Za-z0-9._-]{2,64}$/.test(r.username)) throw new Error('用户名应为 2–64 位字母、数字、点、下划线或连字符');
  if (!DEPARTMENT_CODE_PATTERN.test(r.department)) throw new Error('部门代码应为 2–8 位大写字母，如 SCJG');
  if (r.password.length < 8) throw new Error('密码至少 8 位');
  if (!r.displayName.trim()) throw new Error('姓名不能为空');
  const inserted = await ctx.db
    .insert(reviewers)
    .values({
      id: ulid(ctx.now().getTime()),
      username: r.username,
      passwordHash: await hashPassword(r.password),
      department: r.department,
      displayName: r.displayName.trim(),
      createdAt: ctx.now(),
      itAdmin: r.itAdmin ?? false,
    })
    .onConflictDoNothing()
    .returning({ id: reviewers.id });
  if (!inserted.length) throw new Error(`用户名已存在：${r.username}`);
}

export async function login(ctx: BackofficeContext, username: string, password: string): Promise<ReviewerLoginResponse> {
  const now = ctx.now();
  const [reviewer] = await ctx.db.select().from(reviewers).where(eq(reviewers.username, username));
  if (reviewer?.lockedUntil && reviewer.lockedUntil > now) throw new ApiError(429, 'LOGIN_LOCKED');
  // Hash even for unknown users, so response time does not reveal which names exist.
  const ok = await verifyPassword(password, reviewer?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!reviewer || !ok || reviewer.disabledAt) {
    if (reviewer && !ok) {
      const failed = reviewer.failedLogins + 1;
      await ctx.db
        .update(reviewers)
        .set(
          failed >= MAX_FAILED_LOGINS
            ? { failedLogins: 0, lockedUntil: new Date(now.getTime() + LOCK_MINUTES * 60_000) }
            : { failedLogins: failed },
        )
        .where(eq(reviewers.id, reviewer.id));
    }
    throw new ApiError(401, 'LOGIN_FAILED');
  }
  if (reviewer.failedLogins || reviewer.lockedUntil) {
    await ctx.db.update(reviewers).set({ failedLogins: 0, lockedUntil: null }).where(eq(reviewers.id, reviewer.id));
  }
  const token = randomSecret();
  const expiresAt = new Date(now.getTime() + ctx.limits.reviewerSessionHours * 3_600_000);
  await ctx.db.insert(reviewerSessions).values({ tokenHash: sha256Hex(token), reviewerId: reviewer.id, createdAt: now, expiresAt });
  return {
    token,
    expiresAt: expiresAt.toISOString(),
    reviewer: { username: reviewer.username, displayName: reviewer.displayName, department: reviewer.department, ...(reviewer.itAdmin ? { itAdmin: true } : {}) },
  };
}

export async function logout(ctx: BackofficeContext, authorization: string | undefined): Promise<void> {
  const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
  if (token) await ctx.db.delete(reviewerSessions).where(eq(reviewerSessions.tokenHash, sha256Hex(token)));
}

export async function authenticateReviewer(ctx: BackofficeContext, authorization: string | undefined): Promise<Reviewer> {
  const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
  if (!token) throw new ApiError(401, 'AUTH_REQUIRED');
  const [row] = await ctx.db
    .select({ reviewer: reviewers, expiresAt: reviewerSessions.expiresAt })
    .from(reviewerSessions)
    .innerJoin(reviewers, eq(reviewers.id, reviewerSessions.reviewerId))
    .where(eq(reviewerSessions.tokenHash, sha256Hex(token)));
  if (!row || row.reviewer.disabledAt) throw new ApiError(401, 'AUTH_REQUIRED', '登录凭证无效，请重新登录');
  if (row.expiresAt <= ctx.now()) throw new ApiError(401, 'SESSION_EXPIRED');
  return row.reviewer;
}
