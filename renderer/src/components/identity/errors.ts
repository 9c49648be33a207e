/** Chinese text and codes of refused calls (ContractError carries them), for the identity components. */
export function errorText(err: unknown): string {
  const message = (err as { message?: string })?.message;
  return message && /[\u4e00-\u9fa5]/.test(message) ? message : `操作失败${message ? `（${message}）` : ''}，请重试`;
}

/** `details.code` of a ContractError (CONSENT_REQUIRED, CAPTURE_MISMATCH, …), or its code. */
export function errorCode(err: unknown): string | undefined {
  const e = err as { code?: string; details?: { code?: string } };
  return e?.details?.code ?? e?.code;
}
