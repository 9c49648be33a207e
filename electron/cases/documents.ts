/**
 * The documents the window hands out for a case, assembled by the core from what it stored —
 * never from text the renderer sends — and rendered by electron/documents.
 */
import { createHash } from 'node:crypto';
import type { ChannelOutput } from '../../shared/contract/channels';
import { MATERIAL_FORM_NAMES } from '../../shared/catalog/item-definition';
import type { Catalog } from '../catalog';
import { renderCaseDocument, type ReceiptMaterial } from '../documents';
import type { CasesService, OneTimeNotice } from './index';

export type RenderedPdf = ChannelOutput<'documents.receipt'>;

export interface CaseDocuments {
  receipt(caseId: string, clerkName: string): Promise<RenderedPdf>;
  oneTimeNotice(notice: OneTimeNotice, clerkName: string): Promise<RenderedPdf>;
}

const toResult = (fileName: string, r: { bytes: Uint8Array; pages: number; missingCharacters: string[] }): RenderedPdf => ({
  fileName,
  pdfBase64: Buffer.from(r.bytes).toString('base64'),
  sha256: createHash('sha256').update(r.bytes).digest('hex'),
  pages: r.pages,
  missingCharacters: r.missingCharacters,
});

export function createCaseDocuments(deps: { cases: CasesService; catalog: Catalog; office: () => { centerName: string; windowNo: string } }): CaseDocuments {
  return {
    async receipt(caseId, clerkName) {
      const c = deps.cases.get(caseId);
      const full = deps.cases.applicantIdentity(caseId);
      const definition = deps.catalog.items.find((i) => i.code === c.itemCode && i.version === c.itemVersion);
      const materials: ReceiptMaterial[] = c.materials
        .filter((m) => m.status !== 'missing')
        .map((m) => {
          const d = definition?.materials.find((x) => x.id === m.materialId);
          return {
            name: m.name,
            status: m.status as ReceiptMaterial['status'],
            ...(d ? { copies: `${MATERIAL_FORM_NAMES[d.form]} ${d.count} 份` } : {}),
            ...(m.deferUntil ? { deferUntil: m.deferUntil } : {}),
            ...(m.reusedFrom ? { reusedFrom: m.reusedFrom } : {}),
          };
        });
      const rendered = await renderCaseDocument('acceptance-receipt', {
        caseNo: c.caseNo,
        item: { code: c.itemCode, name: c.itemName, departmentName: deps.catalog.departmentName(c.department) },
        applicant: { name: c.applicantName, idType: full.idType, idNumber: full.idNo },
        acceptedAt: c.createdAt,
        clerk: clerkName,
        ...(definition ? { promisedDays: definition.timeLimit.promisedDays } : {}),
        promisedDate: c.promisedDate,
        materials,
        office: { centerName: deps.office().centerName, windowNo: c.windowNo },
      });
      return toResult(`受理回执-${c.caseNo}.pdf`, rendered);
    },
    async oneTimeNotice(notice, clerkName) {
      const noticeNo = `GZ-${notice.issuedAt.slice(0, 10).replaceAll('-', '')}-${createHash('sha256').update(notice.issuedAt + notice.itemCode).digest('hex').slice(0, 6).toUpperCase()}`;
      const rendered = await renderCaseDocument('one-time-notice', {
        noticeNo,
        item: { code: notice.itemCode, name: notice.itemName, departmentName: notice.departmentName },
        applicantName: notice.applicantName,
        missing: notice.missing.map((m) => ({ name: m.name, description: m.description, ...(m.note ? { note: m.note } : {}) })),
        issuedAt: notice.issuedAt,
        clerk: clerkName,
        office: { ...deps.office() },
      });
      return toResult(`一次性告知书-${noticeNo}.pdf`, rendered);
    },
  };
}
