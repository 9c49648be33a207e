/**
 * The documents a window hands a citizen (受理回执, 一次性告知书, 不予受理通知书, 补正材料通知书,
 * 告知承诺书, 送达回执) as A4 PDFs with embedded Chinese fonts. Each template turns a typed
 * input into a layout model; one renderer draws every model. Node core: no Electron.
 */
import type { DocumentModel } from './layout';
import { renderDocument, type RenderedDocument } from './render';
import { acceptanceReceiptModel } from './templates/acceptance-receipt';
import { commitmentLetterModel } from './templates/commitment-letter';
import { handoutReceiptModel } from './templates/handout-receipt';
import { nonAcceptanceNoticeModel } from './templates/non-acceptance-notice';
import { oneTimeNoticeModel } from './templates/one-time-notice';
import { supplementNoticeModel } from './templates/supplement-notice';
import type {
  AcceptanceReceiptInput,
  CommitmentLetterInput,
  DocumentInputs,
  DocumentKind,
  HandoutReceiptInput,
  NonAcceptanceNoticeInput,
  OneTimeNoticeInput,
  SupplementNoticeInput,
} from './types';

export * from './types';
export type { Block, DocumentModel, Field, SignatureLine, TableColumn } from './layout';
export { renderDocument, type RenderedDocument, type RenderOptions } from './render';
export { formatCivilDate } from './format';
export { loadDocumentFonts, missingCharacters, FONT_FILES, FONT_PACKAGE, type DocumentFonts } from './fonts';
export { statusCheckString } from './templates/acceptance-receipt';
export { appealRights } from './templates/non-acceptance-notice';
export { FALSE_COMMITMENT_CONSEQUENCES } from './templates/commitment-letter';

const MODELS: { [K in DocumentKind]: (input: DocumentInputs[K]) => DocumentModel } = {
  'acceptance-receipt': acceptanceReceiptModel,
  'one-time-notice': oneTimeNoticeModel,
  'non-acceptance-notice': nonAcceptanceNoticeModel,
  'supplement-notice': supplementNoticeModel,
  'commitment-letter': commitmentLetterModel,
  'handout-receipt': handoutReceiptModel,
};

/** The layout model of a document (for previews or tests); throws VALIDATION_FAILED on incomplete input. */
export function documentModel<K extends DocumentKind>(kind: K, input: DocumentInputs[K]): DocumentModel {
  return MODELS[kind](input);
}

/** Any document, with its page count and the characters the font could not show. */
export function renderCaseDocument<K extends DocumentKind>(kind: K, input: DocumentInputs[K]): Promise<RenderedDocument> {
  return renderDocument(documentModel(kind, input));
}

const pdf = async <K extends DocumentKind>(kind: K, input: DocumentInputs[K]) => (await renderCaseDocument(kind, input)).bytes;

export const renderAcceptanceReceipt = (input: AcceptanceReceiptInput): Promise<Uint8Array> => pdf('acceptance-receipt', input);
export const renderOneTimeNotice = (input: OneTimeNoticeInput): Promise<Uint8Array> => pdf('one-time-notice', input);
export const renderNonAcceptanceNotice = (input: NonAcceptanceNoticeInput): Promise<Uint8Array> => pdf('non-acceptance-notice', input);
export const renderSupplementNotice = (input: SupplementNoticeInput): Promise<Uint8Array> => pdf('supplement-notice', input);
export const renderCommitmentLetter = (input: CommitmentLetterInput): Promise<Uint8Array> => pdf('commitment-letter', input);
export const renderHandoutReceipt = (input: HandoutReceiptInput): Promise<Uint8Array> => pdf('handout-receipt', input);
