/**
 * Face check (人证核验) against real models and real images: the demo photos shipped in
 * @vladmandic/face-api, crops and "ID photos" made from them, and hostile files generated
 * here with sharp into a temp dir. One warm service is shared by the whole file.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFaceCompareCommand } from '../../electron/identity/face/cli';
import {
  createFaceService,
  decide,
  DEFAULT_THRESHOLDS,
  FaceError,
  inspectImage,
  sniffImageFormat,
  type FaceBox,
  type FaceErrorCode,
  type FaceService,
} from '../../electron/identity/face/index';
import { killFaceWorkerForTests } from '../../electron/identity/face/service';
import { cropFace, demoImagePath, hostile, idPhotoFrom, toBmp } from '../../electron/identity/face/testing';

const LOAD = 120_000;
const SLOW = 60_000;

let service: FaceService;
let dir: string;
const demo: Record<number, Buffer> = {};
const boxes: Record<number, FaceBox[]> = {};

/** Head-and-shoulders crop of face `i` of demo photo `n`: stands in for a live capture. */
const live = (n: number, i: number) => cropFace(demo[n], boxes[n][i], 0.6);
const idPhoto = (n: number, i: number, quality?: number) => idPhotoFrom(demo[n], boxes[n][i], { quality });

async function file(name: string, bytes: Uint8Array): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, bytes);
  return p;
}

async function codeOf(p: Promise<unknown>): Promise<{ code: FaceErrorCode; message: string; image?: 0 | 1 }> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(FaceError);
    const err = e as FaceError;
    return { code: err.code, message: err.message, image: err.image };
  }
  throw new Error('expected a FaceError');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onewindow-face-'));
  service = createFaceService();
  await service.warmUp();
  for (const n of [1, 3, 4, 5, 6]) {
    demo[n] = await readFile(demoImagePath(n));
    boxes[n] = (await service.detect(demo[n], { landmarks: false })).boxes;
  }
}, LOAD);

afterAll(async () => {
  await service?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('demo photos', () => {
  it('finds every face of the group photos with 68 landmarks each', async () => {
    expect(boxes[1]).toHaveLength(3);
    expect(boxes[5]).toHaveLength(5);
    const r = await service.detect(demo[6]);
    expect(r.faces).toBe(4);
    expect(r.width).toBe(1920);
    expect(r.landmarks?.every((l) => l.length === 68)).toBe(true);
    for (const b of r.boxes) expect(b.x >= 0 && b.y >= 0 && b.x + b.width <= r.width + 1).toBe(true);
  }, SLOW);
});

describe('compare: different people', () => {
  it('never calls two different people a match', async () => {
    const pairs: [number, number, number, number][] = [
      [1, 0, 3, 0],
      [1, 0, 6, 3],
      [3, 0, 5, 1],
      [6, 1, 1, 1],
      [4, 3, 1, 2], // the closest different pair among the demo faces (≈0.46)
    ];
    const decisions: string[] = [];
    for (const [n1, i1, n2, i2] of pairs) {
      const r = await service.compare(await live(n1, i1), await idPhoto(n2, i2));
      expect(r.match).toBe(false);
      expect(r.decision).not.toBe('match');
      expect(r.distance).toBeGreaterThan(r.thresholds.match);
      decisions.push(r.decision);
    }
    expect(decisions.filter((d) => d === 'no-match').length).toBeGreaterThanOrEqual(3);
  }, SLOW);
});

describe('compare: the same face after crop, scale and recompression', () => {
  it('matches a live crop with a 102×126 low-quality "ID photo" of the same face', async () => {
    for (const [n, i] of [
      [1, 0],
      [3, 0],
      [6, 1],
    ] as const) {
      const id = await idPhoto(n, i);
      const meta = await sharp(id).metadata();
      expect([meta.width, meta.height]).toEqual([102, 126]);
      const r = await service.compare(await live(n, i), id);
      expect(r).toMatchObject({ decision: 'match', match: true, faces: [1, 1] });
      expect(r.distance).toBeLessThanOrEqual(r.thresholds.match);
      expect(r.ms).toBeGreaterThan(0);
      expect(r.model.version).toMatch(/face-api 1\.7\.15.*wasm/);
    }
  }, SLOW);

  it('matches after halving, WebP, PNG and a very low JPEG quality', async () => {
    const crop = await live(3, 0);
    const meta = await sharp(crop).metadata();
    const variants = {
      half: await sharp(crop).resize(Math.round(meta.width / 2)).jpeg({ quality: 50 }).toBuffer(),
      webp: await sharp(crop).webp({ quality: 60 }).toBuffer(),
      png: await sharp(crop).png().toBuffer(),
      q10: await sharp(crop).jpeg({ quality: 10 }).toBuffer(),
    };
    for (const [name, bytes] of Object.entries(variants)) {
      const r = await service.compare(crop, bytes);
      expect({ name, decision: r.decision }).toEqual({ name, decision: 'match' });
    }
  }, SLOW);

  it('reads the ID reader\'s 24-bit BMP and gets the same distance as the same pixels in PNG', async () => {
    const id = await idPhoto(1, 0);
    const bmp = await toBmp(id);
    const png = await sharp(id).png().toBuffer();
    expect(sniffImageFormat(bmp)).toBe('bmp');
    const crop = await live(1, 0);
    const viaBmp = await service.compare(crop, bmp);
    const viaPng = await service.compare(crop, png);
    expect(viaBmp.decision).toBe('match');
    expect(viaBmp.distance).toBe(viaPng.distance);
  }, SLOW);

  it('applies the EXIF orientation of a phone photo', async () => {
    const crop = await live(6, 1);
    // Pixels stored sideways, with the tag that says "turn 90° clockwise to display".
    const sideways = await sharp(crop).rotate(-90).withMetadata({ orientation: 6 }).jpeg({ quality: 90 }).toBuffer();
    const info = await inspectImage(sideways);
    const raw = await sharp(crop).metadata();
    expect([info.width, info.height]).toEqual([raw.width, raw.height]);
    const r = await service.compare(crop, sideways);
    expect(r.decision).toBe('match');
  }, SLOW);

  it('describe + compareDescriptors gives the same verdict as compare', async () => {
    const a = await live(1, 0);
    const b = await idPhoto(1, 0);
    const [da, db] = [await service.describe(a), await service.describe(b)];
    expect(da.descriptor).toHaveLength(128);
    const v = service.compareDescriptors(da.descriptor, db.descriptor);
    const r = await service.compare(a, b);
    expect(v.distance).toBe(r.distance);
    expect(v.decision).toBe(r.decision);
  }, SLOW);
});

describe('bad input gives a typed error with a Chinese message', () => {
  it('no face in a plain image → NO_FACE', async () => {
    const plain = await readFile(await file('plain.jpg', await hostile.plain()));
    const e = await codeOf(service.compare(plain, await idPhoto(1, 0)));
    expect(e).toMatchObject({ code: 'NO_FACE', image: 0 });
    expect(e.message).toContain('未检测到人脸');
    expect((await service.detect(plain)).faces).toBe(0);
  }, SLOW);

  it('a group photo → MULTIPLE_FACES, not a guess', async () => {
    const e = await codeOf(service.compare(await live(1, 0), demo[5]));
    expect(e).toMatchObject({ code: 'MULTIPLE_FACES', image: 1 });
    expect(e.message).toContain('5 张人脸');
  }, SLOW);

  it('a small face on a big canvas → FACE_TOO_SMALL', async () => {
    const tiny = await hostile.tinyFace(await live(1, 0), 60, { width: 640, height: 480 });
    const found = await service.detect(tiny);
    expect(found.faces).toBe(1);
    expect(Math.min(found.boxes[0].width, found.boxes[0].height)).toBeLessThan(40);
    const e = await codeOf(service.compare(tiny, await idPhoto(1, 0)));
    expect(e.code).toBe('FACE_TOO_SMALL');
    expect(e.message).toMatch(/人脸过小/);
  }, SLOW);

  it('truncated JPEG → UNREADABLE', async () => {
    const cut = await readFile(await file('cut.jpg', hostile.truncated(await live(3, 0), 0.5)));
    expect(sniffImageFormat(cut)).toBe('jpeg');
    expect((await codeOf(service.compare(cut, await idPhoto(3, 0)))).code).toBe('UNREADABLE');
    // A JPEG that stops inside its header cannot even be measured.
    expect((await codeOf(service.compare(cut.subarray(0, 40), cut))).code).toBe('UNREADABLE');
  }, SLOW);

  it('zero-byte file → EMPTY; text renamed .jpg → NOT_AN_IMAGE; SVG and GIF are refused', async () => {
    const ok = await idPhoto(1, 0);
    const empty = await readFile(await file('empty.jpg', hostile.empty()));
    expect((await codeOf(service.compare(empty, ok))).code).toBe('EMPTY');
    const text = await readFile(await file('notes.jpg', hostile.textAsJpg()));
    const e = await codeOf(service.compare(ok, text));
    expect(e).toMatchObject({ code: 'NOT_AN_IMAGE', image: 1 });
    expect(e.message).toMatch(/不是可识别的图片/);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).gif().toBuffer();
    for (const bad of [svg, gif]) expect((await codeOf(service.detect(bad))).code).toBe('NOT_AN_IMAGE');
    // JPEG magic followed by garbage.
    const fake = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]);
    expect((await codeOf(service.detect(fake))).code).toBe('UNREADABLE');
  }, SLOW);

  it('a 12000×12000 JPEG → TOO_LARGE from its header, without decoding it', async () => {
    const huge = await readFile(await file('huge.jpg', await hostile.huge()));
    expect(huge.length).toBeLessThan(5 * 1024 * 1024); // a solid colour compresses small
    const before = process.memoryUsage().rss;
    const t0 = performance.now();
    const e = await codeOf(service.compare(huge, await idPhoto(1, 0)));
    expect(e.code).toBe('TOO_LARGE');
    expect(e.message).toContain('12000×12000');
    expect(performance.now() - t0).toBeLessThan(2000);
    // Decoding it would take 432 MB for the RGB pixels alone.
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
    // The limit is configurable.
    const strict = createFaceService({ limits: { maxPixels: 100 * 100 } });
    expect((await codeOf(strict.detect(await live(1, 0)))).code).toBe('TOO_LARGE');
    await strict.close();
  }, SLOW);

  it('a file over the byte limit → TOO_LARGE', async () => {
    const small = createFaceService({ limits: { maxBytes: 1000 } });
    expect((await codeOf(small.detect(await live(1, 0)))).code).toBe('TOO_LARGE');
    await small.close();
  });
});

describe('thresholds', () => {
  it('decides match / review / no-match at the thresholds', () => {
    const t = { match: 0.4, noMatch: 0.6 };
    expect(decide(0.4, t)).toBe('match');
    expect(decide(0.40001, t)).toBe('review');
    expect(decide(0.59999, t)).toBe('review');
    expect(decide(0.6, t)).toBe('no-match');
    expect(DEFAULT_THRESHOLDS.match).toBeLessThan(DEFAULT_THRESHOLDS.noMatch);
  });

  it('uses custom thresholds and refuses impossible ones', async () => {
    expect(() => createFaceService({ thresholds: { match: 0.7, noMatch: 0.5 } })).toThrow(/阈值无效/);
    const d = await service.describe(await live(1, 0));
    const other = await service.describe(await idPhoto(3, 0));
    const strictService = createFaceService({ thresholds: { match: 0.05, noMatch: 1.5 } });
    const v = strictService.compareDescriptors(d.descriptor, other.descriptor);
    expect(v.decision).toBe('review');
    expect(v.thresholds).toEqual({ match: 0.05, noMatch: 1.5 });
    await strictService.close();
  }, SLOW);
});

describe('worker lifecycle', () => {
  it('a dead worker fails pending calls with WORKER_FAILED and the next call restarts it', async () => {
    const before = (await service.stats()).workerStarts;
    const pending = codeOf(service.detect(demo[5]));
    await killFaceWorkerForTests(service); // once the worker is busy with that detect
    const e = await pending;
    expect(e.code).toBe('WORKER_FAILED');
    expect(e.message).toMatch(/人脸比对服务/);
    const r = await service.compare(await live(1, 0), await idPhoto(1, 0));
    expect(r.decision).toBe('match');
    expect((await service.stats()).workerStarts).toBe(before + 1);
  }, LOAD);

  it('after close() every call rejects with WORKER_FAILED', async () => {
    const s = createFaceService();
    await s.close();
    expect((await codeOf(s.compare(await live(1, 0), await idPhoto(1, 0)))).code).toBe('WORKER_FAILED');
  });

  it('keeps no tensors between calls', async () => {
    const a = await service.stats();
    await service.detect(demo[4]);
    await codeOf(service.compare(demo[1], demo[3]));
    const b = await service.stats();
    expect(b.numTensors).toBe(a.numTensors);
    expect(b.backend).toBe('wasm');
  }, SLOW);
});

describe('CLI: onewindow face compare', () => {
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) } };
  };

  it('--json prints exactly one JSON object and exits 0', async () => {
    const a = await file('live.jpg', await live(3, 0));
    const b = await file('id.bmp', await toBmp(await idPhoto(3, 0)));
    const c = capture();
    expect(await runFaceCompareCommand(['face', 'compare', a, b, '--json'], c.io, { service })).toBe(0);
    const json = JSON.parse(c.out.join(''));
    expect(Object.keys(json).sort()).toEqual(['decision', 'distance', 'faces', 'match', 'ms', 'thresholds']);
    expect(json).toMatchObject({ decision: 'match', match: true, faces: [1, 1], thresholds: DEFAULT_THRESHOLDS });
    expect(c.err).toEqual([]);
  }, SLOW);

  it('without --json prints one Chinese line', async () => {
    const a = await file('a.jpg', await live(1, 0));
    const b = await file('b.jpg', await idPhoto(6, 3));
    const c = capture();
    expect(await runFaceCompareCommand(['compare', a, b], c.io, { service })).toBe(0);
    expect(c.out).toHaveLength(1);
    expect(c.out[0]).toMatch(/^(不通过|需人工复核).*距离 \d\.\d{4}/);
  }, SLOW);

  it('bad input → exit 1 with {error, message}', async () => {
    const a = await file('a2.jpg', await live(1, 0));
    const c = capture();
    expect(await runFaceCompareCommand(['compare', a, join(dir, 'missing.jpg'), '--json'], c.io, { service })).toBe(1);
    expect(JSON.parse(c.out.join(''))).toEqual({ error: 'NOT_FOUND', message: expect.stringMatching(/图片B.*找不到图片文件/) });
    const c2 = capture();
    const text = await file('readme.jpg', hostile.textAsJpg());
    expect(await runFaceCompareCommand(['compare', text, a, '--json'], c2.io, { service })).toBe(1);
    expect(JSON.parse(c2.out.join(''))).toMatchObject({ error: 'NOT_AN_IMAGE' });
    const c3 = capture();
    expect(await runFaceCompareCommand(['compare', dir, a, '--json'], c3.io, { service })).toBe(1);
    expect(JSON.parse(c3.out.join(''))).toMatchObject({ error: 'UNREADABLE' });
  }, SLOW);

  it('wrong usage → exit 2 with a Chinese usage line on stderr', async () => {
    for (const argv of [[], ['compare', 'only-one.jpg'], ['compare', 'a.jpg', 'b.jpg', '--fast'], ['verify', 'a', 'b']]) {
      const c = capture();
      expect(await runFaceCompareCommand(argv, c.io, { service })).toBe(2);
      expect(c.err.join('')).toMatch(/用法：onewindow face compare/);
      expect(c.out).toEqual([]);
    }
  });
});

describe('memory', () => {
  it('the process RSS stays reasonable after the whole suite', async () => {
    const s = await service.stats();
    expect(s.rss).toBeLessThan(1.5 * 1024 * 1024 * 1024);
    expect(process.memoryUsage().rss).toBeLessThan(1.5 * 1024 * 1024 * 1024);
  });
});
