/**
 * Glue for the composition root: a case's materials for the wire, from the checklist the case
 * was accepted with (`cases.materials`: status, name, 容缺 due date) and the pages the
 * materials capability holds for it (SHA-256 in page order).
 */
import { eq } from 'drizzle-orm';
import { cases } from '../../db/schema';
import type { WorkstationDb } from '../database';
import type { CaseMaterial } from './types';

interface ChecklistEntry {
  materialId: string;
  status: CaseMaterial['status'];
  name?: string;
  deferUntil?: string | null;
}

export function materialsFromChecklist(
  db: WorkstationDb,
  pagesForCase: (caseId: string) => { materialId: string; blobs: string[] }[],
): (caseId: string) => CaseMaterial[] {
  return (caseId) => {
    const row = db.select({ materials: cases.materials }).from(cases).where(eq(cases.id, caseId)).get();
    const checklist = row ? (JSON.parse(row.materials) as ChecklistEntry[]) : [];
    const pages = new Map(pagesForCase(caseId).map((m) => [m.materialId, m.blobs]));
    const out: CaseMaterial[] = checklist.map((m) => ({
      materialId: m.materialId,
      name: m.name ?? m.materialId,
      status: m.status,
      blobs: pages.get(m.materialId) ?? [],
      ...(m.deferUntil ? { deferUntil: m.deferUntil } : {}),
    }));
    // Pages of a material the checklist does not name (added later) are sent, never dropped.
    for (const [materialId, blobs] of pages) {
      if (!checklist.some((m) => m.materialId === materialId)) out.push({ materialId, name: materialId, status: 'received', blobs });
    }
    return out;
  };
}
