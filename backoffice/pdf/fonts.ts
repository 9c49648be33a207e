/**
 * The Chinese fonts of every PDF the product makes (the window's documents, the back office's
 * certificates): Noto Sans SC (SIL Open Font License 1.1) from the
 * @expo-google-fonts/noto-sans-sc package, regular and bold TrueType files, embedded as subsets
 * so a document carries only the glyphs it uses. It lives here because the back office may not
 * import electron/, while the workstation may import backoffice/ (electron/documents/fonts.ts
 * re-exports it).
 *
 * @pdf-lib/fontkit 1.1.1 (the fontkit pdf-lib is built for, unmaintained) writes a broken
 * subset for these fonts: it picks the short `loca` format, which stores offsets halved, without
 * padding odd-length glyph records, so every glyph after an odd one is read from the wrong
 * place and renders blank (upstream fontkit fixed this in 1.8). We pad each glyph record to an
 * even length, which the TrueType spec allows, before the table is written.
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
    throw new Error(`找不到文书和证照所用的中文字体（${FONT_PACKAGE}），请重新安装程序`, { cause: err });
  });
  return loading;
}

/** The parts of fontkit's (untyped) TrueType subset that the fix touches. */
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
  hasGlyphForCodePoint(codePoint: number): boolean;
}

function padGlyphRecords(subset: TtfSubset): TtfSubset {
  const addGlyph = subset._addGlyph;
  if (!addGlyph) return subset; // a CFF subset: no loca table
  subset._addGlyph = function (this: TtfSubset, gid: number) {
    const index = addGlyph.call(this, gid);
    const record = this.glyf[index]!;
    if (record.length % 2 === 1) {
      // Same Buffer class as fontkit's (its bundled polyfill in the browser build).
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

/** Parses a font once per byte array (fontkit reads lazily, so this is cheap to keep). */
export function parseFont(bytes: Uint8Array): FontkitFont {
  let font = parsed.get(bytes);
  if (!font) {
    font = fontkit.create(bytes as unknown as Buffer) as unknown as FontkitFont;
    const createSubset = font.createSubset.bind(font);
    font.createSubset = () => padGlyphRecords(createSubset());
    parsed.set(bytes, font);
  }
  return font;
}

/** The fontkit to register with pdf-lib: parsed fonts are shared, subsets come out whole. */
export const subsetSafeFontkit: Fontkit = {
  create: (bytes: Uint8Array) => parseFont(bytes) as unknown as ReturnType<Fontkit['create']>,
};

/** Characters of `text` that the font has no glyph for (they would print as empty boxes). */
export function missingCharacters(fontBytes: Uint8Array, text: string): string[] {
  const font = parseFont(fontBytes);
  const missing = new Set<string>();
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp > 0x20 && !/\s/u.test(ch) && !font.hasGlyphForCodePoint(cp)) missing.add(ch);
  }
  return [...missing];
}
