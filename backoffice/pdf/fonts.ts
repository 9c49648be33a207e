/**
 * The Chinese font for back-office PDFs (certificates): Noto Sans SC from the
 * @expo-google-fonts/noto-sans-sc package (SIL OFL 1.1), embedded as a subset.
 *
 * Same fix as the workstation's electron/documents/fonts.ts (the back office may not import
 * electron/): @pdf-lib/fontkit 1.1.1 writes the short `loca` format without padding odd-length
 * glyph records, so glyphs after an odd one render blank; each record is padded to an even
 * length before the table is written. The workstation could import this module instead of
 * keeping its own copy (electron/ may import backoffice/).
 */
import fontkit from '@pdf-lib/fontkit';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { PDFDocument } from 'pdf-lib';

type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];
const require = createRequire(import.meta.url);

export const FONT_PACKAGE = '@expo-google-fonts/noto-sans-sc';
export const FONT_FILES = {
  regular: `${FONT_PACKAGE}/400Regular/NotoSansSC_400Regular.ttf`,
  bold: `${FONT_PACKAGE}/700Bold/NotoSansSC_700Bold.ttf`,
} as const;

export interface PdfFonts {
  regular: Uint8Array;
  bold: Uint8Array;
}

let loading: Promise<PdfFonts> | undefined;

/** Reads the two font files once per process. */
export function loadPdfFonts(): Promise<PdfFonts> {
  loading ??= (async () => {
    const [regular, bold] = await Promise.all([readFile(require.resolve(FONT_FILES.regular)), readFile(require.resolve(FONT_FILES.bold))]);
    return { regular: new Uint8Array(regular), bold: new Uint8Array(bold) };
  })().catch((err: unknown) => {
    loading = undefined;
    throw new Error(`找不到证照所用的中文字体（${FONT_PACKAGE}），请重新安装程序`, { cause: err });
  });
  return loading;
}

interface GlyphBuffer {
  length: number;
  copy(target: GlyphBuffer, targetStart: number): number;
  constructor: { alloc(size: number): GlyphBuffer };
}
interface TtfSubset {
  glyf: GlyphBuffer[];
  offset: number;
  _addGlyph?: (gid: number) => number;
}
interface FontkitFont {
  createSubset(): TtfSubset;
}

function padGlyphRecords(subset: TtfSubset): TtfSubset {
  const addGlyph = subset._addGlyph;
  if (!addGlyph) return subset; // a CFF subset: no loca table
  subset._addGlyph = function (this: TtfSubset, gid: number) {
    const index = addGlyph.call(this, gid);
    const record = this.glyf[index]!;
    if (record.length % 2 === 1) {
      const padded = record.constructor.alloc(record.length + 1);
      record.copy(padded, 0);
      this.glyf[index] = padded;
      this.offset += 1;
    }
    return index;
  };
  return subset;
}

const parsed = new WeakMap<Uint8Array, FontkitFont>();

/** The fontkit to register with pdf-lib: fonts parsed once, subsets written correctly. */
export const subsetSafeFontkit: Fontkit = {
  create: (bytes: Uint8Array) => {
    let font = parsed.get(bytes);
    if (!font) {
      font = fontkit.create(bytes as unknown as Buffer) as unknown as FontkitFont;
      const createSubset = font.createSubset.bind(font);
      font.createSubset = () => padGlyphRecords(createSubset());
      parsed.set(bytes, font);
    }
    return font as unknown as ReturnType<Fontkit['create']>;
  },
};
