/** Parse wire data with Chinese messages, whatever zod's global locale is. */
import { z } from 'zod';

const zhCN = z.locales.zhCN().localeError;

export interface WireIssue {
  path: string;
  message: string;
}

export type WireParseResult<T> = { ok: true; value: T } | { ok: false; issues: WireIssue[]; summary: string };

export function parseWire<S extends z.ZodType>(schema: S, data: unknown): WireParseResult<z.output<S>> {
  const result = schema.safeParse(data, { error: zhCN });
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  return { ok: false, issues, summary: summarizeIssues(issues) };
}

/** "applicant.idNumber：居民身份证号应为 18 位；…" — at most five, for a one-line reason. */
export function summarizeIssues(issues: WireIssue[]): string {
  const shown = issues.slice(0, 5).map((i) => (i.path ? `${i.path}：${i.message}` : i.message));
  return shown.join('；') + (issues.length > 5 ? `；等 ${issues.length} 处问题` : '');
}
