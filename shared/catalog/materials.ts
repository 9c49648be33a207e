/**
 * The materials checklist of a case (材料清单), shared by the renderer (to say what still
 * blocks acceptance) and the core (which enforces it on accept). Each material the item lists
 * is received, reused from an e-licence or earlier case, replaced by a signed commitment
 * (告知承诺), deferred (容缺, supplied later by a deadline) or missing.
 */
import { z } from 'zod';
import { MATERIAL_FORM_NAMES, type MaterialDefinition } from './item-definition';

export const MATERIAL_STATUSES = ['received', 'reused', 'commitment', 'deferred', 'missing'] as const;
export type MaterialStatus = (typeof MATERIAL_STATUSES)[number];

export const MATERIAL_STATUS_NAMES: Record<MaterialStatus, string> = {
  received: '已收取',
  reused: '复用',
  commitment: '告知承诺',
  deferred: '容缺后补',
  missing: '未提供',
};

export const materialStateSchema = z
  .object({
    materialId: z.string().min(1).max(64),
    status: z.enum(MATERIAL_STATUSES),
    /** Where a reused material came from (an earlier case number or an e-licence number). */
    reusedFrom: z.string().max(64).optional(),
  })
  .strict();
export type MaterialState = z.infer<typeof materialStateSchema>;

export interface MaterialProblem {
  materialId: string;
  name: string;
  /** Chinese, for the clerk. */
  reason: string;
}

export interface MaterialsEvaluation {
  /** What stops acceptance; empty when the case may be accepted. */
  blocking: MaterialProblem[];
  /** Required materials not provided in any form: the content of 一次性告知. */
  missing: MaterialDefinition[];
  /** Materials accepted as missing for now (容缺), to be supplied within deferDays working days. */
  deferred: MaterialDefinition[];
}

/** A material's default status: nothing collected yet. */
export function initialMaterialStates(materials: readonly MaterialDefinition[]): MaterialState[] {
  return materials.map((m) => ({ materialId: m.id, status: 'missing' }));
}

export function describeMaterial(m: Pick<MaterialDefinition, 'name' | 'form' | 'count'>): string {
  return `${m.name}（${MATERIAL_FORM_NAMES[m.form]}${m.count > 1 ? ` ${m.count} 份` : ''}）`;
}

export function evaluateMaterials(materials: readonly MaterialDefinition[], states: readonly MaterialState[]): MaterialsEvaluation {
  const byId = new Map(states.map((s) => [s.materialId, s]));
  const blocking: MaterialProblem[] = [];
  const missing: MaterialDefinition[] = [];
  const deferred: MaterialDefinition[] = [];
  const known = new Set(materials.map((m) => m.id));
  for (const s of states) {
    if (!known.has(s.materialId)) blocking.push({ materialId: s.materialId, name: s.materialId, reason: `本事项没有材料“${s.materialId}”` });
  }
  for (const m of materials) {
    const status = byId.get(m.id)?.status ?? 'missing';
    const refuse = (reason: string) => blocking.push({ materialId: m.id, name: m.name, reason });
    switch (status) {
      case 'received':
        break;
      case 'reused':
        if (m.reusableFrom.length === 0) refuse(`“${m.name}”不能复用，须现场收取`);
        break;
      case 'commitment':
        if (!m.commitmentAllowed) refuse(`“${m.name}”不适用告知承诺制，须提交材料`);
        break;
      case 'deferred':
        if (!m.deferrable) refuse(`“${m.name}”是核心材料，不能容缺受理`);
        else deferred.push(m);
        break;
      case 'missing':
        if (m.required) {
          missing.push(m);
          const ways = [m.commitmentAllowed && '告知承诺', m.deferrable && '容缺后补', m.reusableFrom.length > 0 && '复用'].filter(Boolean);
          refuse(`缺少必要材料“${m.name}”${ways.length ? `（可选择：${ways.join('、')}）` : ''}`);
        }
        break;
    }
  }
  return { blocking, missing, deferred };
}
