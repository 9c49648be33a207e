/**
 * The one contract between the renderer and the core. Every call the renderer may make is
 * declared here once, with zod schemas for its input and output and who may call it. Both
 * transports (Electron IPC, browser mode over HTTP) carry exactly these channels; the core
 * validates every input (the renderer is untrusted) and strips outputs to their schema.
 */
import { z } from 'zod';
import { ROLES } from '../auth/roles';
import { ALL_ROLES, channel } from './define';
import { CASE_STATUSES } from '../cases/status';
import { ITEM_TYPES, MATERIAL_FORMS, SERVICE_LEVELS } from '../catalog/item-definition';
import { MATERIAL_STATUSES, materialStateSchema } from '../catalog/materials';
import { applicantChannels } from './applicant';
import { dashboardChannels } from './dashboard';
import { identityChannels } from './identity';
import { materialsChannels } from './materials';
import { supplementsChannels } from './supplements';
import { lifecycleChannels } from './lifecycle';
import { privacyChannels } from './privacy';

export type { Access, ChannelSpec } from './define';
const ADMIN = ['admin'] as const;

const shortText = (max: number) => z.string().trim().min(1).max(max);
const empty = z.object({}).strict();

export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
});

export const sessionInfoSchema = z.object({
  user: userSchema,
  mustChangePassword: z.boolean(),
  locked: z.boolean(),
  idleLockMinutes: z.number(),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

export const itemSummarySchema = z.object({
  code: z.string(),
  version: z.number(),
  name: z.string(),
  shortName: z.string(),
  type: z.enum(ITEM_TYPES),
  department: z.string(),
  departmentName: z.string(),
  level: z.enum(SERVICE_LEVELS),
  promisedDays: z.number(),
  matchedBy: z.string().optional(),
  /** Starred by the signed-in clerk. */
  favourite: z.boolean().optional(),
});
export type ItemSummary = z.infer<typeof itemSummarySchema>;

export const materialViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  form: z.enum(MATERIAL_FORMS),
  count: z.number(),
  required: z.boolean(),
  commitmentAllowed: z.boolean(),
  deferrable: z.boolean(),
  deferDays: z.number().optional(),
  reusableFrom: z.array(z.enum(['e-licence', 'earlier-case'])),
  note: z.string().optional(),
});

export const itemDetailSchema = itemSummarySchema.extend({
  legalBasis: z.array(z.string()),
  conditions: z.array(z.string()),
  legalDays: z.number(),
  fees: z.object({ charged: z.boolean(), description: z.string().optional() }),
  delivery: z.array(z.string()),
  materials: z.array(materialViewSchema),
  approval: z.object({ lead: z.string(), co: z.array(z.string()) }),
  /** The form's JSON Schema with the shared definitions it uses already included. */
  formSchema: z.record(z.string(), z.unknown()),
  uiSchema: z.record(z.string(), z.unknown()),
});
export type ItemDetail = z.infer<typeof itemDetailSchema>;

export const caseRowSchema = z.object({
  id: z.string(),
  caseNo: z.string(),
  itemCode: z.string(),
  itemName: z.string(),
  applicantName: z.string(),
  /** Always masked in lists (3201**********1234). */
  applicantIdMasked: z.string(),
  status: z.enum(CASE_STATUSES),
  promisedDate: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type CaseRow = z.infer<typeof caseRowSchema>;

export const caseEventSchema = z.object({
  type: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  actor: z.string(),
  /** 'clerk', 'supervisor', 'admin' or 'system' (the sync engine); null on older entries. */
  actorRole: z.string().nullable().optional(),
  device: z.string(),
  /** Where the entry was written (center code, window number); null on older and back-office entries. */
  centerCode: z.string().nullable().optional(),
  windowNo: z.string().nullable().optional(),
  at: z.string(),
  detail: z.record(z.string(), z.unknown()),
});

export const caseMaterialSchema = z.object({
  materialId: z.string(),
  name: z.string(),
  status: z.enum(MATERIAL_STATUSES),
  reusedFrom: z.string().optional(),
  /** For 容缺: the day the applicant must supply it by. */
  deferUntil: z.string().nullable().optional(),
});

export const caseDetailSchema = caseRowSchema.extend({
  itemVersion: z.number(),
  materials: z.array(caseMaterialSchema),
  department: z.string(),
  centerCode: z.string(),
  windowNo: z.string(),
  formData: z.record(z.string(), z.unknown()),
  events: z.array(caseEventSchema),
});
export type CaseDetail = z.infer<typeof caseDetailSchema>;

const civilDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');

/** Filters of the case list, applied in SQLite. */
export const caseFilterSchema = z.object({
  /** Case number or name (substring), or a full ID number / credit code (exact; shown masked). */
  query: z.string().max(64).optional(),
  status: z.enum(CASE_STATUSES).optional(),
  itemCode: z.string().max(40).optional(),
  department: z.string().max(8).optional(),
  /** Accepted on or after / on or before (local dates). */
  from: civilDate.optional(),
  to: civilDate.optional(),
  /** due-soon: promised within DASHBOARD_DUE_SOON_DAYS working days (official calendar) and still open; overdue: past the promised date and still open. */
  deadline: z.enum(['due-soon', 'overdue']).optional(),
});
export type CaseFilter = z.infer<typeof caseFilterSchema>;

export const renderedPdfSchema = z.object({
  fileName: z.string(),
  pdfBase64: z.string(),
  sha256: z.string(),
  pages: z.number(),
  /** Characters the embedded font cannot show (a rare character in a name): the clerk is warned. */
  missingCharacters: z.array(z.string()),
});

/** What a one-time notice is about: the item as filled and the checklist so far. */
const oneTimeNoticeInput = z
  .object({
    itemCode: shortText(40),
    itemVersion: z.number().int().min(1),
    applicantName: z.string().trim().max(100).optional(),
    materials: z.array(materialStateSchema).max(100),
    draftId: shortText(40).optional(),
  })
  .strict();

export const draftRowSchema = z.object({
  id: z.string(),
  itemCode: z.string(),
  itemVersion: z.number(),
  itemName: z.string(),
  applicantName: z.string().nullable(),
  updatedAt: z.string(),
});
export type DraftRow = z.infer<typeof draftRowSchema>;

const formDataSchema = z.record(z.string(), z.unknown()).refine((v) => JSON.stringify(v).length <= 256 * 1024, '表单数据过大');

export const settingEntrySchema = z.object({
  key: z.string(),
  label: z.string(),
  value: z.union([z.string(), z.number(), z.boolean()]),
  /** Where the effective value comes from; only 'settings' and 'default' values are editable here. */
  source: z.enum(['flag', 'env', 'file', 'settings', 'default']),
  editable: z.boolean(),
  description: z.string(),
});

export const contract = {
  /** Who and where this workstation is; shown before sign-in. */
  'system.info': channel({
    input: empty,
    output: z.object({
      appName: z.string(),
      version: z.string(),
      centerCode: z.string(),
      centerName: z.string(),
      level: z.enum(['district', 'street']),
      windowNo: z.string(),
      training: z.boolean(),
      transport: z.enum(['electron', 'browser']),
    }),
    access: 'public',
  }),
  /** Sign in with a local account. Fails with BAD_CREDENTIALS or ACCOUNT_LOCKED (after repeated failures). */
  'auth.signIn': channel({
    input: z.object({ username: shortText(64), password: z.string().min(1).max(256) }).strict(),
    output: sessionInfoSchema,
    access: 'public',
  }),
  /** The current session, or null when signed out. */
  'auth.session': channel({ input: empty, output: sessionInfoSchema.nullable(), access: 'public' }),
  'auth.signOut': channel({ input: empty, output: z.object({ signedOut: z.boolean() }), access: 'public' }),
  /** Replace the password; required before anything else after a one-time password. WEAK_PASSWORD on a weak one. */
  'auth.changePassword': channel({
    input: z.object({ currentPassword: z.string().min(1).max(256), newPassword: z.string().min(1).max(256) }).strict(),
    output: sessionInfoSchema,
    access: 'session',
  }),
  /** Unlock an idle-locked session with the same user's password. */
  'auth.unlock': channel({
    input: z.object({ password: z.string().min(1).max(256) }).strict(),
    output: sessionInfoSchema,
    access: 'session',
  }),
  /** The clerk is active (keyboard or mouse): postpones the idle lock. */
  'auth.activity': channel({ input: empty, output: z.object({ locked: z.boolean() }), access: 'session' }),

  /** Ranked item search: Chinese, pinyin, initials (gsdj), code, department. */
  'catalog.search': channel({
    input: z.object({ query: z.string().max(100), limit: z.number().int().min(1).max(200).optional() }).strict(),
    output: z.array(itemSummarySchema),
    access: ALL_ROLES,
  }),
  /** Stars or unstars an item for the signed-in clerk; NOT_FOUND for an unknown code. */
  'catalog.setFavourite': channel({
    input: z.object({ code: shortText(40), favourite: z.boolean() }).strict(),
    output: z.object({ favourites: z.array(z.string()) }),
    access: ALL_ROLES,
  }),
  /** One item's full definition with its form. NOT_FOUND for an unknown code or version. */
  'catalog.get': channel({
    input: z.object({ code: shortText(40), version: z.number().int().min(1).optional() }).strict(),
    output: itemDetailSchema,
    access: ALL_ROLES,
  }),

  /**
   * Accept (受理) a case: the core re-validates the form against the item's schema
   * (VALIDATION_FAILED with field errors), numbers the case locally and writes the case,
   * its first timeline event, its outbox entry and the audit entry in one transaction.
   */
  'cases.accept': channel({
    input: z
      .object({
        itemCode: shortText(40),
        itemVersion: z.number().int().min(1),
        formData: formDataSchema,
        materials: z.array(materialStateSchema).max(100).default([]),
        /** The draft this case was filled in; it is removed in the same transaction. */
        draftId: shortText(40).optional(),
        /** A passed (or supervisor-overridden) 人证核验 of this applicant, kept with the case. */
        identityCheckId: shortText(40).optional(),
      })
      .strict(),
    output: caseRowSchema,
    access: ALL_ROLES,
  }),
  /** Newest first. `query` matches case number, applicant name or full ID number (shown masked). */
  'cases.list': channel({
    input: caseFilterSchema
      .extend({
        limit: z.number().int().min(1).max(500).optional(),
        offset: z.number().int().min(0).optional(),
      })
      .strict(),
    output: z.object({ rows: z.array(caseRowSchema), total: z.number() }),
    access: ALL_ROLES,
  }),
  /** The filtered list as CSV (UTF-8 with BOM, for Excel), ID numbers masked; audited. Supervisors and admins. */
  'cases.exportCsv': channel({
    input: caseFilterSchema.strict(),
    output: z.object({ fileName: z.string(), csv: z.string(), rows: z.number() }),
    access: ['supervisor', 'admin'],
  }),
  'cases.get': channel({
    input: z.object({ id: shortText(40) }).strict(),
    output: caseDetailSchema,
    access: ALL_ROLES,
  }),
  /**
   * 一次性告知: every required material still missing for this applicant and item, in one list,
   * so the citizen never comes back twice for the same item. Audited.
   */
  'cases.oneTimeNotice': channel({
    input: oneTimeNoticeInput,
    output: z.object({
      itemCode: z.string(),
      itemName: z.string(),
      departmentName: z.string(),
      applicantName: z.string().nullable(),
      missing: z.array(z.object({ materialId: z.string(), name: z.string(), description: z.string(), note: z.string().optional() })),
      issuedAt: z.string(),
      issuedBy: z.string(),
      centerName: z.string(),
    }),
    access: ALL_ROLES,
  }),

  /** 受理回执 of an accepted case as a PDF (built from the stored case, ID masked). */
  'documents.receipt': channel({
    input: z.object({ caseId: shortText(40) }).strict(),
    output: renderedPdfSchema,
    access: ALL_ROLES,
  }),
  /** 一次性告知书 as a PDF: every missing required material at once. Audited like cases.oneTimeNotice. */
  'documents.oneTimeNotice': channel({
    input: oneTimeNoticeInput,
    output: renderedPdfSchema,
    access: ALL_ROLES,
  }),

  /**
   * Once-only (信息互通共享的材料不再重复提交): what is on record for this person or company
   * from the latest earlier case, to prefill the form. Viewing it is audited.
   */
  'applicants.lookup': channel({
    input: z
      .object({ idNumber: z.string().trim().max(18).optional(), creditCode: z.string().trim().max(18).optional() })
      .strict()
      .refine((v) => !!v.idNumber !== !!v.creditCode, '请提供公民身份号码或统一社会信用代码之一'),
    output: z.object({
      found: z.boolean(),
      sourceCaseNo: z.string().optional(),
      sourceDate: z.string().optional(),
      /** Blocks of the shared form definitions (applicant, company) as recorded. */
      data: z.record(z.string(), z.unknown()),
    }),
    access: ALL_ROLES,
  }),

  /** Autosave: creates the draft on the first call, then updates it. NOT_FOUND if it was already used or discarded. */
  'drafts.save': channel({
    input: z
      .object({
        draftId: shortText(40).optional(),
        itemCode: shortText(40),
        itemVersion: z.number().int().min(1),
        formData: formDataSchema,
        materials: z.array(materialStateSchema).max(100).default([]),
        /** Move the draft to the current version of its item (after the clerk chose to upgrade). */
        upgrade: z.boolean().optional(),
      })
      .strict(),
    output: z.object({ draftId: z.string(), savedAt: z.string() }),
    access: ALL_ROLES,
  }),
  /** The signed-in clerk's drafts, newest first. */
  'drafts.list': channel({ input: empty, output: z.array(draftRowSchema), access: ALL_ROLES }),
  /** A draft with the item definition it was started on, and the catalogue's current version. */
  'drafts.get': channel({
    input: z.object({ draftId: shortText(40) }).strict(),
    output: z.object({
      draft: draftRowSchema.extend({ formData: z.record(z.string(), z.unknown()), materials: z.array(materialStateSchema) }),
      item: itemDetailSchema,
      latestVersion: z.number().nullable(),
    }),
    access: ALL_ROLES,
  }),
  'drafts.discard': channel({
    input: z.object({ draftId: shortText(40) }).strict(),
    output: z.object({ discarded: z.boolean() }),
    access: ALL_ROLES,
  }),

  /** Effective configuration with the source of each value. */
  'settings.get': channel({ input: empty, output: z.array(settingEntrySchema), access: ADMIN }),
  /** Change an admin-editable setting; CONFIG_INVALID names the key; CONFLICT when a higher layer fixes it. */
  'settings.update': channel({
    input: z.object({ key: shortText(64), value: z.union([z.string().max(500), z.number(), z.boolean()]) }).strict(),
    output: z.array(settingEntrySchema),
    access: ADMIN,
  }),

  'users.list': channel({
    input: empty,
    output: z.array(userSchema.extend({ locked: z.boolean(), mustChangePassword: z.boolean() })),
    access: ADMIN,
  }),
  /** Create an account; returns its one-time password (shown once). */
  'users.add': channel({
    input: z
      .object({
        username: z.string().trim().regex(/^[a-z][a-z0-9_.-]{2,31}$/, '用户名为 3–32 位小写字母、数字、点、下划线或连字符，以字母开头'),
        displayName: shortText(30),
        role: z.enum(ROLES),
      })
      .strict(),
    output: z.object({ user: userSchema, oneTimePassword: z.string() }),
    access: ADMIN,
  }),
  'users.resetPassword': channel({
    input: z.object({ username: shortText(64) }).strict(),
    output: z.object({ oneTimePassword: z.string() }),
    access: ADMIN,
  }),
  'users.setLocked': channel({
    input: z.object({ username: shortText(64), locked: z.boolean() }).strict(),
    output: z.object({ locked: z.boolean() }),
    access: ADMIN,
  }),

  /**
   * Sync with the district back office as the clerk sees it: online or not (what the back office
   * answered, never the OS flag), backlog and its age, last success, dead letters.
   */
  'sync.status': channel({
    input: empty,
    output: z.object({
      enabled: z.boolean(),
      online: z.boolean(),
      enrolled: z.boolean(),
      backlog: z.number(),
      oldestPendingAt: z.string().nullable(),
      lastSuccessAt: z.string().nullable(),
      dead: z.number(),
      lastError: z.string().nullable(),
      backofficeUrl: z.string().nullable(),
    }),
    access: ALL_ROLES,
  }),
  /** Operations the back office refused for good, with its reason: never dropped, retried or escalated from here. */
  'sync.deadLetters': channel({
    input: empty,
    output: z.array(z.object({ outboxId: z.string(), caseId: z.string().nullable(), caseNo: z.string().nullable(), kind: z.string(), reason: z.string(), attempts: z.number(), createdAt: z.string() })),
    access: ['supervisor', 'admin'],
  }),
  /** Puts a dead letter back in the queue. NOT_FOUND when there is no such entry. */
  'sync.retryDead': channel({
    input: z.object({ outboxId: shortText(40) }).strict(),
    output: z.object({ queued: z.boolean() }),
    access: ['supervisor', 'admin'],
  }),

  /** Materials capture (pages, imports, reuse): declared in ./materials.ts. */
  ...materialsChannels,
  /** Identity: ID card, consent, liveness, face check, override, credit check: declared in ./identity.ts. */
  ...identityChannels,
  /** Case lifecycle at the window (withdraw, refuse intake, hand-out, delivery) and stored documents: ./lifecycle.ts. */
  ...lifecycleChannels,
  /** Applicant screen, signatures, 好差评: declared in ./applicant.ts. */
  ...applicantChannels,
  /** PII reveal (audited) and the retention purge: declared in ./privacy.ts. */
  ...privacyChannels,
  /** The center dashboard for supervisors: declared in ./dashboard.ts. */
  ...dashboardChannels,
  /** 补正 to-dos at the window: declared in ./supplements.ts. */
  ...supplementsChannels,
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type ChannelInput<C extends Channel> = z.input<Contract[C]['input']>;
export type ChannelOutput<C extends Channel> = z.output<Contract[C]['output']>;

export const CHANNELS = Object.keys(contract) as Channel[];

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}
