import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../electron/catalog/loader';
import { PERSONAL_ITEM, writeCatalogFixture } from '../helpers/catalog-fixture';
import { tempDir } from '../helpers/workstation';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir()));
afterEach(() => dir.remove());

describe('catalogue loader', () => {
  it('reports a broken definition by file, item and field and still loads the rest', () => {
    const broken = { ...PERSONAL_ITEM, code: 'QX-MZ-GG-902', timeLimit: { legalDays: 5, promisedDays: 'three' } };
    const badRef = { ...PERSONAL_ITEM, code: 'QX-MZ-GG-903', form: { schema: { type: 'object', properties: { x: { $ref: '#/definitions/nope' } } } } };
    const unknownDept = { ...PERSONAL_ITEM, code: 'QX-MZ-GG-904', approval: { lead: 'MZ', co: ['XYZ'] } };
    const duplicate = { ...PERSONAL_ITEM };
    writeCatalogFixture(dir.path, {
      'mz2.json': { department: 'MZ', items: [broken, badRef, unknownDept, duplicate] },
      'zz-not-json.json': '{ "department": ',
    });
    const catalog = loadCatalog(dir.path);
    expect(catalog.items.map((i) => i.code).sort()).toEqual(['QX-MZ-GG-901', 'QX-SCJG-BA-901']);
    const byItem = Object.fromEntries(catalog.problems.map((p) => [p.itemCode ?? p.file, p]));
    expect(byItem['QX-MZ-GG-902']).toMatchObject({ file: 'mz2.json', field: 'timeLimit.promisedDays' });
    expect(byItem['QX-MZ-GG-903']).toMatchObject({ field: 'form.schema' });
    expect(byItem['QX-MZ-GG-903']!.message).toContain('nope');
    expect(byItem['QX-MZ-GG-904']!.message).toContain('XYZ');
    expect(byItem['QX-MZ-GG-901']!.message).toContain('重复');
    expect(byItem['zz-not-json.json']!.message).toContain('JSON');
  });

  it('copies the shared form blocks an item uses, transitively', () => {
    writeCatalogFixture(dir.path);
    const item = loadCatalog(dir.path).items.find((i) => i.code === 'QX-SCJG-BA-901')!;
    const defs = item.resolvedSchema.definitions as Record<string, unknown>;
    expect(Object.keys(defs).sort()).toEqual(['address', 'company', 'person']);
  });
});
