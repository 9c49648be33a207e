import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import {
  caseSubmissionSchema,
  decisionRequestSchema,
  isFinalPushResult,
  mutationSchema,
  normalizeEnrolmentCode,
  parseWire,
  pushResultSchema,
} from '../../shared/sync';
import { beijingDate, endOfBeijingDay, extendDeadline, taskDeadlines } from '../../backoffice/cases/deadlines';
import { sniffMediaType } from '../../backoffice/blobs/store';
import { sampleCase } from '../../backoffice/testing';

const window = { centerCode: '320113001', windowNo: '03' };

describe('sync wire schemas', () => {
  it('accepts a complete case and explains problems in Chinese', () => {
    expect(caseSubmissionSchema.safeParse(sampleCase(window)).success).toBe(true);
    const bad = parseWire(caseSubmissionSchema, {
      ...sampleCase(window),
      caseId: 'abc',
      materials: [
        { materialId: 'id-card', name: '身份证', status: 'received', blobs: [] },
        { materialId: 'lease', name: '租赁合同', status: 'deferred' },
        { materialId: 'id-card', name: '身份证', status: 'reused', blobs: ['ABC'] },
      ],
    });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    const messages = bad.issues.map((i) => `${i.path} ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'caseId 应为 26 位大写 ULID',
        'materials.1.deferUntil 容缺材料须写明补交期限',
        'materials.2.blobs.0 应为 64 位小写十六进制 SHA-256',
        'materials.2.materialId 材料重复：id-card',
      ]),
    );
    expect(bad.summary).toMatch(/；/);
  });

  it('types mutations by kind', () => {
    expect(mutationSchema.safeParse({ mutationId: ulid(), kind: 'case.create', payload: sampleCase(window) }).success).toBe(true);
    expect(mutationSchema.safeParse({ mutationId: ulid(), kind: 'case.withdraw', payload: sampleCase(window) }).success).toBe(false);
  });

  it('knows which push results settle an outbox entry', () => {
    const id = ulid();
    const results = [
      { mutationId: id, status: 'applied' },
      { mutationId: id, status: 'duplicate' },
      { mutationId: id, status: 'rejected', code: 'CASE_EXISTS', reason: '办件已存在' },
      { mutationId: id, status: 'missing-blobs', missing: ['a'.repeat(64)] },
      { mutationId: id, status: 'skipped' },
    ].map((r) => pushResultSchema.parse(r));
    expect(results.map(isFinalPushResult)).toEqual([true, true, true, false, false]);
  });

  it('requires a reason to refuse and a list to ask for a supplement', () => {
    expect(decisionRequestSchema.safeParse({ decision: 'approve' }).success).toBe(true);
    expect(decisionRequestSchema.safeParse({ decision: 'refuse' }).success).toBe(false);
    expect(decisionRequestSchema.safeParse({ decision: 'supplement', reason: '不清晰' }).success).toBe(false);
    expect(decisionRequestSchema.safeParse({ decision: 'supplement', materialsWanted: [{ name: '营业执照' }] }).success).toBe(true);
  });

  it('normalizes typed enrolment codes', () => {
    expect(normalizeEnrolmentCode(' 7kq2-m9xd 4rta ')).toBe('7KQ2M9XD4RTA');
    expect(normalizeEnrolmentCode('oOiIlL')).toBe('001111');
  });
});

describe('review deadlines', () => {
  it('gives the lead the promised day and co-departments two thirds of the time', () => {
    const accepted = new Date('2025-03-03T02:00:00Z'); // 10:00 Beijing, Monday
    const d = taskDeadlines(accepted, '2025-03-12');
    expect(d.lead.toISOString()).toBe('2025-03-12T15:59:59.999Z');
    expect(d.co.toISOString()).toBe('2025-03-09T15:59:59.999Z');
    // Without a promised date the case is due the day it was accepted (即办).
    expect(taskDeadlines(new Date('2025-03-03T17:00:00Z'), undefined).lead.toISOString()).toBe('2025-03-04T15:59:59.999Z');
  });

  it('never gives a co-department more time than the lead, nor a deadline before acceptance', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }), fc.integer({ min: 0, max: 120 }), (accepted, days) => {
        const promised = beijingDate(new Date(accepted.getTime() + days * 86_400_000));
        const d = taskDeadlines(accepted, promised);
        expect(d.lead.getTime()).toBe(endOfBeijingDay(promised).getTime());
        expect(d.co.getTime()).toBeLessThanOrEqual(d.lead.getTime());
        expect(d.co.getTime()).toBeGreaterThan(accepted.getTime());
      }),
    );
  });

  it('stops the clock while a supplement is awaited', () => {
    const deadline = new Date('2025-03-12T15:59:59.999Z');
    expect(extendDeadline(deadline, new Date('2025-03-05T00:00:00Z'), new Date('2025-03-07T00:00:00Z')).toISOString()).toBe('2025-03-14T15:59:59.999Z');
  });
});

describe('blob media types', () => {
  it('recognizes scans and PDFs by their first bytes', () => {
    expect(sniffMediaType(new TextEncoder().encode('%PDF-1.7'))).toBe('application/pdf');
    expect(sniffMediaType(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffMediaType(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('image/png');
    expect(sniffMediaType(new TextEncoder().encode('<html>'))).toBe('application/octet-stream');
  });
});
