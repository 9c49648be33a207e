/**
 * Page images: decode untrusted bytes, apply the clerk's edits (rotate, crop) and compress
 * the page to a legible size. Runs in the image worker (image-worker.ts); pure functions of
 * their inputs, so tests call them directly too.
 *
 * Compression target (docs/MATERIALS.md has the measurements): a page is a colour JPEG whose
 * long side is at most 2339 px — an A4 sheet's 297 mm at 200 dpi, enough for 五号 (10.5 pt)
 * body text and 6–7 pt small print — encoded with mozjpeg (trellis quantisation), baseline,
 * 4:2:0 chroma, metadata stripped. Target ≤ 300 KB per page: quality 78 first, then 68 and
 * 60; a page still larger falls back to 1754 px (150 dpi, the legibility floor we measured)
 * at 68 then 60 and is kept even if still above the target — legibility wins over bytes.
 * Colour is always kept: red seals (公章) and coloured certificates must stay recognisable,
 * and with 4:2:0 chroma the colour cost 1–6 % over greyscale on our text pages.
 */
import sharp from 'sharp';
import { MaterialFileError, errorText } from './errors';
import { DEFAULT_FILE_LIMITS, inspectImageHeader, type MaterialFileLimits } from './file-type';

export interface CompressionStep {
  longSide: number;
  quality: number;
}

export const PAGE_COMPRESSION = {
  /** A4 long side (297 mm) at 200 dpi. */
  maxLongSide: 2339,
  targetBytes: 300 * 1024,
  /** Tried in order until one fits the target; the last is kept regardless. */
  ladder: [
    { longSide: 2339, quality: 78 },
    { longSide: 2339, quality: 68 },
    { longSide: 2339, quality: 60 },
    { longSide: 1754, quality: 68 },
    { longSide: 1754, quality: 60 },
  ] as readonly CompressionStep[],
} as const;

export const THUMBNAIL_SIDES = { thumb: 320, preview: 1400 } as const;

export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 3;
}

export interface PageImage {
  bytes: Uint8Array;
  width: number;
  height: number;
  /** The ladder step that was used. */
  quality: number;
  longSide: number;
}

export type PageEdit = { op: 'rotate'; degrees: 90 | 180 | 270 } | { op: 'crop'; rect: CropRect };

/** Pixels of the page as the clerk sees it at that point of the edit list. */
export interface CropRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Smallest crop kept: below this nothing on a page is legible. */
export const MIN_CROP_SIDE = 32;

const jpegOptions = (quality: number) =>
  ({
    quality,
    // mozjpeg's size savings without progressive scans: baseline JPEGs embed in every PDF reader.
    trellisQuantisation: true,
    overshootDeringing: true,
    optimiseCoding: true,
    quantisationTable: 3,
    progressive: false,
    chromaSubsampling: '4:2:0',
  }) as const;

/**
 * Decodes to 8-bit sRGB (EXIF orientation applied, transparency flattened onto white),
 * shrunk so the long side is at most `maxLongSide`. Truncated or corrupt data fails.
 */
export async function decodeImage(bytes: Uint8Array, maxLongSide: number, limits: MaterialFileLimits = DEFAULT_FILE_LIMITS): Promise<RawImage> {
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'error', autoOrient: true })
      .resize({ width: maxLongSide, height: maxLongSide, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`unexpected channels ${info.channels}`);
    return { data, width: info.width, height: info.height, channels: 3 };
  } catch (e) {
    throw new MaterialFileError('CORRUPT', undefined, errorText(e));
  }
}

const rawInput = (img: RawImage) => sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } });

async function encode(img: RawImage, step: CompressionStep): Promise<PageImage> {
  let pipeline = rawInput(img);
  if (Math.max(img.width, img.height) > step.longSide) {
    pipeline = pipeline.resize({ width: step.longSide, height: step.longSide, fit: 'inside', kernel: 'lanczos3' });
  }
  const { data, info } = await pipeline.jpeg(jpegOptions(step.quality)).toBuffer({ resolveWithObject: true });
  return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, quality: step.quality, longSide: step.longSide };
}

/** Walks the compression ladder; see the file comment for the target. */
export async function compressPage(img: RawImage, target = PAGE_COMPRESSION): Promise<PageImage> {
  const ladder = target.ladder;
  let out = await encode(img, ladder[0]);
  for (let i = 1; i < ladder.length && out.bytes.byteLength > target.targetBytes; i++) {
    // Far above the target: the same size at a lower quality will not get there; go smaller.
    if (ladder[i].longSide === ladder[0].longSide && out.bytes.byteLength > 2 * target.targetBytes) continue;
    out = await encode(img, ladder[i]);
  }
  return out;
}

/** Camera shot or imported image → the stored page. Header checks, full decode, compression. */
export async function normalizeImage(bytes: Uint8Array, kind: 'jpeg' | 'png', limits: MaterialFileLimits = DEFAULT_FILE_LIMITS): Promise<PageImage> {
  await inspectImageHeader(bytes, kind, limits);
  const raw = await decodeImage(bytes, PAGE_COMPRESSION.maxLongSide, limits);
  return compressPage(raw);
}

/** Why a crop rectangle cannot be applied to a page of this size (Chinese), or null when it can. */
export function cropProblem(rect: CropRect, width: number, height: number): string | null {
  const ints = [rect.left, rect.top, rect.width, rect.height].every((n) => Number.isInteger(n) && n >= 0);
  if (!ints || rect.left + rect.width > width || rect.top + rect.height > height) {
    return `裁剪区域超出页面范围（页面 ${width}×${height} 像素），请重新框选`;
  }
  if (rect.width < MIN_CROP_SIDE || rect.height < MIN_CROP_SIDE) {
    return `裁剪区域过小（至少 ${MIN_CROP_SIDE}×${MIN_CROP_SIDE} 像素），请重新框选`;
  }
  return null;
}

async function applyEdit(img: RawImage, edit: PageEdit): Promise<RawImage> {
  let pipeline = rawInput(img);
  if (edit.op === 'rotate') pipeline = pipeline.rotate(edit.degrees);
  else {
    const problem = cropProblem(edit.rect, img.width, img.height);
    if (problem) throw new RangeError(problem);
    pipeline = pipeline.extract(edit.rect);
  }
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

/**
 * The page as edited: every edit is applied to the decoded source pixels and the result is
 * encoded once, so rotating four times or cropping twice costs one generation of JPEG loss,
 * not one per click.
 */
export async function renderEdits(source: Uint8Array, edits: readonly PageEdit[]): Promise<PageImage> {
  let img = await decodeImage(source, PAGE_COMPRESSION.maxLongSide);
  for (const edit of edits) img = await applyEdit(img, edit);
  return compressPage(img);
}

/** Size of the page after the edits, without decoding (for checking a crop before queuing it). */
export function editedSize(width: number, height: number, edits: readonly PageEdit[]): { width: number; height: number } {
  let w = width;
  let h = height;
  for (const e of edits) {
    if (e.op === 'rotate' && e.degrees !== 180) [w, h] = [h, w];
    if (e.op === 'crop') [w, h] = [e.rect.width, e.rect.height];
  }
  return { width: w, height: h };
}

/** A small JPEG for the thumbnail strip or the preview. */
export async function thumbnail(bytes: Uint8Array, maxSide: number): Promise<{ bytes: Uint8Array; width: number; height: number }> {
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error', autoOrient: true })
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: maxSide <= 400 ? 70 : 82 })
      .toBuffer({ resolveWithObject: true });
    return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  } catch (e) {
    throw new MaterialFileError('CORRUPT', undefined, errorText(e));
  }
}
