/** Sample inputs for every document (tests, the benchmark, previews). Not used by the app itself. */
import sharp from 'sharp';
import type { DocumentInputs, Office } from './types';

export const SAMPLE_ID = '320113199003071238';
export const SAMPLE_AGENT_ID = '320113198506120041';
export const SAMPLE_CASE_NO = '320113-20250304-05-0007';

const office: Office = { centerName: '南京市栖霞区政务服务中心', windowNo: '05', address: '南京市栖霞区', phone: '025-12345' };
const applicant = { name: '王晓明', idType: 'id-card' as const, idNumber: SAMPLE_ID, phone: '13912345678' };
const agent = { name: '李芳', idType: 'id-card' as const, idNumber: SAMPLE_AGENT_ID };
const item = { code: '320113-XK-0012', name: '食品经营许可证核发（仅销售预包装食品）', departmentName: '栖霞区市场监督管理局' };

/** A handwriting-like stroke as PNG, the way the signature pad hands it over. */
export async function sampleSignaturePng(): Promise<Uint8Array> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="360" height="120"><path d="M20 90 C 60 10, 90 10, 110 80 S 160 110, 190 40 S 250 20, 270 85 S 320 90, 340 30" stroke="#123" stroke-width="6" fill="none" stroke-linecap="round"/></svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer());
}

export function sampleInputs(signature?: Uint8Array): DocumentInputs {
  const sig = signature ? { applicantSignature: signature } : {};
  return {
    'acceptance-receipt': {
      caseNo: SAMPLE_CASE_NO,
      item,
      applicant,
      agent,
      acceptedAt: '2025-03-04T06:05:00Z',
      clerk: '张敏',
      promisedDays: 10,
      promisedDate: '2025-03-18',
      materials: [
        { name: '食品经营许可申请书', status: 'received', copies: '原件 1 份' },
        { name: '营业执照', status: 'reused', reusedFrom: '电子证照 91320113MA1XXXXX' },
        { name: '经营场所使用证明', status: 'commitment' },
        { name: '食品安全管理制度文本', status: 'deferred', copies: '复印件 1 份', deferUntil: '2025-03-11' },
        { name: '法定代表人（负责人）身份证明', status: 'received', copies: '复印件 1 份' },
      ],
      office,
      delivery: 'pickup',
      ...sig,
    },
    'one-time-notice': {
      noticeNo: 'GZ-320113-20250304-05-0003',
      item,
      applicantName: applicant.name,
      missing: [
        { name: '食品经营许可申请书', description: '食品经营许可申请书（原件 1 份）', note: '可在窗口领取空白表格' },
        { name: '经营场所使用证明', description: '经营场所使用证明（复印件 1 份）', note: '租赁的须提供租赁合同' },
        { name: '食品安全管理制度文本', description: '食品安全管理制度文本（原件 1 份）' },
      ],
      issuedAt: '2025-03-04T02:30:00Z',
      clerk: '张敏',
      office,
    },
    'non-acceptance-notice': {
      noticeNo: '栖政服不受字〔2025〕第 0012 号',
      item,
      applicant,
      appliedAt: '2025-03-04T02:30:00Z',
      reasons: ['申请人申请的经营项目含散装熟食销售，不属于本事项“仅销售预包装食品”的办理范围，应当申请食品经营许可证核发（含散装食品）。'],
      legalBasis: ['《中华人民共和国行政许可法》第三十二条第一款第（二）项'],
      authority: '南京市栖霞区市场监督管理局',
      reconsiderationBody: '南京市栖霞区人民政府',
      issuedAt: '2025-03-04T03:00:00Z',
      clerk: '张敏',
      office,
      ...sig,
    },
    'supplement-notice': {
      caseNo: SAMPLE_CASE_NO,
      item,
      applicant,
      requestedBy: '栖霞区市场监督管理局',
      reason: '经营场所平面图未标明食品贮存区域',
      materials: [
        { name: '经营场所平面布局图', description: '经营场所平面布局图（原件 1 份）', note: '须标明食品贮存、销售区域' },
        { name: '食品安全管理人员健康证明', description: '食品安全管理人员健康证明（复印件 1 份）' },
      ],
      deadline: '2025-03-14',
      issuedAt: '2025-03-07T01:00:00Z',
      clerk: '张敏',
      office,
      ...sig,
    },
    'commitment-letter': {
      caseNo: SAMPLE_CASE_NO,
      item,
      applicant,
      agent,
      authority: '南京市栖霞区市场监督管理局',
      conditions: ['具有与经营的食品品种、数量相适应的食品贮存、销售场所', '有专职或者兼职的食品安全管理人员和保证食品安全的规章制度'],
      materialsReplaced: ['经营场所使用证明'],
      verification: '作出许可决定后 30 个工作日内进行现场核查',
      issuedAt: '2025-03-04T06:00:00Z',
      office,
      ...sig,
    },
    'handout-receipt': {
      caseNo: SAMPLE_CASE_NO,
      item,
      applicant,
      documents: [{ name: '食品经营许可证（正本）', number: 'JY13201130012345', copies: 1 }, { name: '食品经营许可证（副本）', number: 'JY13201130012345', copies: 1 }],
      recipient: { kind: 'agent', agent, authorization: '授权委托书（原件）已核验' },
      method: { kind: 'pickup' },
      handedOutAt: '2025-03-17T07:20:00Z',
      clerk: '张敏',
      office,
      ...(signature ? { recipientSignature: signature } : {}),
    },
  };
}
