/** 一次性告知书: every material still missing, at once, so the citizen comes back only once. */
import type { DocumentModel } from '../layout';
import type { NoticeMaterial, OneTimeNoticeInput } from '../types';
import { check, civilDateOf, footerText, formatCivilDate, formatDateTime, requireInstant, requireOffice, requireText, windowName } from './common';

export function describeNoticeMaterial(m: NoticeMaterial): string {
  const head = m.description?.trim() || m.name;
  return m.note ? `${head}。${m.note}` : head;
}

export function oneTimeNoticeModel(input: OneTimeNoticeInput): DocumentModel {
  requireText(input.noticeNo, '告知书编号');
  requireText(input.item?.name, '事项名称');
  check(Array.isArray(input.missing) && input.missing.length > 0, '一次性告知书至少应列出一项材料');
  for (const m of input.missing) requireText(m.name, '材料名称');
  requireInstant(input.issuedAt, '告知时间');
  requireText(input.clerk, '告知人');
  requireOffice(input.office);
  const { item, office } = input;
  const day = civilDateOf(input.issuedAt);

  return {
    title: '一次性告知书',
    subject: input.noticeNo,
    keywords: ['一次性告知书', input.noticeNo, item.code],
    author: office.centerName,
    createdAt: new Date(input.issuedAt),
    header: { left: office.centerName, right: `编号：${input.noticeNo}` },
    footer: footerText(office),
    blocks: [
      { type: 'title', text: '一次性告知书' },
      { type: 'reference', text: `编号：${input.noticeNo}` },
      { type: 'paragraph', text: `${input.applicantName?.trim() || '申请人'}：` },
      {
        type: 'paragraph',
        indent: true,
        text: `你（单位）申请办理的“${item.name}”，经审查，尚缺下列 ${input.missing.length} 项材料。现将需要补齐的全部材料一次性告知如下：`,
      },
      { type: 'list', items: input.missing.map(describeNoticeMaterial) },
      {
        type: 'paragraph',
        indent: true,
        text: '以上为办理本事项尚需提交的全部材料。请补齐后到本中心或任一政务服务窗口办理，办理时请携带本告知书。除本告知书所列材料外，不再要求你就本事项补充其他材料（法律、法规另有规定的除外）。',
      },
      {
        type: 'fields',
        rows: [
          { label: '申请事项', value: item.name, wide: true },
          { label: '事项编码', value: item.code },
          { label: '实施部门', value: item.departmentName ?? '' },
          { label: '告知时间', value: formatDateTime(input.issuedAt) },
          { label: '告知人', value: input.clerk },
          { label: '告知窗口', value: windowName(office), wide: true },
        ],
      },
      {
        type: 'signatures',
        lines: [
          { label: '告知人', name: input.clerk, date: day },
          { label: '申请人（签收）' },
        ],
      },
      { type: 'seal', lines: [office.centerName, formatCivilDate(day)] },
    ],
  };
}
