/** Local account roles. Enforced in the core on every contract call, not only hidden in the UI. */
export const ROLES = ['clerk', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, string> = {
  clerk: '窗口人员',
  supervisor: '值班主管',
  admin: '系统管理员',
};

/** Password rules shared by the CLI, the core and the change-password form. */
export function checkPasswordStrength(password: string): string | null {
  if (password.length < 10) return '密码至少 10 位';
  if (password.length > 128) return '密码不能超过 128 位';
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return '密码须同时包含字母和数字';
  return null;
}
