/**
 * The content-addressed blob store on a real temp folder: atomic writes (a writer killed with
 * SIGKILL mid-write leaves no damaged file under a real name), dedupe, hash verification on
 * read, and the orphan sweep.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BLOB_OVERHEAD, createBlobStore, sha256Hex, SHA256_PATTERN } from '../../electron/materials/blob-store';
import { BlobIntegrityError, BlobNotFoundError } from '../../electron/materials/errors';
import { appPath } from '../../electron/paths';
import { tempDir } from '../helpers/workstation';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir('onewindow-blobs-')));
afterEach(() => dir.remove());

/** Every file under blobs/, as [folder-relative path, name]. */
function listFiles(root: string): { path: string; name: string }[] {
  const out: { path: string; name: string }[] = [];
  if (!existsSync(root)) return out;
  for (const a of readdirSync(root)) for (const b of readdirSync(join(root, a))) for (const f of readdirSync(join(root, a, b))) out.push({ path: join(root, a, b, f), name: f });
  return out;
}

describe('blob store', () => {
  it('stores bytes under blobs/ab/cd/<sha256> and reads them back verified', async () => {
    const store = createBlobStore(dir.path);
    const bytes = randomBytes(100_000);
    const put = await store.put(bytes);
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(put).toEqual({ sha256: sha, size: 100_000, created: true });
    const file = join(dir.path, 'blobs', sha.slice(0, 2), sha.slice(2, 4), sha);
    expect(store.pathOf(sha)).toBe(file);
    // Sealed at rest (AES-256-GCM): the file holds none of the plain bytes.
    const raw = readFileSync(file);
    expect(raw.length).toBe(100_000 + BLOB_OVERHEAD);
    expect(raw.subarray(0, 4).toString()).toBe('OWB1');
    expect(raw.includes(bytes.subarray(5000, 5032))).toBe(false);
    expect(Buffer.from(await store.get(sha)).equals(bytes)).toBe(true);
    expect(await store.has(sha)).toBe(true);
    expect((await store.stat(sha))?.size).toBe(100_000);
    expect(listFiles(store.root)).toHaveLength(1); // no temp file left behind
  });

  it('never writes the same bytes twice, and refreshes the kept file so a sweep spares it', async () => {
    let clock = Date.parse('2026-11-20T02:00:00Z');
    const store = createBlobStore(dir.path, { now: () => clock });
    const bytes = randomBytes(5000);
    const first = await store.put(bytes);
    const path = store.pathOf(first.sha256);
    const old = new Date(clock - 10 * 86400_000);
    utimesSync(path, old, old);
    const inodeBefore = statSync(path).ino;
    clock += 1000;
    const second = await store.put(Buffer.from(bytes));
    expect(second).toEqual({ sha256: first.sha256, size: 5000, created: false });
    expect(statSync(path).ino).toBe(inodeBefore); // not rewritten
    expect(statSync(path).mtimeMs).toBeGreaterThan(old.getTime());
    expect(listFiles(store.root)).toHaveLength(1);
  });

  it('refuses a blob whose bytes changed on disk, and a put of the real bytes repairs it', async () => {
    const store = createBlobStore(dir.path);
    const bytes = randomBytes(4096);
    const { sha256 } = await store.put(bytes);
    const path = store.pathOf(sha256);
    const damaged = readFileSync(path);
    damaged[1234] ^= 0x01; // one flipped bit
    writeFileSync(path, damaged);
    const err = await store.get(sha256).catch((e) => e);
    expect(err).toBeInstanceOf(BlobIntegrityError);
    expect(err.code).toBe('BLOB_CORRUPT');
    expect(err.message).toMatch(/材料文件已损坏/);
    expect(err.actual).toBeNull(); // it did not even decrypt
    expect(err.reason).toBe('authentication');
    expect(await store.verify(sha256)).toBe(false);
    // Truncation too.
    writeFileSync(path, damaged.subarray(0, 100));
    await expect(store.get(sha256)).rejects.toBeInstanceOf(BlobIntegrityError);

    const repaired = await store.put(bytes);
    expect(repaired.created).toBe(true);
    expect(Buffer.from(await store.get(sha256)).equals(bytes)).toBe(true);
  });

  it('reports a missing blob with a typed error and rejects names that are not SHA-256', async () => {
    const store = createBlobStore(dir.path);
    const sha = sha256Hex(Buffer.from('never stored'));
    const err = await store.get(sha).catch((e) => e);
    expect(err).toBeInstanceOf(BlobNotFoundError);
    expect(err.message).toMatch(/材料文件缺失/);
    expect(await store.has(sha)).toBe(false);
    expect(await store.stat(sha)).toBeNull();
    await expect(store.get('../../etc/passwd')).rejects.toThrow(TypeError);
  });

  it('sweeps only unreferenced blobs older than the grace period, and stale temp files', async () => {
    let clock = Date.parse('2026-11-20T02:00:00Z');
    const store = createBlobStore(dir.path, { now: () => clock });
    const kept = await store.put(Buffer.from('referenced page'));
    const orphanOld = await store.put(Buffer.from('deleted page, long ago'));
    const orphanYoung = await store.put(Buffer.from('being stored right now'));
    const long = new Date(clock - 3 * 86400_000);
    utimesSync(store.pathOf(kept.sha256), long, long);
    utimesSync(store.pathOf(orphanOld.sha256), long, long);
    const folder = join(store.pathOf(kept.sha256), '..');
    const staleTemp = join(folder, `${kept.sha256}.123.abcdef.tmp`);
    const freshTemp = join(folder, `${kept.sha256}.456.abcdef.tmp`);
    const foreign = join(folder, 'README.txt');
    writeFileSync(staleTemp, 'half written');
    utimesSync(staleTemp, long, long);
    writeFileSync(freshTemp, 'being written');
    writeFileSync(foreign, 'not ours');
    utimesSync(foreign, long, long);

    clock += 1000;
    const sweep = await store.removeOrphans(new Set([kept.sha256]), 86400_000);
    expect(sweep.removed).toEqual([orphanOld.sha256]);
    expect(sweep.bytesFreed).toBe(Buffer.byteLength('deleted page, long ago') + BLOB_OVERHEAD); // bytes on disk
    expect(sweep.tempFilesRemoved).toBe(1);
    expect(sweep.keptYoung).toBe(1);
    expect(await store.has(kept.sha256)).toBe(true);
    expect(await store.has(orphanOld.sha256)).toBe(false);
    expect(await store.has(orphanYoung.sha256)).toBe(true);
    expect(existsSync(staleTemp)).toBe(false);
    expect(existsSync(freshTemp)).toBe(true);
    expect(existsSync(foreign)).toBe(true);
  });

  it('a writer killed with SIGKILL mid-write leaves no damaged blob under a real name', async () => {
    // The child writes distinct 24 MiB blobs in a loop. Once it has stored one, we watch the
    // folders and kill it the moment a temp file shows up, i.e. inside write(), fsync() or
    // before rename().
    const script = join(dir.path, 'writer.mts');
    writeFileSync(
      script,
      `import { randomFillSync } from 'node:crypto';
import { createBlobStore } from ${JSON.stringify(pathToFileURL(appPath('electron', 'materials', 'blob-store.ts')).href)};
const store = createBlobStore(process.argv[2]);
const buf = Buffer.alloc(24 * 1024 * 1024);
for (;;) {
  randomFillSync(buf, 0, 4096);
  const r = await store.put(buf);
  process.stdout.write('stored ' + r.sha256 + '\\n');
}
`,
    );
    const root = join(dir.path, 'blobs');
    const stored = new Set<string>();
    let killedMidWrite = 0;
    for (let round = 0; round < 4; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', script, dir.path], { cwd: appPath(), stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, signal) => resolve(signal)));
      let watching = false;
      let timer: NodeJS.Timeout | undefined;
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (chunk: string) => {
        for (const line of chunk.split('\n')) if (line.startsWith('stored ')) stored.add(line.slice(7));
        if (watching) return;
        watching = true;
        const known = new Set(listFiles(root).map((f) => f.name));
        timer = setInterval(() => {
          if (listFiles(root).some((f) => f.name.endsWith('.tmp') && !known.has(f.name))) {
            clearInterval(timer);
            child.kill('SIGKILL');
            killedMidWrite++;
          }
        }, 1);
      });
      expect(await exited).toBe('SIGKILL');
      clearInterval(timer);
      const check = createBlobStore(dir.path);
      for (const f of listFiles(root).filter((x) => SHA256_PATTERN.test(x.name))) {
        // Under a real name: complete, decrypting, and matching its hash, always.
        expect(sha256Hex(await check.get(f.name))).toBe(f.name);
      }
    }
    expect(killedMidWrite).toBe(4);
    expect(stored.size).toBeGreaterThanOrEqual(4);
    const store = createBlobStore(dir.path);
    for (const sha of stored) expect(await store.verify(sha)).toBe(true);
    // Interrupted writes leave temp files, never served; the sweep clears them.
    const temps = listFiles(root).filter((f) => f.name.endsWith('.tmp')).length;
    const sweep = await store.removeOrphans(stored, 0);
    expect(sweep.tempFilesRemoved).toBe(temps);
    expect(listFiles(store.root).filter((f) => f.name.endsWith('.tmp'))).toHaveLength(0);
  }, 60_000);

  it('reads a plain blob of an earlier version, then seals it in place (reseal), and refuses a file swapped under another name', async () => {
    const store = createBlobStore(dir.path);
    const legacy = Buffer.from('plain page written before blobs were encrypted '.repeat(50));
    const sha = sha256Hex(legacy);
    const path = store.pathOf(sha);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, legacy);
    expect(Buffer.from(await store.get(sha)).equals(legacy)).toBe(true);
    const pass = await store.reseal();
    expect(pass).toEqual({ resealed: 1, kept: 0, damaged: [] });
    expect(readFileSync(path).includes(Buffer.from('plain page written'))).toBe(false);
    expect(Buffer.from(await store.get(sha)).equals(legacy)).toBe(true);
    expect(await store.reseal({ onlyIfNeeded: true })).toEqual({ resealed: 0, kept: 0, damaged: [] }); // marker: nothing to walk
    expect((await store.reseal()).kept).toBe(1);

    // A sealed file copied under another blob's name does not decrypt (the name is authenticated).
    const other = await store.put(Buffer.from('another page'));
    writeFileSync(store.pathOf(other.sha256), readFileSync(path));
    await expect(store.get(other.sha256)).rejects.toMatchObject({ code: 'BLOB_CORRUPT', reason: 'authentication' });
    expect(await store.verify(other.sha256)).toBe(false);
    expect(existsSync(store.pathOf(other.sha256))).toBe(true); // refused, never deleted
  });
});
