/** scrypt password hashes (Node's built-in, memory-hard). Format: scrypt$N$r$p$salt$hash (base64). */
import { randomBytes, randomInt, scryptSync, timingSafeEqual } from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const KEY_LEN = 32;

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password.normalize('NFKC'), salt, KEY_LEN, { N, r: R, p: P });
  return ['scrypt', N, R, P, salt.toString('base64'), hash.toString('base64')].join('$');
}

export function verifyPassword(password: string, stored: string): boolean {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltB64, hashB64] = parts;
  const expected = Buffer.from(hashB64!, 'base64');
  const actual = scryptSync(password.normalize('NFKC'), Buffer.from(saltB64!, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A one-time password a person can read aloud and type: no 0/O, 1/l/I confusion. */
export function generateOneTimePassword(length = 12): string {
  const letters = 'abcdefghjkmnpqrstuvwxyz';
  const digits = '23456789';
  const all = letters + letters.toUpperCase() + digits;
  let out = '';
  while (out.length < length) out += all[randomInt(all.length)];
  // guarantee lower, upper and digit (the policy's classes) without biasing much
  return out.slice(0, length - 3) + letters[randomInt(letters.length)] + letters.toUpperCase()[randomInt(letters.length)] + digits[randomInt(digits.length)];
}
