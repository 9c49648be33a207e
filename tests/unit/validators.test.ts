import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  USCC_ALPHABET,
  idCardCheckChar,
  maskIdNumber,
  maskMobile,
  orgCodeCheckChar,
  usccCheckChar,
  validateDate,
  validateIdCard,
  validateMobile,
  validateUscc,
  validateValue,
} from '../../shared/validators';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TODAY = new Date(2025, 5, 15); // 2025-06-15, local time

/** ISO 7064 MOD 11-2 in its recursive form, independent of the weight table. */
function iso7064Mod11_2(digits: string): string {
  let p = 0;
  for (const d of digits) p = ((p + Number(d)) * 2) % 11;
  const c = (12 - p) % 11;
  return c === 10 ? 'X' : String(c);
}

/** GB 32100 check: weights are 3^i mod 31, computed here rather than copied. */
function usccReference(first17: string): string {
  let sum = 0;
  let w = 1;
  for (const ch of first17) {
    sum += USCC_ALPHABET.indexOf(ch) * w;
    w = (w * 3) % 31;
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/** GB 11714 check: weights are 2^(8-i) mod 11 (3 7 9 10 5 8 4 2); letters A=10…Z=35. */
function orgReference(first8: string): string {
  let sum = 0;
  [...first8].forEach((ch, i) => (sum += parseInt(ch, 36) * (2 ** (8 - i) % 11)));
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

function withCheck(first17: string): string {
  return first17 + idCardCheckChar(first17);
}

function usccWithChecks(prefix10: string, body8: string): string {
  const first17 = prefix10 + body8 + orgCodeCheckChar(body8);
  return first17 + usccCheckChar(first17);
}

const digits = (n: number) => fc.stringMatching(new RegExp(`^\\d{${n}}$`));

describe('公民身份号码 (GB 11643-1999)', () => {
  it('accepts the example number printed in the standard', () => {
    expect(validateIdCard('11010519491231002X', TODAY)).toEqual({
      valid: true,
      value: '11010519491231002X',
      birthDate: '1949-12-31',
      sex: 'female',
      regionCode: '110105',
    });
  });

  it('agrees with the recursive ISO 7064 MOD 11-2 form on random 17-digit prefixes', () => {
    fc.assert(
      fc.property(digits(17), (first17) => {
        expect(idCardCheckChar(first17)).toBe(iso7064Mod11_2(first17));
      }),
      { numRuns: 500 },
    );
  });

  it('accepts constructed numbers and reads sex and birth date from them', () => {
    const region = fc.constantFrom('320113', '320102', '110105', '440305', '810000', '830000');
    const date = fc.date({ min: new Date(1900, 0, 1), max: new Date(2025, 5, 15), noInvalidDate: true });
    fc.assert(
      fc.property(region, date, digits(3), (code, d, seq) => {
        const ymd = `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
        const id = withCheck(code + ymd + seq);
        const r = validateIdCard(id, TODAY);
        expect(r.valid).toBe(true);
        if (!r.valid) return;
        expect(r.birthDate.replace(/-/g, '')).toBe(ymd);
        expect(r.sex).toBe(Number(seq[2]) % 2 === 1 ? 'male' : 'female');
        expect(r.regionCode).toBe(code);
        // Any other final character is a check-digit error naming the right one.
        const wrong = [...'0123456789X'].find((c) => c !== id[17]) as string;
        const bad = validateIdCard(id.slice(0, 17) + wrong, TODAY);
        expect(bad).toMatchObject({ valid: false, code: 'CHECK_DIGIT' });
        if (!bad.valid) expect(bad.reason).toBe(`公民身份号码校验位错误，应为${id[17]}`);
      }),
      { numRuns: 300 },
    );
  });

  it('accepts lower-case x, surrounding and inner spaces and full-width digits, normalising them', () => {
    const id = '11010519491231002X';
    for (const typed of ['11010519491231002x', '  11010519491231002x ', '110105 19491231 002X', '１１０１０５１９４９１２３１００２ｘ']) {
      const r = validateIdCard(typed, TODAY);
      expect(r).toMatchObject({ valid: true, value: id });
    }
  });

  it('names each failure with its code and a Chinese reason', () => {
    const cases: [string, string, RegExp][] = [
      ['', 'EMPTY', /未填写/],
      ['   ', 'EMPTY', /未填写/],
      ['11010519491231002', 'LENGTH', /^公民身份号码应为18位，当前为17位$/],
      ['1101051949123100211', 'LENGTH', /当前为19位/],
      ['110105491231002', 'LENGTH', /15位旧号码/],
      ['1101051949123A002X', 'CHARS', /第14位“A”/],
      ['1101051949123100X2', 'CHARS', /第17位“X”/],
      [withCheck('00010519491231002'), 'REGION', /地址码“000105”/],
      [withCheck('99010519491231002'), 'REGION', /前两位/],
      [withCheck('32011319990230123'), 'BIRTH_DATE', /“19990230”不是有效日期/],
      [withCheck('32011319991301123'), 'BIRTH_DATE', /不是有效日期/],
      [withCheck('32011318991231123'), 'BIRTH_DATE', /早于1900年/],
      [withCheck('32011320250616123'), 'FUTURE_BIRTH', /2025-06-16晚于今天/],
      ['110105194912310021', 'CHECK_DIGIT', /校验位错误，应为X/],
    ];
    for (const [value, code, reason] of cases) {
      const r = validateIdCard(value, TODAY);
      expect(r, value).toMatchObject({ valid: false, code });
      if (!r.valid) {
        expect(r.reason, value).toMatch(reason);
        expect(r.reason.startsWith('公民身份号码')).toBe(true);
        expect(r.reason).toBe(`公民身份号码${r.detail}`);
      }
    }
  });

  it('accepts 29 February only in leap years (2000 yes, 1900 no)', () => {
    const feb29 = (year: number) => validateIdCard(withCheck(`320113${year}0229001`), TODAY);
    for (const year of [1904, 1996, 2000, 2004, 2024]) expect(feb29(year).valid, String(year)).toBe(true);
    for (const year of [1900, 1999, 2001, 2023]) expect(feb29(year)).toMatchObject({ valid: false, code: 'BIRTH_DATE' });
  });

  it('bounds the birth date by the given day: today is fine, tomorrow is future, 1900-01-01 is the floor', () => {
    expect(validateIdCard(withCheck('32011320250615001'), TODAY).valid).toBe(true);
    expect(validateIdCard(withCheck('32011320250616001'), TODAY)).toMatchObject({ code: 'FUTURE_BIRTH' });
    expect(validateIdCard(withCheck('32011320250616001'), new Date(2025, 5, 16)).valid).toBe(true);
    expect(validateIdCard(withCheck('32011319000101001'), TODAY).valid).toBe(true);
    // Without `today`, the clock decides: a birth next year is always in the future.
    const nextYear = new Date().getFullYear() + 1;
    expect(validateIdCard(withCheck(`320113${nextYear}0101001`))).toMatchObject({ code: 'FUTURE_BIRTH' });
  });

  it('rejects bad input to idCardCheckChar', () => {
    expect(() => idCardCheckChar('1234')).toThrow(RangeError);
    expect(() => idCardCheckChar('1101051949123100X')).toThrow(RangeError);
  });

  it('masks ID numbers for lists', () => {
    expect(maskIdNumber('320113199001011234')).toBe('3201**********1234');
    expect(maskIdNumber('11010519491231002x')).toBe('1101**********002X');
    expect(maskIdNumber('110105491231002')).toBe('1*************2');
    expect(maskIdNumber('abc')).toBe('a*c');
    expect(maskIdNumber('ab')).toBe('**');
    expect(maskIdNumber('')).toBe('');
  });
});

describe('统一社会信用代码 (GB 32100-2015)', () => {
  it('accepts the commonly cited example 91350100M000100Y43', () => {
    expect(validateUscc('91350100M000100Y43')).toEqual({
      valid: true,
      value: '91350100M000100Y43',
      authority: '9',
      entityType: '1',
      divisionCode: '350100',
      orgCode: 'M000100Y4',
    });
    // Its parts check out against the independent formulations too.
    expect(orgReference('M000100Y')).toBe('4');
    expect(usccReference('91350100M000100Y4')).toBe('3');
  });

  const bodyChar = fc.constantFrom(...USCC_ALPHABET);
  const body8 = fc.array(bodyChar, { minLength: 8, maxLength: 8 }).map((a) => a.join(''));
  const prefix = fc.tuple(fc.constantFrom('91', '92', '93', '51', '52', '53', '11', '12', 'Y1', 'N1', '31'), fc.constantFrom('320113', '320100', '110000', '100000', '440305'));

  it('accepts generated codes and agrees with the independent check formulations', () => {
    fc.assert(
      fc.property(prefix, body8, ([p, div], body) => {
        expect(orgCodeCheckChar(body)).toBe(orgReference(body));
        const code = usccWithChecks(p + div, body);
        expect(usccCheckChar(code.slice(0, 17))).toBe(usccReference(code.slice(0, 17)));
        expect(validateUscc(code)).toMatchObject({ valid: true, value: code, divisionCode: div });
        expect(validateUscc(code.toLowerCase())).toMatchObject({ valid: true, value: code });
      }),
      { numRuns: 400 },
    );
  });

  it('names the forbidden letters I, O, Z, S and V', () => {
    const good = usccWithChecks('91320113', 'MA1XYW00');
    expect(validateUscc(good).valid).toBe(true);
    for (const letter of 'IOZSV') {
      const bad = good.slice(0, 10) + letter + good.slice(11);
      const r = validateUscc(bad);
      expect(r).toMatchObject({ valid: false, code: 'CHARS' });
      if (!r.valid) expect(r.reason).toContain(`字母“${letter}”`);
    }
    expect(validateUscc(good.slice(0, 17) + '#')).toMatchObject({ code: 'CHARS' });
  });

  it('reports a wrong organization-code check character separately from the final check', () => {
    fc.assert(
      fc.property(body8, (body) => {
        const right = orgCodeCheckChar(body);
        const wrong = [...'0123456789X'].find((c) => c !== right) as string;
        const first17 = '91320113' + body + wrong;
        const r = validateUscc(first17 + usccCheckChar(first17));
        expect(r).toMatchObject({ valid: false, code: 'ORG_CODE_CHECK' });
        if (!r.valid) expect(r.reason).toContain(`第17位应为${right}`);
      }),
      { numRuns: 200 },
    );
  });

  it('reports a wrong final check character with the right one', () => {
    const code = usccWithChecks('91320113', 'MA1W2X3Y');
    const wrong = [...USCC_ALPHABET].find((c) => c !== code[17]) as string;
    const r = validateUscc(code.slice(0, 17) + wrong);
    expect(r).toMatchObject({ valid: false, code: 'CHECK_CHAR' });
    if (!r.valid) expect(r.reason).toBe(`统一社会信用代码校验码错误，第18位应为${code[17]}`);
  });

  it('checks length, registration authority and division code', () => {
    expect(validateUscc(' ')).toMatchObject({ code: 'EMPTY' });
    expect(validateUscc('91350100M000100Y4')).toMatchObject({ code: 'LENGTH', reason: '统一社会信用代码应为18位，当前为17位' });
    expect(validateUscc(usccWithChecks('B1320113', '12345678'))).toMatchObject({ code: 'AUTHORITY' });
    expect(validateUscc(usccWithChecks('91A20113', '12345678'))).toMatchObject({ code: 'DIVISION' });
    expect(validateUscc(usccWithChecks('91000000', '12345678'))).toMatchObject({ code: 'DIVISION' });
  });

  it('rejects bad input to the check-character helpers', () => {
    expect(() => usccCheckChar('91350100M000100Y')).toThrow(RangeError);
    expect(() => usccCheckChar('91350100I000100Y4')).toThrow(RangeError);
    expect(() => orgCodeCheckChar('m000100y')).toThrow(RangeError);
  });
});

describe('手机号码', () => {
  it('accepts every 13–19 prefix and normalises +86, 0086, 86, spaces and hyphens', () => {
    for (const second of '3456789') expect(validateMobile(`1${second}800135678`).valid).toBe(true);
    for (const typed of ['13800135678', '+86 138 0013 5678', '+8613800135678', '86-138-0013-5678', '0086 13800135678', '１３８００１３５６７８']) {
      expect(validateMobile(typed), typed).toEqual({ valid: true, value: '13800135678' });
    }
  });

  it('names what is wrong', () => {
    expect(validateMobile('')).toMatchObject({ code: 'EMPTY', reason: '手机号码未填写' });
    for (const second of '012') {
      expect(validateMobile(`1${second}800135678`)).toMatchObject({ code: 'PREFIX' });
    }
    expect(validateMobile('23800135678')).toMatchObject({ code: 'PREFIX' });
    expect(validateMobile('1380013567')).toMatchObject({ code: 'LENGTH', reason: '手机号码应为11位，当前为10位' });
    expect(validateMobile('138001356789')).toMatchObject({ code: 'LENGTH' });
    expect(validateMobile('1380013567a')).toMatchObject({ code: 'CHARS' });
    expect(validateMobile('+1 415 555 0100')).toMatchObject({ valid: false });
  });

  it('masks numbers for lists', () => {
    expect(maskMobile('13800135678')).toBe('138****5678');
    expect(maskMobile('+86 138-0013-5678')).toBe('138****5678');
    expect(maskMobile('12345')).toBe('1***5');
  });
});

describe('validateValue and dates', () => {
  it('dispatches by kind', () => {
    expect(validateValue('id-card', '11010519491231002x')).toMatchObject({ valid: true, value: '11010519491231002X' });
    expect(validateValue('uscc', '91350100M000100Y43').valid).toBe(true);
    expect(validateValue('mobile', '138 0013 5678')).toMatchObject({ valid: true, value: '13800135678' });
    expect(validateValue('date', '2024-02-29').valid).toBe(true);
    expect(validateValue('uscc', '91350100M000100Y44')).toMatchObject({ valid: false, code: 'CHECK_CHAR' });
    expect(() => validateValue('qq' as 'mobile', '1')).toThrow(RangeError);
  });

  it('accepts only real YYYY-MM-DD dates', () => {
    expect(validateDate('2024-02-29').valid).toBe(true);
    expect(validateDate('2023-02-29')).toMatchObject({ code: 'INVALID_DATE', reason: '日期2023-02-29不是有效日期' });
    expect(validateDate('2024-2-1')).toMatchObject({ code: 'FORMAT' });
    expect(validateDate('2024/02/01')).toMatchObject({ code: 'FORMAT' });
    expect(validateDate('')).toMatchObject({ code: 'EMPTY' });
  });
});

describe('shared/ stays portable', () => {
  it('validators and forms import only relative modules and pure Ajv packages', async () => {
    const allowed = /^(\.{1,2}\/|ajv$|ajv-formats$|ajv-i18n\/|jsonschema$)/;
    for (const dir of ['shared/validators', 'shared/forms']) {
      for (const file of await readdir(path.join(repo, dir))) {
        if (!file.endsWith('.ts')) continue;
        const text = await readFile(path.join(repo, dir, file), 'utf8');
        const specifiers = [...text.matchAll(/\bfrom\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2]);
        for (const s of specifiers) expect(s, `${dir}/${file}`).toMatch(allowed);
        expect(text, `${dir}/${file}`).not.toMatch(/\b(window|document|localStorage|process)\./);
      }
    }
  });
});
