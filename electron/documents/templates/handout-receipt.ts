/** 送达回执: what was handed out (出件), to whom, how and when, signed by the recipient. */
import type { Block, DocumentModel, Field } from '../layout';
import type { HandoutReceiptInput } from '../types';
import { check, civilDateOf, footerText, formatDateTime, partyFields, requireInstant, requireOffice, requireParty, requireText, windowName } from './common';

export function handoutReceiptModel(input: HandoutReceiptInput): DocumentModel {
  requireText(input.caseNo, '办件编号');
  requireText(input.item?.name, '事项名称');
  requireParty(input.applicant, '申请人');
  check(Array.isArray(input.documents) && input.documents.length > 0, '送达回执至少应列出一份送达的文书或证照');
  for (const d of input.documents) requireText(d.name, '文书或证照名称');
  check(input.recipient?.kind === 'applicant' || input.recipient?.kind === 'agent', '缺少签收人');
  if (input.recipient.kind === 'agent') requireParty(input.recipient.agent, '受托人');
  check(input.method?.kind === 'pickup' || input.method?.kind === 'express', '缺少送达方式');
  if (input.method.kind === 'express') {
    requireText(input.method.carrier, '快递企业');
    requireText(input.method.trackingNo, '快递运单号');
  }
  requireInstant(input.handedOutAt, '送达时间');
  requireText(input.clerk, '送达人');
  requireOffice(input.office);
  const { caseNo, item, applicant, office, recipient, method } = input;
  const day = civilDateOf(input.handedOutAt);
  const when = formatDateTime(input.handedOutAt);
  const signer = recipient.kind === 'agent' ? recipient.agent : applicant;

  const fields: Field[] = [
    { label: '办件编号', value: caseNo, wide: true },
    { label: '申请事项', value: item.name, wide: true },
    ...partyFields(applicant, '受送达人'),
    ...(recipient.kind === 'agent' ? partyFields(recipient.agent, '签收人', '（受托人）') : [{ label: '签收人', value: `${applicant.name}（本人）`, wide: true }]),
    ...(recipient.kind === 'agent' && recipient.authorization ? [{ label: '授权委托', value: recipient.authorization, wide: true }] : []),
    { label: '送达方式', value: method.kind === 'express' ? `邮寄送达（${method.carrier}）` : '窗口领取', newRow: true },
    { label: '送达时间', value: when },
    ...(method.kind === 'express' ? [{ label: '快递运单号', value: method.trackingNo, newRow: true }] : []),
    { label: '送达人', value: input.clerk, newRow: method.kind !== 'express' },
    { label: '送达地点', value: method.kind === 'express' ? method.address?.trim() || '申请人指定的收件地址' : windowName(office), wide: true },
  ];
  const statement =
    method.kind === 'express'
      ? `上列文书已于${when}交${method.carrier}寄出（运单号：${method.trackingNo}），送达日期以快递签收记录为准。`
      : `上列文书已于${when}在${windowName(office)}当面送达，由${signer.name}${recipient.kind === 'agent' ? '（受托人）' : '（本人）'}签收。`;

  const blocks: Block[] = [
    { type: 'title', text: '送达回执' },
    { type: 'reference', text: `办件编号：${caseNo}` },
    {
      type: 'table',
      columns: [
        { header: '序号', width: 0.9, align: 'center' },
        { header: '送达文书或证照', width: 4.4 },
        { header: '编号', width: 3.4 },
        { header: '份数', width: 1, align: 'center' },
      ],
      rows: input.documents.map((d, i) => [String(i + 1), d.name, d.number ?? '', String(d.copies ?? 1)]),
    },
    { type: 'fields', rows: fields },
    { type: 'paragraph', indent: true, text: statement },
    {
      type: 'signatures',
      lines: [
        method.kind === 'express'
          ? { label: '签收人', name: '以快递签收记录为准', undated: true }
          : { label: '签收人（签字）', ...(input.recipientSignature ? { image: input.recipientSignature } : {}), date: day },
        { label: '送达人', name: input.clerk, date: day },
      ],
    },
  ];

  return {
    title: '送达回执',
    subject: caseNo,
    keywords: ['送达回执', caseNo, item.code],
    author: office.centerName,
    createdAt: new Date(input.handedOutAt),
    header: { left: office.centerName, right: `办件编号：${caseNo}` },
    footer: footerText(office),
    blocks,
  };
}
