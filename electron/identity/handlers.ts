/**
 * Contract handlers of the identity channels (shared/contract/identity.ts), for the
 * workstation's handler table: `{ ...handlers, ...createIdentityHandlers({ service, actor }) }`.
 * Every refusal is a ContractError with a Chinese message; RestrictedListError and the like
 * never reach here (they are CLI-only).
 */
import type { z } from 'zod';
import { ContractError } from '../../shared/contract/errors';
import { identityChannels, type IdentityChannel, type IdentityOutput } from '../../shared/contract/identity';
import type { HandlerContext } from '../api/dispatcher';
import type { IdentityActor } from './checks';
import type { IdentityService } from './index';

export type IdentityHandlers = {
  [C in IdentityChannel]: (
    input: z.output<(typeof identityChannels)[C]['input']>,
    ctx: HandlerContext,
  ) => IdentityOutput<C> | Promise<IdentityOutput<C>>;
};

export interface IdentityHandlerDeps {
  service: IdentityService;
  /** The signed-in user (throws UNAUTHENTICATED otherwise), e.g. `(ctx) => actorOf(ctx.session)`. */
  actor: (ctx: HandlerContext) => IdentityActor;
}

function bytes(base64: string, what: string): Uint8Array {
  const b = Buffer.from(base64, 'base64');
  if (b.length === 0) throw new ContractError('VALIDATION_FAILED', `${what}为空`, { code: 'EMPTY' });
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export function createIdentityHandlers(deps: IdentityHandlerDeps): IdentityHandlers {
  const { service } = deps;
  return {
    'identity.consent.notice': () => service.notice(),
    'identity.idcard.read': (input, ctx) => {
      const actor = deps.actor(ctx);
      if (input.driver === 'manual') {
        return service.readCard({ driver: 'manual', fields: input.fields, cardImage: bytes(input.cardImageBase64, '证件图像'), draftId: input.draftId }, actor);
      }
      return service.readCard({ driver: 'training', card: input.card, draftId: input.draftId }, actor);
    },
    'identity.idcard.trainingCards': (_input, ctx) => {
      deps.actor(ctx);
      return service.trainingCards();
    },
    'identity.consent.record': (input, ctx) => service.recordConsent(input.checkId, input.given, input.method, deps.actor(ctx)),
    'identity.liveness.start': (input, ctx) => service.startChallenge(input.checkId, deps.actor(ctx)),
    'identity.liveness.frame': (input, ctx) => service.frame(input.challengeId, bytes(input.frameBase64, '视频帧'), deps.actor(ctx)),
    'identity.face.check': (input, ctx) => service.checkFace(input.checkId, input.challengeId, bytes(input.liveImageBase64, '现场照片'), deps.actor(ctx)),
    'identity.face.override': (input, ctx) =>
      service.override(input.checkId, { supervisorUsername: input.supervisorUsername, supervisorPassword: input.supervisorPassword, reason: input.reason }, deps.actor(ctx)),
    'identity.check.refuse': (input, ctx) => service.refuse(input.checkId, input.reason, deps.actor(ctx)),
    'identity.check.get': (input, ctx) => service.getCheck(input.checkId, deps.actor(ctx)),
    'identity.credit.check': (input, ctx) => service.creditCheck(input, deps.actor(ctx)),
    'identity.restrictedList.status': (_input, ctx) => {
      deps.actor(ctx);
      return service.restrictedListStatus();
    },
  };
}
