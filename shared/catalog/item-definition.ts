/**
 * The item definition format (办事指南 as data). One definition describes one service item
 * (事项): what it is, who approves it, which materials it needs and the form the clerk fills.
 * Documented for catalogue authors in docs/CATALOG.md. Pure data rules: no Node, no DOM.
 */
import { z } from 'zod';

/** National catalogue item types, plus 备案 (filings), which windows handle a lot of. */
export const ITEM_TYPES = [
  '行政许可',
  '行政处罚',
  '行政强制',
  '行政征收',
  '行政给付',
  '行政检查',
  '行政确认',
  '行政奖励',
  '行政裁决',
  '其他行政权力',
  '公共服务',
  '备案',
] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

/** Where an item may be handled: district center only, street centers too, or any center (通办). */
export const SERVICE_LEVELS = ['district', 'street', 'any'] as const;
export type ServiceLevel = (typeof SERVICE_LEVELS)[number];
export const SERVICE_LEVEL_NAMES: Record<ServiceLevel, string> = {
  district: '区级',
  street: '街道',
  any: '全区通办',
};

export const DELIVERY_OPTIONS = ['window', 'express', 'any-center', 'online'] as const;
export const DELIVERY_NAMES: Record<(typeof DELIVERY_OPTIONS)[number], string> = {
  window: '窗口领取',
  express: '快递送达',
  'any-center': '就近中心领取',
  online: '网上下载',
};

export const MATERIAL_FORMS = ['original', 'copy', 'original-and-copy', 'electronic'] as const;
export const MATERIAL_FORM_NAMES: Record<(typeof MATERIAL_FORMS)[number], string> = {
  original: '原件',
  copy: '复印件',
  'original-and-copy': '原件及复印件',
  electronic: '电子材料',
};

const departmentCode = z.string().regex(/^[A-Z]{2,8}$/, '部门代码应为 2–8 位大写字母');

export const materialSchema = z
  .object({
    /** Stable within the item: lower-case words joined by hyphens, e.g. "id-card". */
    id: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, '材料 id 应为小写字母、数字和连字符'),
    name: z.string().min(2).max(80),
    form: z.enum(MATERIAL_FORMS),
    count: z.number().int().min(1).max(20),
    required: z.boolean(),
    /** May be replaced by the applicant's signed commitment (告知承诺制). */
    commitmentAllowed: z.boolean().default(false),
    /** May be missing at intake and supplied later (容缺受理); only for non-key materials. */
    deferrable: z.boolean().default(false),
    /** Working days the applicant has to supply a deferred material. */
    deferDays: z.number().int().min(1).max(60).optional(),
    /** Where it can be reused from instead of being collected again. */
    reusableFrom: z.array(z.enum(['e-licence', 'earlier-case'])).default([]),
    note: z.string().max(200).optional(),
  })
  .strict()
  .refine((m) => !m.deferrable || m.deferDays !== undefined, {
    message: '容缺材料须写明补交期限 deferDays',
    path: ['deferDays'],
  });
export type MaterialDefinition = z.infer<typeof materialSchema>;

/** A JSON Schema object for the item's form. Checked for compilability by the catalogue loader. */
const jsonSchemaObject = z
  .object({ type: z.literal('object'), properties: z.record(z.string(), z.unknown()) })
  .passthrough();

export const itemDefinitionSchema = z
  .object({
    /** Local item code, e.g. "QX-SCJG-XK-001" (district-dept-type-seq); unique in the catalogue. */
    code: z.string().regex(/^[A-Z]{2}-[A-Z]{2,8}-[A-Z]{2}-\d{3}$/, '事项编码格式应如 QX-SCJG-XK-001'),
    /** Bumped whenever materials or the form change; drafts keep the version they were started on. */
    version: z.number().int().min(1),
    name: z.string().min(2).max(80),
    shortName: z.string().min(2).max(20),
    type: z.enum(ITEM_TYPES),
    /** Implementing department (实施主体). */
    department: departmentCode,
    legalBasis: z.array(z.string().min(4)).min(1),
    conditions: z.array(z.string().min(2)).default([]),
    level: z.enum(SERVICE_LEVELS),
    timeLimit: z
      .object({
        /** 法定办结时限, working days. */
        legalDays: z.number().int().min(0).max(365),
        /** 承诺办结时限, working days; 0 means handled on the spot (即办). */
        promisedDays: z.number().int().min(0).max(365),
      })
      .strict()
      .refine((t) => t.promisedDays <= t.legalDays || t.legalDays === 0, {
        message: '承诺时限不得超过法定时限',
      }),
    fees: z
      .object({ charged: z.boolean(), description: z.string().max(200).optional() })
      .strict(),
    delivery: z.array(z.enum(DELIVERY_OPTIONS)).min(1),
    materials: z.array(materialSchema).default([]),
    /** Parallel approval route (并联审批): the lead department (主办) and co-departments (协办). */
    approval: z
      .object({ lead: departmentCode, co: z.array(departmentCode).default([]) })
      .strict(),
    form: z
      .object({
        schema: jsonSchemaObject,
        uiSchema: z.record(z.string(), z.unknown()).optional(),
      })
      .strict(),
    /** Extra search words (俗称), e.g. "营业执照" for 公司设立登记. */
    keywords: z.array(z.string()).default([]),
  })
  .strict()
  .superRefine((item, ctx) => {
    const ids = new Set<string>();
    item.materials.forEach((m, i) => {
      if (ids.has(m.id)) {
        ctx.addIssue({ code: 'custom', path: ['materials', i, 'id'], message: `材料 id 重复：${m.id}` });
      }
      ids.add(m.id);
    });
  });
export type ItemDefinition = z.infer<typeof itemDefinitionSchema>;

export const departmentSchema = z
  .object({
    code: departmentCode,
    name: z.string().min(2),
    shortName: z.string().min(2),
  })
  .strict();
export type Department = z.infer<typeof departmentSchema>;

/** One catalogue file: the items of one department. */
export const catalogFileSchema = z
  .object({
    department: z.string(),
    items: z.array(z.unknown()),
  })
  .strict();
