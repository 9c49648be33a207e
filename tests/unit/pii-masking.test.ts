/**
 * PII masking in read paths on a real workstation core: `cases.get` masks every ID number,
 * mobile number and address detail of the form (by the item's form formats) for every role,
 * while the clerk's own draft keeps full values; `pii.reveal` gives one full value to a
 * supervisor or admin with a reason, refuses a clerk, and audits the view without the value.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskFormData } from '../../electron/cases/mask';
import type { Workstation } from '../../electron/workstation';
import { PERSONAL_ITEM, idNumber, writeCatalogFixture } from '../helpers/catalog-fixture';
import { openTestWorkstation, signInAdmin, tempDir } from '../helpers/workstation';

const APPLICANT_ID = idNumber('19560412', '215');
const AGENT_ID = idNumber('19830907', '331');
const SPOUSE_ID = idNumber('19580101', '442');
const MOBILE = '13912345678';
const AGENT_MOBILE = '18751234567';
const CONTACT_MOBILE = '15850001111';
const REMARK_MOBILE = '13600009999';
const ADDRESS = '迈皋桥街道华电路1号3栋502室';
const FULL_VALUES = [APPLICANT_ID, AGENT_ID, SPOUSE_ID, MOBILE, AGENT_MOBILE, CONTACT_MOBILE, REMARK_MOBILE, ADDRESS];

/** An item whose form declares numbers outside the shared blocks too (own keys, formats only). */
const ITEM = {
  ...PERSONAL_ITEM,
  code: 'QX-WJ-GG-901',
  name: '家庭医生签约服务',
  shortName: '家医签约',
  department: 'WJ',
  approval: { lead: 'WJ', co: [] },
  keywords: [],
  form: {
    schema: {
      type: 'object',
      required: ['applicant'],
      properties: {
        applicant: { $ref: '#/definitions/person' },
        agent: { $ref: '#/definitions/agent' },
        residence: { $ref: '#/definitions/address' },
        spouse: { type: 'object', title: '配偶', properties: { name: { type: 'string', title: '配偶姓名' }, certNo: { type: 'string', title: '配偶公民身份号码', format: 'id-card' } } },
        emergencyContacts: { type: 'array', title: '紧急联系人', items: { type: 'object', properties: { who: { type: 'string', title: '姓名' }, tel: { type: 'string', title: '联系电话', format: 'mobile' } } } },
        remark: { type: 'string', title: '备注', maxLength: 200 },
      },
    },
  },
};

const FORM = {
  applicant: { name: '赵桂芳', idNumber: APPLICANT_ID, mobile: MOBILE },
  agent: { name: '钱进', idNumber: AGENT_ID, mobile: AGENT_MOBILE, relation: '子女' },
  residence: { division: '320113003', detail: ADDRESS },
  spouse: { name: '孙建国', certNo: SPOUSE_ID },
  emergencyContacts: [{ who: '钱敏', tel: CONTACT_MOBILE }],
  remark: `白天请拨 ${REMARK_MOBILE} 联系`,
};
const MATERIALS = [
  { materialId: 'id-card', status: 'received' },
  { materialId: 'photo', status: 'received' },
  { materialId: 'hukou-book', status: 'received' },
];

const masked = (id: string) => `${id.slice(0, 4)}**********${id.slice(-4)}`;
const maskedMobile = (m: string) => `${m.slice(0, 3)}****${m.slice(-4)}`;

describe('PII masking in cases.get and the audited full value', () => {
  let dir: ReturnType<typeof tempDir>;
  let ws: Workstation;
  let admin: string;
  let clerk: string;
  let supervisor: string;
  let caseId: string;
  let draftId: string;

  const call = async (channel: string, input: unknown, sessionId: string) => (await ws.dispatch(channel, input, { sessionId })).envelope;
  const ok = async <T = any>(channel: string, input: unknown, sessionId: string): Promise<T> => {
    const r = await call(channel, input, sessionId);
    if (!r.ok) throw new Error(`${channel}: ${JSON.stringify(r.error)}`);
    return r.data as T;
  };

  beforeAll(async () => {
    dir = tempDir();
    const catalogDir = writeCatalogFixture(join(dir.path, 'catalog'), { 'wj.json': { department: 'WJ', items: [ITEM] } });
    ws = await openTestWorkstation(join(dir.path, 'data'), { catalogDir, flags: { idleLockMinutes: 120 } });
    admin = await signInAdmin(ws);
    for (const role of ['clerk', 'supervisor'] as const) {
      const { oneTimePassword } = ws.auth.addUser({ username: `${role}01`, displayName: role, role }, { actor: 'test', role: 'admin' });
      const s = (await ws.dispatch('auth.signIn', { username: `${role}01`, password: oneTimePassword }, {})).session as string;
      await ws.dispatch('auth.changePassword', { currentPassword: oneTimePassword, newPassword: 'Counter2026pass' }, { sessionId: s });
      if (role === 'clerk') clerk = s;
      else supervisor = s;
    }
    const accepted = await ok<{ id: string }>('cases.accept', { itemCode: ITEM.code, itemVersion: 1, formData: FORM, materials: MATERIALS }, clerk);
    caseId = accepted.id;
    draftId = (await ok<{ draftId: string }>('drafts.save', { itemCode: ITEM.code, itemVersion: 1, formData: FORM, materials: MATERIALS }, clerk)).draftId;
  }, 60_000);
  afterAll(async () => {
    await ws?.close();
    dir?.remove();
  });

  it.each(['clerk', 'supervisor', 'admin'] as const)('cases.get masks ID numbers, mobiles and the address detail for a %s', async (role) => {
    const session = { clerk, supervisor, admin }[role];
    const detail = await ok<{ formData: typeof FORM; applicantIdMasked: string; applicantName: string }>('cases.get', { id: caseId }, session);
    const text = JSON.stringify(detail);
    for (const value of FULL_VALUES) expect(text, value).not.toContain(value);
    expect(detail.applicantIdMasked).toBe(masked(APPLICANT_ID));
    expect(detail.formData.applicant).toEqual({ name: '赵桂芳', idNumber: masked(APPLICANT_ID), mobile: maskedMobile(MOBILE) });
    expect(detail.formData.agent).toEqual({ name: '钱进', idNumber: masked(AGENT_ID), mobile: maskedMobile(AGENT_MOBILE), relation: '子女' });
    // Declared by the item's own schema (format), not by a well-known key.
    expect(detail.formData.spouse).toEqual({ name: '孙建国', certNo: masked(SPOUSE_ID) });
    expect(detail.formData.emergencyContacts).toEqual([{ who: '钱敏', tel: maskedMobile(CONTACT_MOBILE) }]);
    // The division is kept (a district or street), the detail keeps its first characters only.
    expect(detail.formData.residence.division).toBe('320113003');
    expect(detail.formData.residence.detail).toBe(`迈皋桥${'*'.repeat(Array.from(ADDRESS).length - 3)}`);
    // A number typed into free text is masked too.
    expect(detail.formData.remark).toBe(`白天请拨 ${maskedMobile(REMARK_MOBILE)} 联系`);
    expect(detail.applicantName).toBe('赵桂芳');
  });

  it('keeps the stored case and the clerk\'s draft whole', async () => {
    const stored = ws.database.sqlite.prepare('select form_data as f from cases where id = ?').get(caseId) as { f: string };
    expect(JSON.parse(stored.f)).toEqual(FORM);
    // The clerk reopens the draft to go on typing: full values, as typed.
    const draft = await ok<{ draft: { formData: typeof FORM } }>('drafts.get', { draftId }, clerk);
    expect(draft.draft.formData).toEqual(FORM);
    // Lists never carried more than the name.
    for (const value of FULL_VALUES) expect(JSON.stringify(await ok('drafts.list', {}, clerk))).not.toContain(value);
    for (const value of FULL_VALUES) expect(JSON.stringify(await ok('cases.list', {}, supervisor))).not.toContain(value);
  });

  it('pii.reveal: full value for a supervisor with a reason, refused for a clerk, audited without the value', async () => {
    expect(await call('pii.reveal', { caseId, field: 'applicantIdNo', reason: '核对证件信息' }, clerk)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call('pii.reveal', { caseId, field: 'applicantIdNo', reason: ' ' }, supervisor)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await ok('pii.reveal', { caseId, field: 'applicantIdNo', reason: '核对证件信息' }, supervisor)).toEqual({ field: 'applicantIdNo', value: APPLICANT_ID });
    expect(await ok('pii.reveal', { caseId, field: 'agentMobile', reason: '联系经办人补材料' }, supervisor)).toEqual({ field: 'agentMobile', value: AGENT_MOBILE });
    expect(await ok('pii.reveal', { caseId, field: 'applicantMobile', reason: '回访' }, admin)).toEqual({ field: 'applicantMobile', value: MOBILE });
    expect(await ok('pii.reveal', { caseId, field: 'applicantAddress', reason: '寄递证件核对地址' }, supervisor)).toEqual({ field: 'applicantAddress', value: ADDRESS });

    const views = ws.database.sqlite.prepare("select actor, role, case_id as caseId, detail from audit_log where action = 'pii.reveal' order by id").all() as { actor: string; role: string; caseId: string; detail: string }[];
    expect(views.map((v) => [v.actor, v.role, v.caseId, JSON.parse(v.detail).field, JSON.parse(v.detail).reason])).toEqual([
      ['supervisor01', 'supervisor', caseId, 'applicantIdNo', '核对证件信息'],
      ['supervisor01', 'supervisor', caseId, 'agentMobile', '联系经办人补材料'],
      ['admin', 'admin', caseId, 'applicantMobile', '回访'],
      ['supervisor01', 'supervisor', caseId, 'applicantAddress', '寄递证件核对地址'],
    ]);
    // No audit entry of any kind holds a full value (the trail is shipped to the back office).
    const trail = (ws.database.sqlite.prepare('select detail from audit_log').all() as { detail: string }[]).map((r) => r.detail).join('\n');
    for (const value of [APPLICANT_ID, MOBILE, AGENT_MOBILE, ADDRESS]) expect(trail, value).not.toContain(value);
  });

  it('masks numbers in timeline details that were written unmasked (older or back-office entries)', async () => {
    ws.database.sqlite
      .prepare(`insert into case_events (case_id, type, from_status, to_status, actor, device, at, detail) values (?, 'note', null, null, 'backoffice', 'backoffice', ?, ?)`)
      .run(caseId, new Date().toISOString(), JSON.stringify({ reason: `请与 ${MOBILE} 联系，证件 ${APPLICANT_ID}`, nested: [{ phone: AGENT_MOBILE }] }));
    const detail = await ok<{ events: { type: string; detail: Record<string, unknown> }[] }>('cases.get', { id: caseId }, clerk);
    expect(detail.events.find((e) => e.type === 'note')?.detail).toEqual({
      reason: `请与 ${maskedMobile(MOBILE)} 联系，证件 ${masked(APPLICANT_ID)}`,
      nested: [{ phone: maskedMobile(AGENT_MOBILE) }],
    });
  });

  it('masks the shared blocks by their keys when the item version is no longer known', () => {
    const out = maskFormData(null, { applicant: { name: '赵桂芳', idNumber: APPLICANT_ID, mobile: MOBILE }, address: { division: '320113003', detail: ADDRESS }, note: `身份证 ${SPOUSE_ID}` });
    expect(out).toEqual({
      applicant: { name: '赵桂芳', idNumber: masked(APPLICANT_ID), mobile: maskedMobile(MOBILE) },
      address: { division: '320113003', detail: `迈皋桥${'*'.repeat(Array.from(ADDRESS).length - 3)}` },
      note: `身份证 ${masked(SPOUSE_ID)}`,
    });
  });
});
