/**
 * Case statuses and their Chinese names; the transitions between them are declared once in
 * ./state-machine. CASE_STATUSES are what a stored case can be in: a draft is not a case yet
 * (it lives in the drafts table), so 'draft' is a lifecycle state only (CASE_STATES).
 */
export const CASE_STATUSES = [
  'accepted',
  'queued',
  'submitted',
  'in-review',
  'supplement-requested',
  'approved',
  'refused',
  'certificate-ready',
  'handed-out',
  'delivered',
  'withdrawn',
  'not-accepted',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CASE_STATUS_NAMES: Record<CaseStatus, string> = {
  accepted: '已受理',
  queued: '待上报',
  submitted: '已上报',
  'in-review': '审批中',
  'supplement-requested': '待补正',
  approved: '已批准',
  refused: '不予许可',
  'certificate-ready': '待出件',
  'handed-out': '已领取',
  delivered: '已送达',
  withdrawn: '已撤回',
  'not-accepted': '不予受理',
};

/** Every state of the lifecycle, the draft before acceptance included. */
export const CASE_STATES = ['draft', ...CASE_STATUSES] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const CASE_STATE_NAMES: Record<CaseState, string> = { draft: '草稿', ...CASE_STATUS_NAMES };
