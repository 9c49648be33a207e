/**
 * Keeps personal data out of logs and diagnostics bundles: 公民身份号码 (18 and 15 digits),
 * mobile numbers and landlines in any text, and whole values under keys known to hold a
 * person's name, number, address or a secret. Over-redaction is fine; a leak is not.
 */

const ID_18 = /(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g;
const ID_15 = /(?<![0-9A-Za-z])[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])/g;
const MOBILE = /(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)/g;
const LANDLINE = /(?<!\d)0\d{2,3}-\d{7,8}(?!\d)/g;

/** Keys whose values are personal data (compared case-insensitively, ignoring _ and -). */
const PERSONAL_KEYS = new Set(
  [
    'name', 'applicantName', 'agentName', 'contactName', 'holderName', 'personName', 'realName', 'fullName',
    'legalPerson', 'legalPersonName', 'legalRepresentative', 'displayName', 'applicant', 'agent',
    'idNo', 'idNumber', 'idCard', 'idCardNo', 'certNo', 'certificateNo', 'sfzh', 'xm',
    'phone', 'mobile', 'tel', 'telephone', 'contactPhone', 'address', 'email', 'birthDate', 'photo', 'face',
  ].map(normalize),
);

/** Keys whose values are secrets. */
const SECRET_KEYS = new Set(
  ['password', 'passwordHash', 'oneTimePassword', 'secret', 'deviceSecret', 'token', 'launchToken', 'authorization', 'cookie', 'key', 'enrolmentCode', 'firstAdminPassword', 'firstAdminPasswordHash'].map(normalize),
);

/** How configuration views show a secret that is set (electron/cli/doctor.ts): kept as is. */
const SECRET_SET = '（已设置）';

function normalize(key: string): string {
  return key.replace(/[_-]/g, '').toLowerCase();
}

export function isPersonalKey(key: string): boolean {
  return PERSONAL_KEYS.has(normalize(key));
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(normalize(key));
}

/** Replaces ID numbers and phone numbers in free text. */
export function redactText(text: string): string {
  return text.replace(ID_18, '[身份证号]').replace(ID_15, '[身份证号]').replace(MOBILE, '[手机号]').replace(LANDLINE, '[电话]');
}

/** A deep copy with personal and secret values replaced and every string's free text redacted. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object' || depth > 12) return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (isSecretKey(k)) out[k] = v === '' || v === null || v === undefined || v === SECRET_SET ? v : '[已隐去]';
    else if (isPersonalKey(k) && v !== null && v !== undefined && typeof v !== 'object') out[k] = '[个人信息]';
    else out[k] = redactValue(v, depth + 1);
  }
  return out;
}
