/**
 * 补正 at the window: a department in the back office asked for more materials; the case comes
 * back to the window as a to-do (待补正). The clerk captures or imports the new pages with the
 * materials channels (owner `{ caseId }`, materialId = the slot's `materialId`) and submits;
 * the core sends them to the back office through the outbox (`case.supplement`) and the case
 * goes back into review. Spread `supplementsChannels` into the contract in channels.ts.
 * Refusals: NOT_FOUND (no such case), CONFLICT (the case is not waiting for a supplement),
 * VALIDATION_FAILED (a wanted material has no new page yet; `details` lists them).
 */
import { z } from 'zod';
import { channel } from './define';

const WINDOW_ROLES = ['clerk', 'supervisor'] as const;

/** One material a department wants, and where its pages are captured. */
export const supplementSlotSchema = z.object({
  /** Capture the pages under this material id (the item's own id when the department named one). */
  materialId: z.string(),
  name: z.string(),
  note: z.string().nullable(),
  /** Departments (names) asking for it. */
  departments: z.array(z.string()),
  /** Pages captured for it since the request (ids of materials.listPages({ caseId })). */
  newPageIds: z.array(z.string()),
});
export type SupplementSlot = z.infer<typeof supplementSlotSchema>;

export const supplementRequestSchema = z.object({
  department: z.string(),
  departmentName: z.string(),
  reason: z.string().nullable(),
  requestedAt: z.string(),
  materials: z.array(z.object({ name: z.string(), note: z.string().nullable() })),
});
export type SupplementRequestView = z.infer<typeof supplementRequestSchema>;

export const supplementTodoSchema = z.object({
  caseId: z.string(),
  caseNo: z.string(),
  itemName: z.string(),
  applicantName: z.string(),
  /** The latest request's time. */
  requestedAt: z.string(),
  requests: z.array(supplementRequestSchema),
  slots: z.array(supplementSlotSchema),
});
export type SupplementTodo = z.infer<typeof supplementTodoSchema>;

const caseId = z.string().trim().min(1).max(40);

export const supplementsChannels = {
  /** Cases waiting for a supplement at this window, oldest request first (the 待补正 list and its badge). */
  'supplements.list': channel({
    input: z.object({}).strict(),
    output: z.object({ todos: z.array(supplementTodoSchema) }),
    access: WINDOW_ROLES,
  }),
  /** One case's to-do: what each department wants and why, and the pages captured so far. NOT_FOUND / CONFLICT. */
  'supplements.get': channel({
    input: z.object({ caseId }).strict(),
    output: supplementTodoSchema,
    access: WINDOW_ROLES,
  }),
  /**
   * Submit the new pages: one `case.supplement` goes to the outbox with the case's move back to
   * review, in one transaction. VALIDATION_FAILED when a wanted material has no new page.
   */
  'supplements.submit': channel({
    input: z.object({ caseId, note: z.string().trim().max(500).optional() }).strict(),
    output: z.object({
      supplementId: z.string(),
      caseNo: z.string(),
      status: z.string(),
      materials: z.array(z.object({ materialId: z.string(), name: z.string(), pages: z.number().int() })),
    }),
    access: WINDOW_ROLES,
  }),
};
