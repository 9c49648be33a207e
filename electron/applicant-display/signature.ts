/**
 * Checks a handwritten signature before it is kept with a case: a real PNG (by its bytes and
 * by decoding it, never by a name), within size limits (bytes and pixels, read from the header
 * before anything is decoded: no decompression bomb), and not blank. What is stored is the
 * core's own re-encoding, so no foreign PNG chunk (text, metadata) travels into the PDFs.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { SIGNATURE_LIMITS } from '../../shared/contract/applicant';
import { ContractError } from '../../shared/contract/errors';

export interface CheckedSignature {
  png: Buffer;
  sha256: string;
  width: number;
  height: number;
  /** Share of pixels with ink, for the audit trail. */
  inkRatio: number;
}

export type SignatureProblem = 'NOT_BASE64' | 'TOO_LARGE' | 'NOT_PNG' | 'BAD_DIMENSIONS' | 'UNREADABLE' | 'BLANK' | 'NOT_A_SIGNATURE';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** A pixel counts as ink when it is visible and dark (signature_pad draws dark strokes on transparent or white). */
const INK_ALPHA = 64;
const INK_LEVEL = 160;
const MIN_INK_PIXELS = 40;
/** Wider than this share of the pad: a dot or a tap is not a signature. */
const MIN_INK_SPAN = 0.05;
/** More ink than this share: a filled area, not handwriting. */
const MAX_INK_RATIO = 0.5;

const refuse = (code: SignatureProblem, message: string): never => {
  throw new ContractError('VALIDATION_FAILED', message, { code });
};

export function decodeSignatureBase64(text: string): Buffer {
  const body = text.replace(/^data:image\/png;base64,/, '');
  if (body.length > SIGNATURE_LIMITS.maxBase64Chars) refuse('TOO_LARGE', `签名图片过大（不超过 ${SIGNATURE_LIMITS.maxBytes / 1024} KB）`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) refuse('NOT_BASE64', '签名数据无效，请重新签名');
  return Buffer.from(body, 'base64');
}

export async function checkSignaturePng(bytes: Buffer): Promise<CheckedSignature> {
  if (bytes.length > SIGNATURE_LIMITS.maxBytes) refuse('TOO_LARGE', `签名图片过大（不超过 ${SIGNATURE_LIMITS.maxBytes / 1024} KB）`);
  // Signature, then IHDR as the first chunk: width and height are known before decoding.
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(PNG_MAGIC) || bytes.toString('latin1', 12, 16) !== 'IHDR') {
    refuse('NOT_PNG', '签名须为 PNG 图片，请重新签名');
  }
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const { minWidth, minHeight, maxWidth, maxHeight } = SIGNATURE_LIMITS;
  if (width < minWidth || height < minHeight || width > maxWidth || height > maxHeight) {
    refuse('BAD_DIMENSIONS', `签名图片尺寸不符（宽 ${minWidth}–${maxWidth}、高 ${minHeight}–${maxHeight} 像素），请重新签名`);
  }
  let raw: { data: Buffer; info: { width: number; height: number; channels: number } };
  let png: Buffer;
  try {
    const image = () => sharp(bytes, { limitInputPixels: maxWidth * maxHeight, failOn: 'error' });
    const meta = await image().metadata();
    if (meta.format !== 'png' || meta.width !== width || meta.height !== height) refuse('NOT_PNG', '签名须为 PNG 图片，请重新签名');
    raw = await image().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    png = await image().png({ compressionLevel: 9 }).toBuffer();
  } catch (err) {
    if (err instanceof ContractError) throw err;
    return refuse('UNREADABLE', '签名图片已损坏，无法读取，请重新签名');
  }
  const { data, info } = raw;
  let ink = 0;
  let minX = info.width;
  let maxX = -1;
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const i = (y * info.width + x) * info.channels;
      const a = data[i + 3]!;
      if (a < INK_ALPHA) continue;
      if ((data[i]! + data[i + 1]! + data[i + 2]!) / 3 > INK_LEVEL) continue;
      ink++;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
    }
  }
  const inkRatio = ink / (info.width * info.height);
  if (ink < MIN_INK_PIXELS || maxX - minX + 1 < info.width * MIN_INK_SPAN) refuse('BLANK', '未检测到签名笔迹，请在签名区域内签名');
  if (inkRatio > MAX_INK_RATIO) refuse('NOT_A_SIGNATURE', '签名区域被大面积涂满，不是有效签名，请清除后重新签名');
  return { png, sha256: createHash('sha256').update(png).digest('hex'), width, height, inkRatio: Math.round(inkRatio * 10000) / 10000 };
}
