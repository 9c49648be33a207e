/**
 * A minimal ustar writer and reader (gzip via node:zlib) for diagnostics bundles: regular files
 * only, paths up to 100 bytes, no links. Enough for a few small text files; `tar -xzf` reads it.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

export interface TarEntry {
  path: string;
  data: Uint8Array;
  mtime?: Date;
}

function header(path: string, size: number, mtime: Date): Buffer {
  const h = Buffer.alloc(512);
  const name = Buffer.from(path, 'utf8');
  if (name.length > 100) throw new Error(`路径过长：${path}`);
  name.copy(h, 0);
  const octal = (n: number, len: number) => n.toString(8).padStart(len - 1, '0') + '\0';
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write('0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return h;
}

export function tarGz(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = Buffer.from(e.data);
    parts.push(header(e.path, data.length, e.mtime ?? new Date()), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts));
}

export function readTarGz(bytes: Uint8Array): TarEntry[] {
  const tar = gunzipSync(bytes);
  const out: TarEntry[] = [];
  for (let off = 0; off + 512 <= tar.length; ) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const path = h.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(h.subarray(124, 136).toString('ascii').replace(/\0.*$/s, '').trim() || '0', 8);
    const mtime = new Date(parseInt(h.subarray(136, 148).toString('ascii').trim() || '0', 8) * 1000);
    out.push({ path, data: new Uint8Array(tar.subarray(off + 512, off + 512 + size)), mtime });
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}
