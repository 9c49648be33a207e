/**
 * What the citizen confirms on the applicant screen, built by the core from the stored draft or
 * case (never from text the renderer sends): the filled form fields labelled as on the form,
 * the materials handed in, the promised date and the fees. Personal numbers are masked here,
 * so the applicant screen can never show a full 公民身份号码 or mobile number.
 */
import type { ItemDetail } from '../../shared/contract/channels';
import type { ApplicantSummary } from '../../shared/contract/applicant';
import { MATERIAL_STATUS_NAMES, type MaterialState } from '../../shared/catalog/materials';
import { maskIdNumber, maskMobile } from '../../shared/validators';

type Schema = Record<string, unknown>;

const MAX_FIELDS = 40;
const MAX_VALUE = 200;

function resolve(root: Schema, node: unknown): Schema {
  let s = (node && typeof node === 'object' ? node : {}) as Schema;
  // Only local refs (#/definitions/x, #/$defs/x): the catalogue bundles what it uses.
  for (let depth = 0; typeof s.$ref === 'string' && depth < 8; depth++) {
    const path = (s.$ref as string).replace(/^#\//, '').split('/');
    let target: unknown = root;
    for (const part of path) target = target && typeof target === 'object' ? (target as Schema)[part] : undefined;
    s = { ...((target as Schema) ?? {}), ...Object.fromEntries(Object.entries(s).filter(([k]) => k !== '$ref')) };
  }
  return s;
}

/** Every property a schema may hold, including those declared in if/then branches. */
function propertiesOf(root: Schema, schema: Schema): Record<string, Schema> {
  const out: Record<string, Schema> = { ...((schema.properties as Record<string, Schema>) ?? {}) };
  for (const sub of (schema.allOf as Schema[]) ?? []) {
    for (const branch of [sub, sub.then, sub.else]) {
      if (!branch || typeof branch !== 'object') continue;
      for (const [k, v] of Object.entries((resolve(root, branch).properties as Record<string, Schema>) ?? {})) if (!(k in out)) out[k] = v;
    }
  }
  return out;
}

const looksLikeIdNumber = (v: string) => /^\d{17}[\dXx]$/.test(v) || /^\d{15}$/.test(v);
const looksLikeMobile = (v: string) => /^1\d{10}$/.test(v);

/** A scalar as the citizen should see it: option titles, 是/否, masked personal numbers. */
function display(schema: Schema, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value ? '是' : '否';
  const options = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  const option = options?.find((o) => o && o.const === value);
  if (option && typeof option.title === 'string') return option.title;
  const text = String(value).trim();
  if (schema.format === 'id-card' || looksLikeIdNumber(text)) return maskIdNumber(text);
  if (schema.format === 'mobile' || looksLikeMobile(text)) return maskMobile(text);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text;
}

/** Flattens the form data into labelled lines, in the form's own order. */
export function formFields(formSchema: Schema, formData: Record<string, unknown>): { label: string; value: string }[] {
  const out: { label: string; value: string }[] = [];
  const walk = (schema: Schema, value: unknown, label: string) => {
    if (out.length >= MAX_FIELDS) return;
    const s = resolve(formSchema, schema);
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk((s.items as Schema) ?? {}, v, value.length > 1 ? `${label}${i + 1}` : label));
      return;
    }
    if (value && typeof value === 'object') {
      const props = propertiesOf(formSchema, s);
      for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
        const childSchema = resolve(formSchema, props[key] ?? {});
        // Fields the form does not declare are not shown: nothing unlabelled reaches the citizen.
        if (!props[key]) continue;
        const title = typeof childSchema.title === 'string' ? childSchema.title : key;
        walk(childSchema, child, label ? `${label}·${title}` : title);
      }
      return;
    }
    const text = display(s, value);
    if (text !== undefined) out.push({ label, value: text });
  };
  walk(formSchema, formData, '');
  return out;
}

export function feesText(item: Pick<ItemDetail, 'fees'>): string {
  return item.fees.charged ? (item.fees.description ?? '收费（标准以窗口告知为准）') : '不收费';
}

export function materialLines(item: Pick<ItemDetail, 'materials'>, states: { materialId: string; status: MaterialState['status']; name?: string }[]) {
  const names = new Map(item.materials.map((m) => [m.id, m.name]));
  return states
    .filter((m) => m.status !== 'missing')
    .map((m) => ({ name: m.name ?? names.get(m.materialId) ?? m.materialId, status: MATERIAL_STATUS_NAMES[m.status] }));
}

export function buildSummary(input: {
  kind: 'draft' | 'case';
  caseNo: string | null;
  item: ItemDetail;
  applicant: { name: string; idNo: string };
  formData: Record<string, unknown>;
  materials: { materialId: string; status: MaterialState['status']; name?: string }[];
  promisedDate: string | null;
}): ApplicantSummary {
  return {
    kind: input.kind,
    caseNo: input.caseNo,
    itemName: input.item.name,
    departmentName: input.item.departmentName,
    applicantName: input.applicant.name,
    applicantIdMasked: input.applicant.idNo ? maskIdNumber(input.applicant.idNo) : '',
    fields: formFields(input.item.formSchema, input.formData),
    materials: materialLines(input.item, input.materials),
    promisedDays: input.item.promisedDays,
    promisedDate: input.promisedDate,
    promisedDateEstimated: input.kind === 'draft',
    fees: feesText(input.item),
  };
}
