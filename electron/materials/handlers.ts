/**
 * Contract handlers of the materials channels (shared/contract/materials.ts), for the
 * workstation's handler table: `{ ...handlers, ...createMaterialsHandlers({ service, actor }) }`.
 * Who may touch what: a draft's pages only its clerk (as drafts.* does); a case's pages any
 * signed-in role, and only by adding. Every refusal is a ContractError with a Chinese message.
 */
import type { z } from 'zod';
import { ContractError } from '../../shared/contract/errors';
import { materialsChannels, type MaterialsChannel, type MaterialsOutput, type PageOwner } from '../../shared/contract/materials';
import type { HandlerContext } from '../api/dispatcher';
import { BlobIntegrityError, BlobNotFoundError, MaterialFileError, MaterialWorkerError } from './errors';
import type { MaterialsService } from './index';

export interface MaterialsActor {
  username: string;
  role: string;
}

export type MaterialsHandlers = {
  [C in MaterialsChannel]: (
    input: z.output<(typeof materialsChannels)[C]['input']>,
    ctx: HandlerContext,
  ) => MaterialsOutput<C> | Promise<MaterialsOutput<C>>;
};

export interface MaterialsHandlerDeps {
  service: MaterialsService;
  /** The signed-in user (throws UNAUTHENTICATED otherwise), e.g. `(ctx) => actorOf(ctx.session)`. */
  actor: (ctx: HandlerContext) => MaterialsActor;
  /** Audit trail entry for lookups of earlier cases' pages (personal data). */
  audit?: (entry: { actor: string; role: string; action: string; caseId?: string; detail: Record<string, unknown> }) => void;
}

/** Typed core errors → what the renderer may see. */
function contractErrorOf(e: unknown): unknown {
  if (e instanceof ContractError) return e;
  if (e instanceof MaterialFileError) return new ContractError('VALIDATION_FAILED', e.message, { code: e.code });
  if (e instanceof MaterialWorkerError) return new ContractError('INTERNAL', e.message, { code: e.code });
  if (e instanceof BlobIntegrityError || e instanceof BlobNotFoundError) return new ContractError('INTERNAL', e.message, { code: e.code });
  return e;
}

function guarded<A extends unknown[], R>(fn: (...args: A) => R | Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await fn(...args);
    } catch (e) {
      throw contractErrorOf(e);
    }
  };
}

const maskId = (id: string) => (id.length > 8 ? `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}` : '****');

export function createMaterialsHandlers(deps: MaterialsHandlerDeps): MaterialsHandlers {
  const { service } = deps;

  /** The owner must exist and, for a draft, be the caller's. */
  const own = (owner: PageOwner, ctx: HandlerContext) => {
    const a = deps.actor(ctx);
    service.checkOwner(owner, 'draftId' in owner ? a.username : undefined);
    return a;
  };
  const ownPage = (pageId: string, ctx: HandlerContext) => {
    const { owner } = service.ownerOfPage(pageId);
    own(owner, ctx);
    return owner;
  };

  return {
    'materials.addPage': guarded(async (input, ctx) => {
      const a = own(input.owner, ctx);
      const bytes = Buffer.from(input.dataBase64, 'base64');
      return service.addPage({
        owner: input.owner,
        materialId: input.materialId,
        bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        source: input.source,
        fileName: input.fileName,
        by: a.username,
      });
    }),
    'materials.listPages': guarded((input, ctx) => {
      own(input.owner, ctx);
      return { pages: service.listPages(input.owner, input.materialId) };
    }),
    'materials.reorder': guarded((input, ctx) => {
      own(input.owner, ctx);
      return { pages: service.reorderPages(input.owner, input.materialId, input.pageIds) };
    }),
    'materials.deletePage': guarded((input, ctx) => {
      own(input.owner, ctx);
      const r = service.deletePage(input.owner, input.pageId);
      return { deleted: true, materialId: r.materialId, materialPageCount: r.materialPageCount };
    }),
    'materials.rotate': guarded((input, ctx) => {
      ownPage(input.pageId, ctx);
      return service.rotatePage(input.pageId, input.degrees);
    }),
    'materials.crop': guarded((input, ctx) => {
      ownPage(input.pageId, ctx);
      return service.cropPage(input.pageId, input.rect);
    }),
    'materials.pageImage': guarded(async (input, ctx) => {
      ownPage(input.pageId, ctx);
      const r = await service.pageImage(input.pageId, input.size);
      return { pageId: input.pageId, kind: r.page.kind, dataUrl: r.dataUrl, width: r.width, height: r.height };
    }),
    'materials.reuseCandidates': guarded((input, ctx) => {
      const a = deps.actor(ctx);
      const candidates = service.reuseCandidates(input.applicantIdNo, input.materialIds);
      deps.audit?.({
        actor: a.username,
        role: a.role,
        action: 'materials.reuseLookup',
        detail: { key: maskId(input.applicantIdNo.toUpperCase()), found: candidates.length },
      });
      return { candidates };
    }),
    'materials.reuse': guarded(async (input, ctx) => {
      const a = own(input.owner, ctx);
      const result = await service.reuse({ owner: input.owner, materialId: input.materialId, fromPageIds: input.fromPageIds, by: a.username });
      deps.audit?.({
        actor: a.username,
        role: a.role,
        action: 'materials.reuse',
        ...('caseId' in input.owner ? { caseId: input.owner.caseId } : {}),
        detail: { materialId: input.materialId, pages: result.added.length, from: [...new Set(result.added.map((p) => p.originCaseNo))] },
      });
      return result;
    }),
  };
}
