/**
 * Once-only (信息互通共享的材料不再重复提交): when the clerk has typed a valid 公民身份号码 for
 * the applicant (or a 统一社会信用代码 for the company), what is on record from earlier cases
 * fills the fields still empty, and the clerk is told what was filled and from which case.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { validateIdCard, validateUscc } from '../../../shared/validators';
import { api } from '../api/client';

type Data = Record<string, unknown>;
const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

/** Fills empty fields of `target` from `source`; returns the filled keys. */
function fillEmpty(target: Data, source: Data): string[] {
  const filled: string[] = [];
  for (const [k, v] of Object.entries(source)) {
    if (isEmpty(target[k]) && !isEmpty(v) && typeof v !== 'object') {
      target[k] = v;
      filled.push(k);
    }
  }
  return filled;
}

const FIELD_NAMES: Record<string, string> = { name: '姓名', mobile: '手机号码', legalRepresentative: '法定代表人', address: '地址' };

export function usePrefill(formData: Data | undefined, apply: (next: Data) => void) {
  const [notice, setNotice] = useState<string>();
  const looked = useRef(new Set<string>());
  const applicant = (formData?.applicant ?? {}) as Data;
  const company = (formData?.company ?? {}) as Data;
  const id = typeof applicant.idNumber === 'string' ? applicant.idNumber : '';
  const code = typeof company.creditCode === 'string' ? company.creditCode : '';

  useEffect(() => {
    const lookups: { key: string; block: 'applicant' | 'company'; input: { idNumber?: string; creditCode?: string } }[] = [];
    if (id && validateIdCard(id).valid) lookups.push({ key: `id:${id.toUpperCase()}`, block: 'applicant', input: { idNumber: id } });
    if (code && validateUscc(code).valid) lookups.push({ key: `uscc:${code.toUpperCase()}`, block: 'company', input: { creditCode: code } });
    for (const l of lookups) {
      if (looked.current.has(l.key)) continue;
      looked.current.add(l.key);
      api.call('applicants.lookup', l.input).then(
        (r) => {
          if (!r.found || !formData) return;
          const recorded = r.data[l.block] as Data | undefined;
          if (!recorded) return;
          const next = structuredClone(formData);
          const block = (next[l.block] ?? {}) as Data;
          const filled = fillEmpty(block, recorded);
          if (!filled.length) return;
          next[l.block] = block;
          apply(next);
          const date = r.sourceDate ? new Date(r.sourceDate).toLocaleDateString('zh-CN') : '';
          setNotice(`已从办件 ${r.sourceCaseNo}（${date}）自动填入：${filled.map((f) => FIELD_NAMES[f] ?? f).join('、')}。请与申请人核对。`);
        },
        () => undefined,
      );
    }
  }, [id, code, formData, apply]);

  const reset = useCallback(() => {
    looked.current = new Set();
    setNotice(undefined);
  }, []);
  return { notice, reset };
}
