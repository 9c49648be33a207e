/**
 * The window's documents use the product's one font module (Noto Sans SC subsets with the
 * fontkit padding fix), kept in backoffice/pdf/fonts.ts so the back office's certificates can
 * use it too.
 */
export {
  FONT_FILES,
  FONT_PACKAGE,
  loadPdfFonts as loadDocumentFonts,
  missingCharacters,
  parseFont,
  subsetSafeFontkit,
  type PdfFonts as DocumentFonts,
} from '../../backoffice/pdf/fonts';
