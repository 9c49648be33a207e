/** File walking, hashing and verified copying for backups and diagnostics bundles. */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every regular file under root, as forward-slash paths relative to root, sorted. */
export function listFiles(root: string, skip: (rel: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const rel = relative(root, path).split(sep).join('/');
      if (skip(rel)) continue;
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (st.isFile()) out.push(rel);
    }
  };
  walk(root);
  return out.sort();
}

/** Copies a file and proves the copy: the copy's hash must equal the source's. Returns both. */
export async function copyVerified(from: string, to: string): Promise<{ sha256: string; bytes: number }> {
  mkdirSync(dirname(to), { recursive: true });
  const before = await sha256File(from);
  await copyFile(from, to);
  const after = await sha256File(to);
  if (before !== after) throw new Error(`复制后校验不符：${from}`);
  return { sha256: after, bytes: statSync(to).size };
}

export function isEmptyDir(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}
