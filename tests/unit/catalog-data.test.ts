/**
 * The shipped catalogue: a Qixia district center could recognise it as theirs. Every item
 * loads, every form accepts a generated valid sample and rejects invalid ones, the seed
 * article's items are there, and clerks' usual abbreviations find them first.
 */
import { describe, expect, it } from 'vitest';
import { createCatalog } from '../../electron/catalog';
import { loadCatalog } from '../../electron/catalog/loader';
import { createFormValidator } from '../../shared/forms';
import { generateInvalidSamples, generateValidSample } from '../fixtures/form-samples';

const catalog = loadCatalog();
const forms = createFormValidator();

describe('shipped catalogue', () => {
  it('loads without a single problem', () => {
    expect(catalog.problems).toEqual([]);
  });

  it('has 150+ real items from 12+ departments covering the window item types', () => {
    expect(catalog.items.length).toBeGreaterThanOrEqual(150);
    expect(new Set(catalog.items.map((i) => i.department)).size).toBeGreaterThanOrEqual(12);
    const types = new Set(catalog.items.map((i) => i.type));
    for (const t of ['行政许可', '行政确认', '行政给付', '公共服务', '其他行政权力', '备案']) expect(types).toContain(t);
    expect(new Set(catalog.items.map((i) => i.level))).toEqual(new Set(['district', 'street', 'any']));
    expect(catalog.items.some((i) => i.approval.co.length > 0)).toBe(true);
    for (const i of catalog.items) expect(i.name).not.toMatch(/测试|示例|test/i);
  });

  it('includes the items the seed article names', () => {
    const names = catalog.items.map((i) => i.name);
    for (const seed of ['公司设立登记', '建筑工程施工许可证核发', '社会保险参保证明打印', '市民卡挂失', '生育登记']) expect(names).toContain(seed);
  });

  it('has no copy-pasted forms', () => {
    const shapes = new Set(catalog.items.map((i) => JSON.stringify(i.form.schema)));
    expect(shapes.size).toBe(catalog.items.length);
  });

  it('accepts a generated valid sample and rejects each invalid one, for every item', () => {
    let checked = 0;
    const failures: string[] = [];
    for (const item of catalog.items) {
      for (const seed of [1, 2]) {
        const valid = generateValidSample(item.resolvedSchema, { seed });
        const r = forms.validate(item.resolvedSchema, valid);
        if (!r.ok) failures.push(`${item.code} valid sample refused: ${r.errors[0]?.message}`);
        checked++;
      }
      for (const bad of generateInvalidSamples(item.resolvedSchema, { seed: 3 })) {
        if (forms.validate(item.resolvedSchema, bad.data).ok) failures.push(`${item.code} accepted: ${bad.description}`);
        checked++;
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(catalog.items.length * 3);
  });

  it('finds the seed items first by the abbreviations clerks type', () => {
    const c = createCatalog({ loaded: catalog });
    expect(c.search('gsdj')[0]!.name).toBe('公司设立登记');
    expect(c.search('sgxk')[0]!.name).toBe('建筑工程施工许可证核发');
    expect(c.search('shiminka')[0]!.name).toBe('市民卡挂失');
    expect(c.search('生育')[0]!.name).toBe('生育登记');
    expect(c.search('准生证')[0]!.name).toBe('生育登记');
  });
});
