/**
 * Untrusted image bytes → checked → RGB pixels. The type comes from the magic numbers, the
 * size from the header (sharp's metadata reads no pixels), and only then is anything
 * decoded, with sharp's own pixel limit as a second guard. sharp is the only decoder.
 */
import sharp, { type Metadata } from 'sharp';
import { decodeBmp, readBmpHeader } from './bmp';
import { FaceError, errorText } from './errors';
import type { FaceImageLimits } from './types';

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'bmp';

export const DEFAULT_IMAGE_LIMITS: FaceImageLimits = {
  maxBytes: 20 * 1024 * 1024,
  maxPixels: 40_000_000,
  maxDecodeSide: 1920,
};

export interface ImageInfo {
  format: ImageFormat;
  /** Size after EXIF orientation. */
  width: number;
  height: number;
}

export interface RgbImage {
  /** Tightly packed RGB, 3 bytes per pixel, top row first. */
  data: Uint8Array;
  width: number;
  height: number;
  /** Original (oriented) pixels per decoded pixel; ≥ 1 when the image was shrunk. */
  scale: number;
  original: ImageInfo;
}

function startsWith(b: Uint8Array, sig: number[], at = 0): boolean {
  if (b.length < at + sig.length) return false;
  return sig.every((x, i) => b[at + i] === x);
}

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** The accepted format from the first bytes, or null. Never trusts a file name. */
export function sniffImageFormat(b: Uint8Array): ImageFormat | null {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(b, ascii('BM')) && b.length >= 18) {
    const dib = b[14] | (b[15] << 8) | (b[16] << 16) | (b[17] << 24);
    if ([12, 40, 52, 56, 64, 108, 124].includes(dib)) return 'bmp';
  }
  return null;
}

function tooLarge(width: number, height: number, limits: FaceImageLimits): FaceError {
  return new FaceError(
    'TOO_LARGE',
    `图片尺寸过大（${width}×${height} 像素，上限 ${Math.round(limits.maxPixels / 10000)} 万像素），请降低分辨率后重新拍摄`,
    { detail: `${width}x${height} px > ${limits.maxPixels}` },
  );
}

/**
 * Checks bytes without decoding pixels: EMPTY, TOO_LARGE (bytes or pixels), NOT_AN_IMAGE,
 * UNREADABLE (header cannot be parsed). Cheap enough to run on the calling thread.
 */
export async function inspectImage(bytes: Uint8Array, limits: FaceImageLimits = DEFAULT_IMAGE_LIMITS): Promise<ImageInfo> {
  if (!(bytes instanceof Uint8Array)) throw new FaceError('NOT_AN_IMAGE', undefined, { detail: 'input is not bytes' });
  if (bytes.length === 0) throw new FaceError('EMPTY');
  if (bytes.length > limits.maxBytes) {
    throw new FaceError(
      'TOO_LARGE',
      `图片文件过大（${(bytes.length / 1048576).toFixed(1)} MB，上限 ${(limits.maxBytes / 1048576).toFixed(0)} MB），请降低分辨率后重新拍摄`,
    );
  }
  const format = sniffImageFormat(bytes);
  if (format === null) throw new FaceError('NOT_AN_IMAGE');

  let width: number;
  let height: number;
  if (format === 'bmp') {
    ({ width, height } = readBmpHeader(bytes));
  } else {
    let meta: Metadata;
    try {
      // No pixel limit here: metadata decodes nothing, and we want the real size in the message.
      meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    } catch (e) {
      throw new FaceError('UNREADABLE', undefined, { detail: errorText(e) });
    }
    if (meta.format !== format) {
      throw new FaceError('NOT_AN_IMAGE', undefined, { detail: `magic ${format}, decoder ${meta.format}` });
    }
    width = meta.autoOrient?.width ?? meta.width;
    height = meta.autoOrient?.height ?? meta.height;
    if (!(width > 0 && height > 0)) throw new FaceError('UNREADABLE', undefined, { detail: 'no dimensions' });
  }
  if (width * height > limits.maxPixels) throw tooLarge(width, height, limits);
  return { format, width, height };
}

/** inspectImage, then decode to RGB (EXIF-oriented, alpha flattened on white, shrunk to maxDecodeSide). */
export async function decodeImage(bytes: Uint8Array, limits: FaceImageLimits = DEFAULT_IMAGE_LIMITS): Promise<RgbImage> {
  const original = await inspectImage(bytes, limits);
  try {
    const input =
      original.format === 'bmp'
        ? sharp(decodeBmp(bytes), { raw: { width: original.width, height: original.height, channels: 3 } })
        : // failOn 'error': truncated or corrupt data fails; harmless decoder warnings do not.
          sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'error', autoOrient: true });
    let pipeline = input.flatten({ background: '#ffffff' }).toColourspace('srgb');
    if (Math.max(original.width, original.height) > limits.maxDecodeSide) {
      pipeline = pipeline.resize({
        width: limits.maxDecodeSide,
        height: limits.maxDecodeSide,
        fit: 'inside',
        withoutEnlargement: true,
      });
    }
    const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      scale: original.width / info.width,
      original,
    };
  } catch (e) {
    if (e instanceof FaceError) throw e;
    const detail = errorText(e);
    if (/pixel limit/i.test(detail)) throw tooLarge(original.width, original.height, limits);
    throw new FaceError('UNREADABLE', undefined, { detail });
  }
}
