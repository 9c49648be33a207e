/** Small formatting shared by the renderer and the templates. */
import { ContractError } from '../../shared/contract/errors';

/** 全角空格: separates parts of a Chinese line. */
export const IDEOGRAPHIC_SPACE = '\u3000';

/** "2025-03-04" → "2025年3月4日". */
export function formatCivilDate(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new ContractError('VALIDATION_FAILED', `文书中的日期“${date}”格式不正确，应为 YYYY-MM-DD`);
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`;
}
