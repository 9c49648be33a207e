/**
 * Line breaking for Chinese text mixed with numbers and Latin words: a line may break between
 * any two Chinese characters, never inside a Latin word or number, never before a closing
 * punctuation mark (，。）》…) and never after an opening one (（《“…) — the basic 禁则 of
 * Chinese typesetting.
 */

/** Must not start a line. */
const NO_START = new Set([...'，。、；：？！）》」』】〕〉”’…—·%‰,.;:?!)]}']);
/** Must not end a line. */
const NO_END = new Set([...'（《「『【〔〈“‘([{']);

/** Runs that stay together: Latin words, numbers, case numbers, codes. */
const WORD = /[A-Za-z0-9@#&_+\-./:*]/u;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let word = '';
  for (const ch of text) {
    if (WORD.test(ch)) {
      word += ch;
      continue;
    }
    if (word) {
      tokens.push(word);
      word = '';
    }
    tokens.push(ch);
  }
  if (word) tokens.push(word);
  return tokens;
}

export type Measure = (text: string) => number;

/** Splits one over-long token into pieces that fit. */
function splitToken(token: string, width: number, measure: Measure): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (const ch of token) {
    if (piece && measure(piece + ch) > width) {
      pieces.push(piece);
      piece = '';
    }
    piece += ch;
  }
  if (piece) pieces.push(piece);
  return pieces;
}

/**
 * Wraps `text` to lines no wider than `width` (`firstIndent` narrows the first line). Explicit
 * newlines are kept. Spaces at the start of a wrapped line are dropped.
 */
export function wrapText(text: string, width: number, measure: Measure, firstIndent = 0): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line: string[] = [];
    let lineWidth = 0;
    const limit = () => width - (lines.length === 0 ? firstIndent : 0);
    const flush = () => {
      lines.push(line.join('').trimEnd());
      line = [];
      lineWidth = 0;
    };
    const tokens = tokenize(paragraph).flatMap((t) => (measure(t) > width - firstIndent ? splitToken(t, width - firstIndent, measure) : [t]));
    for (const token of tokens) {
      const w = measure(token);
      if (line.length === 0 && token === ' ' && lines.length > 0) continue;
      if (lineWidth + w <= limit() || line.length === 0) {
        line.push(token);
        lineWidth += w;
        continue;
      }
      // Breaking here. Carry back what may not end this line, or must not start the next.
      const carry: string[] = [];
      if (NO_START.has(token)) {
        // Take back the last character, and any closing marks before it, e.g. "品）" before "，".
        while (line.length > 1 && NO_START.has(line[line.length - 1]!)) carry.unshift(line.pop()!);
        if (line.length > 1) carry.unshift(line.pop()!);
      }
      while (line.length > 1 && NO_END.has(line[line.length - 1]!)) carry.unshift(line.pop()!);
      flush();
      for (const c of carry) {
        line.push(c);
        lineWidth += measure(c);
      }
      if (!(token === ' ' && line.length === 0)) {
        line.push(token);
        lineWidth += w;
      }
    }
    flush();
  }
  return lines;
}
