/**
 * The one AES-256-GCM module of the workstation: face images, material blobs and any other
 * file with personal data are sealed here. Format: `magic | header | iv(12) | ciphertext | tag(16)`.
 * `header` is optional caller data kept in clear (e.g. which key sealed the file); it and the
 * caller's context are the additional authenticated data, so a file moved under another
 * name, or with its header edited, does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const IV_BYTES = 12;
export const TAG_BYTES = 16;
export const KEY_BYTES = 32;

/** A sealed file was altered, truncated, is not ours, or was sealed with another key or for another name. */
export class SealedDataError extends Error {
  override readonly name = 'SealedDataError';
  readonly code = 'SEALED_DATA_INVALID' as const;
  constructor(readonly reason: 'format' | 'authentication') {
    super(reason === 'format' ? 'not a sealed file (wrong magic or too short)' : 'sealed data failed authentication (altered, or another key)');
  }
}

export interface SealFormat {
  /** 4 ASCII bytes naming the format and version, e.g. `OWB1`. */
  magic: Buffer;
  /** Length of the clear header after the magic (0 when none). */
  headerBytes: number;
}

export function overhead(format: SealFormat): number {
  return format.magic.length + format.headerBytes + IV_BYTES + TAG_BYTES;
}

function aadOf(format: SealFormat, header: Buffer, context: Buffer | string): Buffer {
  // Kept as just the context when there is no header: the face-image files written before
  // this module existed were sealed that way and must still open.
  const ctx = Buffer.from(context);
  return format.headerBytes === 0 ? ctx : Buffer.concat([format.magic, header, ctx]);
}

export function seal(format: SealFormat, key: Buffer, plain: Uint8Array, context: Buffer | string, header: Buffer = Buffer.alloc(0)): Buffer {
  if (key.length !== KEY_BYTES) throw new Error(`AES-256-GCM key must be ${KEY_BYTES} bytes`);
  if (header.length !== format.headerBytes) throw new Error(`header must be ${format.headerBytes} bytes`);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aadOf(format, header, context));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([format.magic, header, iv, body, cipher.getAuthTag()]);
}

/** True when `bytes` start with this format's magic and are long enough to be one of its files. */
export function isSealed(format: SealFormat, bytes: Uint8Array): boolean {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buf.length >= overhead(format) && buf.subarray(0, format.magic.length).equals(format.magic);
}

/** The clear header of a sealed file (e.g. its key id), without decrypting it. */
export function headerOf(format: SealFormat, bytes: Uint8Array): Buffer {
  if (!isSealed(format, bytes)) throw new SealedDataError('format');
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Buffer.from(buf.subarray(format.magic.length, format.magic.length + format.headerBytes));
}

/** The plain bytes. Throws SealedDataError when anything about the file is not as sealed. */
export function open(format: SealFormat, key: Buffer, sealed: Uint8Array, context: Buffer | string): Buffer {
  if (!isSealed(format, sealed)) throw new SealedDataError('format');
  const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const start = format.magic.length;
  const header = buf.subarray(start, start + format.headerBytes);
  const iv = buf.subarray(start + format.headerBytes, start + format.headerBytes + IV_BYTES);
  const tag = buf.subarray(buf.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(aadOf(format, header, context));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(buf.subarray(start + format.headerBytes + IV_BYTES, buf.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new SealedDataError('authentication');
  }
}
