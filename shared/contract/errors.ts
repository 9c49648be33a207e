/**
 * Typed errors that cross the contract. Every refusal the core makes reaches the renderer as
 * one of these codes with a Chinese message the clerk can act on; nothing else escapes.
 */
export const ERROR_CODES = [
  'UNKNOWN_CHANNEL',
  'INVALID_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'SESSION_LOCKED',
  'PASSWORD_CHANGE_REQUIRED',
  'BAD_CREDENTIALS',
  'ACCOUNT_LOCKED',
  /** Too many failed sign-ins from this client or for this username: wait and retry. */
  'RATE_LIMITED',
  'WEAK_PASSWORD',
  'NOT_FOUND',
  'CONFLICT',
  'VALIDATION_FAILED',
  'CONFIG_INVALID',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ContractErrorBody {
  code: ErrorCode;
  /** Chinese, for the clerk: what happened and what to do. */
  message: string;
  /** Machine-readable extras, e.g. field errors of a form. */
  details?: unknown;
}

export class ContractError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'ContractError';
    this.code = code;
    this.details = details;
  }
  toBody(): ContractErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** What every call returns over either transport. */
export type Envelope<T = unknown> = { ok: true; data: T } | { ok: false; error: ContractErrorBody };
