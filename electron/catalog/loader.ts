/**
 * Loads the item catalogue from resources/catalog: departments.json, _common.json (shared form
 * blocks) and one file per department. Every item is checked against the meta-schema and its
 * form is compiled; a broken definition is reported with its file, item and field and skipped,
 * and the rest of the catalogue still loads.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Department } from '../../shared/catalog/item-definition';
import { checkCatalogFiles, resolveFormSchema, type CatalogFileInput, type CatalogProblem, type CheckedItem } from '../../shared/sync/catalog-bundle';
import { appPath } from '../paths';

export type { CatalogProblem };
export { resolveFormSchema };

export type LoadedItem = CheckedItem;

export interface LoadedCatalog {
  departments: Department[];
  items: LoadedItem[];
  problems: CatalogProblem[];
}

export function defaultCatalogDir(): string {
  return appPath('resources', 'catalog');
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

export interface LoadOptions {
  /** Load only these file names from `dir` (e.g. when checking one file). */
  only?: string[];
  /** Where departments.json and _common.json come from when `dir` has none: the shipped catalogue. */
  baseDir?: string;
}

export function loadCatalog(dir = defaultCatalogDir(), options: LoadOptions = {}): LoadedCatalog {
  const base = (name: string) => (existsSync(join(dir, name)) ? join(dir, name) : join(options.baseDir ?? defaultCatalogDir(), name));
  const files: CatalogFileInput[] = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'departments.json' && !f.startsWith('_'))
    .filter((f) => !options.only || options.only.includes(f))
    .map((name) => {
      try {
        return { name, json: readJson(join(dir, name)) };
      } catch (err) {
        return { name, error: (err as Error).message };
      }
    });
  // The same checks the back office runs before it publishes a catalogue version.
  return checkCatalogFiles({ departments: readJson(base('departments.json')), common: readJson(base('_common.json')), files });
}
