/**
 * 补正 at the window (docs/SYNC.md, "Supplements"). A `supplement-requested` event from the
 * back office leaves the case 'supplement-requested' with a timeline entry naming the materials
 * wanted and the department's reason; this module turns that into the clerk's to-do, and on
 * submit writes — in ONE transaction — the `case.supplement` outbox entry (the new pages'
 * SHA-256, which the sync engine uploads first) and the case's move back to review through the
 * state machine (transitionCase: timeline + audit). New pages are captured with the materials
 * capability on the case itself (owner `{ caseId }`): a page counts as new when it was added
 * after acceptance and no earlier supplement of the case sent it.
 */
import { and, asc, desc, eq, gt, inArray } from 'drizzle-orm';
import { ulid } from 'ulid';
import { caseEvents, cases, materialPages, outbox } from '../../db/schema';
import { ContractError } from '../../shared/contract/errors';
import type { SupplementRequestView, SupplementSlot, SupplementTodo } from '../../shared/contract/supplements';
import { caseSupplementSchema, parseWire, type MaterialSubmission, type WantedMaterial } from '../../shared/sync';
import type { AuditLog } from '../audit';
import { transitionCase } from '../cases/transition';
import type { WorkstationDb } from '../database';

export interface SupplementsDeps {
  db: WorkstationDb;
  audit: Pick<AuditLog, 'append'>;
  station: () => { centerCode: string; windowNo: string; device: string };
  departmentName: (code: string) => string;
  now?: () => Date;
  /** The case changed (status, timeline): tell the renderers and poke the sync engine. */
  onChange?: (caseId: string) => void;
}

export interface SupplementActor {
  username: string;
  role: 'clerk' | 'supervisor' | 'admin';
}

export interface SupplementsService {
  list(): SupplementTodo[];
  get(caseId: string): SupplementTodo;
  submit(caseId: string, input: { note?: string }, by: SupplementActor): { supplementId: string; caseNo: string; status: string; materials: { materialId: string; name: string; pages: number }[] };
}

/** Timeline type of the window's own submission (the sync engine adds 'supplement-submitted' once the back office has it). */
export const SUPPLEMENT_EVENT_TYPE = 'supplement';

interface RequestDetail {
  taskId?: string;
  department?: string;
  reason?: string;
  requestedAt?: string;
  materialsWanted?: WantedMaterial[];
}

/** The material id pages are captured under: the item's own id, else one made from the task. */
export function slotIdOf(taskId: string | undefined, index: number, wanted: WantedMaterial): string {
  if (wanted.materialId) return wanted.materialId;
  const tag = (taskId ?? '').slice(-6).toLowerCase().replace(/[^a-z0-9]/g, '') || 'x';
  return `bz-${tag}-${index + 1}`;
}

export function createSupplementsService(deps: SupplementsDeps): SupplementsService {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());

  /** Requests since the window last submitted a supplement (a later request opens a new to-do). */
  function openRequests(tx: WorkstationDb, caseId: string) {
    const last = tx
      .select({ id: caseEvents.id })
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.type, SUPPLEMENT_EVENT_TYPE)))
      .orderBy(desc(caseEvents.id))
      .limit(1)
      .get();
    return tx
      .select({ id: caseEvents.id, at: caseEvents.at, detail: caseEvents.detail })
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.type, 'supplement-requested'), gt(caseEvents.id, last?.id ?? 0)))
      .orderBy(asc(caseEvents.id))
      .all()
      .map((e) => ({ at: e.at, detail: JSON.parse(e.detail) as RequestDetail }));
  }

  /** Blobs earlier supplements of the case already carried. */
  function sentBlobs(tx: WorkstationDb, caseId: string): Set<string> {
    const rows = tx.select({ payload: outbox.payload }).from(outbox).where(and(eq(outbox.caseId, caseId), eq(outbox.kind, 'case.supplement'))).all();
    const sent = new Set<string>();
    for (const r of rows) {
      const p = JSON.parse(r.payload) as { materials?: { blobs?: string[] }[] };
      for (const m of p.materials ?? []) for (const b of m.blobs ?? []) sent.add(b);
    }
    return sent;
  }

  function todoOf(tx: WorkstationDb, c: typeof cases.$inferSelect): SupplementTodo {
    const requests = openRequests(tx, c.id);
    const slots = new Map<string, SupplementSlot>();
    const views: SupplementRequestView[] = [];
    for (const r of requests) {
      const d = r.detail;
      const department = d.department ?? '';
      const departmentName = department ? deps.departmentName(department) : '审批部门';
      const wanted = d.materialsWanted ?? [];
      views.push({
        department,
        departmentName,
        reason: d.reason ?? null,
        requestedAt: d.requestedAt ?? r.at,
        materials: wanted.map((w) => ({ name: w.name, note: w.note ?? null })),
      });
      wanted.forEach((w, i) => {
        const id = slotIdOf(d.taskId, i, w);
        const slot = slots.get(id) ?? { materialId: id, name: w.name, note: w.note ?? null, departments: [], newPageIds: [] };
        if (!slot.departments.includes(departmentName)) slot.departments.push(departmentName);
        if (w.note && slot.note !== w.note) slot.note = slot.note ? `${slot.note}；${w.note}` : w.note;
        slots.set(id, slot);
      });
    }
    const ids = [...slots.keys()];
    if (ids.length) {
      const sent = sentBlobs(tx, c.id);
      const pages = tx
        .select({ id: materialPages.id, materialId: materialPages.materialId, sha256: materialPages.sha256, createdAt: materialPages.createdAt })
        .from(materialPages)
        .where(and(eq(materialPages.caseId, c.id), inArray(materialPages.materialId, ids), gt(materialPages.createdAt, c.createdAt)))
        .orderBy(asc(materialPages.materialId), asc(materialPages.pageOrder))
        .all();
      for (const p of pages) if (!sent.has(p.sha256)) slots.get(p.materialId)!.newPageIds.push(p.id);
    }
    return {
      caseId: c.id,
      caseNo: c.caseNo,
      itemName: c.itemName,
      applicantName: c.applicantName,
      requestedAt: views.at(-1)?.requestedAt ?? c.updatedAt,
      requests: views,
      slots: [...slots.values()],
    };
  }

  function waitingCase(tx: WorkstationDb, caseId: string) {
    const c = tx.select().from(cases).where(eq(cases.id, caseId)).get();
    if (!c) throw new ContractError('NOT_FOUND', '未找到该办件');
    if (c.status !== 'supplement-requested') throw new ContractError('CONFLICT', `办件 ${c.caseNo} 当前不需要补正`);
    return c;
  }

  return {
    list() {
      const rows = db.select().from(cases).where(eq(cases.status, 'supplement-requested')).all();
      return rows.map((c) => todoOf(db, c)).sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
    },
    get(caseId) {
      return todoOf(db, waitingCase(db, caseId));
    },
    submit(caseId, input, by) {
      const at = now();
      const iso = at.toISOString();
      const station = deps.station();
      const result = db.transaction((tx) => {
        const c = waitingCase(tx, caseId);
        const todo = todoOf(tx, c);
        if (!todo.slots.length) throw new ContractError('CONFLICT', `办件 ${c.caseNo} 没有待补正的材料清单`);
        const empty = todo.slots.filter((s) => s.newPageIds.length === 0);
        if (empty.length) {
          throw new ContractError(
            'VALIDATION_FAILED',
            `还缺少补正材料：${empty.map((s) => s.name).join('、')}，请先拍摄或导入`,
            empty.map((s) => ({ path: `materials.${s.materialId}`, message: `请拍摄或导入“${s.name}”` })),
          );
        }
        const shaOf = new Map(
          tx
            .select({ id: materialPages.id, sha256: materialPages.sha256 })
            .from(materialPages)
            .where(inArray(materialPages.id, todo.slots.flatMap((s) => s.newPageIds)))
            .all()
            .map((p) => [p.id, p.sha256]),
        );
        const materials: MaterialSubmission[] = todo.slots.map((s) => ({
          materialId: s.materialId,
          name: s.name.slice(0, 80),
          status: 'received',
          blobs: s.newPageIds.map((id) => shaOf.get(id)!),
        }));
        const supplementId = ulid(at.getTime());
        const payload = { caseId, supplementId, submittedAt: iso, submittedBy: by.username, materials, ...(input.note ? { note: input.note } : {}) };
        const parsed = parseWire(caseSupplementSchema, payload);
        if (!parsed.ok) throw new ContractError('VALIDATION_FAILED', `补正材料不符合上报要求：${parsed.summary}`);
        tx.insert(outbox).values({ id: ulid(at.getTime()), caseId, kind: 'case.supplement', payload: JSON.stringify(payload), status: 'pending', createdAt: iso, updatedAt: iso }).run();
        const moved = transitionCase(
          tx,
          deps.audit,
          caseId,
          'supplement',
          { name: by.username, role: by.role === 'admin' ? 'admin' : by.role, centerCode: station.centerCode, windowNo: station.windowNo, device: station.device },
          {
            type: SUPPLEMENT_EVENT_TYPE,
            at: iso,
            action: 'case.supplement',
            detail: { supplementId, materials: materials.map((m) => ({ materialId: m.materialId, name: m.name, pages: m.blobs.length })), ...(input.note ? { note: input.note } : {}) },
          },
        );
        return { supplementId, caseNo: c.caseNo, status: moved.to, materials: materials.map((m) => ({ materialId: m.materialId, name: m.name, pages: m.blobs.length })) };
      });
      deps.onChange?.(caseId);
      return result;
    },
  };
}
