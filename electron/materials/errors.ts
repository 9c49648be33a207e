/**
 * Typed errors of materials capture. Every refusal the clerk can meet carries a Chinese
 * message that says what to do next; `detail` (English, from a library) is for logs only.
 */

export const MATERIAL_FILE_ERROR_CODES = [
  'EMPTY',
  'TOO_LARGE',
  'TOO_MANY_PIXELS',
  'TOO_SMALL',
  'UNSUPPORTED_TYPE',
  'CORRUPT',
  'ENCRYPTED',
  'TOO_MANY_PAGES',
] as const;
export type MaterialFileErrorCode = (typeof MATERIAL_FILE_ERROR_CODES)[number];

export const MATERIAL_FILE_ERROR_MESSAGES: Record<MaterialFileErrorCode, string> = {
  EMPTY: '文件为空（0 字节），请重新拍摄或选择其他文件',
  TOO_LARGE: '文件过大，请降低分辨率或拆分后再导入',
  TOO_MANY_PIXELS: '图片像素过多，请降低分辨率后重新拍摄或导入',
  TOO_SMALL: '图片过小，无法看清内容，请提高分辨率后重新拍摄',
  UNSUPPORTED_TYPE: '文件内容不是 JPEG、PNG 图片或 PDF 文档，请选择扫描件、照片或 PDF',
  CORRUPT: '文件已损坏或不完整，无法读取，请重新拍摄或重新导出后再导入',
  ENCRYPTED: 'PDF 文件已加密，无法读取，请导出未加密的版本后再导入',
  TOO_MANY_PAGES: 'PDF 页数过多，请拆分后分批导入',
};

/** A file the clerk captured or imported cannot become a page. Nothing was stored. */
export class MaterialFileError extends Error {
  override readonly name = 'MaterialFileError';
  readonly code: MaterialFileErrorCode;
  readonly detail?: string;
  constructor(code: MaterialFileErrorCode, message?: string, detail?: string) {
    super(message ?? MATERIAL_FILE_ERROR_MESSAGES[code]);
    this.code = code;
    if (detail !== undefined) this.detail = detail;
  }
}

/**
 * A stored blob is not what its name says: it does not decrypt (altered, truncated, or sealed
 * with a key this workstation does not hold), or its plain bytes do not hash to its name.
 * It is never served. `actual` is the hash of the plain bytes when they decrypted, else null.
 */
export class BlobIntegrityError extends Error {
  override readonly name = 'BlobIntegrityError';
  readonly code = 'BLOB_CORRUPT' as const;
  constructor(
    readonly sha256: string,
    readonly actual: string | null,
    readonly path: string,
    readonly reason: 'hash' | 'authentication' | 'unknown-key' = 'hash',
  ) {
    super(`材料文件已损坏（校验值不符：${sha256.slice(0, 12)}…），为防止提交错误内容已拒绝读取。请重新拍摄该页，并联系信息技术人员检查磁盘`);
  }
}

export class BlobNotFoundError extends Error {
  override readonly name = 'BlobNotFoundError';
  readonly code = 'BLOB_MISSING' as const;
  constructor(readonly sha256: string) {
    super(`材料文件缺失（${sha256.slice(0, 12)}…），请重新拍摄该页，并联系信息技术人员检查数据目录`);
  }
}

/** The image worker failed (crashed, timed out, closed); the call can be retried. */
export class MaterialWorkerError extends Error {
  override readonly name = 'MaterialWorkerError';
  readonly code = 'WORKER_FAILED' as const;
  constructor(
    why: string,
    readonly detail?: string,
  ) {
    super(`材料处理服务异常（${why}），本页未保存，请重试`);
  }
}

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Plain form for postMessage: class instances lose their prototype across threads. */
export interface WorkerErrorData {
  kind: 'file' | 'other';
  code?: MaterialFileErrorCode;
  message: string;
  detail?: string;
}

export function toWorkerErrorData(e: unknown): WorkerErrorData {
  if (e instanceof MaterialFileError) return { kind: 'file', code: e.code, message: e.message, ...(e.detail ? { detail: e.detail } : {}) };
  return { kind: 'other', message: errorText(e), detail: e instanceof Error ? e.stack : undefined };
}

export function fromWorkerErrorData(d: WorkerErrorData): Error {
  if (d.kind === 'file' && d.code) return new MaterialFileError(d.code, d.message, d.detail);
  return new MaterialWorkerError('处理失败', d.detail ?? d.message);
}
