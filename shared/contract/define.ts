/**
 * How a contract channel is declared, shared by every contract file (channels.ts, materials.ts,
 * identity.ts): zod input and output schemas and who may call it.
 */
import type { z } from 'zod';
import { ROLES, type Role } from '../auth/roles';

/**
 * 'public': anyone, signed in or not. 'session': any signed-in user, even one who must
 * still change a one-time password. A role list: signed in, password changed, not idle-locked,
 * and holding one of the roles.
 */
export type Access = 'public' | 'session' | readonly Role[];

export interface ChannelSpec<I extends z.ZodType, O extends z.ZodType> {
  input: I;
  output: O;
  access: Access;
}

export function channel<I extends z.ZodType, O extends z.ZodType>(spec: ChannelSpec<I, O>): ChannelSpec<I, O> {
  return spec;
}

export const ALL_ROLES = ROLES;
