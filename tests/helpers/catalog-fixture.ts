/**
 * A small catalogue written into a temp folder for core tests, so they do not depend on the
 * shipped catalogue's contents (which has its own tests). Uses the real departments and the
 * real shared form blocks.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appPath } from '../../electron/paths';
import { idCardCheckChar } from '../../shared/validators';

export const PERSONAL_ITEM = {
  code: 'QX-MZ-GG-901',
  version: 1,
  name: '老年人优待证办理',
  shortName: '老年优待证',
  type: '公共服务',
  department: 'MZ',
  legalBasis: ['《中华人民共和国老年人权益保障法》第五十七条'],
  conditions: ['年满60周岁的本区户籍老年人'],
  level: 'street',
  timeLimit: { legalDays: 5, promisedDays: 3 },
  fees: { charged: false },
  delivery: ['window', 'express'],
  materials: [
    { id: 'id-card', name: '居民身份证', form: 'original', count: 1, required: true, reusableFrom: ['earlier-case'] },
    { id: 'photo', name: '近期免冠证件照', form: 'original', count: 2, required: true, deferrable: true, deferDays: 5 },
    { id: 'hukou-book', name: '户口簿', form: 'copy', count: 1, required: true, commitmentAllowed: true },
    { id: 'proxy', name: '授权委托书', form: 'original', count: 1, required: false },
  ],
  approval: { lead: 'MZ', co: [] },
  form: {
    schema: {
      type: 'object',
      required: ['applicant'],
      properties: {
        applicant: { $ref: '#/definitions/person' },
        address: { $ref: '#/definitions/address' },
      },
    },
  },
  keywords: ['老年卡'],
};

export const COMPANY_ITEM = {
  code: 'QX-SCJG-BA-901',
  version: 2,
  name: '公司章程备案',
  shortName: '章程备案',
  type: '备案',
  department: 'SCJG',
  legalBasis: ['《中华人民共和国市场主体登记管理条例》第二十九条'],
  conditions: [],
  level: 'district',
  timeLimit: { legalDays: 3, promisedDays: 1 },
  fees: { charged: false },
  delivery: ['window'],
  materials: [],
  approval: { lead: 'SCJG', co: ['SW'] },
  form: {
    schema: {
      type: 'object',
      required: ['company', 'applicant'],
      properties: { company: { $ref: '#/definitions/company' }, applicant: { $ref: '#/definitions/person' } },
    },
  },
  keywords: [],
};

export function writeCatalogFixture(dir: string, extraFiles: Record<string, unknown> = {}): string {
  mkdirSync(dir, { recursive: true });
  copyFileSync(appPath('resources', 'catalog', 'departments.json'), join(dir, 'departments.json'));
  copyFileSync(appPath('resources', 'catalog', '_common.json'), join(dir, '_common.json'));
  writeFileSync(join(dir, 'mz.json'), JSON.stringify({ department: 'MZ', items: [PERSONAL_ITEM] }));
  writeFileSync(join(dir, 'scjg.json'), JSON.stringify({ department: 'SCJG', items: [COMPANY_ITEM] }));
  for (const [name, content] of Object.entries(extraFiles)) {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

/** A valid 公民身份号码 for a given birth date, with a real check character. */
export function idNumber(birth = '19550310', seq = '123', region = '320113'): string {
  const first17 = region + birth + seq;
  return first17 + idCardCheckChar(first17);
}

export function personalFormData(name = '王秀英', id = idNumber()): Record<string, unknown> {
  return { applicant: { name, idNumber: id, mobile: '13912345678' }, address: { division: '320113003', detail: '迈皋桥街道华电路1号' } };
}

/** A checklist that lets PERSONAL_ITEM be accepted. */
export const COMPLETE_MATERIALS = [
  { materialId: 'id-card', status: 'received' },
  { materialId: 'photo', status: 'received' },
  { materialId: 'hukou-book', status: 'received' },
] as const;
