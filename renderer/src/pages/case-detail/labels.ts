/** Chinese labels of the case timeline and documents (pure data, shared by the drawer's parts). */
import { CASE_STATE_NAMES, type CaseState } from '../../../../shared/cases/status';
import { CASE_ACTOR_NAMES, type CaseActorRole } from '../../../../shared/cases/state-machine';

export const TIMELINE_TYPE_NAMES: Record<string, string> = {
  accepted: '受理',
  'identity-verified': '人证核验',
  submitted: '上报后台',
  received: '后台接收',
  'department-decision': '部门意见',
  decision: '审批结果',
  'supplement-requested': '要求补正',
  'supplement-received': '补正材料已收到',
  'supplement-submitted': '补正材料已上报',
  'certificate-issued': '制证完成',
  withdrawn: '撤回',
  'withdraw-submitted': '撤回已上报',
  'not-accepted': '不予受理',
  'handed-out': '出件',
  delivered: '寄递送达',
  signed: '申请人签名',
  rated: '好差评',
  'rating-dissatisfied': '好差评：差评',
};

export const timelineTypeName = (type: string) => TIMELINE_TYPE_NAMES[type] ?? type;

export const stateName = (s: string | null | undefined) => (s ? (CASE_STATE_NAMES[s as CaseState] ?? s) : '');

export const actorRoleName = (role: string | null | undefined) => (role ? (CASE_ACTOR_NAMES[role as CaseActorRole] ?? role) : '');

export const formatTime = (iso: string) => {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
};
