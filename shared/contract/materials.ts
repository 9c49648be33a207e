/**
 * Materials capture (材料采集): the calls the window makes while the clerk captures every
 * page of every material with the document camera (高拍仪) or imports files. Spread
 * `materialsChannels` into the contract in channels.ts. Every refusal is a ContractError with
 * a Chinese message: INVALID_INPUT (the dispatcher's input check), NOT_FOUND (no such draft,
 * case or page, or not the caller's draft), VALIDATION_FAILED (the file or the edit cannot be
 * used; `details.code` says why), CONFLICT (the page list changed meanwhile, or the case is
 * already accepted), INTERNAL (the image worker failed or a stored file is damaged — nothing
 * was stored, the clerk may retry).
 */
import { z } from 'zod';
import { ALL_ROLES, channel } from './define';

/** Limits the renderer checks first (for a quick message) and the core enforces. */
export const MATERIAL_LIMITS = {
  /** One captured or imported file. */
  maxFileBytes: 20 * 1024 * 1024,
  /** Pages of one material: the back office accepts at most 50 scans per material. */
  maxPagesPerMaterial: 50,
  /** The base64 text of a file of maxFileBytes. */
  maxBase64Chars: 4 * Math.ceil((20 * 1024 * 1024) / 3),
} as const;

/** File types accepted for import; the core decides from the bytes, never from the name. */
export const MATERIAL_IMPORT_ACCEPT = '.jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf';

export const PAGE_SOURCES = ['camera', 'import', 'reuse'] as const;
export type PageSource = (typeof PAGE_SOURCES)[number];

const id = z.string().trim().min(1).max(40);
const materialId = z.string().trim().min(1).max(64);

export const pageOwnerSchema = z.union([z.object({ draftId: id }).strict(), z.object({ caseId: id }).strict()]);
export type PageOwner = z.infer<typeof pageOwnerSchema>;

export const materialPageSchema = z.object({
  id: z.string(),
  materialId: z.string(),
  /** 0-based position within its material. */
  order: z.number().int(),
  kind: z.enum(['image', 'pdf']),
  mime: z.string(),
  /** Pixels; null for PDF pages. */
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  size: z.number().int(),
  sha256: z.string(),
  source: z.enum(PAGE_SOURCES),
  fileName: z.string().nullable(),
  /** Reused pages: the earlier case they come from. */
  originCaseNo: z.string().nullable(),
  /** Rotated or cropped since capture. */
  edited: z.boolean(),
  createdAt: z.string(),
});
export type MaterialPage = z.infer<typeof materialPageSchema>;

const pagesAdded = z.object({
  added: z.array(materialPageSchema),
  /** Pages the material has now. */
  materialPageCount: z.number().int(),
});

export const cropRectSchema = z
  .object({
    left: z.number().int().min(0).max(100_000),
    top: z.number().int().min(0).max(100_000),
    width: z.number().int().min(1).max(100_000),
    height: z.number().int().min(1).max(100_000),
  })
  .strict();

export const materialsChannels = {
  /**
   * Store one captured page or one imported file (JPEG, PNG or PDF, decided from the bytes).
   * Images are compressed to a legible size (≤ 2339 px long side, ~300 KB); a PDF becomes one
   * page per PDF page. VALIDATION_FAILED (details.code: EMPTY, TOO_LARGE, TOO_MANY_PIXELS,
   * TOO_SMALL, UNSUPPORTED_TYPE, CORRUPT, ENCRYPTED, TOO_MANY_PAGES) when the file cannot be
   * used, or when the material would exceed 50 pages; nothing is stored then.
   */
  'materials.addPage': channel({
    input: z
      .object({
        owner: pageOwnerSchema,
        materialId,
        /** The file's bytes, base64 (no data: prefix). */
        dataBase64: z
          .string()
          .min(1, '文件为空')
          .max(MATERIAL_LIMITS.maxBase64Chars, `文件过大（上限 ${MATERIAL_LIMITS.maxFileBytes / 1048576} MB）`)
          .regex(/^[A-Za-z0-9+/]*={0,2}$/, '文件数据编码无效'),
        source: z.enum(['camera', 'import']),
        /** Shown to the clerk and kept with the page; never used to decide the type. */
        fileName: z.string().trim().max(255).optional(),
      })
      .strict(),
    output: pagesAdded,
    access: ALL_ROLES,
  }),
  /** The owner's pages, by material then position. NOT_FOUND for an unknown draft or case. */
  'materials.listPages': channel({
    input: z.object({ owner: pageOwnerSchema, materialId: materialId.optional() }).strict(),
    output: z.object({ pages: z.array(materialPageSchema) }),
    access: ALL_ROLES,
  }),
  /**
   * New order of one material's pages: `pageIds` must list exactly its current pages.
   * CONFLICT when they differ (a page was added or deleted meanwhile) or the case is accepted.
   */
  'materials.reorder': channel({
    input: z
      .object({ owner: pageOwnerSchema, materialId, pageIds: z.array(id).min(1).max(MATERIAL_LIMITS.maxPagesPerMaterial) })
      .strict(),
    output: z.object({ pages: z.array(materialPageSchema) }),
    access: ALL_ROLES,
  }),
  /** Delete one page of a draft; later pages move up. CONFLICT for an accepted case's page. */
  'materials.deletePage': channel({
    input: z.object({ owner: pageOwnerSchema, pageId: id }).strict(),
    output: z.object({ deleted: z.boolean(), materialId: z.string(), materialPageCount: z.number().int() }),
    access: ALL_ROLES,
  }),
  /** Turn a page clockwise by 90° steps (PDF pages too, losslessly). CONFLICT for an accepted case's page. */
  'materials.rotate': channel({
    input: z
      .object({ pageId: id, degrees: z.union([z.literal(90), z.literal(180), z.literal(270), z.literal(-90)]) })
      .strict(),
    output: materialPageSchema,
    access: ALL_ROLES,
  }),
  /**
   * Crop an image page to a rectangle in the page's current pixels (as listed). VALIDATION_FAILED
   * for a rectangle outside the page or smaller than 32 px, or for a PDF page.
   */
  'materials.crop': channel({
    input: z.object({ pageId: id, rect: cropRectSchema }).strict(),
    output: materialPageSchema,
    access: ALL_ROLES,
  }),
  /**
   * A JPEG data URL of the page for the thumbnail strip (≤ 320 px) or the preview (≤ 1400 px);
   * null for PDF pages (the workstation cannot render PDFs). INTERNAL when the stored file is
   * damaged (it is never served).
   */
  'materials.pageImage': channel({
    input: z.object({ pageId: id, size: z.enum(['thumb', 'preview']) }).strict(),
    output: z.object({
      pageId: z.string(),
      kind: z.enum(['image', 'pdf']),
      dataUrl: z.string().nullable(),
      width: z.number().int().nullable(),
      height: z.number().int().nullable(),
    }),
    access: ALL_ROLES,
  }),
  /**
   * Pages this applicant (公民身份号码 or 统一社会信用代码) submitted in earlier cases, grouped by
   * case and material, newest first, so the clerk can reuse them instead of capturing again.
   * The lookup is audited.
   */
  'materials.reuseCandidates': channel({
    input: z
      .object({
        applicantIdNo: z.string().trim().min(15).max(18),
        /** Only these materials (the item's reusable ones). */
        materialIds: z.array(materialId).max(100).optional(),
      })
      .strict(),
    output: z.object({
      candidates: z.array(
        z.object({
          materialId: z.string(),
          caseId: z.string(),
          caseNo: z.string(),
          acceptedAt: z.string(),
          pages: z.array(materialPageSchema),
        }),
      ),
    }),
    access: ALL_ROLES,
  }),
  /**
   * Copy pages of an earlier case into this material (same stored files, marked with their
   * origin case number). VALIDATION_FAILED when a page is of another material, not of an
   * accepted case, or its stored file is damaged; nothing is copied then.
   */
  'materials.reuse': channel({
    input: z
      .object({ owner: pageOwnerSchema, materialId, fromPageIds: z.array(id).min(1).max(MATERIAL_LIMITS.maxPagesPerMaterial) })
      .strict(),
    output: pagesAdded,
    access: ALL_ROLES,
  }),
} as const;

export type MaterialsChannels = typeof materialsChannels;
export type MaterialsChannel = keyof MaterialsChannels;
export type MaterialsInput<C extends MaterialsChannel> = z.input<MaterialsChannels[C]['input']>;
export type MaterialsOutput<C extends MaterialsChannel> = z.output<MaterialsChannels[C]['output']>;
/** What MaterialCapture needs to talk to the core: the contract client's `call`, narrowed. */
export type MaterialsCall = <C extends MaterialsChannel>(channel: C, input: MaterialsInput<C>) => Promise<MaterialsOutput<C>>;
