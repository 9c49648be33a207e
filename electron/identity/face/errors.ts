/**
 * Typed errors of the face check. Every failure the clerk can meet is one of these codes
 * with a Chinese message that says what to do; nothing else escapes the service.
 */

export const FACE_ERROR_CODES = [
  'EMPTY',
  'NOT_AN_IMAGE',
  'UNREADABLE',
  'TOO_LARGE',
  'NO_FACE',
  'MULTIPLE_FACES',
  'FACE_TOO_SMALL',
  'WORKER_FAILED',
  /** Only from the CLI, which reads files: the path does not exist. */
  'NOT_FOUND',
] as const;

export type FaceErrorCode = (typeof FACE_ERROR_CODES)[number];

export const FACE_ERROR_MESSAGES: Record<FaceErrorCode, string> = {
  EMPTY: '图片为空（0 字节），请重新拍摄或重新读取证件',
  NOT_AN_IMAGE: '文件不是可识别的图片（仅支持 JPEG、PNG、WebP、BMP），请重新拍摄',
  UNREADABLE: '图片已损坏或不完整，无法读取，请重新拍摄',
  TOO_LARGE: '图片过大，请降低分辨率后重新拍摄',
  NO_FACE: '图片中未检测到人脸，请重新拍摄',
  MULTIPLE_FACES: '图片中检测到多张人脸，请确保画面中只有办事人一人后重新拍摄',
  FACE_TOO_SMALL: '人脸过小，请靠近摄像头后重新拍摄',
  WORKER_FAILED: '人脸比对服务异常，请稍后重试',
  NOT_FOUND: '找不到图片文件',
};

export class FaceError extends Error {
  override readonly name = 'FaceError';
  readonly code: FaceErrorCode;
  /** Which input of compare() failed: 0 = image A, 1 = image B. */
  image?: 0 | 1;
  /** Technical detail for logs (English, from the library); never shown to the clerk. */
  detail?: string;

  constructor(code: FaceErrorCode, message?: string, options?: { image?: 0 | 1; detail?: string; cause?: unknown }) {
    super(message ?? FACE_ERROR_MESSAGES[code], options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options?.image !== undefined) this.image = options.image;
    if (options?.detail !== undefined) this.detail = options.detail;
  }
}

export function isFaceError(e: unknown): e is FaceError {
  return e instanceof FaceError;
}

/** Plain form for postMessage (class instances lose their prototype across threads). */
export interface FaceErrorData {
  code: FaceErrorCode;
  message: string;
  image?: 0 | 1;
  detail?: string;
}

export function toFaceErrorData(e: unknown): FaceErrorData {
  if (isFaceError(e)) {
    return { code: e.code, message: e.message, image: e.image, detail: e.detail };
  }
  return { code: 'WORKER_FAILED', message: FACE_ERROR_MESSAGES.WORKER_FAILED, detail: errorText(e) };
}

export function fromFaceErrorData(d: FaceErrorData): FaceError {
  const code = (FACE_ERROR_CODES as readonly string[]).includes(d.code) ? d.code : 'WORKER_FAILED';
  return new FaceError(code, d.message, { image: d.image, detail: d.detail });
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
