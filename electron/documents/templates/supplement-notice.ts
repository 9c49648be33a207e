/** 补正材料通知书: the materials a department wants, all of them, and the deadline. */
import type { DocumentModel } from '../layout';
import type { SupplementNoticeInput } from '../types';
import { describeNoticeMaterial } from './one-time-notice';
import {
  check,
  civilDateOf,
  footerText,
  formatCivilDate,
  formatDateTime,
  partyFields,
  phoneFields,
  requireCivilDate,
  requireInstant,
  requireOffice,
  requireParty,
  requireText,
  windowName,
} from './common';

export function supplementNoticeModel(input: SupplementNoticeInput): DocumentModel {
  requireText(input.caseNo, '办件编号');
  requireText(input.item?.name, '事项名称');
  requireParty(input.applicant, '申请人');
  requireText(input.requestedBy, '要求补正的部门');
  check(Array.isArray(input.materials) && input.materials.length > 0, '补正材料通知书至少应列出一项材料');
  for (const m of input.materials) requireText(m.name, '材料名称');
  requireCivilDate(input.deadline, '补正期限');
  requireInstant(input.issuedAt, '通知时间');
  requireText(input.clerk, '经办人');
  requireOffice(input.office);
  const { caseNo, item, applicant, office } = input;
  const day = civilDateOf(input.issuedAt);
  const deadline = formatCivilDate(input.deadline);
  const reason = input.reason?.trim() ? `（${input.reason.trim().replace(/[。.]$/u, '')}）` : '';

  return {
    title: '补正材料通知书',
    subject: caseNo,
    keywords: ['补正材料通知书', caseNo, item.code],
    author: office.centerName,
    createdAt: new Date(input.issuedAt),
    header: { left: office.centerName, right: `办件编号：${caseNo}` },
    footer: footerText(office),
    blocks: [
      { type: 'title', text: '补正材料通知书' },
      { type: 'reference', text: `办件编号：${caseNo}` },
      { type: 'paragraph', text: `${applicant.name}：` },
      {
        type: 'paragraph',
        indent: true,
        text: `你（单位）申请办理的“${item.name}”（办件编号：${caseNo}），经${input.requestedBy}审查，申请材料需要补正${reason}。请于${deadline}前补正下列全部材料：`,
      },
      { type: 'list', items: input.materials.map(describeNoticeMaterial) },
      {
        type: 'paragraph',
        indent: true,
        text: `补正材料可到${office.centerName}或任一政务服务窗口提交，提交时请出示本通知书。补正期间不计入承诺办结时限。逾期未补正又无正当理由的，视为撤回申请。`,
      },
      {
        type: 'fields',
        rows: [
          { label: '办件编号', value: caseNo, wide: true },
          { label: '申请事项', value: item.name, wide: true },
          ...partyFields(applicant, '申请人'),
          ...phoneFields(applicant),
          { label: '补正期限', value: deadline },
          { label: '通知时间', value: formatDateTime(input.issuedAt) },
          { label: '要求部门', value: input.requestedBy },
          { label: '经办人', value: input.clerk },
          { label: '经办窗口', value: windowName(office), wide: true },
        ],
      },
      {
        type: 'signatures',
        lines: [
          { label: '申请人（签收）', ...(input.applicantSignature ? { image: input.applicantSignature, date: day } : {}) },
          { label: '经办人', name: input.clerk, date: day },
        ],
      },
      { type: 'seal', lines: [office.centerName, formatCivilDate(day)] },
    ],
  };
}
