/**
 * Test and benchmark material made on the fly with sharp: face crops and "ID photos" from
 * the demo pictures that ship with @vladmandic/face-api, and hostile files. Nothing here
 * is used by the service itself.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import type { FaceBox } from './types';

const require = createRequire(import.meta.url);

/** sample1.jpg … sample6.jpg: group photos of 3–5 people each (22 faces, all different people). */
export function demoImagePath(n: number): string {
  return join(dirname(require.resolve('@vladmandic/face-api/dist/face-api.node-wasm.js')), '..', 'demo', `sample${n}.jpg`);
}

export const DEMO_IMAGES = [1, 2, 3, 4, 5, 6] as const;

function clampRect(b: { left: number; top: number; width: number; height: number }, w: number, h: number) {
  const left = Math.max(0, Math.round(b.left));
  const top = Math.max(0, Math.round(b.top));
  return {
    left,
    top,
    width: Math.max(1, Math.min(w - left, Math.round(b.width))),
    height: Math.max(1, Math.min(h - top, Math.round(b.height))),
  };
}

/** A crop around one face, `margin` box-widths on each side (a head-and-shoulders "live capture"). */
export async function cropFace(image: Uint8Array, box: FaceBox, margin = 0.6, quality = 90): Promise<Buffer> {
  const meta = await sharp(image).metadata();
  const rect = clampRect(
    {
      left: box.x - box.width * margin,
      top: box.y - box.height * margin,
      width: box.width * (1 + 2 * margin),
      height: box.height * (1 + 2 * margin),
    },
    meta.width,
    meta.height,
  );
  return sharp(image).extract(rect).jpeg({ quality }).toBuffer();
}

/**
 * An "ID-card chip photo" of one face: framed like a 居民身份证 photo (head fills about
 * two thirds of the width), shrunk to 102×126, faded and saved as a low-quality JPEG —
 * an ID photo is small and old.
 */
export async function idPhotoFrom(image: Uint8Array, box: FaceBox, opts: { quality?: number; format?: 'jpeg' | 'bmp-raw' } = {}): Promise<Buffer> {
  const meta = await sharp(image).metadata();
  const width = box.width / 0.62;
  const height = (width * 126) / 102;
  const cx = box.x + box.width / 2;
  const rect = clampRect({ left: cx - width / 2, top: box.y - box.height * 0.3, width, height }, meta.width, meta.height);
  const small = sharp(image).extract(rect).resize(102, 126, { fit: 'fill' }).modulate({ saturation: 0.75, brightness: 1.05 });
  return small.jpeg({ quality: opts.quality ?? 35 }).toBuffer();
}

/** 24-bit bottom-up BMP, as ID-card reader SDKs write zp.bmp. */
export async function toBmp(image: Uint8Array): Promise<Buffer> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const stride = Math.ceil((info.width * 3) / 4) * 4;
  const out = Buffer.alloc(54 + stride * info.height);
  out.write('BM', 0, 'ascii');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(info.width, 18);
  out.writeInt32LE(info.height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(stride * info.height, 34);
  for (let y = 0; y < info.height; y++) {
    const row = 54 + (info.height - 1 - y) * stride;
    for (let x = 0; x < info.width; x++) {
      const s = (y * info.width + x) * 3;
      out[row + x * 3] = data[s + 2];
      out[row + x * 3 + 1] = data[s + 1];
      out[row + x * 3 + 2] = data[s];
    }
  }
  return out;
}

/** Variations of one capture that must still count as the same person. */
export async function sameFaceVariants(crop: Uint8Array, box: FaceBox, source: Uint8Array): Promise<Record<string, Buffer>> {
  const meta = await sharp(crop).metadata();
  return {
    'id-photo-102x126-q35': await idPhotoFrom(source, box),
    'id-photo-102x126-q15': await idPhotoFrom(source, box, { quality: 15 }),
    mirror: await sharp(crop).flop().jpeg({ quality: 85 }).toBuffer(),
    'half-size-q50': await sharp(crop).resize(Math.round(meta.width / 2)).jpeg({ quality: 50 }).toBuffer(),
    dark: await sharp(crop).modulate({ brightness: 0.55 }).jpeg({ quality: 80 }).toBuffer(),
    bright: await sharp(crop).modulate({ brightness: 1.35 }).jpeg({ quality: 80 }).toBuffer(),
    blur: await sharp(crop).blur(1.5).jpeg({ quality: 80 }).toBuffer(),
    'tilt-8deg': await sharp(crop).rotate(8, { background: '#808080' }).jpeg({ quality: 80 }).toBuffer(),
    grey: await sharp(crop).grayscale().jpeg({ quality: 70 }).toBuffer(),
    'png-recompress': await sharp(crop).png().toBuffer(),
  };
}

/** Hostile inputs, generated at test time. */
export const hostile = {
  /** Solid grey photo: a valid image without any face. */
  plain: (w = 640, h = 480) => sharp({ create: { width: w, height: h, channels: 3, background: '#8a8f96' } }).jpeg().toBuffer(),
  /** A face shrunk to `side` pixels wide, pasted on a big empty canvas. */
  tinyFace: async (crop: Uint8Array, side: number, canvas = { width: 1280, height: 960 }) => {
    const small = await sharp(crop).resize(side).toBuffer();
    return sharp({ create: { ...canvas, channels: 3, background: '#9aa0a6' } })
      .composite([{ input: small, left: Math.round(canvas.width / 2 - side / 2), top: Math.round(canvas.height / 3) }])
      .jpeg({ quality: 92 })
      .toBuffer();
  },
  /** First `fraction` of a real JPEG: the header is intact, the pixels end early. */
  truncated: (jpeg: Uint8Array, fraction = 0.5) => Buffer.from(jpeg.subarray(0, Math.floor(jpeg.length * fraction))),
  empty: () => Buffer.alloc(0),
  textAsJpg: () => Buffer.from('这不是图片，只是改了扩展名的文本文件。\nnot an image\n', 'utf8'),
  /** 12000×12000 = 144 MP, solid colour: compresses to under a megabyte. */
  huge: (side = 12000) => sharp({ create: { width: side, height: side, channels: 3, background: '#777777' } }).jpeg({ quality: 40 }).toBuffer(),
};
