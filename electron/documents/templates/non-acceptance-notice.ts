/**
 * 不予受理通知书: the reasons, and the applicant's remedies — administrative reconsideration
 * within 60 days (《中华人民共和国行政复议法》) or an administrative lawsuit within 6 months
 * (《中华人民共和国行政诉讼法》), both counted from receipt of the notice.
 */
import type { Block, DocumentModel } from '../layout';
import type { NonAcceptanceNoticeInput } from '../types';
import { check, civilDateOf, footerText, IDEOGRAPHIC_SPACE, formatCivilDate, formatDateTime, partyFields, requireInstant, requireOffice, requireParty, requireText } from './common';

export function appealRights(reconsiderationBody: string, court?: string): string {
  return (
    `如不服本决定，可以自收到本通知书之日起六十日内，依照《中华人民共和国行政复议法》向${reconsiderationBody}申请行政复议；` +
    `也可以自收到本通知书之日起六个月内，依照《中华人民共和国行政诉讼法》向${court?.trim() || '有管辖权的人民法院'}提起行政诉讼。`
  );
}

export function nonAcceptanceNoticeModel(input: NonAcceptanceNoticeInput): DocumentModel {
  requireText(input.noticeNo, '文书编号');
  requireText(input.item?.name, '事项名称');
  requireParty(input.applicant, '申请人');
  requireInstant(input.appliedAt, '申请时间');
  check(Array.isArray(input.reasons) && input.reasons.some((r) => r.trim()), '不予受理通知书应写明理由');
  requireText(input.authority, '作出决定的行政机关');
  requireText(input.reconsiderationBody, '行政复议机关');
  requireInstant(input.issuedAt, '通知时间');
  requireText(input.clerk, '经办人');
  requireOffice(input.office);
  const { item, applicant, office } = input;
  const day = civilDateOf(input.issuedAt);
  const reasons = input.reasons.map((r) => r.trim()).filter(Boolean);

  const blocks: Block[] = [
    { type: 'title', text: '不予受理通知书' },
    { type: 'reference', text: input.noticeNo },
    { type: 'paragraph', text: `${applicant.name}：` },
    {
      type: 'paragraph',
      indent: true,
      text: `你（单位）于${formatDateTime(input.appliedAt)}提出的“${item.name}”申请，经审查，因下列原因，${input.authority}决定不予受理：`,
    },
    { type: 'list', items: reasons },
  ];
  if (input.legalBasis?.length) blocks.push({ type: 'paragraph', indent: true, text: `依据：${input.legalBasis.join('；')}。` });
  if (input.redirectTo?.trim()) {
    blocks.push({ type: 'paragraph', indent: true, text: `该申请事项不属于本机关职权范围，请向${input.redirectTo.trim()}提出申请。` });
  }
  blocks.push(
    { type: 'paragraph', indent: true, bold: true, text: appealRights(input.reconsiderationBody, input.court) },
    {
      type: 'fields',
      rows: [
        ...partyFields(applicant, '申请人'),
        { label: '申请事项', value: item.name, wide: true },
        { label: '事项编码', value: item.code },
        { label: '经办人', value: input.clerk },
      ],
    },
    { type: 'seal', lines: [input.authority, '（印章）', formatCivilDate(day)] },
    {
      type: 'signatures',
      lines: [
        { label: '申请人（签收）', ...(input.applicantSignature ? { image: input.applicantSignature, date: day } : {}) },
        { label: '经办人', name: input.clerk, date: day },
      ],
    },
  );

  return {
    title: '不予受理通知书',
    subject: input.noticeNo,
    keywords: ['不予受理通知书', input.noticeNo, item.code],
    author: input.authority,
    createdAt: new Date(input.issuedAt),
    header: { left: office.centerName, right: input.noticeNo },
    footer: `${footerText(office)}${IDEOGRAPHIC_SPACE}本通知书一式两份，申请人和行政机关各执一份`,
    blocks,
  };
}
