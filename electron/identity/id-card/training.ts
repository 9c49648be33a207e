/**
 * TRAINING driver (培训读卡): practice cards from a folder, for training centres and tests —
 * never for real applicants. Each card is `<dir>/<card>.json` plus its photo, named by the
 * JSON's `photo` field or `<card>.jpg|.jpeg|.png|.bmp` beside it. Checks made with it are
 * marked `training` everywhere (database, audit, sync payload) and the UI labels them 培训.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { IdCardError, type IdCardData, type IdCardReader } from './types';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '应为 YYYY-MM-DD');

export const trainingCardSchema = z
  .object({
    name: z.string().trim().min(1).max(30),
    sex: z.enum(['male', 'female', '男', '女']),
    nation: z.string().trim().max(10).optional(),
    birthDate: day,
    address: z.string().trim().min(1).max(70),
    idNumber: z.string().trim().min(15).max(20),
    issuer: z.string().trim().min(1).max(30),
    validFrom: day,
    /** A date, or "长期" / null. */
    validTo: z.union([day, z.literal('长期'), z.null()]),
    photo: z.string().trim().min(1).max(128).optional(),
  })
  .strict();
export type TrainingCardFile = z.infer<typeof trainingCardSchema>;

/** Letters, digits, CJK, dot, dash, underscore: never a path. */
const CARD_NAME = /^[\p{L}\p{N}_.-]{1,64}$/u;
const PHOTO_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.bmp'];
const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

function cardPath(dir: string, card: string): string {
  if (!CARD_NAME.test(card) || card.startsWith('.')) {
    throw new IdCardError('TRAINING_CARD_NOT_FOUND', `培训证件名“${card.slice(0, 64)}”无效`);
  }
  return join(dir, `${card}.json`);
}

export function readTrainingCard(dir: string, card: string): IdCardData {
  const file = cardPath(dir, card);
  if (!existsSync(file)) throw new IdCardError('TRAINING_CARD_NOT_FOUND', `找不到培训证件“${card}”（${file}）`);
  let parsed: TrainingCardFile;
  try {
    const result = trainingCardSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new IdCardError('TRAINING_CARD_INVALID', `培训证件“${card}”内容有误：${issue.path.join('.')} ${issue.message}`);
    }
    parsed = result.data;
  } catch (e) {
    if (e instanceof IdCardError) throw e;
    throw new IdCardError('TRAINING_CARD_INVALID', `培训证件“${card}”不是有效的 JSON 文件`, { cause: e });
  }
  const photoNames = parsed.photo ? [basename(parsed.photo)] : PHOTO_EXTENSIONS.map((ext) => `${card}${ext}`);
  const photoFile = photoNames.map((n) => join(dir, n)).find((p) => existsSync(p));
  if (!photoFile) throw new IdCardError('TRAINING_CARD_INVALID', `培训证件“${card}”缺少照片文件（${photoNames.join(' / ')}）`);
  if (statSync(photoFile).size > MAX_PHOTO_BYTES) throw new IdCardError('TRAINING_CARD_INVALID', `培训证件“${card}”的照片文件过大`);
  return {
    name: parsed.name,
    sex: parsed.sex === '男' ? 'male' : parsed.sex === '女' ? 'female' : parsed.sex,
    ...(parsed.nation ? { nation: parsed.nation } : {}),
    birthDate: parsed.birthDate,
    address: parsed.address,
    idNumber: parsed.idNumber,
    issuer: parsed.issuer,
    validFrom: parsed.validFrom,
    validTo: parsed.validTo === '长期' ? null : parsed.validTo,
    photo: readFileSync(photoFile),
  };
}

/** The card names in the folder (the `<card>` of each `<card>.json`), sorted. */
export function listTrainingCards(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .filter((n) => CARD_NAME.test(n) && !n.startsWith('.'))
    .sort();
}

export function createTrainingReader(dir: string, card: string): IdCardReader {
  return { driver: 'training', read: async () => readTrainingCard(dir, card) };
}
