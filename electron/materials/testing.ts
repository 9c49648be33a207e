/**
 * Test and benchmark material made on the fly with sharp: A4 pages with Chinese text (Noto
 * CJK from the system's fonts when present, bars otherwise), a red seal, and "camera shots"
 * of them (page on a desk, uneven light, sensor noise). Nothing here is used by the service.
 */
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import sharp from 'sharp';
import zlib from 'node:zlib';

const escapeXml = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

const LINES = [
  '南京市栖霞区政务服务中心 申请表',
  '申请人：王秀英  公民身份号码：320113194912310025',
  '住址：南京市栖霞区尧化街道尧佳路 8 号 3 栋 2 单元 501 室',
  '申请事项：老年人优待证办理（QX-MZ-GG-901）',
  '本人承诺以上所填信息及所附材料真实、准确、完整，',
  '如有虚假，愿承担相应的法律责任。',
  '联系电话：13912345678   邮政编码：210046',
  '备注：户口簿首页及本人页复印件各一份，近期免冠证件照两张。',
];

/**
 * A white A4 page at `dpi` (default 300: 2480×3508) with body text at 五号 (10.5 pt) and a
 * heading, a table-like grid, a signature scribble and a red round seal.
 */
export async function makeA4Page(options: { dpi?: number; seal?: boolean; seed?: number } = {}): Promise<Buffer> {
  const dpi = options.dpi ?? 300;
  const w = Math.round(8.27 * dpi);
  const h = Math.round(11.69 * dpi);
  const pt = dpi / 72;
  const body = 10.5 * pt;
  const margin = Math.round(0.9 * dpi);
  const seed = options.seed ?? 1;
  const parts: string[] = [`<rect width="100%" height="100%" fill="#ffffff"/>`];
  parts.push(
    `<text x="${w / 2}" y="${margin + 16 * pt}" font-size="${16 * pt}" text-anchor="middle" font-family="Noto Serif CJK SC, serif" font-weight="bold">${escapeXml(LINES[0])}</text>`,
  );
  let y = margin + 40 * pt;
  for (let block = 0; block < 4; block++) {
    for (let i = 1; i < LINES.length; i++) {
      const line = LINES[(i + block + seed) % (LINES.length - 1) + 1];
      parts.push(`<text x="${margin}" y="${y}" font-size="${body}" font-family="Noto Serif CJK SC, serif" fill="#111">${escapeXml(line)}</text>`);
      y += body * 1.9;
    }
    // A small table: rows of cells with numbers in them.
    const cols = 5;
    const cw = (w - 2 * margin) / cols;
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < cols; c++) {
        parts.push(`<rect x="${margin + c * cw}" y="${y + r * body * 1.8}" width="${cw}" height="${body * 1.8}" fill="none" stroke="#222" stroke-width="${pt * 0.6}"/>`);
        parts.push(`<text x="${margin + c * cw + pt * 4}" y="${y + r * body * 1.8 + body * 1.3}" font-size="${body * 0.9}" font-family="Noto Serif CJK SC, serif">${(seed * 7919 + r * 31 + c * 17) % 100000}</text>`);
      }
    }
    y += 3 * body * 1.8 + body * 2;
  }
  parts.push(`<path d="M ${w * 0.6} ${h - margin * 1.6} q 40 -60 80 0 t 80 0 t 80 0 t 90 -20" stroke="#123" stroke-width="${pt * 1.2}" fill="none"/>`);
  if (options.seal ?? true) {
    const cx = w * 0.72;
    const cy = h - margin * 1.7;
    const r = 21 * dpi / 25.4; // a 42 mm seal
    parts.push(`<circle cx="${cx}" cy="${cy}" r="${r}" fill="none" stroke="#d81e06" stroke-width="${pt * 2.5}" opacity="0.85"/>`);
    parts.push(`<text x="${cx}" y="${cy + r * 0.25}" font-size="${r * 0.8}" text-anchor="middle" fill="#d81e06" opacity="0.85">★</text>`);
    parts.push(`<text x="${cx}" y="${cy - r * 0.45}" font-size="${r * 0.22}" text-anchor="middle" fill="#d81e06" opacity="0.85" font-family="Noto Serif CJK SC, serif">栖霞区尧化街道办事处</text>`);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${parts.join('')}</svg>`;
  return sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).png().toBuffer();
}

/** Deterministic pseudo-random numbers (tests must not depend on Math.random). */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/**
 * What a document camera sends: the page (portrait) on a grey desk in a landscape frame of
 * `width`×`height` (default 2592×1944, a 5 MP 高拍仪), lit unevenly, with sensor noise,
 * encoded as JPEG at `quality` (cameras and canvas.toBlob use 90–95).
 */
export async function makeCameraShot(page: Uint8Array, options: { width?: number; height?: number; quality?: number; noise?: number; seed?: number } = {}): Promise<Buffer> {
  const W = options.width ?? 2592;
  const H = options.height ?? 1944;
  const pageH = Math.round(H * 0.94);
  const scaled = await sharp(page).resize({ height: pageH }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const left = Math.round((W - scaled.info.width) / 2);
  const top = Math.round((H - pageH) / 2);
  const frame = Buffer.alloc(W * H * 3);
  const random = rng(options.seed ?? 7);
  const noise = options.noise ?? 6;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 3;
      // Light falls off towards the corners (vignetting), typical of a desk lamp + small lens.
      const dx = (x - W / 2) / W;
      const dy = (y - H / 2) / H;
      const light = 1 - 0.35 * (dx * dx + dy * dy);
      const px = x - left;
      const py = y - top;
      const inPage = px >= 0 && py >= 0 && px < scaled.info.width && py < pageH;
      for (let c = 0; c < 3; c++) {
        const base = inPage ? scaled.data[(py * scaled.info.width + px) * 3 + c] : [92, 96, 104][c];
        const n = (random() + random() + random() - 1.5) * noise;
        frame[o + c] = Math.max(0, Math.min(255, Math.round(base * light * 0.96 + n)));
      }
    }
  }
  return sharp(frame, { raw: { width: W, height: H, channels: 3 } })
    .jpeg({ quality: options.quality ?? 92 })
    .toBuffer();
}

/** A small text PDF of `pages` pages (pdf-lib standard font: ASCII only). */
export async function makeTextPdf(pages: number, options: { title?: string } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) {
    const page = doc.addPage([595.28, 841.89]);
    page.drawText(`Page ${i + 1} of ${pages}`, { x: 72, y: 760, size: 18, font, color: rgb(0, 0, 0) });
    page.drawRectangle({ x: 72, y: 600, width: 200 + i * 10, height: 40, color: rgb(0.2, 0.2, 0.2) });
  }
  if (options.title) doc.setTitle(options.title);
  return doc.save();
}

/** Mean and PSNR between two same-size greyscale renderings of images (legibility proxy). */
export async function psnr(a: Uint8Array, b: Uint8Array): Promise<number> {
  const ra = await sharp(a).greyscale().raw().toBuffer({ resolveWithObject: true });
  const rb = await sharp(b).resize(ra.info.width, ra.info.height, { fit: 'fill' }).greyscale().raw().toBuffer();
  let se = 0;
  for (let i = 0; i < ra.data.length; i++) {
    const d = ra.data[i] - rb[i];
    se += d * d;
  }
  const mse = se / ra.data.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** A PDF whose trailer names an /Encrypt dictionary (pdf-lib cannot write real encryption). */
export async function makeEncryptedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage();
  const text = Buffer.from(await doc.save({ useObjectStreams: false })).toString('latin1');
  const withEncrypt = text
    .replace('xref\n', '99 0 obj\n<< /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>\nendobj\nxref\n')
    .replace('trailer\n<<', 'trailer\n<<\n/Encrypt 99 0 R');
  return new Uint8Array(Buffer.from(withEncrypt, 'latin1'));
}

/** A valid PNG header claiming `width`×`height` with almost no pixel data (a decompression bomb's shape). */
export function makeHugeHeaderPng(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.alloc(64))), chunk('IEND', Buffer.alloc(0))]));
}
