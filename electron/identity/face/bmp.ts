/**
 * Minimal BMP reader. Chinese ID-card reader SDKs hand out the chip photo as a 102×126
 * 24-bit BMP (zp.bmp), and sharp's prebuilt libvips has no BMP loader. BMP is raw
 * pixels, so unpacking it here cannot shift a descriptor the way a second JPEG decoder
 * would; everything after unpacking goes through sharp like any other image.
 * Supported: uncompressed 1/4/8-bit (palette), 24-bit, 32-bit (BI_RGB or BI_BITFIELDS).
 */
import { FaceError } from './errors';

export interface BmpHeader {
  width: number;
  height: number;
  topDown: boolean;
  bpp: number;
  compression: number;
  pixelOffset: number;
  dibSize: number;
  colorsUsed: number;
}

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

function unreadable(detail: string): FaceError {
  return new FaceError('UNREADABLE', undefined, { detail: `BMP: ${detail}` });
}

/** Reads the header only (no pixel allocation), so the caller can check the size first. */
export function readBmpHeader(b: Uint8Array): BmpHeader {
  if (b.length < 26) throw unreadable('header truncated');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const pixelOffset = v.getUint32(10, true);
  const dibSize = v.getUint32(14, true);
  let width: number;
  let rawHeight: number;
  let bpp: number;
  let compression = BI_RGB;
  let colorsUsed = 0;
  if (dibSize === 12) {
    width = v.getUint16(18, true);
    rawHeight = v.getInt16(20, true);
    bpp = v.getUint16(24, true);
  } else if (dibSize >= 40 && b.length >= 14 + 40) {
    width = v.getInt32(18, true);
    rawHeight = v.getInt32(22, true);
    bpp = v.getUint16(28, true);
    compression = v.getUint32(30, true);
    colorsUsed = v.getUint32(46, true);
  } else {
    throw unreadable(`unknown DIB header size ${dibSize}`);
  }
  const height = Math.abs(rawHeight);
  if (width <= 0 || height <= 0) throw unreadable(`bad size ${width}x${rawHeight}`);
  return { width, height, topDown: rawHeight < 0, bpp, compression, pixelOffset, dibSize, colorsUsed };
}

function maskShift(mask: number): { shift: number; max: number } {
  if (mask === 0) return { shift: 0, max: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { shift, max: mask >>> shift };
}

/** Unpacks to tightly packed RGB (3 bytes per pixel, top row first). */
export function decodeBmp(b: Uint8Array, h: BmpHeader = readBmpHeader(b)): Uint8Array {
  const { width, height, bpp, compression } = h;
  const supported =
    (compression === BI_RGB && [1, 4, 8, 24, 32].includes(bpp)) ||
    ((compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) && bpp === 32);
  if (!supported) throw unreadable(`unsupported encoding bpp=${bpp} compression=${compression}`);

  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  if (h.pixelOffset + stride * height > b.length) throw unreadable('pixel data truncated');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);

  let palette: Uint8Array | undefined;
  if (bpp <= 8) {
    const entry = h.dibSize === 12 ? 3 : 4;
    const count = h.colorsUsed || 1 << bpp;
    const start = 14 + h.dibSize;
    if (start + count * entry > h.pixelOffset) throw unreadable('palette truncated');
    palette = new Uint8Array(count * 3);
    for (let i = 0; i < count; i++) {
      palette[i * 3] = b[start + i * entry + 2];
      palette[i * 3 + 1] = b[start + i * entry + 1];
      palette[i * 3 + 2] = b[start + i * entry];
    }
  }

  let masks: { shift: number; max: number }[] | undefined;
  if (bpp === 32 && compression !== BI_RGB) {
    const at = h.dibSize >= 52 ? 14 + 40 : 14 + h.dibSize; // V4/V5 carry masks inside the header
    if (at + 12 > b.length) throw unreadable('bit masks truncated');
    masks = [v.getUint32(at, true), v.getUint32(at + 4, true), v.getUint32(at + 8, true)].map(maskShift);
  }

  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = h.pixelOffset + (h.topDown ? y : height - 1 - y) * stride;
    let o = y * width * 3;
    for (let x = 0; x < width; x++, o += 3) {
      if (palette) {
        const bit = x * bpp;
        const byte = b[row + (bit >> 3)];
        const idx = (byte >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        const p = Math.min(idx, palette.length / 3 - 1) * 3;
        out[o] = palette[p];
        out[o + 1] = palette[p + 1];
        out[o + 2] = palette[p + 2];
      } else if (masks) {
        const px = v.getUint32(row + x * 4, true);
        for (let c = 0; c < 3; c++) {
          const m = masks[c];
          out[o + c] = m.max === 0 ? 0 : Math.round((((px >>> m.shift) & m.max) * 255) / m.max);
        }
      } else {
        const p = row + x * (bpp >> 3);
        out[o] = b[p + 2];
        out[o + 1] = b[p + 1];
        out[o + 2] = b[p];
      }
    }
  }
  return out;
}
