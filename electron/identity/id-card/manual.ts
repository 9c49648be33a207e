/**
 * Manual driver (手工录入): the clerk types the fields from the card and captures its portrait
 * side with the document camera (高拍仪); the ID photo is cut from that image around the one
 * face the face service's detector finds. For windows without a reader, or when it fails.
 */
import sharp from 'sharp';
import type { ManualCardFields } from '../../../shared/contract/identity';
import { isFaceError } from '../face/errors';
import type { FaceBox, FaceService } from '../face/types';
import { IdCardError, type IdCardData, type IdCardReader } from './types';

/** A 居民身份证 photo is framed so the face is about 62 % of its width; 102×126 on the chip. */
const PHOTO_ASPECT = 126 / 102;
const FACE_SHARE_OF_WIDTH = 0.62;

/** The photo rectangle around a face box, like the chip photo's framing, inside the image. */
export function photoRectAround(box: FaceBox, width: number, height: number): { left: number; top: number; width: number; height: number } {
  const w = box.width / FACE_SHARE_OF_WIDTH;
  const h = w * PHOTO_ASPECT;
  const left = Math.max(0, Math.round(box.x + box.width / 2 - w / 2));
  const top = Math.max(0, Math.round(box.y - box.height * 0.3));
  return {
    left,
    top,
    width: Math.max(1, Math.min(width - left, Math.round(w))),
    height: Math.max(1, Math.min(height - top, Math.round(h))),
  };
}

/** Cuts the one portrait out of a card image (JPEG, q92). */
export async function cutFaceFromCard(cardImage: Uint8Array, face: Pick<FaceService, 'detect'>): Promise<{ photo: Buffer; box: FaceBox }> {
  let found;
  try {
    found = await face.detect(cardImage, { landmarks: false });
  } catch (e) {
    if (isFaceError(e)) throw new IdCardError('CARD_IMAGE_INVALID', `证件图像无法使用：${e.message}`, { cause: e });
    throw e;
  }
  if (found.faces === 0) {
    throw new IdCardError('NO_FACE_ON_CARD', '证件图像中未找到人像：请把身份证人像面朝上平放在高拍仪下，避免反光后重新拍摄');
  }
  if (found.faces > 1) {
    throw new IdCardError('MULTIPLE_FACES_ON_CARD', `证件图像中有 ${found.faces} 个人像：请只拍摄一张身份证的人像面`);
  }
  const box = found.boxes[0];
  const rect = photoRectAround(box, found.width, found.height);
  // rotate() applies EXIF orientation first, as the detector saw the image.
  const photo = await sharp(cardImage).rotate().extract(rect).jpeg({ quality: 92 }).toBuffer();
  return { photo, box };
}

export function createManualReader(options: { fields: ManualCardFields; cardImage: Uint8Array; face: Pick<FaceService, 'detect'> }): IdCardReader {
  return {
    driver: 'manual',
    async read(): Promise<IdCardData> {
      const { photo } = await cutFaceFromCard(options.cardImage, options.face);
      const f = options.fields;
      return {
        name: f.name,
        sex: f.sex,
        ...(f.nation ? { nation: f.nation } : {}),
        birthDate: f.birthDate,
        address: f.address,
        idNumber: f.idNumber,
        issuer: f.issuer,
        validFrom: f.validFrom,
        validTo: f.validTo,
        photo,
      };
    },
  };
}
