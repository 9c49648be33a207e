/**
 * Sign-in throttling for browser mode (any local program can reach 127.0.0.1): failed attempts
 * are counted in a sliding window per client and per username; over the limit, the next
 * attempt is refused before the password is even checked, with the seconds to wait. The
 * account lockout (electron/auth) still applies underneath; this stops guessing across many
 * usernames and keeps scrypt from being used to burn the CPU.
 */
export interface SignInLimits {
  /** Failed attempts allowed per username in the window. */
  perUsername: number;
  /** Failed attempts allowed per client (address) in the window, whatever the usernames. */
  perClient: number;
  windowMs: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { perUsername: 5, perClient: 20, windowMs: 5 * 60_000 };

export interface SignInLimiter {
  /** Seconds to wait before another attempt is accepted; 0 when it may go ahead. */
  retryAfter(client: string, username: string | undefined): number;
  /** Records the outcome: a failure counts, a success clears that username's failures. */
  record(client: string, username: string | undefined, ok: boolean): void;
}

export function createSignInLimiter(limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS, now: () => number = Date.now): SignInLimiter {
  const failures = new Map<string, number[]>();
  const MAX_KEYS = 10_000;

  const recent = (key: string) => {
    const cutoff = now() - limits.windowMs;
    const list = (failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length) failures.set(key, list);
    else failures.delete(key);
    return list;
  };
  const wait = (key: string, max: number) => {
    const list = recent(key);
    if (list.length < max) return 0;
    // The oldest failure that still counts must leave the window first.
    return Math.max(1, Math.ceil((list[list.length - max]! + limits.windowMs - now()) / 1000));
  };
  const keys = (client: string, username: string | undefined) => ({ c: `c:${client}`, u: username ? `u:${username.trim().toLowerCase()}` : undefined });

  return {
    retryAfter(client, username) {
      const k = keys(client, username);
      return Math.max(wait(k.c, limits.perClient), k.u ? wait(k.u, limits.perUsername) : 0);
    },
    record(client, username, ok) {
      const k = keys(client, username);
      if (ok) {
        if (k.u) failures.delete(k.u);
        return;
      }
      // Bounded memory even under a flood of made-up usernames.
      if (failures.size > MAX_KEYS) failures.clear();
      for (const key of [k.c, k.u]) if (key) failures.set(key, [...recent(key), now()]);
    },
  };
}
