import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getClosestMatchingOption, getFirstMatchingOption, retrieveSchema, type RJSFSchema, type ValidatorType } from '@rjsf/utils';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadCatalog } from '../../electron/catalog/loader';
import {
  createFormValidator,
  createInterpretedFormValidator,
  pruneEmptyOptional,
  transformRjsfErrors,
  type FormError,
  type FormValidationResult,
} from '../../shared/forms';
import { createCspSafeValidator } from '../../renderer/src/forms/rjsf-validator';
import { idCardCheckChar, validateMobile } from '../../shared/validators';
import { generateInvalidSamples, generateValidSample } from '../fixtures/form-samples';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const common = JSON.parse(readFileSync(path.join(repo, 'resources/catalog/_common.json'), 'utf8')) as {
  definitions: Record<string, object>;
};

type Json = Record<string, unknown>;

const ajv = createFormValidator();
const interpreted = createInterpretedFormValidator();
// The declared type is the check: it must fit where @rjsf's <Form validator> wants one.
const csp: ValidatorType = createCspSafeValidator();

function errorsOf(result: FormValidationResult): FormError[] {
  return result.ok ? [] : result.errors;
}

/** Order-free comparison key for errors from either validator. */
function keys(errors: { path: string; message: string }[]): string[] {
  return errors.map((e) => `${e.path} ${e.message}`).sort();
}

function rjsfKeys(errors: { property?: string; message?: string }[]): string[] {
  return errors.map((e) => `${(e.property ?? '').replace(/^\./, '')} ${e.message}`).sort();
}

function validId(first17 = '32011319900101123'): string {
  return first17 + idCardCheckChar(first17);
}

/** An item form the way the catalogue loader hands it over (shared blocks in `definitions`). */
function itemSchema(): RJSFSchema {
  return {
    type: 'object',
    title: '个体工商户设立登记',
    definitions: structuredClone(common.definitions),
    required: ['applicantType', 'applicant'],
    properties: {
      applicantType: {
        type: 'string',
        title: '申请方式',
        oneOf: [
          { const: 'self', title: '本人办理' },
          { const: 'agent', title: '委托代办' },
        ],
      },
      applicant: { $ref: '#/definitions/person' },
      agent: { $ref: '#/definitions/agent' },
      spouse: {
        type: 'object',
        title: '配偶信息',
        required: ['name'],
        properties: {
          name: { type: 'string', title: '配偶姓名', minLength: 2 },
          coBorrower: { type: 'boolean', title: '共同借款人', default: true },
        },
      },
      withMortgage: { type: 'boolean', title: '是否抵押', default: false },
      members: {
        type: 'array',
        title: '家庭成员',
        items: {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string', title: '成员姓名', minLength: 2 }, note: { type: 'string', title: '备注' } },
        },
      },
    },
    allOf: [
      {
        if: { properties: { applicantType: { const: 'agent' } }, required: ['applicantType'] },
        then: {
          required: ['agent', 'entrustDate'],
          properties: { entrustDate: { type: 'string', title: '委托日期', format: 'date' } },
        },
      },
    ],
  } as RJSFSchema;
}

const applicant = { name: '张三', idNumber: validId(), mobile: '13800135678' };

describe('parity with the Ajv validator over the real catalogue', () => {
  const { items, problems } = loadCatalog();
  const SEEDS = [1, 2, 3];
  const totals = { items: items.length, valid: 0, invalid: 0, absorbed: 0 };
  const files = [...new Set(items.map((i) => i.file))].sort();

  it('loads the whole catalogue', () => {
    expect(problems).toEqual([]);
    expect(items.length).toBeGreaterThan(150);
  });

  it.each(files)('%s: both validators agree on every generated sample, with the same messages', (file) => {
    for (const item of items.filter((i) => i.file === file)) {
      const schema = item.resolvedSchema;
      for (const seed of SEEDS) {
        const where = `${item.code} seed ${seed}`;
        const sample = generateValidSample(schema, { seed });
        expect(ajv.validate(schema, sample), where).toEqual({ ok: true });
        expect(interpreted.validate(schema, sample), where).toEqual({ ok: true });
        expect(csp.validateFormData(sample, schema).errors, where).toEqual([]);
        // A fully filled form loses nothing to pruning.
        expect(pruneEmptyOptional(schema, sample), where).toEqual(sample);
        totals.valid++;

        for (const bad of generateInvalidSamples(schema, { seed })) {
          const label = `${where}: ${bad.description}`;
          totals.invalid++;
          // Engine parity: same verdict, same paths and same Chinese messages as Ajv.
          const byAjv = ajv.validate(schema, bad.data);
          expect(byAjv.ok, label).toBe(false);
          expect(keys(errorsOf(interpreted.validate(schema, bad.data))), label).toEqual(keys(errorsOf(byAjv)));

          // The rjsf validator prunes untouched optional blocks first; Ajv on the pruned data agrees.
          const pruned = pruneEmptyOptional(schema, bad.data);
          const byAjvPruned = JSON.stringify(pruned) === JSON.stringify(bad.data) ? byAjv : ajv.validate(schema, pruned);
          const { errors, errorSchema } = csp.validateFormData(bad.data, schema);
          expect(rjsfKeys(errors), label).toEqual(keys(errorsOf(byAjvPruned)));
          if (byAjvPruned.ok) {
            // Only when the broken value was an optional blank ('') or sat in an optional block
            // with nothing else entered: pruning removed it, as rjsf itself would for a cleared input.
            totals.absorbed++;
            const segments = bad.path.split('.');
            const gone = segments.some((_, i) => segments.slice(0, i + 1).reduce<unknown>((n, s) => (n as Json | undefined)?.[s], pruned) === undefined);
            expect(gone, label).toBe(true);
            continue;
          }
          expect(errors.map((e) => e.property), label).toContain(bad.path === '' ? '' : `.${bad.path}`);
          expect(errors.every((e) => typeof e.message === 'string' && e.stack === e.message && e.name && e.schemaPath?.startsWith('#')), label).toBe(true);
          expect(Object.keys(errorSchema).length, label).toBeGreaterThan(0);
        }
      }
    }
  });

  afterAll(() => {
    console.info(
      `[rjsf-validator] catalogue parity: ${totals.items} items × ${SEEDS.length} seeds, ${totals.valid} valid + ${totals.invalid} invalid samples checked; ${totals.absorbed} invalid samples were pruned to valid (an optional field set to '' or an otherwise empty optional block)`,
    );
  });
});

describe('createCspSafeValidator', () => {
  const schema = itemSchema();

  it('names each field by its title in Chinese and points required errors at the missing field', () => {
    const first17 = '32011319900101123';
    const right = idCardCheckChar(first17);
    const wrong = right === '0' ? '1' : '0';
    const data = { applicantType: 'self', applicant: { idNumber: first17 + wrong, mobile: '12800135678' }, members: [{ name: '赵六' }, { name: 7 }] };
    const { errors, errorSchema } = csp.validateFormData(data, schema);
    expect(errors.map((e) => [e.name, e.property, e.message])).toEqual([
      ['required', '.applicant.name', '姓名：为必填项'],
      ['format', '.applicant.idNumber', `公民身份号码：校验位错误，应为${right}`],
      ['format', '.applicant.mobile', `手机号码：${(validateMobile('12800135678') as { detail: string }).detail}`],
      ['type', '.members.1.name', '家庭成员第2项 成员姓名：应为文本'],
    ]);
    expect(errors[0]).toMatchObject({ params: { missingProperty: 'name' }, schemaPath: '#/definitions/person/required', title: '姓名' });
    expect(errors[1]).toMatchObject({ params: { format: 'id-card' }, schemaPath: '#/definitions/person/properties/idNumber/format' });
    expect(errors[3].schemaPath).toBe('#/properties/members/items/properties/name/type');
    expect(errorSchema).toMatchObject({
      applicant: { name: { __errors: ['姓名：为必填项'] }, idNumber: { __errors: [`公民身份号码：校验位错误，应为${right}`] } },
      members: { 1: { name: { __errors: ['家庭成员第2项 成员姓名：应为文本'] } } },
    });
    // Same messages as the core's Ajv validator, and transformRjsfErrors (if still passed) changes nothing.
    expect(rjsfKeys(errors)).toEqual(keys(errorsOf(ajv.validate(schema, data))));
    expect(transformRjsfErrors(errors)).toEqual(errors);
    expect(csp.validateFormData(data, schema, undefined, transformRjsfErrors).errors).toEqual(errors);
  });

  it('treats an untouched optional block as absent, but checks a half-filled one', () => {
    const base = { applicantType: 'self', applicant };
    for (const agent of [{}, { name: '', idNumber: undefined }, { name: null }]) {
      expect(csp.validateFormData({ ...base, agent }, schema).errors, JSON.stringify(agent)).toEqual([]);
    }
    expect(csp.validateFormData({ ...base, agent: { name: '李四' } }, schema).errors.map((e) => [e.property, e.message])).toEqual([
      ['.agent.idNumber', '经办人公民身份号码：为必填项'],
      ['.agent.mobile', '经办人手机号码：为必填项'],
      ['.agent.relation', '与申请人关系：为必填项'],
    ]);
    // rjsf fills defaults into optional blocks: a block holding only its defaults is untouched too.
    expect(csp.validateFormData({ ...base, spouse: { coBorrower: true } }, schema).errors).toEqual([]);
    expect(csp.validateFormData({ ...base, spouse: { coBorrower: false } }, schema).errors.map((e) => e.message)).toEqual(['配偶姓名：为必填项']);
    // An optional list of untouched placeholder items is absent too; a list with content is checked.
    expect(csp.validateFormData({ ...base, members: [{}, { note: '' }] }, schema).errors).toEqual([]);
    expect(csp.validateFormData({ ...base, members: [{ note: '长子' }] }, schema).errors.map((e) => e.property)).toEqual(['.members.0.name']);
  });

  it('keeps a block that an active if/then requires, so its fields show their own errors', () => {
    const self = { applicantType: 'self', applicant };
    expect(csp.validateFormData(self, schema).errors).toEqual([]);
    const agentWithout = csp.validateFormData({ ...self, applicantType: 'agent' }, schema).errors;
    expect(agentWithout.map((e) => [e.name, e.property, e.message])).toEqual([
      ['required', '.agent', '经办人（代办时填写）：为必填项'],
      ['required', '.entrustDate', '委托日期：为必填项'],
    ]);
    expect(agentWithout.some((e) => e.name === 'if')).toBe(false);
    const agentEmpty = csp.validateFormData({ ...self, applicantType: 'agent', agent: {}, entrustDate: '2024-02-30' }, schema).errors;
    expect(agentEmpty.map((e) => e.property)).toEqual(['.agent.name', '.agent.idNumber', '.agent.mobile', '.agent.relation', '.entrustDate']);
    expect(agentEmpty[4].message).toBe('委托日期：2024-02-30不是有效日期');
  });

  it('resolves $refs against the root schema in isValid, as rjsf uses it for oneOf/anyOf and if', () => {
    const root = itemSchema();
    const person = { $ref: '#/definitions/person' } as RJSFSchema;
    const company = { $ref: '#/definitions/company' } as RJSFSchema;
    expect(csp.isValid(person, applicant, root)).toBe(true);
    expect(csp.isValid(person, { ...applicant, idNumber: '110105194912310021' }, root)).toBe(false);
    expect(csp.isValid(company, applicant, root)).toBe(false);

    const firm = { name: '南京栖霞某某餐饮店', creditCode: '91350100M000100Y43', legalRepresentative: '王五', address: { division: '320113001', detail: '文苑路九号' } };
    expect(csp.isValid(company, firm, root)).toBe(true);
    expect(csp.isValid(company, { ...firm, address: { division: '999999', detail: '文苑路九号' } }, root)).toBe(false);
    // rjsf's own option matching, driven by this validator.
    const options = [person, company];
    expect(getFirstMatchingOption(csp, firm, options, root)).toBe(1);
    expect(getFirstMatchingOption(csp, applicant, options, root)).toBe(0);
    expect(getClosestMatchingOption(csp, root, firm, options)).toBe(1);
    // rjsf resolves if/then through isValid: the then-branch field appears only when it holds.
    const props = (data: Json) => Object.keys(retrieveSchema(csp, root, root, data).properties ?? {});
    expect(props({ applicantType: 'agent' })).toContain('entrustDate');
    expect(props({ applicantType: 'self' })).not.toContain('entrustDate');
    // Never throws: a dangling $ref or a broken keyword is just "not valid".
    expect(csp.isValid({ $ref: '#/definitions/nowhere' } as RJSFSchema, {}, root)).toBe(false);
    expect(csp.isValid({ type: 'object', allOf: 'x' } as unknown as RJSFSchema, {}, root)).toBe(false);
  });

  it('merges customValidate errors and reports a broken schema instead of throwing', () => {
    const { errors, errorSchema } = csp.validateFormData({ applicantType: 'self', applicant }, schema, (formData, handler) => {
      if ((formData as { applicant?: { mobile?: string } }).applicant?.mobile === applicant.mobile) handler.applicant?.mobile?.addError('该号码已被其他申请人使用');
      return handler;
    });
    // rjsf's toErrorList words the stack of custom errors as "<property> <message>", as with validator-ajv8.
    expect(errors.map((e) => [e.property, e.message, e.stack])).toEqual([['.applicant.mobile', '该号码已被其他申请人使用', '.applicant.mobile 该号码已被其他申请人使用']]);
    expect(errorSchema).toMatchObject({ applicant: { mobile: { __errors: ['该号码已被其他申请人使用'] } } });

    const broken = { type: 'object', properties: { a: { $ref: '#/definitions/missing' } } } as RJSFSchema;
    const result = csp.validateFormData({ a: 1 }, broken);
    expect(result.errors.map((e) => e.stack)).toEqual([expect.stringMatching(/^表单定义有误，无法校验：/)]);
    expect(result.errorSchema.$schema?.__errors).toHaveLength(1);
    expect(csp.rawValidation(broken, { a: 1 }).validationError?.message).toMatch(/^表单定义有误/);
  });

  it('gives raw, Ajv-shaped errors from rawValidation (no pruning)', () => {
    const { errors } = csp.rawValidation<{ keyword: string; instancePath: string; params: Json; message: string }>(schema, {
      applicantType: 'x',
      applicant,
      agent: {},
    });
    expect(errors?.map((e) => [e.keyword, e.instancePath, e.params, e.message])).toEqual([
      ['oneOf', '/applicantType', { passingSchemas: null }, '不在可选范围内，请从列表中选择'],
      ['required', '/agent', { missingProperty: 'name' }, '为必填项'],
      ['required', '/agent', { missingProperty: 'idNumber' }, '为必填项'],
      ['required', '/agent', { missingProperty: 'mobile' }, '为必填项'],
      ['required', '/agent', { missingProperty: 'relation' }, '为必填项'],
    ]);
    expect(csp.rawValidation(schema, { applicantType: 'self', applicant }).errors).toBeUndefined();
  });

  it('words oneOf like Ajv: no option matched, or several did', () => {
    const choice = {
      type: 'object',
      properties: {
        pick: { type: 'string', title: '办理方式', oneOf: [{ const: 'window', title: '窗口' }, { const: 'online', title: '网上' }] },
        code: { title: '编号', oneOf: [{ type: 'string' }, { minLength: 1 }] },
      },
    } as RJSFSchema;
    const data = { pick: 'mail', code: 'A1' };
    const errors = csp.validateFormData(data, choice).errors;
    expect(errors.map((e) => [e.property, e.message, e.params])).toEqual([
      ['.pick', '办理方式：不在可选范围内，请从列表中选择', { passingSchemas: null }],
      ['.code', '编号：同时符合多个可选项，无法确定', { passingSchemas: [0, 1] }],
    ]);
    expect(rjsfKeys(errors)).toEqual(keys(errorsOf(ajv.validate(choice, data))));
  });

  it('checks our formats with the shared validators and leaves unknown formats alone', () => {
    const fields = {
      type: 'object',
      properties: {
        d: { type: 'string', title: '日期', format: 'date' },
        u: { type: 'string', title: '统一社会信用代码', format: 'uscc' },
        m: { type: 'string', title: '手机', format: 'mobile' },
        e: { type: 'string', title: '邮箱', format: 'email' },
        x: { type: 'string', title: '自定义', format: 'no-such-format' },
        n: { title: '非文本', format: 'id-card' },
      },
    } as RJSFSchema;
    vi.spyOn(console, 'warn').mockImplementation(() => undefined); // Ajv's note on the unknown format
    const ok = { d: '2024-02-29', u: '91350100M000100Y43', m: '+86 138 0013 5678', e: 'clerk@example.cn', x: 'anything', n: 12 };
    expect(csp.validateFormData(ok, fields).errors).toEqual([]);
    const bad = { d: '2023-02-29', u: '91350100M000100Y44', m: '12800135678', e: 'not-mail', x: '', n: 12 };
    const errors = csp.validateFormData(bad, fields).errors;
    expect(errors.map((e) => e.property)).toEqual(['.d', '.u', '.m', '.e']);
    expect(errors[3].message).toBe('邮箱：不是有效的电子邮箱');
    expect(rjsfKeys(errors)).toEqual(keys(errorsOf(ajv.validate(fields, bad))));
  });
});

describe('pruneEmptyOptional', () => {
  const schema = itemSchema();

  it('removes only optional blanks and untouched optional blocks, without touching its input', () => {
    const data = {
      applicantType: 'self',
      applicant: { name: '', idNumber: applicant.idNumber, mobile: applicant.mobile },
      agent: { name: '' },
      spouse: { coBorrower: true },
      withMortgage: false,
      members: [{ name: '赵六', note: '' }, {}],
      extra: '',
    };
    const before = structuredClone(data);
    expect(pruneEmptyOptional(schema, data)).toEqual({
      applicantType: 'self',
      // Required fields stay even when blank: their errors are real.
      applicant: { name: '', idNumber: applicant.idNumber, mobile: applicant.mobile },
      // A scalar equal to its default is a value, not a blank.
      withMortgage: false,
      // List items keep their places (error paths use the index); blanks inside them go.
      members: [{ name: '赵六' }, {}],
    });
    expect(data).toEqual(before);
  });

  it('keeps what an active then-branch requires and accepts a custom condition check', () => {
    expect(pruneEmptyOptional(schema, { applicantType: 'agent', agent: {} })).toEqual({ applicantType: 'agent', agent: {} });
    expect(pruneEmptyOptional(schema, { applicantType: 'self', agent: {} })).toEqual({ applicantType: 'self' });
    // Undecidable condition: both branches count, so nothing they require is dropped.
    expect(pruneEmptyOptional(schema, { applicantType: 'self', agent: {} }, () => undefined)).toEqual({ applicantType: 'self', agent: {} });
  });

  it('lets the Ajv validator accept the same untouched blocks', () => {
    const data = { applicantType: 'self', applicant, agent: {} };
    expect(ajv.validate(schema, data).ok).toBe(false);
    expect(ajv.validate(schema, pruneEmptyOptional(schema, data))).toEqual({ ok: true });
  });
});

describe('no code generation (Content Security Policy without unsafe-eval)', () => {
  const item = loadCatalog().items.find((i) => JSON.stringify(i.resolvedSchema).includes('"if"'))!;
  const schema = item.resolvedSchema;

  /** Runs `fn` (awaited) with eval and every way of reaching the Function constructor made to throw. */
  async function withoutEval<R>(fn: () => R | Promise<R>): Promise<R> {
    const RealFunction = globalThis.Function;
    const realEval = globalThis.eval;
    const trap = function () {
      throw new EvalError('CSP: code generation from strings is disallowed');
    } as unknown as FunctionConstructor;
    (trap as { prototype: unknown }).prototype = RealFunction.prototype; // keeps `instanceof Function` working
    const realCtor = Object.getOwnPropertyDescriptor(RealFunction.prototype, 'constructor')!;
    globalThis.Function = trap;
    globalThis.eval = trap as unknown as typeof eval;
    Object.defineProperty(RealFunction.prototype, 'constructor', { ...realCtor, value: trap });
    try {
      return await fn();
    } finally {
      Object.defineProperty(RealFunction.prototype, 'constructor', realCtor);
      globalThis.Function = RealFunction;
      globalThis.eval = realEval;
    }
  }

  it('the trap is real: Ajv cannot compile a schema inside it', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined); // Ajv logs the code it could not compile
    await expect(withoutEval(() => createFormValidator().validate(schema, {}))).rejects.toThrow(EvalError);
  });

  it('validates, resolves conditions and prunes with the traps in place, with the same results', async () => {
    const samples = [1, 2].flatMap((seed) => [generateValidSample(schema, { seed }), ...generateInvalidSamples(schema, { seed }).map((s) => s.data)]);
    const run = () => {
      const fresh = createCspSafeValidator();
      return samples.map((data) => ({
        form: fresh.validateFormData(data, schema, (d, handler) => handler),
        valid: fresh.isValid(schema, data, schema),
        raw: fresh.rawValidation(schema, data).errors?.length ?? 0,
        pruned: pruneEmptyOptional(schema, data),
        retrieved: retrieveSchema(fresh, schema, schema, data as Json),
      }));
    };
    const trapped = await withoutEval(run);
    expect(trapped).toEqual(run());
    expect(trapped.filter((r) => !r.valid).length).toBe(samples.length - 2);
  });

  it('evaluates our modules afresh with the traps in place', async () => {
    vi.resetModules();
    const errors = await withoutEval(async () => {
      const fresh = await import('../../renderer/src/forms/rjsf-validator');
      expect(fresh.createCspSafeValidator).not.toBe(createCspSafeValidator);
      return fresh.createCspSafeValidator().validateFormData({}, schema).errors;
    });
    expect(errors.length).toBeGreaterThan(0);
  });

  it('has no eval or Function constructor in the source it runs (jsonschema, @rjsf/utils, shared/forms)', () => {
    const dirs = ['node_modules/jsonschema/lib', 'node_modules/@rjsf/utils/lib', 'shared/forms', 'shared/validators', 'renderer/src/forms'];
    const pattern = /\bnew Function\b|(?<![\w.])Function\s*\(|(?<![\w.])eval\s*\(/;
    let scanned = 0;
    for (const dir of dirs) {
      for (const name of readdirSync(path.join(repo, dir), { recursive: true }) as string[]) {
        if (!/\.(js|ts)$/.test(name) || name.endsWith('.d.ts')) continue;
        const text = readFileSync(path.join(repo, dir, name), 'utf8');
        expect(pattern.test(text), `${dir}/${name}`).toBe(false);
        scanned++;
      }
    }
    expect(scanned).toBeGreaterThan(50);
  });
});
