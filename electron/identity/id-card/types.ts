/**
 * ID-card input (读证) behind one small interface, so the window works the same with a
 * 二代证 reader, with fields typed by the clerk, or with practice cards. See docs/IDENTITY.md
 * for how a vendor driver plugs in.
 */

export type IdCardDriver = 'reader' | 'manual' | 'training';

/** What a 居民身份证 says, as every driver delivers it. */
export interface IdCardData {
  name: string;
  sex: 'male' | 'female';
  /** 民族, e.g. 汉 (not on every source). */
  nation?: string;
  /** YYYY-MM-DD */
  birthDate: string;
  address: string;
  /** 公民身份号码, as read (normalised by the check). */
  idNumber: string;
  /** 签发机关 */
  issuer: string;
  /** YYYY-MM-DD */
  validFrom: string;
  /** YYYY-MM-DD, or null for 长期. */
  validTo: string | null;
  /** The portrait: the chip photo (BMP from a reader) or the face cut from the card image (JPEG). */
  photo: Uint8Array;
}

export interface IdCardReader {
  readonly driver: IdCardDriver;
  /** Reads one card. Rejects with an IdCardError. */
  read(): Promise<IdCardData>;
}

export const ID_CARD_ERROR_CODES = [
  'ID_NUMBER_INVALID',
  'FIELDS_INVALID',
  'NO_FACE_ON_CARD',
  'MULTIPLE_FACES_ON_CARD',
  'CARD_IMAGE_INVALID',
  'TRAINING_CARD_NOT_FOUND',
  'TRAINING_CARD_INVALID',
  'READER_FAILED',
] as const;
export type IdCardErrorCode = (typeof ID_CARD_ERROR_CODES)[number];

/** A card that cannot be used; `message` is Chinese and can be shown as it is. */
export class IdCardError extends Error {
  override readonly name = 'IdCardError';
  readonly code: IdCardErrorCode;
  constructor(code: IdCardErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
