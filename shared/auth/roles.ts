/** Local account roles. Enforced in the core on every contract call, not only hidden in the UI. */
export const ROLES = ['clerk', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, string> = {
  clerk: '窗口人员',
  supervisor: '值班主管',
  admin: '系统管理员',
};

/** Password rules live in ./password-policy; re-exported for the change-password form. */
export { checkPasswordStrength } from './password-policy';
