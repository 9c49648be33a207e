/** What every template shares: Chinese dates in Beijing time, masked parties, input checks. */
import { ContractError } from '../../../shared/contract/errors';
import { isRealDate } from '../../../shared/validators/common';
import { maskIdNumber } from '../../../shared/validators/id-card';
import { maskMobile } from '../../../shared/validators/mobile';
import type { Field } from '../layout';
import { formatCivilDate, IDEOGRAPHIC_SPACE } from '../format';
import type { Office, Party, PartyIdType } from '../types';

export { formatCivilDate, IDEOGRAPHIC_SPACE };

/** Documents state the center's time, whatever the PC's time zone is set to. */
export const DOCUMENT_TIME_ZONE = 'Asia/Shanghai';

function parts(iso: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute', string> {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new ContractError('VALIDATION_FAILED', `文书中的时间“${iso}”格式不正确`);
  const fmt = new Intl.DateTimeFormat('en-CA', {
    timeZone: DOCUMENT_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const out: Record<string, string> = {};
  for (const p of fmt.formatToParts(d)) out[p.type] = p.value;
  return out as Record<'year' | 'month' | 'day' | 'hour' | 'minute', string>;
}

/** The civil date (YYYY-MM-DD) of an instant in Beijing time. */
export function civilDateOf(iso: string): string {
  const p = parts(iso);
  return `${p.year}-${p.month}-${p.day}`;
}

/** "2025年3月4日 14:05". */
export function formatDateTime(iso: string): string {
  const p = parts(iso);
  return `${formatCivilDate(`${p.year}-${p.month}-${p.day}`)} ${p.hour}:${p.minute}`;
}

export function formatInstantDate(iso: string): string {
  return formatCivilDate(civilDateOf(iso));
}

export const ID_TYPE_LABELS: Record<PartyIdType, string> = {
  'id-card': '公民身份号码',
  uscc: '统一社会信用代码',
  passport: '护照号码',
  other: '证件号码',
};

/** A credit code is public (it is printed on the business licence); a person's number is not. */
export function printedId(party: Party): string {
  return party.idType === 'uscc' ? party.idNumber.toUpperCase() : maskIdNumber(party.idNumber);
}

/** A party's name and (masked) number, on one row of a two-column grid. */
export function partyFields(party: Party, role: string, nameSuffix = ''): Field[] {
  return [
    { label: role, value: `${party.name}${nameSuffix}`, newRow: true },
    { label: ID_TYPE_LABELS[party.idType], value: printedId(party) },
  ];
}

/** The party's phone (masked), if known. */
export function phoneFields(party: Party): Field[] {
  return party.phone ? [{ label: '联系电话', value: maskMobile(party.phone) }] : [];
}

export function windowName(office: Office): string {
  return `${office.centerName} ${office.windowNo} 号窗口`;
}

export function footerText(office: Office): string {
  return `${office.centerName}${office.phone ? `${IDEOGRAPHIC_SPACE}咨询电话：${office.phone}` : ''}`;
}

/** Checks a template's input; the message names what is missing, in Chinese. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ContractError('VALIDATION_FAILED', `文书内容不完整：${message}`);
}

export function requireText(value: string | null | undefined, what: string): void {
  check(typeof value === 'string' && value.trim().length > 0, `缺少${what}`);
}

export function requireParty(party: Party | undefined, what: string): void {
  check(party, `缺少${what}`);
  requireText(party.name, `${what}姓名或名称`);
  requireText(party.idNumber, `${what}证件号码`);
}

export function requireOffice(office: Office | undefined): void {
  check(office, '缺少受理窗口');
  requireText(office.centerName, '政务服务中心名称');
  requireText(office.windowNo, '窗口号');
}

export function requireCivilDate(value: string | null | undefined, what: string): void {
  const m = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  check(m && isRealDate(Number(m[1]), Number(m[2]), Number(m[3])), `${what}应为 YYYY-MM-DD 格式的真实日期`);
}

export function requireInstant(value: string | null | undefined, what: string): void {
  check(typeof value === 'string' && !Number.isNaN(Date.parse(value)), `${what}不是有效的时间`);
}
