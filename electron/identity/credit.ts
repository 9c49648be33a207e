/**
 * 信用审查 as a service: the credit check the window runs on an applicant, and the import and
 * status of the restricted list (restricted-list.ts). Used by createIdentityService and by the
 * `onewindow identity` command line, which has no face service.
 */
import { ulid } from 'ulid';
import { identityCreditHits } from '../../db/identity-schema';
import { ContractError } from '../../shared/contract/errors';
import type { CreditResult, RestrictedListStatus } from '../../shared/contract/identity';
import type { IdentityActor, IdentityAudit } from './checks';
import type { IdentityDb } from './db';
import {
  DEFAULT_STALE_DAYS,
  RestrictedListError,
  lookupSubject,
  maskSubject,
  parseRestrictedList,
  replaceRestrictedList,
  restrictedListStatus,
  subjectOf,
} from './restricted-list';

export interface CreditCheckInput {
  idNumber?: string;
  creditCode?: string;
  checkId?: string;
  draftId?: string;
  caseId?: string;
}

export interface CreditService {
  check(input: CreditCheckInput, actor: IdentityActor): CreditResult;
  status(): RestrictedListStatus;
  /** Replaces the list from a file's text (full snapshot). Throws RestrictedListError when unusable. */
  importList(text: string, by: IdentityActor): { entries: number; skipped: { index: number; reason: string }[]; status: RestrictedListStatus };
}

export function createCreditService(options: { db: IdentityDb; audit: IdentityAudit; now: () => Date; key: () => Buffer; staleDays?: number }): CreditService {
  const { db, audit, now, key } = options;
  const staleDays = options.staleDays ?? DEFAULT_STALE_DAYS;
  const status = () => restrictedListStatus(db, now(), staleDays);

  function check(input: CreditCheckInput, actor: IdentityActor): CreditResult {
    const given = input.idNumber ?? input.creditCode ?? '';
    const subject = subjectOf(given, now(), input.idNumber !== undefined ? 'person' : 'enterprise');
    if ('error' in subject) throw new ContractError('VALIDATION_FAILED', subject.error, { code: 'CREDIT_VALUE_INVALID' });
    const list = status();
    const valueMasked = maskSubject(subject.kind, subject.value);
    const who = subject.kind === 'person' ? '申请人' : '申请单位';
    const links = {
      ...(input.checkId ? { checkId: input.checkId } : {}),
      ...(input.draftId ? { draftId: input.draftId } : {}),
      ...(input.caseId ? { caseId: input.caseId } : {}),
    };
    if (!list.loaded) {
      audit.append({ actor: actor.username, role: actor.role, action: 'identity.credit.check', detail: { kind: subject.kind, value: valueMasked, standing: 'unknown', ...links } });
      return { kind: subject.kind, valueMasked, standing: 'unknown', hit: false, category: null, commitmentAllowed: true, message: list.message, list };
    }
    const found = lookupSubject(db, key(), subject.kind, subject.value);
    const hit = found.category !== null;
    db.transaction((tx) => {
      if (hit) {
        tx.insert(identityCreditHits)
          .values({
            id: ulid(),
            kind: subject.kind,
            keyHash: found.keyHash,
            valueMasked,
            category: found.category!,
            listVersion: list.version!,
            checkId: input.checkId ?? null,
            draftId: input.draftId ?? null,
            caseId: input.caseId ?? null,
            operator: actor.username,
            at: now().toISOString(),
          })
          .run();
      }
      audit.append({
        actor: actor.username,
        role: actor.role,
        action: 'identity.credit.check',
        ...(input.caseId ? { caseId: input.caseId } : {}),
        detail: { kind: subject.kind, value: valueMasked, standing: hit ? 'hit' : 'clear', category: found.category, listVersion: list.version, listAgeDays: list.ageDays, ...links },
      });
    });
    const age = `（名单 ${list.version}，${list.ageDays === 0 ? '今天生成' : `${list.ageDays} 天前生成`}${list.stale ? '，已过期，请尽快更新' : ''}）`;
    return {
      kind: subject.kind,
      valueMasked,
      standing: hit ? 'hit' : 'clear',
      hit,
      category: found.category,
      commitmentAllowed: !hit,
      message: hit
        ? `${who}（${valueMasked}）在失信名单中：${found.category}。不适用告知承诺制，所有材料须实际提交${age}`
        : `${who}（${valueMasked}）不在失信名单中${age}`,
      list,
    };
  }

  function importList(text: string, by: IdentityActor) {
    const parsed = parseRestrictedList(text, now());
    if (parsed.entries.length === 0) throw new RestrictedListError(`名单文件中没有可用的条目（${parsed.skipped.length} 条无效）`);
    const result = replaceRestrictedList(db, key(), parsed, by.username, now(), () =>
      audit.append({
        actor: by.username,
        role: by.role,
        action: 'identity.restrictedList.import',
        detail: { source: parsed.source, version: parsed.version, generatedAt: parsed.generatedAt, entries: parsed.entries.length, skipped: parsed.skipped.length, fileSha256: parsed.fileSha256 },
      }),
    );
    return { entries: result.entries, skipped: parsed.skipped, status: status() };
  }

  return { check, status, importList };
}
