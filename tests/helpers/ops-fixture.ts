/**
 * Real data for the IT-operations tests (upgrade, backup, diagnostics): cases accepted through
 * the core's dispatch, one with scanned pages moved from its draft, an open draft with a page,
 * a credit check (identity rows), and the outbox entries acceptance writes.
 */
import sharp from 'sharp';
import type { Workstation } from '../../electron/workstation';
import { COMPLETE_MATERIALS, idNumber, PERSONAL_ITEM, personalFormData } from './catalog-fixture';

export interface PopulatedData {
  caseIds: string[];
  openDraftId: string;
  /** The applicant of the first case: must never appear in logs or diagnostics bundles. */
  applicant: { name: string; idNumber: string; mobile: string };
}

export async function populateWorkstation(ws: Workstation, sessionId: string): Promise<PopulatedData> {
  const call = async (channel: string, input: unknown) => {
    const r = await ws.dispatch(channel as never, input as never, { sessionId });
    if (!r.envelope.ok) throw new Error(`${channel}: ${JSON.stringify(r.envelope)}`);
    return r.envelope.data as Record<string, any>;
  };
  const applicant = { name: '欧阳秀兰', idNumber: idNumber('19620815', '427'), mobile: '13912345678' };
  const page = await sharp({ create: { width: 620, height: 877, channels: 3, background: '#f4f4f4' } }).jpeg().toBuffer();
  const caseIds: string[] = [];

  // A case whose draft had scanned pages: the pages move to the case.
  const formData = personalFormData(applicant.name, applicant.idNumber);
  const saved = await call('drafts.save', { itemCode: PERSONAL_ITEM.code, itemVersion: PERSONAL_ITEM.version, formData, materials: [...COMPLETE_MATERIALS] });
  await ws.materials.addPage({ owner: { draftId: saved.draftId }, materialId: 'id-card', bytes: page, source: 'import', fileName: 'id.jpg' });
  const second = await sharp(page).rotate(90).jpeg().toBuffer();
  await ws.materials.addPage({ owner: { draftId: saved.draftId }, materialId: 'photo', bytes: second, source: 'import', fileName: 'photo.jpg' });
  const first = await call('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: PERSONAL_ITEM.version, formData, materials: [...COMPLETE_MATERIALS], draftId: saved.draftId });
  caseIds.push(first.id);

  for (let i = 0; i < 3; i++) {
    const c = await call('cases.accept', {
      itemCode: PERSONAL_ITEM.code,
      itemVersion: PERSONAL_ITEM.version,
      formData: personalFormData(`申请人${i}`, idNumber('19700101', String(200 + i))),
      materials: [...COMPLETE_MATERIALS],
    });
    caseIds.push(c.id);
  }

  // A draft still open, with a page of its own.
  const open = await call('drafts.save', { itemCode: PERSONAL_ITEM.code, itemVersion: PERSONAL_ITEM.version, formData: personalFormData('草稿人', idNumber('19800202', '318')), materials: [] });
  await ws.materials.addPage({ owner: { draftId: open.draftId }, materialId: 'hukou-book', bytes: page, source: 'camera' });

  // Identity rows: a restricted list (keyed hashes) and a credit check against it, which records its hit.
  const listed = idNumber('19750505', '611');
  ws.identity.importRestrictedList(
    JSON.stringify({ source: '测试名单', version: '2026-11-01', generatedAt: new Date().toISOString(), entries: [{ kind: 'person', idNumber: listed }, { kind: 'person', idNumber: idNumber('19760606', '722') }] }),
    { username: 'admin', role: 'admin' },
  );
  ws.identity.creditCheck({ idNumber: listed }, { username: 'admin', role: 'admin' });
  ws.identity.creditCheck({ idNumber: applicant.idNumber }, { username: 'admin', role: 'admin' });
  return { caseIds, openDraftId: open.draftId, applicant };
}
