/**
 * The catalogue capability: loaded definitions, ranked search and the views the contract
 * returns. Public surface: createCatalog().
 */
import type { ItemDetail, ItemSummary } from '../../shared/contract/channels';
import { ContractError } from '../../shared/contract/errors';
import { loadCatalog, type CatalogProblem, type LoadedCatalog, type LoadedItem } from './loader';
import { createItemSearch } from './search';

export type { CatalogProblem, LoadedItem };

export interface Catalog {
  /** Read afresh each time: reload() swaps them. */
  readonly items: LoadedItem[];
  readonly problems: CatalogProblem[];
  departmentName(code: string): string;
  /** The current version of an item, or a given version; NOT_FOUND otherwise. */
  get(code: string, version?: number): LoadedItem;
  search(query: string, options?: { limit?: number; recent?: string[]; favourites?: string[] }): ItemSummary[];
  summary(item: LoadedItem, matchedBy?: string): ItemSummary;
  detail(item: LoadedItem): ItemDetail;
  /**
   * Replaces the catalogue in place (a version pulled from the back office): every holder of
   * this object sees the new items at once. Drafts keep their own definition snapshot.
   */
  reload(source: { dir?: string } | { loaded: LoadedCatalog }): void;
}

function build(loaded: LoadedCatalog) {
  const depts = new Map(loaded.departments.map((d) => [d.code, d]));
  const byCode = new Map(loaded.items.map((i) => [i.code, i]));
  const index = createItemSearch(
    loaded.items.map((i) => ({
      code: i.code,
      name: i.name,
      shortName: i.shortName,
      department: i.department,
      departmentName: depts.get(i.department)?.name ?? i.department,
      departmentShortName: depts.get(i.department)?.shortName ?? i.department,
      keywords: i.keywords,
    })),
  );
  return { loaded, depts, byCode, index };
}

export function createCatalog(source: { dir?: string } | { loaded: LoadedCatalog } = {}): Catalog {
  const load = (src: { dir?: string } | { loaded: LoadedCatalog }) => ('loaded' in src ? src.loaded : loadCatalog(src.dir));
  let state = build(load(source));
  const departmentName = (code: string) => state.depts.get(code)?.name ?? code;

  const summary = (item: LoadedItem, matchedBy?: string): ItemSummary => ({
    code: item.code,
    version: item.version,
    name: item.name,
    shortName: item.shortName,
    type: item.type,
    department: item.department,
    departmentName: departmentName(item.department),
    level: item.level,
    promisedDays: item.timeLimit.promisedDays,
    ...(matchedBy ? { matchedBy } : {}),
  });

  return {
    get items() {
      return state.loaded.items;
    },
    get problems() {
      return state.loaded.problems;
    },
    departmentName,
    get(code, version) {
      const item = state.byCode.get(code);
      if (!item || (version !== undefined && item.version !== version)) {
        throw new ContractError('NOT_FOUND', version === undefined ? `事项 ${code} 不在事项目录中` : `事项 ${code} 的第 ${version} 版不在事项目录中`);
      }
      return item;
    },
    search(query, options = {}) {
      const { index, byCode } = state;
      return index
        .search(query, { limit: options.limit ?? 20, recent: options.recent, favourites: options.favourites })
        .map((hit) => summary(byCode.get(hit.code)!, hit.matchedBy));
    },
    summary,
    detail(item) {
      return {
        ...summary(item),
        legalBasis: item.legalBasis,
        conditions: item.conditions,
        legalDays: item.timeLimit.legalDays,
        fees: item.fees,
        delivery: item.delivery,
        materials: item.materials,
        approval: item.approval,
        formSchema: item.resolvedSchema,
        uiSchema: item.form.uiSchema ?? {},
      };
    },
    reload(next) {
      state = build(load(next));
    },
  };
}
