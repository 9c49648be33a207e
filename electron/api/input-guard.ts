/**
 * A structural check of every input before zod sees it: bounded depth and size, plain data only,
 * and no key that could reach an object's prototype (`__proto__`, `constructor`, `prototype`).
 * Browser mode's JSON parser already refuses some of these; Electron's structured clone does not,
 * so the core refuses them itself and both transports behave alike.
 */
const INPUT_LIMITS = { maxDepth: 32, maxNodes: 200_000 } as const;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A Chinese reason the input is refused, or null. */
export function inputProblem(input: unknown): string | null {
  let nodes = 0;
  const stack: [unknown, number][] = [[input, 0]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (++nodes > INPUT_LIMITS.maxNodes) return '请求数据过大';
    if (value === null || typeof value !== 'object') {
      if (typeof value === 'function' || typeof value === 'symbol') return '请求数据含有无法处理的值';
      continue;
    }
    if (depth >= INPUT_LIMITS.maxDepth) return '请求数据嵌套过深';
    const proto = Object.getPrototypeOf(value);
    if (Array.isArray(value)) {
      for (const v of value) stack.push([v, depth + 1]);
      continue;
    }
    // Typed arrays and other class instances are not contract data.
    if (proto !== Object.prototype && proto !== null) return '请求数据含有无法处理的值';
    for (const key of Reflect.ownKeys(value)) {
      if (typeof key === 'symbol' || FORBIDDEN_KEYS.has(key)) return `请求参数含有不允许的字段名：${String(key).slice(0, 20)}`;
      stack.push([(value as Record<string, unknown>)[key], depth + 1]);
    }
  }
  return null;
}
