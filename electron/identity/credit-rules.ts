/**
 * What a restricted-list hit means for intake, as pure functions the intake code calls (no
 * database, no Node): a subject on the list may not use 告知承诺 (a signed commitment in place
 * of a material) — every such material must be supplied. Checked again in the core on accept,
 * like the rest of the materials checklist.
 */
import type { MaterialProblem, MaterialState } from '../../shared/catalog/materials';

export type CreditStanding = 'clear' | 'hit' | 'unknown';

export interface CreditFinding {
  standing: CreditStanding;
  /** e.g. 失信被执行人; on a hit. */
  category?: string | null;
  /** For the message, e.g. 申请人 / 申请单位. */
  subject?: string;
}

export interface CommitmentPolicy {
  /**
   * Also block when the list could not be consulted (no list loaded). Default false: the check
   * is shown as not done and the clerk follows the center's rule.
   */
  blockWhenUnknown?: boolean;
}

/** True when 告知承诺 is not allowed for this applicant. */
export function commitmentBlocked(findings: readonly CreditFinding[], policy: CommitmentPolicy = {}): boolean {
  return findings.some((f) => f.standing === 'hit' || (policy.blockWhenUnknown === true && f.standing === 'unknown'));
}

/**
 * The materials marked 'commitment' that a hit forbids, as problems in the same shape as
 * evaluateMaterials()'s `blocking` (append them to it). Empty when nothing is blocked.
 */
export function creditCommitmentProblems(
  materials: readonly { id: string; name: string }[],
  states: readonly MaterialState[],
  findings: readonly CreditFinding[],
  policy: CommitmentPolicy = {},
): MaterialProblem[] {
  if (!commitmentBlocked(findings, policy)) return [];
  const hit = findings.find((f) => f.standing === 'hit');
  const why = hit
    ? `${hit.subject ?? '申请人'}在失信名单中（${hit.category ?? '失信主体'}），不适用告知承诺制`
    : '未能完成信用审查（失信名单未导入），按本中心规定不适用告知承诺制';
  const names = new Map(materials.map((m) => [m.id, m.name]));
  return states
    .filter((s) => s.status === 'commitment')
    .map((s) => {
      const name = names.get(s.materialId) ?? s.materialId;
      return { materialId: s.materialId, name, reason: `“${name}”须提交材料：${why}` };
    });
}
