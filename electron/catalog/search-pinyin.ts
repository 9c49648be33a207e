/**
 * Index-time pinyin for item search: one PinyinField per searchable text (name, short name,
 * keyword, department name). Everything a query needs is computed here once, so a keystroke
 * only runs string comparisons.
 */
import { pinyin } from 'pinyin-pro';

/**
 * Readings a clerk may type for polyphonic characters common in service-item names, on top of
 * pinyin-pro's choice from word context (which is kept as the primary reading). Only readings
 * that occur in real item vocabulary are listed, so rare dictionary readings add no noise.
 */
const ALTERNATE_READINGS: Readonly<Record<string, readonly string[]>> = {
  行: ['xing', 'hang'],
  重: ['zhong', 'chong'],
  长: ['chang', 'zhang'],
  还: ['huan', 'hai'],
  会: ['hui', 'kuai'],
  单: ['dan', 'shan'],
  给: ['gei', 'ji'],
  调: ['tiao', 'diao'],
  传: ['chuan', 'zhuan'],
  解: ['jie', 'xie'],
  省: ['sheng', 'xing'],
  参: ['can', 'shen'],
  朝: ['chao', 'zhao'],
  乐: ['le', 'yue'],
  藏: ['cang', 'zang'],
  降: ['jiang', 'xiang'],
  便: ['bian', 'pian'],
  强: ['qiang', 'jiang'],
  曾: ['ceng', 'zeng'],
  差: ['cha', 'chai'],
  系: ['xi', 'ji'],
  都: ['du', 'dou'],
};

export interface PinyinField {
  /** Primary readings joined, e.g. 公司设立登记 → "gongsishelidengji". */
  full: string;
  /** 1 at each offset of `full` where a syllable starts. */
  starts: Uint8Array;
  /** First letter of each syllable (a latin/digit run counts whole), e.g. "gssldj". */
  initials: string;
  /** Primary reading per syllable. */
  syllables: string[];
  /** Other plausible readings per syllable (polyphones, ü typed as u), or null. */
  alternates: (readonly string[] | null)[];
  /** Bitmask of every character in every reading (see charBit). */
  letters: number;
  /** Bitmask of the first character of every reading. */
  firsts: number;
}

/** a–z → bits 0–25, any digit → bit 26, anything else → bit 27. */
export function charBit(code: number): number {
  if (code >= 97 && code <= 122) return 1 << (code - 97);
  if (code >= 48 && code <= 57) return 1 << 26;
  return 1 << 27;
}

export function maskOf(text: string): number {
  let mask = 0;
  for (let i = 0; i < text.length; i++) mask |= charBit(text.charCodeAt(i));
  return mask;
}

/** Lower-case, width-folded (full-width ＡＢＣ１ → abc1) form used on both sides of a match. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

const LATIN_OR_DIGIT = /[a-z0-9]/;

/** Builds the pinyin field of a text, or null when it has nothing to type in latin letters. */
export function buildPinyinField(text: string): PinyinField | null {
  const normalized = normalizeText(text);
  if (normalized.length === 0) return null;
  const chars = pinyin(normalized, { type: 'all', toneType: 'none', v: true });
  const syllables: string[] = [];
  const alternates: (readonly string[] | null)[] = [];
  const isRun: boolean[] = [];
  let run = '';
  const flushRun = () => {
    if (run) {
      syllables.push(run);
      alternates.push(null);
      isRun.push(true);
      run = '';
    }
  };
  for (const c of chars) {
    if (c.isZh && c.pinyin) {
      flushRun();
      const primary = c.pinyin;
      syllables.push(primary);
      alternates.push(alternatesFor(c.origin, primary));
      isRun.push(false);
    } else if (LATIN_OR_DIGIT.test(c.origin)) {
      run += c.origin;
    } else {
      flushRun(); // punctuation and spaces only separate
    }
  }
  flushRun();
  if (syllables.length === 0) return null;

  const full = syllables.join('');
  const starts = new Uint8Array(full.length);
  let offset = 0;
  let letters = 0;
  let firsts = 0;
  let initials = '';
  syllables.forEach((s, i) => {
    starts[offset] = 1;
    offset += s.length;
    // A latin/digit run (e.g. "etc") stays whole in the initials: clerks type it as is.
    initials += isRun[i] ? s : s[0];
    for (const r of [s, ...(alternates[i] ?? [])]) {
      letters |= maskOf(r);
      firsts |= charBit(r.charCodeAt(0));
    }
  });
  return { full, starts, initials, syllables, alternates, letters, firsts };
}

function alternatesFor(char: string, primary: string): readonly string[] | null {
  const listed = ALTERNATE_READINGS[char];
  const others = listed ? listed.filter((r) => r !== primary) : [];
  // ü is written v by pinyin-pro and IMEs; some clerks type u (lv → lu, nv → nu).
  if (primary.includes('v')) others.push(primary.replace(/v/g, 'u'));
  return others.length > 0 ? others : null;
}
