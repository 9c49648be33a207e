/** Case statuses and their Chinese names. The full state machine grows with the case lifecycle. */
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
