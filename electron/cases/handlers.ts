/**
 * Handlers of the lifecycle contract (shared/contract/lifecycle.ts): the window's actions on a
 * case and the documents stored with it. Spread into the workstation's handler table.
 */
import type { Handlers, HandlerContext } from '../api/dispatcher';
import type { AuditLog } from '../audit';
import type { CaseActor } from './index';
import type { CaseDocuments } from './documents';
import type { LifecycleService } from './lifecycle';

/** The shell's printer (electron/shell): prints a PDF on the PC's default printer. Absent in browser mode. */
export type PrintDocumentHook = (pdf: { bytes: Uint8Array; fileName: string; title: string }) => Promise<void>;

type LifecycleChannel = 'cases.withdraw' | 'cases.refuseIntake' | 'cases.handOut' | 'cases.deliver' | 'documents.list' | 'documents.get' | 'documents.print';

export function createLifecycleHandlers(deps: {
  lifecycle: LifecycleService;
  documents: CaseDocuments;
  audit: AuditLog;
  actor: (ctx: HandlerContext) => CaseActor;
  printDocument?: () => PrintDocumentHook | undefined;
}): Pick<Handlers, LifecycleChannel> {
  const { lifecycle, documents, audit } = deps;
  return {
    'cases.withdraw': (input, ctx) => lifecycle.withdraw(input, deps.actor(ctx)),
    'cases.refuseIntake': (input, ctx) => lifecycle.refuseIntake(input, deps.actor(ctx)),
    'cases.handOut': (input, ctx) => lifecycle.handOut(input, deps.actor(ctx)),
    'cases.deliver': (input, ctx) => lifecycle.deliver(input, deps.actor(ctx)),
    'documents.list': async (input, ctx) => {
      const by = deps.actor(ctx);
      // Documents the case is due are issued on first sight: a crash or an offline render never loses one.
      await documents.ensure(input.caseId, { name: by.username, role: by.role });
      await lifecycle.ensureNonAcceptanceNotice(input.caseId, { name: by.username, role: by.role });
      return documents.list(input.caseId);
    },
    'documents.get': (input, ctx) => {
      const by = deps.actor(ctx);
      const { meta, bytes } = documents.get(input.documentId);
      audit.append({ actor: by.username, role: by.role, action: 'document.open', caseId: meta.caseId, detail: { documentId: meta.id, kind: meta.kind } });
      return { ...meta, pdfBase64: Buffer.from(bytes).toString('base64') };
    },
    'documents.print': async (input, ctx) => {
      const by = deps.actor(ctx);
      const printer = deps.printDocument?.();
      if (!printer) return { printed: false };
      const { meta, bytes } = documents.get(input.documentId);
      await printer({ bytes, fileName: meta.fileName, title: meta.title });
      audit.append({ actor: by.username, role: by.role, action: 'document.print', caseId: meta.caseId, detail: { documentId: meta.id, kind: meta.kind } });
      return { printed: true };
    },
  };
}
