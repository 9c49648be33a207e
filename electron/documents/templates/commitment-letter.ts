/**
 * 告知承诺书: the authority states the conditions, the materials the commitment replaces, how it
 * will verify and what a false commitment costs; the applicant commits and signs.
 */
import type { Block, DocumentModel } from '../layout';
import type { CommitmentLetterInput } from '../types';
import { check, civilDateOf, footerText, IDEOGRAPHIC_SPACE, ID_TYPE_LABELS, partyFields, printedId, requireInstant, requireOffice, requireParty, requireText } from './common';

export const FALSE_COMMITMENT_CONSEQUENCES =
  '申请人作出不实承诺的，行政机关将依法撤销据此作出的决定，并依法追究相应法律责任；不实承诺信息将记入申请人信用记录，依法实施失信惩戒；涉嫌犯罪的，依法移送司法机关处理。';

export function commitmentLetterModel(input: CommitmentLetterInput): DocumentModel {
  requireText(input.caseNo, '办件编号');
  requireText(input.item?.name, '事项名称');
  requireParty(input.applicant, '申请人');
  if (input.agent) requireParty(input.agent, '经办人');
  requireText(input.authority, '行政机关');
  check(Array.isArray(input.conditions) && input.conditions.some((c) => c.trim()), '告知承诺书应写明办理条件');
  check(Array.isArray(input.materialsReplaced), '缺少以承诺替代的材料清单');
  requireInstant(input.issuedAt, '签署时间');
  requireOffice(input.office);
  const { caseNo, item, applicant, office } = input;
  const day = civilDateOf(input.issuedAt);

  const blocks: Block[] = [
    { type: 'title', text: '告知承诺书' },
    { type: 'reference', text: `编号：${caseNo}` },
    { type: 'heading', text: '一、行政机关告知' },
    { type: 'paragraph', indent: true, text: `根据告知承诺制的有关规定，${input.authority}就“${item.name}”事项告知如下：` },
    { type: 'paragraph', text: '（一）办理条件：' },
    { type: 'list', items: input.conditions.map((c) => c.trim()).filter(Boolean) },
  ];
  if (input.materialsReplaced.length) {
    blocks.push({ type: 'paragraph', text: '（二）以本承诺替代提交的材料：' }, { type: 'list', items: input.materialsReplaced });
  }
  const n = input.materialsReplaced.length ? ['（三）', '（四）'] : ['（二）', '（三）'];
  blocks.push(
    { type: 'paragraph', text: `${n[0]}核查方式：${input.verification?.trim() || '行政机关将在作出决定后依法对承诺内容进行核查。'}` },
    { type: 'paragraph', bold: true, text: `${n[1]}不实承诺的法律后果：${FALSE_COMMITMENT_CONSEQUENCES}` },
    { type: 'heading', text: '二、申请人承诺' },
    {
      type: 'paragraph',
      indent: true,
      text: `本人（单位）${applicant.name}（${ID_TYPE_LABELS[applicant.idType]}：${printedId(applicant)}）郑重承诺：`,
    },
    {
      type: 'list',
      items: [
        '已经知晓行政机关告知的全部内容；',
        '已经符合上述办理条件；',
        '所提交的材料和填写的信息真实、准确、完整；',
        '愿意接受行政机关的核查，愿意承担不实承诺的法律责任；',
        '本承诺书是本人（单位）的真实意思表示。',
      ],
    },
    {
      type: 'fields',
      rows: [
        { label: '申请事项', value: item.name, wide: true },
        { label: '编号', value: caseNo },
        { label: '事项编码', value: item.code },
        ...partyFields(applicant, '申请人'),
        ...(input.agent ? partyFields(input.agent, '经办人') : []),
      ],
    },
    {
      type: 'signatures',
      lines: [
        { label: '申请人（签字或盖章）', ...(input.applicantSignature ? { image: input.applicantSignature, date: day } : {}) },
        { label: '行政机关（盖章）', date: day },
      ],
    },
  );

  return {
    title: '告知承诺书',
    subject: caseNo,
    keywords: ['告知承诺书', caseNo, item.code],
    author: input.authority,
    createdAt: new Date(input.issuedAt),
    header: { left: office.centerName, right: `编号：${caseNo}` },
    footer: `${footerText(office)}${IDEOGRAPHIC_SPACE}本承诺书一式两份，申请人和行政机关各执一份`,
    blocks,
  };
}
