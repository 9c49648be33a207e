/**
 * ID-card input: the training driver (folder of practice cards), the manual driver (face cut
 * from a card image with the real face detector, on the face-api demo photos), the vendor text
 * block, and the checks (number, expiry, fields against the number).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaceService } from '../../electron/identity/face';
import { cropFace, demoImagePath, hostile } from '../../electron/identity/face/testing';
import type { FaceBox, FaceService } from '../../electron/identity/face/types';
import {
  IdCardError,
  cardValidity,
  checkCard,
  createManualReader,
  createTrainingReader,
  createVendorReader,
  listTrainingCards,
  parseIdCardText,
  readTrainingCard,
} from '../../electron/identity/id-card';
import { makeCardImage, makeIdNumber, trainingCardData, writeTrainingCard } from '../../electron/identity/testing';
import { tempDir } from '../helpers/workstation';

let face: FaceService;
let sample: Buffer;
let boxes: FaceBox[];
let crops: Buffer[];
const tmp = tempDir('onewindow-idcard-');

beforeAll(async () => {
  face = createFaceService();
  sample = readFileSync(demoImagePath(1));
  boxes = (await face.detect(sample)).boxes;
  crops = await Promise.all(boxes.slice(0, 2).map((b) => cropFace(sample, b)));
}, 60_000);

afterAll(async () => {
  await face.close();
  tmp.remove();
});

async function expectCardError(p: Promise<unknown> | (() => unknown), code: string): Promise<IdCardError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(IdCardError);
    expect((e as IdCardError).code).toBe(code);
    expect((e as IdCardError).message).toMatch(/[\u4e00-\u9fa5]/);
    return e as IdCardError;
  }
  throw new Error(`expected IdCardError ${code}`);
}

describe('training driver', () => {
  it('reads a practice card and its photo from the folder', async () => {
    const dir = join(tmp.path, 'cards');
    writeTrainingCard(dir, '张培训', trainingCardData(), crops[0]);
    writeTrainingCard(dir, 'li-si', trainingCardData({ name: '李四', sex: '女', idNumber: makeIdNumber('320113', '19851111', '224'), validTo: '长期' }), crops[1]);
    expect(listTrainingCards(dir)).toEqual(['li-si', '张培训']);
    const reader = createTrainingReader(dir, '张培训');
    expect(reader.driver).toBe('training');
    const card = await reader.read();
    expect(card.name).toBe('张培训');
    expect(Buffer.from(card.photo).equals(crops[0])).toBe(true);
    const li = readTrainingCard(dir, 'li-si');
    expect(li.sex).toBe('female');
    expect(li.validTo).toBeNull();
  });

  it('refuses a missing card, a path, a broken file and a card without photo', async () => {
    const dir = join(tmp.path, 'cards2');
    writeTrainingCard(dir, 'ok', trainingCardData(), crops[0]);
    await expectCardError(createTrainingReader(dir, 'nobody').read(), 'TRAINING_CARD_NOT_FOUND');
    await expectCardError(createTrainingReader(dir, '../cards/ok').read(), 'TRAINING_CARD_NOT_FOUND');
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    await expectCardError(createTrainingReader(dir, 'bad').read(), 'TRAINING_CARD_INVALID');
    writeFileSync(join(dir, 'nofields.json'), JSON.stringify({ name: 'x' }));
    await expectCardError(createTrainingReader(dir, 'nofields').read(), 'TRAINING_CARD_INVALID');
    writeFileSync(join(dir, 'nophoto.json'), JSON.stringify(trainingCardData()));
    const e = await expectCardError(createTrainingReader(dir, 'nophoto').read(), 'TRAINING_CARD_INVALID');
    expect(e.message).toContain('照片');
  });
});

describe('card checks', () => {
  const today = new Date('2026-03-10T10:00:00+08:00');
  const card = { ...trainingCardData(), sex: 'male' as const, validTo: '2040-01-01', photo: new Uint8Array() };

  it('accepts a valid card and masks the number', () => {
    const r = checkCard(card, today);
    expect(r.validity.status).toBe('valid');
    expect(r.idNumberMasked).toMatch(/^3201\*{10}\d{3}[\dX]$/);
    expect(r.warnings).toEqual([]);
  });

  it('flags an expired card with a Chinese message (typed, not thrown)', () => {
    const r = checkCard({ ...card, validFrom: '2006-01-01', validTo: '2026-03-09' }, today);
    expect(r.validity.status).toBe('expired');
    expect(r.validity.message).toContain('已于 2026-03-09 过期');
    // The last day is still valid.
    expect(cardValidity('2006-01-01', '2026-03-10', today).status).toBe('valid');
    expect(cardValidity('2026-04-01', '2046-04-01', today).status).toBe('not-yet-valid');
    expect(cardValidity('2000-01-01', null, today).message).toContain('长期');
  });

  it('refuses a wrong number and reports fields that disagree with it', async () => {
    const bad = card.idNumber.slice(0, 17) + (card.idNumber[17] === '1' ? '2' : '1');
    const e = await expectCardError(() => checkCard({ ...card, idNumber: bad }, today), 'ID_NUMBER_INVALID');
    expect(e.message).toContain('校验位');
    const r = checkCard({ ...card, sex: 'female', birthDate: '1990-03-08' }, today);
    expect(r.warnings).toHaveLength(2);
    expect(r.warnings.join()).toContain('出生日期');
  });
});

describe('manual driver', () => {
  const fields = {
    name: '王手工',
    sex: 'male' as const,
    birthDate: '1990-03-07',
    address: '江苏省南京市栖霞区',
    idNumber: makeIdNumber(),
    issuer: '南京市公安局栖霞分局',
    validFrom: '2020-01-01',
    validTo: '2040-01-01',
  };

  it('cuts the one portrait out of the card image: it is the same face', async () => {
    const cardImage = await makeCardImage(crops[0]);
    const card = await createManualReader({ fields, cardImage, face }).read();
    expect(card.name).toBe('王手工');
    const meta = await sharp(card.photo).metadata();
    expect(meta.format).toBe('jpeg');
    // Portrait framing (taller than wide), far smaller than the card.
    expect(meta.height).toBeGreaterThan(meta.width);
    expect(meta.width).toBeLessThan(400);
    const same = await face.compare(crops[0], card.photo);
    const other = await face.compare(crops[1], card.photo);
    expect(same.distance).toBeLessThan(other.distance);
    expect(same.decision).toBe('match');
    expect(other.decision).not.toBe('match');
  });

  it('refuses a card image without a face, with several faces, or that is not an image', async () => {
    await expectCardError(createManualReader({ fields, cardImage: await hostile.plain(856, 540), face }).read(), 'NO_FACE_ON_CARD');
    await expectCardError(createManualReader({ fields, cardImage: sample, face }).read(), 'MULTIPLE_FACES_ON_CARD');
    await expectCardError(createManualReader({ fields, cardImage: hostile.textAsJpg(), face }).read(), 'CARD_IMAGE_INVALID');
  });
});

describe('vendor reader text block', () => {
  function block(fields: [string, number][]): Buffer {
    const out = Buffer.alloc(256, 0x20);
    let o = 0;
    for (const [value, width] of fields) {
      const b = Buffer.alloc(width, 0);
      Buffer.from(value.padEnd(width / 2, ' '), 'utf16le').copy(b);
      b.copy(out, o);
      o += width;
    }
    return out;
  }
  const id = makeIdNumber('320113', '19800515', '012');
  const text = block([
    ['赵读卡', 30],
    ['2', 2],
    ['01', 4],
    ['19800515', 16],
    ['江苏省南京市栖霞区尧化街道', 70],
    [id, 36],
    ['南京市公安局栖霞分局', 30],
    ['20150601', 16],
    ['长期', 16],
  ]);

  it('parses the 256-byte UCS-2 block every certified reader SDK returns', async () => {
    const card = await createVendorReader({ readRaw: async () => ({ text, photoBmp: new Uint8Array([1, 2, 3]) }) }).read();
    expect(card).toMatchObject({ name: '赵读卡', sex: 'female', nation: '汉', birthDate: '1980-05-15', idNumber: id, validFrom: '2015-06-01', validTo: null });
    expect(card.address).toBe('江苏省南京市栖霞区尧化街道');
  });

  it('turns SDK failures and garbage into READER_FAILED', async () => {
    await expectCardError(createVendorReader({ readRaw: async () => Promise.reject(new Error('port closed')) }).read(), 'READER_FAILED');
    await expectCardError(() => parseIdCardText(Buffer.alloc(100)), 'READER_FAILED');
    await expectCardError(() => parseIdCardText(Buffer.alloc(256)), 'READER_FAILED');
  });
});
