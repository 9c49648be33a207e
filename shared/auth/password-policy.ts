/**
 * The password policy, shared by the CLI, the core and the change-password form (the core's
 * check is the law; the form's is a convenience). Reuse of recent passwords is checked in the
 * core (electron/auth), which alone holds the hashes.
 */

export const PASSWORD_POLICY = {
  minLength: 10,
  maxLength: 128,
  /** Of: lower-case letters, upper-case letters, digits, symbols. */
  minClasses: 3,
  /** The new password may not equal any of the last N (the current one included). */
  historySize: 5,
  /** No character repeated this many times in a row ("aaaa"). */
  maxRepeat: 4,
} as const;

const CLASSES = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z\d]/];

/** A Chinese reason the password is refused, or null when it meets the policy. */
export function checkPasswordStrength(password: string, username?: string): string | null {
  const p = PASSWORD_POLICY;
  if (password.length < p.minLength) return `密码至少 ${p.minLength} 位`;
  if (password.length > p.maxLength) return `密码不能超过 ${p.maxLength} 位`;
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return '密码须同时包含字母和数字';
  if (CLASSES.filter((c) => c.test(password)).length < p.minClasses) {
    return '密码须包含大写字母、小写字母、数字、符号中的至少三类';
  }
  if (new RegExp(`(.)\\1{${p.maxRepeat - 1}}`, 'u').test(password)) return `密码不能有 ${p.maxRepeat} 个及以上相同字符连续出现`;
  if (username && username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) return '密码不能包含用户名';
  return null;
}
