/**
 * The layout model: a document is a list of blocks that one renderer (./render) lays out on A4
 * pages. Templates build these from typed inputs; none of them touches PDF coordinates.
 */

export type Align = 'left' | 'center' | 'right';

export interface Field {
  label: string;
  value: string;
  /** Take a whole row in a two-column grid. */
  wide?: boolean;
  /** Start a new row in a two-column grid (so a name and its ID number share a row). */
  newRow?: boolean;
}

export interface TableColumn {
  header: string;
  /** Relative width; the columns share the content width in these proportions. */
  width: number;
  align?: Align;
}

export interface SignatureLine {
  /** e.g. "申请人（签字）". */
  label: string;
  /** A handwritten signature placed on the line. */
  image?: Uint8Array;
  /** A printed name on the line (when there is no image), e.g. the clerk's. */
  name?: string;
  /** Civil date printed beside it; omitted → blank "年 月 日" to fill by hand. */
  date?: string;
  /** No date line at all. */
  undated?: boolean;
}

export type Block =
  | { type: 'title'; text: string; subtitle?: string }
  /** A right-aligned reference line under the title, e.g. "编号：…". */
  | { type: 'reference'; text: string }
  | { type: 'heading'; text: string }
  /** `indent`: the first line starts two characters in, as Chinese prose does. */
  | { type: 'paragraph'; text: string; align?: Align; indent?: boolean; small?: boolean; bold?: boolean }
  | { type: 'fields'; rows: Field[]; columns?: 1 | 2 }
  | { type: 'table'; columns: TableColumn[]; rows: string[][] }
  | { type: 'list'; items: string[]; ordered?: boolean }
  /** A QR code at the right margin with its caption to the left. */
  | { type: 'qr'; data: string; caption: string[] }
  /** One or two signature lines per row; `seal` puts the issuer's seal block beside a single line. */
  | { type: 'signatures'; lines: SignatureLine[]; seal?: string[] }
  /** The issuing authority's block at the right (room for the seal above it). */
  | { type: 'seal'; lines: string[] }
  | { type: 'spacer'; height: number };

export interface DocumentModel {
  /** PDF Title and the page title. */
  title: string;
  /** PDF Subject: the case number (or the document's reference number). */
  subject: string;
  keywords?: string[];
  /** PDF Author: the issuing center. */
  author?: string;
  /** Creation date written into the PDF (the document's issue time). */
  createdAt: Date;
  /** Small text at the top of every page. */
  header?: { left: string; right?: string };
  /** Small text at the bottom of every page, before "第 n 页 共 m 页". */
  footer: string;
  blocks: Block[];
}
