/**
 * The one way to see a full ID or phone number (or address detail) of an accepted case: a supervisor or admin asks
 * for one field with a reason, and the view is audited (who, which case, which field, why —
 * never the value). Lists, exports and logs only ever carry masked values.
 */
import { eq } from 'drizzle-orm';
import { cases } from '../../db/schema';
import type { REVEAL_FIELDS } from '../../shared/contract/privacy';
import { ContractError } from '../../shared/contract/errors';
import type { AuditLog } from '../audit';
import type { WorkstationDb } from '../database';

export type RevealField = (typeof REVEAL_FIELDS)[number];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isAddress = (v: unknown): v is { division: unknown; detail: string } => isObject(v) && 'division' in v && typeof v.detail === 'string';

/** The form's first address block (top level first, then inside a block such as company.address), as cases.get masks it. */
function firstAddress(form: Json): { division: unknown; detail: string } | undefined {
  const top = Object.values(form);
  return top.find(isAddress) ?? top.filter(isObject).flatMap((b) => Object.values(b)).find(isAddress);
}

const FORM_PATHS: Record<Exclude<RevealField, 'applicantIdNo' | 'applicantAddress'>, [string, string]> = {
  applicantMobile: ['applicant', 'mobile'],
  agentIdNo: ['agent', 'idNumber'],
  agentMobile: ['agent', 'mobile'],
};

export function revealCaseField(
  deps: { db: WorkstationDb; audit: AuditLog },
  input: { caseId: string; field: RevealField; reason: string },
  by: { actor: string; role: string },
): { field: RevealField; value: string | null } {
  const row = deps.db.select({ idNo: cases.applicantIdNo, formData: cases.formData, caseNo: cases.caseNo }).from(cases).where(eq(cases.id, input.caseId)).get();
  if (!row) throw new ContractError('NOT_FOUND', '未找到该办件');
  let value: string | null;
  // A redacted case keeps only the masked number.
  if (input.field === 'applicantIdNo') value = row.idNo.includes('*') ? null : row.idNo;
  else if (input.field === 'applicantAddress') value = firstAddress(JSON.parse(row.formData) as Json)?.detail || null;
  else {
    const [block, key] = FORM_PATHS[input.field];
    const form = JSON.parse(row.formData) as Record<string, unknown>;
    const holder = form[block];
    const v = holder && typeof holder === 'object' ? (holder as Record<string, unknown>)[key] : undefined;
    value = typeof v === 'string' && v ? v : null;
  }
  deps.audit.append({ ...by, action: 'pii.reveal', caseId: input.caseId, detail: { caseNo: row.caseNo, field: input.field, reason: input.reason, found: value !== null } });
  return { field: input.field, value };
}
