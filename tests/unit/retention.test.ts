/**
 * PII discipline and retention on a real workstation: masked lists and exports, the audited
 * full-value view, and the purge of face images and closed cases' personal data (dry run,
 * real run, audit kept), also through `onewindow purge`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../electron/cli';
import { auditPurgeFloor, redactName } from '../../electron/retention';
import type { Workstation } from '../../electron/workstation';
import { COMPLETE_MATERIALS, PERSONAL_ITEM, idNumber, personalFormData, writeCatalogFixture } from '../helpers/catalog-fixture';
import { openTestWorkstation, signInAdmin, tempDir } from '../helpers/workstation';

const DAY = 86_400_000;
const ID = idNumber('19550310', '123');

describe('PII discipline and retention', () => {
  let dir: ReturnType<typeof tempDir>;
  let dataDir: string;
  let catalogDir: string;
  let ws: Workstation;
  let clock = Date.parse('2026-01-05T02:00:00Z');
  let admin: string;
  let clerk: string;
  let supervisor: string;
  let caseId: string;
  let caseNo: string;

  const call = async (channel: string, input: unknown, sessionId = admin) => (await ws.dispatch(channel, input, { sessionId })).envelope;
  const sqlite = () => ws.database.sqlite;
  const auditActions = () => sqlite().prepare('select action from audit_log order by id').all().map((r) => (r as { action: string }).action);

  beforeAll(async () => {
    dir = tempDir();
    dataDir = join(dir.path, 'data');
    catalogDir = join(dir.path, 'catalog');
    writeCatalogFixture(catalogDir);
    ws = await openTestWorkstation(dataDir, { catalogDir, now: () => new Date(clock), flags: { faceRetentionDays: 30, closedCaseRetentionDays: 365, idleLockMinutes: 120 } });
    admin = await signInAdmin(ws);
    for (const role of ['clerk', 'supervisor'] as const) {
      const { oneTimePassword } = ws.auth.addUser({ username: `${role}01`, displayName: role, role }, { actor: 'test', role: 'admin' });
      const s = (await ws.dispatch('auth.signIn', { username: `${role}01`, password: oneTimePassword }, {})).session as string;
      await ws.dispatch('auth.changePassword', { currentPassword: oneTimePassword, newPassword: 'Counter2026pass' }, { sessionId: s });
      if (role === 'clerk') clerk = s;
      else supervisor = s;
    }
    // A case with a scanned page, accepted by the clerk.
    const draft = await call('drafts.save', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData('王秀英', ID), materials: [...COMPLETE_MATERIALS] }, clerk);
    if (!draft.ok) throw new Error(JSON.stringify(draft));
    const draftId = (draft.data as { draftId: string }).draftId;
    const jpeg = await sharp({ create: { width: 1200, height: 900, channels: 3, background: { r: 200, g: 180, b: 160 } } }).jpeg().toBuffer();
    const page = await call('materials.addPage', { owner: { draftId }, materialId: 'id-card', dataBase64: jpeg.toString('base64'), source: 'camera' }, clerk);
    expect(page.ok).toBe(true);
    const accepted = await call('cases.accept', { itemCode: PERSONAL_ITEM.code, itemVersion: 1, formData: personalFormData('王秀英', ID), materials: [...COMPLETE_MATERIALS], draftId }, clerk);
    if (!accepted.ok) throw new Error(JSON.stringify(accepted));
    ({ id: caseId, caseNo } = accepted.data as { id: string; caseNo: string });
  }, 60_000);
  afterAll(async () => {
    await ws?.close();
    dir.remove();
  });

  it('masks ID numbers in lists and exports', async () => {
    const list = await call('cases.list', {}, clerk);
    expect(JSON.stringify(list)).not.toContain(ID);
    expect(list).toMatchObject({ ok: true, data: { rows: [{ applicantIdMasked: `${ID.slice(0, 4)}**********${ID.slice(-4)}` }] } });
    const csv = await call('cases.exportCsv', {}, supervisor);
    expect(csv.ok).toBe(true);
    expect(JSON.stringify(csv)).not.toContain(ID);
  });

  it('shows a full value only to a supervisor or admin, with a reason, and audits the view', async () => {
    expect(await call('pii.reveal', { caseId, field: 'applicantIdNo', reason: '核对证件' }, clerk)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call('pii.reveal', { caseId, field: 'applicantIdNo', reason: '' }, supervisor)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await call('pii.reveal', { caseId, field: 'applicantIdNo', reason: '核对证件' }, supervisor)).toEqual({ ok: true, data: { field: 'applicantIdNo', value: ID } });
    const mobile = (personalFormData('王秀英', ID).applicant as { mobile: string }).mobile;
    expect(await call('pii.reveal', { caseId, field: 'applicantMobile', reason: '联系办事人' }, admin)).toEqual({ ok: true, data: { field: 'applicantMobile', value: mobile } });
    expect(await call('pii.reveal', { caseId: 'NOPE', field: 'applicantIdNo', reason: '核对证件' }, admin)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const views = sqlite().prepare("select actor, case_id as caseId, detail from audit_log where action = 'pii.reveal' order by id").all() as { actor: string; caseId: string; detail: string }[];
    expect(views.map((v) => [v.actor, v.caseId, JSON.parse(v.detail).field, JSON.parse(v.detail).reason])).toEqual([
      ['supervisor01', caseId, 'applicantIdNo', '核对证件'],
      ['admin', caseId, 'applicantMobile', '联系办事人'],
    ]);
    // The audit says who looked and why, never the value.
    expect(views.map((v) => v.detail).join()).not.toContain(ID);
  });

  function addFaceImage(createdAt: number): { id: string; path: string } {
    const id = `F${createdAt}`;
    const checkId = `C${createdAt}`;
    const at = new Date(createdAt).toISOString();
    sqlite()
      .prepare(
        `insert into identity_checks (id, status, driver, applicant_name, id_number_masked, id_number_hash, max_attempts, operator, created_at, updated_at)
         values (?, 'passed', 'manual', '王秀英', '3201**********1234', 'h', 3, 'clerk01', ?, ?)`,
      )
      .run(checkId, at, at);
    // purge_after far away: the retention setting in force now decides, not the one at capture time.
    sqlite()
      .prepare(`insert into identity_face_images (id, check_id, kind, sha256, size, file, created_at, purge_after) values (?, ?, 'live', 'x', 4, ?, ?, '2099-01-01T00:00:00Z')`)
      .run(id, checkId, `${id}.owf`, at);
    const facesDir = join(dataDir, 'identity', 'faces');
    mkdirSync(facesDir, { recursive: true });
    writeFileSync(join(facesDir, `${id}.owf`), 'face');
    return { id, path: join(facesDir, `${id}.owf`) };
  }

  it('purges face images past the retention days and redacts closed cases past policy; dry run changes nothing', async () => {
    const oldFace = addFaceImage(clock - 31 * DAY);
    const newFace = addFaceImage(clock - 5 * DAY);
    // The case closed (handed out) long ago; a second case is closed but recent.
    sqlite().prepare(`update cases set status = 'handed-out', updated_at = ? where id = ?`).run(new Date(clock - 400 * DAY).toISOString(), caseId);
    // Not yet at the back office: kept until it got there.
    expect(await call('retention.run', { dryRun: true })).toMatchObject({ ok: true, data: { casesRedacted: 0 } });
    sqlite().prepare(`update outbox set status = 'done' where case_id = ?`).run(caseId);
    const pagesBefore = sqlite().prepare('select sha256, source_sha256 as src from material_pages where case_id = ?').all(caseId) as { sha256: string; src: string }[];
    expect(pagesBefore.length).toBe(1);
    const dbBytes = () => sqlite().prepare('select count(*) as n from audit_log').get() as { n: number };
    const auditBefore = dbBytes().n;

    const dry = await call('retention.run', { dryRun: true });
    expect(dry).toMatchObject({ ok: true, data: { dryRun: true, faceImages: 1, casesRedacted: 1, faceRetentionDays: 30, closedCaseRetentionDays: 365, auditKeptMonths: 6 } });
    expect(existsSync(oldFace.path)).toBe(true);
    expect((sqlite().prepare('select applicant_id_no as n from cases where id = ?').get(caseId) as { n: string }).n).toBe(ID);
    expect(auditActions().at(-1)).toBe('retention.dryRun');
    expect(await call('retention.run', { dryRun: false }, supervisor)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const real = await call('retention.run', { dryRun: false });
    expect(real).toMatchObject({ ok: true, data: { dryRun: false, faceImages: 1, casesRedacted: 1 } });
    expect(existsSync(oldFace.path)).toBe(false);
    expect(existsSync(newFace.path)).toBe(true);
    const faceRow = sqlite().prepare('select file, purged_at as purgedAt, sha256 from identity_face_images where id = ?').get(oldFace.id) as { file: string | null; purgedAt: string | null; sha256: string };
    expect(faceRow).toMatchObject({ file: null, sha256: 'x' });
    expect(faceRow.purgedAt).not.toBeNull();

    // The case keeps number, status, item and timeline; personal data is gone from every table.
    const row = sqlite().prepare('select case_no as caseNo, status, item_code as itemCode, applicant_name as name, applicant_id_no as idNo, form_data as formData from cases where id = ?').get(caseId) as Record<string, string>;
    expect(row).toMatchObject({ caseNo, status: 'handed-out', itemCode: PERSONAL_ITEM.code, name: redactName('王秀英'), formData: '{}' });
    expect(row.idNo).toContain('*');
    const everything = (sqlite().prepare("select group_concat(form_data) || group_concat(applicant_id_no) as t from cases").get() as { t: string }).t + JSON.stringify(sqlite().prepare('select payload from outbox').all());
    expect(everything).not.toContain(ID);
    expect(everything).not.toContain('王秀英');
    expect(sqlite().prepare('select count(*) as n from material_pages where case_id = ?').get(caseId)).toEqual({ n: 0 });
    const redaction = sqlite().prepare('select personal_data_sha256 as h, blob_sha256s as blobs, policy_days as days from case_redactions where case_id = ?').get(caseId) as { h: string; blobs: string; days: number };
    expect(redaction.h).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(redaction.blobs)).toEqual(expect.arrayContaining([pagesBefore[0]!.sha256]));
    expect(redaction.days).toBe(365);
    expect(sqlite().prepare('select count(*) as n from case_events where case_id = ?').get(caseId)).not.toEqual({ n: 0 });
    expect(await call('cases.get', { id: caseId })).toMatchObject({ ok: true, data: { caseNo, status: 'handed-out' } });
    // A redacted case has no full value left to show.
    expect(await call('pii.reveal', { caseId, field: 'applicantIdNo', reason: '核对证件' })).toMatchObject({ ok: true, data: { value: null } });

    // Nothing was taken from the audit trail, which still verifies; the purge itself is in it.
    expect(dbBytes().n).toBeGreaterThan(auditBefore);
    expect(auditActions()).toEqual(expect.arrayContaining(['retention.caseRedacted', 'retention.run']));
    expect(ws.audit.verify()).toMatchObject({ ok: true });

    // Idempotent: a second run finds nothing.
    expect(await call('retention.run', { dryRun: false })).toMatchObject({ ok: true, data: { faceImages: 0, casesRedacted: 0 } });
    const db = sqlite().pragma('integrity_check') as { integrity_check: string }[];
    expect(db[0]!.integrity_check).toBe('ok');
  });

  it('keeps audit entries at least six months and never purges them', async () => {
    expect(auditPurgeFloor(new Date('2026-11-27T00:00:00Z')).toISOString()).toBe('2026-05-27T00:00:00.000Z');
    const first = sqlite().prepare('select min(at) as at from audit_log').get() as { at: string };
    clock += 3 * 365 * DAY;
    // The scheduled run (no session): three years on, the recent face image goes too, the audit stays.
    expect(ws.retention.run()).toMatchObject({ dryRun: false, faceImages: 1 });
    expect((sqlite().prepare('select min(at) as at from audit_log').get() as { at: string }).at).toBe(first.at);
  });

  it('runs from the command line: purge --dry-run counts, purge removes', async () => {
    const face = addFaceImage(Date.now() - 60 * DAY);
    await ws.close();
    const io = () => {
      const out: string[] = [];
      return { out, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) } };
    };
    const flags = ['--data-dir', dataDir, '--config', join(dir.path, 'none.json')];
    const dry = io();
    expect(await main(['purge', '--dry-run', '--json', ...flags], dry.io)).toBe(0);
    expect(JSON.parse(dry.out[0]!)).toMatchObject({ ok: true, dryRun: true, faceImages: 1, casesRedacted: 0 });
    expect(existsSync(face.path)).toBe(true);
    const human = io();
    expect(await main(['purge', ...flags], human.io)).toBe(0);
    expect(human.out.join('\n')).toMatch(/已删除超过 30 天的人脸图像 1 份/);
    expect(existsSync(face.path)).toBe(false);
    const usage = io();
    expect(await main(['purge', 'everything', ...flags], usage.io)).toBe(2);
    ws = await openTestWorkstation(dataDir, { catalogDir });
    const actors = ws.database.sqlite.prepare("select actor from audit_log where action in ('retention.dryRun', 'retention.run') order by id desc limit 2").all() as { actor: string }[];
    expect(actors.every((a) => a.actor.startsWith('it-cli:'))).toBe(true);
    expect(readFileSync(join(dataDir, 'onewindow.db')).includes(Buffer.from(ID))).toBe(false);
  });
});
