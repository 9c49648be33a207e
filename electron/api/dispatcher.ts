/**
 * The core's single entry point for both transports. For every call: the channel must exist,
 * the caller must hold the channel's access in the permission matrix, the input must parse
 * against the contract; the handler's output is parsed against the contract too, so nothing
 * beyond it (a password hash, a full ID number) can leak. Every failure becomes a typed envelope, never a thrown crash.
 */
import { ZodError, type z } from 'zod';
import { contract, isChannel, type Channel, type ChannelOutput } from '../../shared/contract/channels';
import { ContractError, type Envelope } from '../../shared/contract/errors';
import { channelAccess, decideAccess, type AccessOutcome } from '../../shared/auth/permissions';
import type { AuthService, Session } from '../auth';
import { inputProblem } from './input-guard';

export interface CallContext {
  /** The transport's session id for this renderer (cookie or webContents), if any. */
  sessionId?: string;
}

export interface HandlerContext {
  session: Session | undefined;
  /** Tell the transport to remember (or forget, with null) a session for this renderer. */
  setSession(sessionId: string | null): void;
}

export type Handlers = {
  [C in Channel]: (
    input: z.output<(typeof contract)[C]['input']>,
    ctx: HandlerContext,
  ) => ChannelOutput<C> | Promise<ChannelOutput<C>>;
};

export interface DispatchResult {
  envelope: Envelope;
  /** undefined: no change; null: forget the session; string: remember this session id. */
  session?: string | null;
}

const REFUSALS: Record<Exclude<AccessOutcome, 'ALLOWED'>, () => ContractError> = {
  UNAUTHENTICATED: () => new ContractError('UNAUTHENTICATED', '请先登录'),
  PASSWORD_CHANGE_REQUIRED: () => new ContractError('PASSWORD_CHANGE_REQUIRED', '请先修改初始密码'),
  SESSION_LOCKED: () => new ContractError('SESSION_LOCKED', '屏幕已锁定，请输入密码解锁'),
  FORBIDDEN: () => new ContractError('FORBIDDEN', '当前账户无权执行此操作'),
};

const zodMessage = (error: z.ZodError) =>
  error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}：${i.message}` : i.message))
    .join('；');

export function createDispatcher(handlers: Handlers, auth: AuthService, onInternalError: (err: unknown, channel: string) => void) {
  return async function dispatch(channelName: unknown, rawInput: unknown, ctx: CallContext): Promise<DispatchResult> {
    let sessionChange: string | null | undefined;
    try {
      if (!isChannel(channelName)) {
        throw new ContractError('UNKNOWN_CHANNEL', `未知的调用：${String(channelName).slice(0, 64)}`);
      }
      const spec = contract[channelName];
      const session = auth.getSession(ctx.sessionId);
      // The permission matrix (shared/auth/permissions.ts) decides, before the input is even parsed;
      // a channel without a row falls back to its contract access (tests/unit/permissions.test.ts fails then).
      const access = channelAccess(channelName) ?? spec.access;
      const outcome = decideAccess(access, session);
      if (outcome !== 'ALLOWED') throw REFUSALS[outcome]();
      const problem = inputProblem(rawInput);
      if (problem) throw new ContractError('INVALID_INPUT', problem);
      const parsed = spec.input.safeParse(rawInput ?? {});
      if (!parsed.success) {
        throw new ContractError('INVALID_INPUT', `请求参数无效：${zodMessage(parsed.error)}`, parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
      }
      if (access !== 'public' && session && !session.locked) auth.touch(session.id);
      const output = await (handlers[channelName] as (i: unknown, c: HandlerContext) => unknown)(parsed.data, {
        session,
        setSession: (id) => {
          sessionChange = id;
        },
      });
      const checked = spec.output.safeParse(output);
      if (!checked.success) {
        throw new Error(`output of ${channelName} does not match the contract: ${zodMessage(checked.error)}`);
      }
      return { envelope: { ok: true, data: checked.data }, session: sessionChange };
    } catch (err) {
      if (err instanceof ContractError) return { envelope: { ok: false, error: err.toBody() }, session: sessionChange };
      // A handler that validates part of the input with its own schema (an id's format, a wire
      // payload) refuses the input; it is not an internal failure.
      if (err instanceof ZodError) {
        return { envelope: { ok: false, error: { code: 'INVALID_INPUT', message: `请求参数无效：${zodMessage(err)}` } }, session: sessionChange };
      }
      onInternalError(err, String(channelName));
      return {
        envelope: { ok: false, error: { code: 'INTERNAL', message: '工作台内部错误，操作未完成。请重试；如仍失败请联系信息技术人员' } },
        session: sessionChange,
      };
    }
  };
}

export type Dispatch = ReturnType<typeof createDispatcher>;
