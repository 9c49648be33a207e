/** 受理回执: what was accepted, from whom, with which materials, and when it will be done. */
import { MATERIAL_STATUS_NAMES } from '../../../shared/catalog/materials';
import type { Block, DocumentModel, Field } from '../layout';
import type { AcceptanceReceiptInput, ReceiptMaterial } from '../types';
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

export function statusCheckString(caseNo: string): string {
  return `onewindow:case:${caseNo}`;
}

function materialNote(m: ReceiptMaterial): string {
  switch (m.status) {
    case 'deferred':
      return `须于${formatCivilDate(m.deferUntil!)}前补交`;
    case 'reused':
      return m.reusedFrom ? `复用 ${m.reusedFrom}` : '复用已有材料，无需重复提交';
    case 'commitment':
      return '以告知承诺替代';
    case 'received':
      return '';
  }
}

function validate(input: AcceptanceReceiptInput): void {
  requireText(input.caseNo, '办件编号');
  requireText(input.item?.name, '事项名称');
  requireParty(input.applicant, '申请人');
  if (input.agent) requireParty(input.agent, '经办人');
  requireInstant(input.acceptedAt, '受理时间');
  requireText(input.clerk, '受理人');
  if (input.promisedDate !== null) requireCivilDate(input.promisedDate, '承诺办结日期');
  requireOffice(input.office);
  check(Array.isArray(input.materials), '缺少材料清单');
  for (const m of input.materials) {
    requireText(m.name, '材料名称');
    if (m.status === 'deferred') requireCivilDate(m.deferUntil, `容缺材料“${m.name}”的补交期限`);
  }
}

export function acceptanceReceiptModel(input: AcceptanceReceiptInput): DocumentModel {
  validate(input);
  const { caseNo, item, applicant, agent, office } = input;
  const deferred = input.materials.filter((m) => m.status === 'deferred');
  const committed = input.materials.filter((m) => m.status === 'commitment');
  const acceptedDay = civilDateOf(input.acceptedAt);

  const decision = deferred.length
    ? '经审查，除下表所列容缺材料待补交外，申请材料齐全、符合法定形式，本中心决定予以受理（容缺受理）。容缺材料须在下表所列期限前补交，逾期未补交的，审批部门可以终止办理本申请。'
    : '经审查，申请材料齐全、符合法定形式，本中心决定予以受理。';
  const commitment = committed.length ? '其中部分材料以告知承诺方式办理，详见你所签署的《告知承诺书》。' : '';
  const promise = input.promisedDate
    ? `本事项${input.promisedDays !== undefined ? `承诺办结时限为 ${input.promisedDays} 个工作日，` : ''}预计于${formatCivilDate(input.promisedDate)}前办结。`
    : '办结日期将另行告知。';

  const fields: Field[] = [
    { label: '申请事项', value: item.name, wide: true },
    { label: '事项编码', value: item.code },
    { label: '实施部门', value: item.departmentName ?? '' },
    ...partyFields(applicant, '申请人'),
    ...(agent ? partyFields(agent, '经办人') : []),
    ...phoneFields(applicant),
    { label: '受理时间', value: formatDateTime(input.acceptedAt) },
    { label: '承诺时限', value: input.promisedDays !== undefined ? `${input.promisedDays} 个工作日` : '—', newRow: true },
    { label: '承诺办结日期', value: input.promisedDate ? formatCivilDate(input.promisedDate) : '另行告知' },
    { label: '受理人', value: input.clerk, newRow: true },
    { label: '领取方式', value: input.delivery === 'express' ? '邮寄送达' : input.delivery === 'pickup' ? '窗口领取' : '另行约定' },
    { label: '受理窗口', value: windowName(office), wide: true },
  ];

  const blocks: Block[] = [
    { type: 'title', text: '受理回执' },
    {
      type: 'qr',
      data: input.statusCheck ?? statusCheckString(caseNo),
      caption: [`办件编号：${caseNo}`, '扫描右侧二维码或凭办件编号查询办理进度', ...(office.phone ? [`咨询电话：${office.phone}`] : []), '（申请人留存）'],
    },
    { type: 'paragraph', text: `${applicant.name}：` },
    { type: 'paragraph', indent: true, text: `你（单位）于${formatDateTime(input.acceptedAt)}申请办理的“${item.name}”，${decision}${commitment}${promise}` },
    { type: 'fields', rows: fields },
    {
      type: 'table',
      columns: [
        { header: '序号', width: 0.8, align: 'center' },
        { header: '材料名称', width: 3.9 },
        { header: '份数', width: 1.6 },
        { header: '收取情况', width: 1.4, align: 'center' },
        { header: '说明', width: 3.7 },
      ],
      rows: input.materials.length
        ? input.materials.map((m, i) => [String(i + 1), m.name, m.copies ?? '', MATERIAL_STATUS_NAMES[m.status], materialNote(m)])
        : [['—', '本事项无需提交材料', '', '', '']],
    },
  ];
  blocks.push(
    {
      type: 'paragraph',
      small: true,
      text:
        '温馨提示：1. 请妥善保管本回执，领取办理结果时请出示本回执和申请人有效身份证件；委托他人领取的，还须出示授权委托书和受托人有效身份证件。' +
        '2. 承诺办结时限按工作日计算，不含法定节假日；依法需要补正材料、听证、检验、检测、鉴定和专家评审的时间不计入时限。',
    },
    {
      type: 'signatures',
      lines: [{ label: '申请人（签字）', ...(input.applicantSignature ? { image: input.applicantSignature } : {}), date: acceptedDay }],
      seal: [office.centerName, '（受理专用章）', formatCivilDate(acceptedDay)],
    },
  );

  return {
    title: '受理回执',
    subject: caseNo,
    keywords: ['受理回执', caseNo, item.code],
    author: office.centerName,
    createdAt: new Date(input.acceptedAt),
    header: { left: office.centerName, right: `办件编号：${caseNo}` },
    footer: footerText(office),
    blocks,
  };
}
