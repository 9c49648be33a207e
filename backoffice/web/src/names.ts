/** Chinese names and formatting shared by the pages. */
import departments from '../../../resources/catalog/departments.json';
import { CASE_STATUS_NAMES } from '../../../shared/cases/status';
import type { BackofficeCaseStatus, TaskStatus } from '../../../shared/sync';

export { ID_TYPE_NAMES, MATERIAL_STATUS_NAMES } from '../../../shared/sync/case';
export { DECISION_NAMES, TASK_ROLE_NAMES } from '../../../shared/sync/changes';

const DEPARTMENTS = new Map(departments.map((d) => [d.code, d]));

/** "市场监管" for SCJG; the code itself for a department the bundled list does not know. */
export function departmentShortName(code: string): string {
  return DEPARTMENTS.get(code)?.shortName ?? code;
}

export function departmentName(code: string): string {
  return DEPARTMENTS.get(code)?.name ?? code;
}

export function caseStatusName(status: BackofficeCaseStatus): string {
  return CASE_STATUS_NAMES[status] ?? status;
}

export const TASK_STATUS_NAMES: Record<TaskStatus, string> = {
  open: '待审查',
  'supplement-requested': '等待补正',
  approved: '同意',
  refused: '不予许可',
  cancelled: '已取消',
};

export const TASK_STATUS_COLORS: Record<TaskStatus, string> = {
  open: 'processing',
  'supplement-requested': 'warning',
  approved: 'success',
  refused: 'error',
  cancelled: 'default',
};

const BEIJING = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** "2025-03-04 17:30" in Beijing time, whatever the PC's time zone. */
export function beijingTime(iso: string): string {
  const parts = Object.fromEntries(BEIJING.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** "剩余 5 小时" / "已超期 2 天" relative to now. */
export function timeLeft(deadlineIso: string, now = Date.now()): string {
  const ms = new Date(deadlineIso).getTime() - now;
  const abs = Math.abs(ms);
  const hours = Math.floor(abs / 3_600_000);
  const span = hours >= 48 ? `${Math.floor(hours / 24)} 天` : hours >= 1 ? `${hours} 小时` : `${Math.max(1, Math.floor(abs / 60_000))} 分钟`;
  return ms >= 0 ? `剩余 ${span}` : `已超期 ${span}`;
}

/** 138****0000 */
export function maskMobile(mobile: string): string {
  return mobile.length === 11 ? `${mobile.slice(0, 3)}****${mobile.slice(7)}` : mobile;
}
