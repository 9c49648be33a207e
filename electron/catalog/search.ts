/**
 * The clerk's item search (事项搜索): Chinese text, item code, full pinyin, pinyin initials,
 * mixed pinyin, department, and one-typo tolerance, over an index built once per catalogue.
 *
 * Ranking, by tier (the `score`): exact code 100 > exact name/short name (text or pinyin) 90 >
 * prefix 80 > substring / initials / full or mixed pinyin 70 > initials or characters in order
 * with gaps 60 > department 50 > one typo 40. Within a tier: the clerk's recent items (most
 * recent first), then favourites, then shorter names, then item code, so results never
 * depend on the order items were loaded in.
 */
import { buildPinyinField, charBit, maskOf, normalizeText, type PinyinField } from './search-pinyin';
import {
  isSubsequence,
  mixedPinyinMatch,
  syllableIndexOf,
  withinOneEditOfPrefix,
} from './search-match';

export interface SearchableItem {
  code: string;
  name: string;
  shortName: string;
  /** Department code, e.g. "SCJG". */
  department: string;
  departmentName: string;
  departmentShortName: string;
  /** Extra search words (俗称). */
  keywords: string[];
}

export type MatchedBy =
  | 'code'
  | 'name'
  | 'shortName'
  | 'keyword'
  | 'pinyin-initials'
  | 'pinyin-full'
  | 'department'
  | 'fuzzy'
  /** Empty query only: listed because the clerk used it recently / pinned it. */
  | 'recent'
  | 'favourite';

export interface SearchOptions {
  /** Item codes, most recent first. */
  recent?: string[];
  favourites?: string[];
  /** Default 20. */
  limit?: number;
}

export interface SearchHit {
  code: string;
  /** The match tier (see the module comment); 0 for the empty-query list. */
  score: number;
  matchedBy: MatchedBy;
}

export interface ItemSearch {
  search(query: string, options?: SearchOptions): SearchHit[];
  readonly size: number;
}

export const SEARCH_TIERS = {
  exactCode: 100,
  exact: 90,
  prefix: 80,
  substring: 70,
  scattered: 60,
  department: 50,
  fuzzy: 40,
} as const;

const DEFAULT_LIMIT = 20;
/** Shortest latin query that may match with one typo. */
const FUZZY_MIN_LENGTH = 4;

// matchedBy as small integers, so the per-item loop stores numbers only.
const KINDS: readonly MatchedBy[] = [
  'code',
  'name',
  'shortName',
  'keyword',
  'pinyin-initials',
  'pinyin-full',
  'department',
  'fuzzy',
];
const CODE = 0, NAME = 1, SHORT = 2, KEYWORD = 3, INITIALS = 4, FULL = 5, DEPARTMENT = 6, FUZZY = 7;

interface IndexedItem {
  code: string;
  codeLower: string;
  /** Code without hyphens, e.g. "qxscjgxk001". */
  codeCompact: string;
  /** Offsets in codeCompact where a segment after the first starts. */
  codeSegments: number[];
  /** A code prefix must go past the district segment ("qx") to mean anything. */
  codeMinPrefix: number;
  name: string;
  /** null when equal to the name. */
  shortName: string | null;
  keywords: string[];
  namePy: PinyinField | null;
  shortPy: PinyinField | null;
  keywordPy: PinyinField[];
  dept: number;
}

interface IndexedDepartment {
  codeLower: string;
  name: string;
  shortName: string;
  shortPinyin: PinyinField | null;
}

export function createItemSearch(items: SearchableItem[]): ItemSearch {
  const pinyinCache = new Map<string, PinyinField | null>();
  const pinyinOf = (text: string): PinyinField | null => {
    let f = pinyinCache.get(text);
    if (f === undefined) {
      f = buildPinyinField(text);
      pinyinCache.set(text, f);
    }
    return f;
  };

  const departments: IndexedDepartment[] = [];
  const deptIndex = new Map<string, number>();
  const indexed: IndexedItem[] = [];
  const byCode = new Map<string, number>();

  for (const item of items) {
    if (byCode.has(item.code)) continue; // codes are unique in a valid catalogue; keep the first
    let dept = deptIndex.get(item.department);
    if (dept === undefined) {
      dept = departments.length;
      deptIndex.set(item.department, dept);
      departments.push({
        codeLower: item.department.toLowerCase(),
        name: normalizeText(item.departmentName),
        shortName: normalizeText(item.departmentShortName),
        shortPinyin: pinyinOf(item.departmentShortName),
      });
    }
    const name = normalizeText(item.name);
    const short = normalizeText(item.shortName);
    const keywords = [...new Set(item.keywords.map(normalizeText))].filter(
      (k) => k.length > 0 && k !== name && k !== short,
    );
    const codeLower = item.code.toLowerCase();
    const parts = codeLower.split('-');
    const codeSegments: number[] = [];
    let offset = 0;
    parts.forEach((p, i) => {
      if (i > 0 && p.length > 0) codeSegments.push(offset);
      offset += p.length;
    });
    byCode.set(item.code, indexed.length);
    indexed.push({
      code: item.code,
      codeLower,
      codeCompact: parts.join(''),
      codeSegments,
      codeMinPrefix: parts.length > 1 ? parts[0].length + 1 : 1,
      name,
      shortName: short && short !== name ? short : null,
      keywords,
      namePy: pinyinOf(item.name),
      shortPy: short && short !== name ? pinyinOf(item.shortName) : null,
      keywordPy: keywords.map(pinyinOf).filter((f): f is PinyinField => f !== null),
      dept,
    });
  }

  const n = indexed.length;
  // Shorter names first, then code: the last, load-order-independent tie-break.
  const staticRank = new Float64Array(n);
  indexed
    .map((_, i) => i)
    .sort((a, b) => {
      const d = indexed[a].name.length - indexed[b].name.length;
      if (d !== 0) return d;
      return indexed[a].code < indexed[b].code ? -1 : indexed[a].code > indexed[b].code ? 1 : 0;
    })
    .forEach((i, rank) => (staticRank[i] = rank));

  // Scratch buffers reused by every query.
  const tiers = new Uint8Array(n);
  const kinds = new Uint8Array(n);
  const recentRank = new Int32Array(n).fill(-1);
  const favourite = new Uint8Array(n);
  const candidates = new Int32Array(n);
  const sortKeys = new Float64Array(n);
  const deptTiers = new Uint8Array(departments.length);

  function search(query: string, options: SearchOptions = {}): SearchHit[] {
    const limit = Math.max(0, Math.floor(options.limit ?? DEFAULT_LIMIT));
    if (limit === 0) return [];
    const raw = normalizeText(query).replace(/[\s'’]+/g, '');
    const recent = options.recent ?? [];
    const favourites = options.favourites ?? [];
    if (!/[\p{L}\p{N}]/u.test(raw)) return listRecentAndFavourites(recent, favourites, limit);

    const isLatin = /^[a-z0-9-]+$/.test(raw);
    const q = isLatin ? raw.replace(/-/g, '') : raw;
    const qMask = isLatin ? maskOf(q) : 0;
    const cjkLength = isLatin ? 0 : [...raw].length;

    for (let d = 0; d < departments.length; d++) deptTiers[d] = matchDepartment(departments[d], raw, q, isLatin);

    const prepared: PreparedQuery = { raw, q, qMask, isLatin, cjkLength };
    let count = 0;
    for (let i = 0; i < n; i++) {
      const it = indexed[i];
      const packed = matchItem(it, prepared, deptTiers[it.dept] === 1);
      tiers[i] = packed >> 3;
      kinds[i] = packed & 7;
      if (packed !== 0) candidates[count++] = i;
    }

    // One typo: only worth the work when exact matches do not already fill the page, since
    // typo matches rank below all of them.
    if (isLatin && q.length >= FUZZY_MIN_LENGTH && count < limit) {
      for (let i = 0; i < n; i++) {
        if (tiers[i] !== 0) continue;
        const it = indexed[i];
        if (
          fuzzyMatch(it.shortPy, q, qMask) ||
          fuzzyMatch(it.namePy, q, qMask) ||
          anyFuzzyMatch(it.keywordPy, q, qMask)
        ) {
          tiers[i] = SEARCH_TIERS.fuzzy;
          kinds[i] = FUZZY;
          candidates[count++] = i;
        }
      }
    }

    return rank(count, recent, favourites, limit);
  }

  /** Orders candidates[0..count) by tier, recency, favourite, static rank; returns the top. */
  function rank(count: number, recent: string[], favourites: string[], limit: number): SearchHit[] {
    const r = markPersonal(recent, favourites);
    try {
      for (let c = 0; c < count; c++) {
        const i = candidates[c];
        const recency = recentRank[i] >= 0 ? r - recentRank[i] : 0;
        // One number per candidate; staticRank makes every key distinct.
        sortKeys[i] = ((tiers[i] * (r + 1) + recency) * 2 + favourite[i]) * (n + 1) + (n - staticRank[i]);
      }
      const order = candidates.subarray(0, count).sort((a, b) => sortKeys[b] - sortKeys[a]);
      const hits: SearchHit[] = [];
      for (let c = 0; c < order.length && c < limit; c++) {
        const i = order[c];
        hits.push({ code: indexed[i].code, score: tiers[i], matchedBy: KINDS[kinds[i]] });
      }
      return hits;
    } finally {
      clearPersonal(recent, favourites);
    }
  }

  /** Fills recentRank/favourite for this query; returns how many recent ranks are in use. */
  function markPersonal(recent: string[], favourites: string[]): number {
    let r = 0;
    for (const code of recent) {
      const i = byCode.get(code);
      if (i !== undefined && recentRank[i] < 0) recentRank[i] = r++;
    }
    for (const code of favourites) {
      const i = byCode.get(code);
      if (i !== undefined) favourite[i] = 1;
    }
    return r;
  }

  function clearPersonal(recent: string[], favourites: string[]): void {
    for (const code of recent) {
      const i = byCode.get(code);
      if (i !== undefined) recentRank[i] = -1;
    }
    for (const code of favourites) {
      const i = byCode.get(code);
      if (i !== undefined) favourite[i] = 0;
    }
  }

  function listRecentAndFavourites(recent: string[], favourites: string[], limit: number): SearchHit[] {
    const hits: SearchHit[] = [];
    const seen = new Set<string>();
    const add = (code: string, matchedBy: MatchedBy) => {
      if (hits.length < limit && byCode.has(code) && !seen.has(code)) {
        seen.add(code);
        hits.push({ code, score: 0, matchedBy });
      }
    };
    for (const code of recent) add(code, 'recent');
    for (const code of favourites) add(code, 'favourite');
    return hits;
  }

  return { search, size: n };
}

interface PreparedQuery {
  /** Normalized query as typed (hyphens kept, for codes and text). */
  raw: string;
  /** Latin query without hyphens, for pinyin; equals raw otherwise. */
  q: string;
  qMask: number;
  isLatin: boolean;
  /** Length in characters of a non-latin query. */
  cjkLength: number;
}

const pack = (tier: number, kind: number) => (tier << 3) | kind;

/** Best match of one item as tier << 3 | kind, or 0. Earlier checks win ties. */
function matchItem(it: IndexedItem, pq: PreparedQuery, departmentMatched: boolean): number {
  const { raw, q, qMask, isLatin } = pq;
  let best = 0;
  let t: number;
  if (isLatin) {
    if (raw === it.codeLower || q === it.codeCompact) return pack(SEARCH_TIERS.exactCode, CODE);
    if (q.length >= it.codeMinPrefix && it.codeCompact.startsWith(q)) {
      best = pack(SEARCH_TIERS.prefix, CODE);
    } else if (q.length >= 3) {
      for (let s = 0; s < it.codeSegments.length; s++) {
        if (it.codeCompact.startsWith(q, it.codeSegments[s])) {
          best = pack(SEARCH_TIERS.substring, CODE);
          break;
        }
      }
    }
  }
  // Text of name, short name and keywords (also catches latin words inside names).
  t = textTier(it.name, raw, SEARCH_TIERS.exact);
  if (t > best >> 3) best = pack(t, NAME);
  if (it.shortName !== null) {
    t = textTier(it.shortName, raw, SEARCH_TIERS.exact);
    if (t > best >> 3) best = pack(t, SHORT);
  }
  for (let k = 0; k < it.keywords.length && best >> 3 < SEARCH_TIERS.prefix; k++) {
    t = textTier(it.keywords[k], raw, SEARCH_TIERS.prefix);
    if (t > best >> 3) best = pack(t, KEYWORD);
  }
  if (isLatin && best >> 3 < SEARCH_TIERS.exact) {
    // Short name first: a tie between its initials and the name's full pinyin goes to initials.
    if (it.shortPy !== null) {
      const p = pinyinTier(it.shortPy, q, SEARCH_TIERS.exact);
      if (p >> 3 > best >> 3) best = p;
    }
    if (it.namePy !== null) {
      const p = pinyinTier(it.namePy, q, SEARCH_TIERS.exact);
      if (p >> 3 > best >> 3) best = p;
    }
    for (let k = 0; k < it.keywordPy.length && best >> 3 < SEARCH_TIERS.prefix; k++) {
      t = pinyinTier(it.keywordPy[k], q, SEARCH_TIERS.prefix) >> 3;
      if (t > best >> 3) best = pack(t, KEYWORD);
    }
    // Mixed full/initial pinyin reaches at most the prefix tier.
    if (best >> 3 < SEARCH_TIERS.prefix && q.length >= 3) {
      t = Math.max(mixedTier(it.shortPy, q, qMask), mixedTier(it.namePy, q, qMask));
      if (t > best >> 3) best = pack(t, FULL);
      for (let k = 0; k < it.keywordPy.length && best >> 3 < SEARCH_TIERS.substring; k++) {
        if (mixedTier(it.keywordPy[k], q, qMask) > 0) best = pack(SEARCH_TIERS.substring, KEYWORD);
      }
    }
    // Initials with words skipped, anchored at the first word: "gsdj" → 公司设立登记.
    if (
      best >> 3 < SEARCH_TIERS.scattered &&
      q.length >= 3 &&
      ((it.shortPy !== null && isSubsequence(q, it.shortPy.initials, true)) ||
        (it.namePy !== null && isSubsequence(q, it.namePy.initials, true)))
    ) {
      best = pack(SEARCH_TIERS.scattered, INITIALS);
    }
  }
  // Characters in order with gaps: "社保证明" → 社会保险参保证明打印.
  if (!isLatin && best >> 3 < SEARCH_TIERS.scattered && pq.cjkLength >= 3) {
    if (isSubsequence(raw, it.name, false)) best = pack(SEARCH_TIERS.scattered, NAME);
    else if (it.shortName !== null && isSubsequence(raw, it.shortName, false)) best = pack(SEARCH_TIERS.scattered, SHORT);
    else if (anyKeywordHasSubsequence(it.keywords, raw)) best = pack(SEARCH_TIERS.scattered, KEYWORD);
  }
  if (best >> 3 < SEARCH_TIERS.department && departmentMatched) best = pack(SEARCH_TIERS.department, DEPARTMENT);
  return best;
}

/** Tier of a plain text match: `exact` if equal, then prefix, then substring; 0 if none. */
function textTier(text: string, q: string, exact: number): number {
  if (text === q) return exact;
  if (text.startsWith(q)) return SEARCH_TIERS.prefix;
  if (text.includes(q)) return SEARCH_TIERS.substring;
  return 0;
}

/**
 * Tier of an initials or full-pinyin match, packed as tier << 3 | kind (initials win ties:
 * "gs" is more likely initials than the start of a syllable). 0 if none.
 */
function pinyinTier(f: PinyinField, q: string, exact: number): number {
  if (f.initials === q) return (exact << 3) | INITIALS;
  if (f.full === q) return (exact << 3) | FULL;
  if (f.initials.startsWith(q)) return (SEARCH_TIERS.prefix << 3) | INITIALS;
  if (f.full.startsWith(q)) return (SEARCH_TIERS.prefix << 3) | FULL;
  if (f.initials.includes(q)) return (SEARCH_TIERS.substring << 3) | INITIALS;
  if (syllableIndexOf(f, q) >= 0) return (SEARCH_TIERS.substring << 3) | FULL;
  return 0;
}

function mixedTier(f: PinyinField | null, q: string, qMask: number): number {
  if (f === null || (qMask & ~f.letters) !== 0 || (f.firsts & charBit(q.charCodeAt(0))) === 0) return 0;
  const at = mixedPinyinMatch(f, q);
  return at === 0 ? SEARCH_TIERS.prefix : at > 0 ? SEARCH_TIERS.substring : 0;
}

function fuzzyMatch(f: PinyinField | null, q: string, qMask: number): boolean {
  if (f === null) return false;
  const missing = qMask & ~f.letters;
  if ((missing & (missing - 1)) !== 0) return false; // two or more letters the text lacks
  // The first letter must be right: clerks rarely miss it, and allowing it turned "xingzheng"
  // into 病证 (bingzheng) and 境证 (jingzheng) on a realistic catalogue.
  const full = f.full;
  const c0 = q.charCodeAt(0);
  for (let s = 0; s < full.length; s++) {
    if (f.starts[s] === 1 && full.charCodeAt(s) === c0 && withinOneEditOfPrefix(q, full, s)) return true;
  }
  // Initials only from the first word: windows inside them are too short to trust.
  return f.initials.charCodeAt(0) === c0 && withinOneEditOfPrefix(q, f.initials, 0);
}

function anyKeywordHasSubsequence(keywords: string[], q: string): boolean {
  for (let k = 0; k < keywords.length; k++) if (isSubsequence(q, keywords[k], false)) return true;
  return false;
}

function anyFuzzyMatch(fields: PinyinField[], q: string, qMask: number): boolean {
  for (let k = 0; k < fields.length; k++) if (fuzzyMatch(fields[k], q, qMask)) return true;
  return false;
}

/**
 * 1 when the query names the department: text in its name or short name, its code, or the
 * pinyin of its short name from the start ("scjg", "shichang" → 市场监管). Latin is not matched
 * inside the long name, where every 局 and 栖霞区 would match.
 */
function matchDepartment(d: IndexedDepartment, raw: string, q: string, isLatin: boolean): number {
  if (d.name.includes(raw) || d.shortName.includes(raw)) return 1;
  if (!isLatin || q.length < 2) return 0;
  if (q === d.codeLower) return 1;
  const f = d.shortPinyin;
  return f !== null && (f.initials.startsWith(q) || f.full.startsWith(q)) ? 1 : 0;
}
