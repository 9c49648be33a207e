/**
 * Drafts: the form autosaves to SQLite as the clerk types, so a crash or a closed window loses
 * nothing. A draft keeps the item definition it was started on; after a catalogue update it
 * still opens on that version and the clerk is offered the upgrade, never a broken form.
 */
import { and, desc, eq } from 'drizzle-orm';
import { ulid } from 'ulid';
import { drafts } from '../../db/schema';
import type { DraftRow, ItemDetail } from '../../shared/contract/channels';
import { ContractError } from '../../shared/contract/errors';
import type { MaterialState } from '../../shared/catalog/materials';
import type { Catalog } from '../catalog';
import type { WorkstationDb } from '../database';

export interface DraftRecord extends DraftRow {
  formData: Record<string, unknown>;
  materials: MaterialState[];
  definition: ItemDetail;
}

export interface DraftsService {
  save(input: { draftId?: string; itemCode: string; itemVersion: number; formData: Record<string, unknown>; materials: MaterialState[]; upgrade?: boolean }, by: string): { draftId: string; savedAt: string };
  list(by: string): DraftRow[];
  get(draftId: string, by: string): DraftRecord;
  discard(draftId: string, by: string): boolean;
  /** Removes a draft inside the caller's transaction (used when its case is accepted). */
  remove(tx: WorkstationDb, draftId: string): void;
}

function applicantNameOf(formData: Record<string, unknown>): string | null {
  const company = formData.company as { name?: unknown } | undefined;
  const applicant = formData.applicant as { name?: unknown } | undefined;
  const name = typeof company?.name === 'string' && company.name ? company.name : typeof applicant?.name === 'string' ? applicant.name : '';
  return name ? name.slice(0, 100) : null;
}

type Row = typeof drafts.$inferSelect;
const toRow = (d: Row): DraftRow => ({
  id: d.id,
  itemCode: d.itemCode,
  itemVersion: d.itemVersion,
  itemName: d.itemName,
  applicantName: d.applicantName,
  updatedAt: d.updatedAt,
});

export function createDraftsService(deps: { db: WorkstationDb; catalog: Catalog; now: () => Date; onDiscard?: (draftId: string) => void }): DraftsService {
  const { db, catalog } = deps;
  const find = (draftId: string, by: string) => {
    const d = db.select().from(drafts).where(and(eq(drafts.id, draftId), eq(drafts.createdBy, by))).get();
    if (!d) throw new ContractError('NOT_FOUND', '草稿不存在（可能已受理或已删除）');
    return d;
  };
  return {
    save(input, by) {
      const at = deps.now().toISOString();
      const formData = JSON.stringify(input.formData);
      const materials = JSON.stringify(input.materials);
      const applicantName = applicantNameOf(input.formData);
      if (input.draftId) {
        const existing = find(input.draftId, by);
        if (existing.itemCode !== input.itemCode) throw new ContractError('CONFLICT', '草稿对应的事项不一致');
        const change: Partial<Row> = { formData, materials, applicantName, updatedAt: at };
        if (input.upgrade || existing.itemVersion !== input.itemVersion) {
          const current = catalog.detail(catalog.get(input.itemCode, input.itemVersion));
          Object.assign(change, { itemVersion: current.version, itemName: current.name, definition: JSON.stringify(current) });
        }
        db.update(drafts).set(change).where(eq(drafts.id, existing.id)).run();
        return { draftId: existing.id, savedAt: at };
      }
      const definition = catalog.detail(catalog.get(input.itemCode, input.itemVersion));
      const id = ulid(deps.now().getTime());
      db.insert(drafts)
        .values({ id, itemCode: definition.code, itemVersion: definition.version, itemName: definition.name, definition: JSON.stringify(definition), formData, materials, applicantName, createdBy: by, createdAt: at, updatedAt: at })
        .run();
      return { draftId: id, savedAt: at };
    },
    list(by) {
      return db.select().from(drafts).where(eq(drafts.createdBy, by)).orderBy(desc(drafts.updatedAt)).limit(200).all().map(toRow);
    },
    get(draftId, by) {
      const d = find(draftId, by);
      return {
        ...toRow(d),
        formData: JSON.parse(d.formData) as Record<string, unknown>,
        materials: JSON.parse(d.materials) as MaterialState[],
        definition: JSON.parse(d.definition) as ItemDetail,
      };
    },
    discard(draftId, by) {
      find(draftId, by);
      db.delete(drafts).where(eq(drafts.id, draftId)).run();
      deps.onDiscard?.(draftId);
      return true;
    },
    remove(tx, draftId) {
      tx.delete(drafts).where(eq(drafts.id, draftId)).run();
    },
  };
}
