import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { customizeValidator } from '@rjsf/validator-ajv8';
import Ajv from 'ajv';
import { describe, expect, it, vi } from 'vitest';
import {
  addOneWindowFormats,
  createFormAjv,
  createFormValidator,
  customFormats,
  localizeFormErrors,
  transformRjsfErrors,
  type FormValidationResult,
} from '../../shared/forms';
import { idCardCheckChar, orgCodeCheckChar, usccCheckChar, validateIdCard, validateMobile, validateUscc } from '../../shared/validators';
import { generateInvalidSamples, generateValidSample } from '../fixtures/form-samples';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const common = JSON.parse(readFileSync(path.join(repo, 'resources/catalog/_common.json'), 'utf8')) as {
  definitions: Record<string, object>;
};

/** An item form the way the catalogue loader hands it over: shared blocks copied into `definitions`. */
function itemSchema(): object {
  return {
    type: 'object',
    title: '个体工商户设立登记',
    definitions: structuredClone(common.definitions),
    required: ['applicantType', 'applicant', 'startDate', 'employees'],
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
      company: { $ref: '#/definitions/company' },
      startDate: { type: 'string', title: '开业日期', format: 'date' },
      employees: { type: 'integer', title: '从业人数', minimum: 1, maximum: 500 },
      capital: { type: 'number', title: '资金数额（万元）', minimum: 0.1, maximum: 10000 },
      online: { type: 'boolean', title: '是否网店' },
      scope: { type: 'string', title: '经营范围', enum: ['餐饮服务', '零售', '理发美容'] },
      members: {
        type: 'array',
        title: '参与经营的家庭成员',
        minItems: 1,
        maxItems: 3,
        items: {
          type: 'object',
          required: ['name', 'idNumber'],
          properties: {
            name: { type: 'string', title: '成员姓名', minLength: 2, maxLength: 30 },
            idNumber: { type: 'string', title: '成员公民身份号码', format: 'id-card' },
          },
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
  };
}

/** The parts of a generated item sample the tests read or change. */
interface ItemSample {
  [field: string]: unknown;
  applicantType: string;
  applicant: { name?: string; idNumber: string; mobile: string };
  company: { creditCode: string; address: { division: string; detail: string } } & Record<string, unknown>;
  members: Record<string, unknown>[];
  agent?: unknown;
  entrustDate?: string;
}

function itemSample(schema: object, seed?: number): ItemSample {
  return generateValidSample(schema, seed === undefined ? {} : { seed }) as ItemSample;
}

function errorsOf(result: FormValidationResult) {
  return result.ok ? [] : result.errors;
}

function validId(first17 = '32011319900101123'): string {
  return first17 + idCardCheckChar(first17);
}

function validUscc(prefix10 = '92320113', body = 'MA1W2X3Y'): string {
  const first17 = prefix10 + body + orgCodeCheckChar(body);
  return first17 + usccCheckChar(first17);
}

describe('addOneWindowFormats', () => {
  const ajv = addOneWindowFormats(new Ajv());
  const check = (format: string, value: string) => ajv.validate({ type: 'string', format }, value);

  it('backs id-card, uscc and mobile with the validators', () => {
    expect(check('id-card', '11010519491231002X')).toBe(true);
    expect(check('id-card', '11010519491231002x')).toBe(true);
    expect(check('id-card', '110105194912310021')).toBe(false);
    expect(check('uscc', '91350100M000100Y43')).toBe(true);
    expect(check('uscc', '91350100M000100Y44')).toBe(false);
    expect(check('mobile', '+86 138 0013 5678')).toBe(true);
    expect(check('mobile', '12800135678')).toBe(false);
  });

  it('checks date as a real YYYY-MM-DD day, also over ajv-formats', () => {
    expect(check('date', '2024-02-29')).toBe(true);
    expect(check('date', '2023-02-29')).toBe(false);
    expect(check('date', '2024-2-9')).toBe(false);
    const full = createFormAjv();
    expect(full.validate({ type: 'string', format: 'date' }, '2023-02-29')).toBe(false);
    expect(full.validate({ type: 'string', format: 'email' }, 'clerk@example.cn')).toBe(true);
  });

  it('exposes the same checks as plain predicates for rjsf', () => {
    expect(Object.keys(customFormats).sort()).toEqual(['date', 'id-card', 'mobile', 'uscc']);
    expect(customFormats['id-card']('11010519491231002X')).toBe(true);
    expect(customFormats.uscc('91350100M000100Y44')).toBe(false);
  });
});

describe('createFormValidator with the shared catalogue blocks', () => {
  const validator = createFormValidator();
  const person = { ...common.definitions.person, definitions: common.definitions };

  it('passes a well-filled applicant and names each bad field by its title', () => {
    expect(validator.validate(person, { name: '张三', idNumber: validId(), mobile: '13800135678' })).toEqual({ ok: true });

    const first17 = '32011319900101123';
    const right = idCardCheckChar(first17);
    const wrong = right === '0' ? '1' : '0';
    const errors = errorsOf(validator.validate(person, { name: '张', idNumber: first17 + wrong, mobile: '12800135678' }));
    expect(errors).toEqual([
      { path: 'name', keyword: 'minLength', message: '姓名：不应少于2个字符' },
      { path: 'idNumber', keyword: 'format', message: `公民身份号码：校验位错误，应为${right}` },
      { path: 'mobile', keyword: 'format', message: `手机号码：${(validateMobile('12800135678') as { detail: string }).detail}` },
    ]);
  });

  it('reports missing required fields at their own path, with their titles', () => {
    const errors = errorsOf(validator.validate(common.definitions.agent, { name: '李四' }));
    expect(errors.map((e) => [e.path, e.message])).toEqual([
      ['idNumber', '经办人公民身份号码：为必填项'],
      ['mobile', '经办人手机号码：为必填项'],
      ['relation', '与申请人关系：为必填项'],
    ]);
  });

  it('follows $ref into nested blocks and collapses a oneOf of consts into one message', () => {
    const schema = itemSchema();
    const data = itemSample(schema, 3);
    data.company = {
      name: '南京栖霞某某餐饮店',
      creditCode: validUscc().slice(0, 17) + 'Z',
      legalRepresentative: '王五',
      address: { division: '320199', detail: '文苑路' },
    };
    const errors = errorsOf(validator.validate(schema, data));
    expect(errors.map((e) => [e.path, e.message])).toEqual([
      ['company.creditCode', `统一社会信用代码：${(validateUscc(data.company.creditCode) as { detail: string }).detail}`],
      ['company.address.division', '所在区划：不在可选范围内，请从列表中选择'],
      ['company.address.detail', '详细地址：不应少于4个字符'],
    ]);
    expect(errors[0].message).toContain('字母“Z”');
  });

  it('applies allOf if/then: agent filing needs the agent block and an entrust date', () => {
    const schema = itemSchema();
    const self = { ...itemSample(schema, 1), applicantType: 'self' };
    delete self.agent;
    delete self.entrustDate;
    expect(validator.validate(schema, self)).toEqual({ ok: true });

    const errors = errorsOf(validator.validate(schema, { ...self, applicantType: 'agent' }));
    expect(errors.map((e) => [e.path, e.message])).toEqual([
      ['agent', '经办人（代办时填写）：为必填项'],
      ['entrustDate', '委托日期：为必填项'],
    ]);
    // The `if` keyword's own error is noise and is not shown.
    expect(errors.some((e) => e.keyword === 'if')).toBe(false);
  });

  it('labels array items and explains types, ranges and enums in Chinese', () => {
    const schema = itemSchema();
    const data = itemSample(schema);
    data.members = [{ name: '赵六', idNumber: '11010519491231002X' }, { name: 7 }];
    data.employees = 0;
    data.scope = '洗车';
    data.online = 'yes';
    const messages = errorsOf(validator.validate(schema, data)).map((e) => `${e.path} ${e.message}`);
    expect(messages).toEqual([
      'employees 从业人数：不应小于1',
      'online 是否网店：应为是或否',
      'scope 经营范围：不在可选范围内，请从列表中选择',
      'members.1.idNumber 参与经营的家庭成员第2项 成员公民身份号码：为必填项',
      'members.1.name 参与经营的家庭成员第2项 成员姓名：应为文本',
    ]);
  });

  it('compiles a schema once, whether it comes back as the same object or an equal copy', () => {
    const ajv = createFormAjv();
    const compile = vi.spyOn(ajv, 'compile');
    const cached = createFormValidator({ ajv });
    const schema = itemSchema();
    const data = generateValidSample(schema);
    expect(cached.validate(schema, data)).toEqual({ ok: true });
    expect(cached.validate(schema, data)).toEqual({ ok: true });
    expect(cached.validate(JSON.parse(JSON.stringify(schema)), data)).toEqual({ ok: true });
    expect(compile).toHaveBeenCalledTimes(1);
    cached.validate({ ...schema, title: '另一个事项' }, data);
    expect(compile).toHaveBeenCalledTimes(2);
  });

  it('accepts a new version of a schema that reuses an $id', () => {
    const v1 = { $id: 'item:QX-SCJG-XK-001', type: 'object', properties: { a: { type: 'string', title: '甲' } }, required: ['a'] };
    const v2 = { ...v1, required: [] };
    expect(validator.validate(v1, {}).ok).toBe(false);
    expect(validator.validate(v2, {}).ok).toBe(true);
  });
});

describe('form sample generator round trip', () => {
  const validator = createFormValidator();
  const schemas: [string, () => object][] = [
    ['item form with $ref and if/then', itemSchema],
    ['company block', () => ({ ...common.definitions.company, definitions: common.definitions })],
    ['agent block', () => common.definitions.agent],
  ];

  for (const [name, make] of schemas) {
    it(`${name}: valid samples pass and every invalid sample fails where it was broken`, () => {
      for (let seed = 1; seed <= 12; seed++) {
        const schema = make();
        const sample = generateValidSample(schema, { seed });
        expect(validator.validate(schema, sample), `seed ${seed}`).toEqual({ ok: true });

        const invalid = generateInvalidSamples(schema, { seed });
        const kinds = new Set(invalid.map((s) => s.kind));
        expect(kinds.has('required') && kinds.has('type') && kinds.has('format')).toBe(true);
        for (const bad of invalid) {
          const result = validator.validate(schema, bad.data);
          expect(result.ok, bad.description).toBe(false);
          expect(errorsOf(result).map((e) => e.path), bad.description).toContain(bad.path);
        }
      }
    });
  }

  it('fills standard numbers that pass the validators directly', () => {
    const sample = itemSample(itemSchema(), 7);
    expect(validateIdCard(sample.applicant.idNumber).valid).toBe(true);
    expect(validateMobile(sample.applicant.mobile).valid).toBe(true);
    expect(validateUscc(sample.company.creditCode).valid).toBe(true);
    expect(sample.members.length).toBeGreaterThanOrEqual(1);
  });

  it('is deterministic per seed and exercises both if/then branches across seeds', () => {
    expect(generateValidSample(itemSchema(), { seed: 5 })).toEqual(generateValidSample(itemSchema(), { seed: 5 }));
    expect(generateValidSample(itemSchema(), { seed: 5 })).not.toEqual(generateValidSample(itemSchema(), { seed: 6 }));
    const types = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) {
      const s = itemSample(itemSchema(), seed);
      types.add(s.applicantType);
      if (s.applicantType === 'agent') expect(typeof s.entrustDate).toBe('string');
    }
    expect(types).toEqual(new Set(['self', 'agent']));
  });

  it('includes the then-required field among the missing-field samples when the branch is active', () => {
    let seed = 1;
    while (itemSample(itemSchema(), seed).applicantType !== 'agent') seed++;
    const paths = generateInvalidSamples(itemSchema(), { seed })
      .filter((s) => s.kind === 'required')
      .map((s) => s.path);
    expect(paths).toEqual(expect.arrayContaining(['agent', 'entrustDate', 'applicant.idNumber', 'members.0.name']));
  });
});

describe('@rjsf glue', () => {
  it('gives rjsf the same Chinese messages through customizeValidator + transformRjsfErrors', () => {
    const rjsf = customizeValidator({ customFormats }, localizeFormErrors);
    const schema = itemSchema();
    const data = itemSample(schema, 2);
    expect(rjsf.validateFormData(data, schema, undefined, transformRjsfErrors).errors).toEqual([]);

    const first17 = '32011319900101123';
    const right = idCardCheckChar(first17);
    data.applicant.idNumber = first17 + (right === 'X' ? '0' : 'X');
    delete data.applicant.name;
    data.company.address.division = '999999';
    const { errors } = rjsf.validateFormData(data, schema, undefined, transformRjsfErrors);
    const ours = errorsOf(createFormValidator().validate(schema, data));
    expect(errors.map((e) => e.message)).toEqual(ours.map((e) => e.message));
    expect(errors.map((e) => e.property)).toEqual(ours.map((e) => `.${e.path}`));
    expect(errors.map((e) => e.stack)).toContain(`公民身份号码：校验位错误，应为${right}`);
  });

  it('works on rjsf errors built without our localizer, and is idempotent', () => {
    const raw = [
      { name: 'format', property: '.applicant.idNumber', params: { format: 'id-card' }, message: 'must match format "id-card"', stack: '', title: '公民身份号码', schemaPath: '#/definitions/person/properties/idNumber/format' },
      { name: 'required', property: '.applicant.name', params: { missingProperty: 'name' }, message: "must have required property 'name'", stack: '', title: '姓名', schemaPath: '#/definitions/person/required' },
      { name: 'const', property: '.division', params: { allowedValue: '320113001' }, message: 'must be equal to constant', stack: '', title: '', schemaPath: '#/properties/division/oneOf/0/const' },
      { name: 'oneOf', property: '.division', params: { passingSchemas: null }, message: 'must match exactly one schema in oneOf', stack: '', title: '所在区划', schemaPath: '#/properties/division/oneOf' },
      { name: 'if', property: '', params: { failingKeyword: 'then' }, message: 'must match "then" schema', stack: '', schemaPath: '#/allOf/0/if' },
      { property: '.mobile', message: '该号码已被其他申请人使用', stack: '该号码已被其他申请人使用' },
    ];
    const once = transformRjsfErrors(raw);
    expect(once.map((e) => e.message)).toEqual([
      '公民身份号码：不是有效的公民身份号码',
      '姓名：为必填项',
      '所在区划：不在可选范围内，请从列表中选择',
      '该号码已被其他申请人使用',
    ]);
    expect(transformRjsfErrors(once).map((e) => e.message)).toEqual(once.map((e) => e.message));
  });
});
