/**
 * Per-keystroke matchers for item search. All work on strings prepared at index time and
 * allocate nothing, so a search over 1,000 items stays far below a millisecond or two.
 */
import type { PinyinField } from './search-pinyin';

/** Offset of `q` in `f.full` starting on a syllable boundary, or -1. */
export function syllableIndexOf(f: PinyinField, q: string): number {
  let i = f.full.indexOf(q);
  while (i !== -1) {
    if (f.starts[i] === 1) return i;
    i = f.full.indexOf(q, i + 1);
  }
  return -1;
}

/** Caps backtracking on pathological input; real queries use a few dozen steps. */
const STEP_BUDGET = 400;
let steps = 0;

/**
 * Mixed pinyin, as IMEs accept it: each syllable typed in full or by its initial (first letter,
 * or zh/ch/sh), the last one possibly cut short. "shimkgs" → 市民卡挂失, "gongsdj" → 公司登记.
 * Polyphone readings are tried too. Returns the syllable where the match starts, or -1.
 */
export function mixedPinyinMatch(f: PinyinField, q: string): number {
  const first = q.charCodeAt(0);
  const n = f.syllables.length;
  for (let si = 0; si < n; si++) {
    if (!startsWithChar(f, si, first)) continue;
    steps = 0;
    if (fromSyllable(f, si, q, 0)) return si;
  }
  return -1;
}

function startsWithChar(f: PinyinField, si: number, code: number): boolean {
  if (f.syllables[si].charCodeAt(0) === code) return true;
  const alts = f.alternates[si];
  if (alts !== null) {
    for (let a = 0; a < alts.length; a++) if (alts[a].charCodeAt(0) === code) return true;
  }
  return false;
}

function fromSyllable(f: PinyinField, si: number, q: string, qi: number): boolean {
  if (++steps > STEP_BUDGET) return false;
  if (tryReading(f, si, f.syllables[si], q, qi)) return true;
  const alts = f.alternates[si];
  if (alts !== null) {
    for (let a = 0; a < alts.length; a++) if (tryReading(f, si, alts[a], q, qi)) return true;
  }
  return false;
}

function tryReading(f: PinyinField, si: number, r: string, q: string, qi: number): boolean {
  const rest = q.length - qi;
  let k = 0;
  while (k < r.length && k < rest && q.charCodeAt(qi + k) === r.charCodeAt(k)) k++;
  if (k === 0) return false;
  if (k === rest) return true; // the query ends inside (or at the end of) this syllable
  const next = si + 1;
  if (next >= f.syllables.length) return false;
  if (k === r.length && fromSyllable(f, next, q, qi + k)) return true;
  const initial = initialLength(r);
  if (initial < r.length) {
    if (fromSyllable(f, next, q, qi + 1)) return true;
    if (initial === 2 && k >= 2 && fromSyllable(f, next, q, qi + 2)) return true;
  }
  return false;
}

/** zh/ch/sh count as one initial; everything else starts with a one-letter initial. */
function initialLength(r: string): number {
  return r.length > 2 && r.charCodeAt(1) === 104 /* h */ && 'zcs'.includes(r[0]) ? 2 : 1;
}

/** `q` is a subsequence of `s`. With `anchored`, q's first character must be s's first. */
export function isSubsequence(q: string, s: string, anchored: boolean): boolean {
  if (q.length > s.length) return false;
  if (anchored && q.charCodeAt(0) !== s.charCodeAt(0)) return false;
  let j = 0;
  for (let i = 0; i < s.length && j < q.length; i++) {
    if (s.charCodeAt(i) === q.charCodeAt(j)) j++;
  }
  return j === q.length;
}

/**
 * Whether some prefix of text[start..] is within one edit (substitution, insertion, deletion)
 * of q. Checking the three edits at the first mismatch is enough for a distance of one.
 */
export function withinOneEditOfPrefix(q: string, text: string, start: number): boolean {
  let i = 0;
  let j = start;
  while (i < q.length && j < text.length && q.charCodeAt(i) === text.charCodeAt(j)) {
    i++;
    j++;
  }
  if (i === q.length) return true;
  if (j === text.length) return q.length - i === 1; // one extra character at the end
  return (
    restIsPrefix(q, i + 1, text, j + 1) || // substitution
    restIsPrefix(q, i + 1, text, j) || // extra character in q
    restIsPrefix(q, i, text, j + 1) // character missing from q
  );
}

function restIsPrefix(q: string, qi: number, text: string, ti: number): boolean {
  if (q.length - qi > text.length - ti) return false;
  for (; qi < q.length; qi++, ti++) if (q.charCodeAt(qi) !== text.charCodeAt(ti)) return false;
  return true;
}
