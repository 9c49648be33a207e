/** Messages between the materials service (caller thread) and the image worker. */
import type { WorkerErrorData } from './errors';
import type { MaterialFileKind, MaterialFileLimits } from './file-type';
import type { PageEdit } from './images';
import type { MaterialPdfMeta, MaterialPdfPage } from './pdf';

export interface ImageWorkerData {
  limits: MaterialFileLimits;
}

export type ImageWorkerRequestBody =
  /** A captured or imported file → the pages to store (images compressed, PDFs split). */
  | { op: 'ingest'; bytes: Uint8Array; fileName?: string }
  /** A page's stored source with the clerk's edits applied. */
  | { op: 'render'; source: Uint8Array; mime: string; edits: PageEdit[] }
  | { op: 'thumbnail'; bytes: Uint8Array; maxSide: number }
  | { op: 'assemble'; pages: MaterialPdfPage[]; meta: MaterialPdfMeta };

export type ImageWorkerRequest = ImageWorkerRequestBody & { id: number };

export interface IngestedPage {
  bytes: Uint8Array;
  mime: string;
  /** Pixels for images; null for PDF pages (nothing here renders a PDF). */
  width: number | null;
  height: number | null;
}

export interface IngestReply {
  kind: MaterialFileKind;
  pages: IngestedPage[];
}

export interface RenderReply {
  page: IngestedPage;
}

export interface BytesReply {
  bytes: Uint8Array;
  width?: number;
  height?: number;
}

export type ImageWorkerReply =
  | { type: 'ready' }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: WorkerErrorData };
