/**
 * The layering the lint rules also enforce, checked here by reading the sources so that a
 * regression fails `npm test` too: only the shell imports electron; shared/ imports no Node.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../../electron/paths';

const root = appRoot();

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) out.push(...files(rel));
    else if (/\.(ts|tsx)$/.test(name)) out.push(rel);
  }
  return out;
}

const importsOf = (file: string) =>
  [...readFileSync(join(root, file), 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);

describe('architecture boundaries', () => {
  it('only the shell imports electron', () => {
    const shell = (f: string) => f === 'electron/main.ts' || f === 'electron/preload.ts' || f.startsWith('electron/shell/');
    const offenders = [...files('electron'), ...files('shared'), ...files('renderer/src'), ...(safeFiles('backoffice'))]
      .filter((f) => !shell(f))
      .filter((f) => importsOf(f).some((i) => i === 'electron' || i.startsWith('electron/')));
    expect(offenders).toEqual([]);
  });

  it('shared/ imports no Node built-ins and nothing outside shared/', () => {
    const offenders = files('shared').flatMap((f) =>
      importsOf(f)
        .filter((i) => i.startsWith('node:') || ['fs', 'path', 'os', 'crypto', 'child_process'].includes(i) || (i.startsWith('.') && !relative(root, join(root, f, '..', i)).startsWith('shared')))
        .map((i) => `${f} → ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the renderer imports shared/ but never the core', () => {
    const offenders = files('renderer/src').flatMap((f) =>
      importsOf(f)
        .filter((i) => i.startsWith('node:') || (i.startsWith('.') && /^(electron|db|backoffice)\b/.test(relative(root, join(root, f, '..', i)))))
        .map((i) => `${f} → ${i}`),
    );
    expect(offenders).toEqual([]);
  });
});

function safeFiles(dir: string): string[] {
  try {
    return files(dir);
  } catch {
    return [];
  }
}
