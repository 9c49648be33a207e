/**
 * Materials capture benchmark, through the real service (worker thread, blob store, SQLite):
 *   - capture-to-stored per page: a 5 MP document-camera frame → compressed in the worker,
 *     hashed, written atomically (fsync), recorded (p50/p95/max);
 *   - hash + atomic store alone for the compressed page;
 *   - bytes per page after compression;
 *   - import throughput in pages/s: 12 MP phone photos, 300 dpi A4 PNG scans, a 50-page PDF;
 *   - the main thread's worst event-loop delay meanwhile (the window must never freeze).
 *   npx tsx bench/materials.ts
 * Inputs are drawn with sharp at run time (electron/materials/testing.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import sharp from 'sharp';
import { drafts } from '../db/schema';
import { openDatabase } from '../electron/database';
import { createBlobStore, createMaterialsService, PAGE_COMPRESSION } from '../electron/materials/index';
import { makeA4Page, makeCameraShot, makeTextPdf } from '../electron/materials/testing';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const kb = (n: number) => Math.round(n / 1024);
const ms = (n: number) => Math.round(n);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'onewindow-bench-materials-'));
  const opened = openDatabase(join(dir, 'onewindow.db'));
  const at = new Date().toISOString();
  for (const id of ['CAPTURE', 'IMPORT']) {
    opened.db
      .insert(drafts)
      .values({ id, itemCode: 'QX-BENCH', itemVersion: 1, itemName: 'bench', definition: '{}', formData: '{}', materials: '[]', createdBy: 'bench', createdAt: at, updatedAt: at })
      .run();
  }
  const service = createMaterialsService({ db: opened.db, dataDir: dir, maxPagesPerMaterial: 50 });
  const lag = monitorEventLoopDelay({ resolution: 10 });
  try {
    // Inputs: 4 different A4 pages × 2 sensor-noise patterns, each re-encoded 3 ways = 24 distinct frames.
    process.stderr.write('… drawing test pages\n');
    const pages = await Promise.all([1, 2, 3, 4].map((seed) => makeA4Page({ seed })));
    const frames: Buffer[] = [];
    for (const [i, page] of pages.entries()) {
      for (const noiseSeed of [11, 12]) {
        const shot = await makeCameraShot(page, { seed: noiseSeed + i * 7 });
        for (const q of [90, 92, 94]) frames.push(await sharp(shot).jpeg({ quality: q }).toBuffer());
      }
    }
    const photos = await Promise.all(
      pages.slice(0, 3).map((p, i) => makeCameraShot(p, { width: 4000, height: 3000, quality: 90, noise: 8, seed: 100 + i })),
    );
    const photoSet = [...photos, ...photos.map((b) => sharp(b).jpeg({ quality: 88 }).toBuffer())];
    const phones = await Promise.all(photoSet.map(async (b) => Buffer.from(await b)));
    const scans = pages.slice(0, 3);
    const pdf = await makeTextPdf(50);

    // Warm the worker (its start is a one-off per session, not a per-page cost).
    const warmStart = performance.now();
    await service.addPage({ owner: { draftId: 'CAPTURE' }, materialId: 'warm', bytes: frames[0], source: 'camera' });
    const workerStartMs = performance.now() - warmStart;

    lag.enable();
    const capture: number[] = [];
    const sizes: number[] = [];
    for (const [i, frame] of frames.entries()) {
      const t = performance.now();
      const r = await service.addPage({ owner: { draftId: 'CAPTURE' }, materialId: `m${Math.floor(i / 12)}`, bytes: frame, source: 'camera' });
      capture.push(performance.now() - t);
      sizes.push(r.added[0].size);
    }

    // Hash + atomic write (fsync file and folder) of compressed pages, on their own.
    const store = createBlobStore(join(dir, 'store-only'));
    const storeTimes: number[] = [];
    for (const p of service.listPages({ draftId: 'CAPTURE' })) {
      const bytes = (await service.readPage(p.id)).bytes;
      const t = performance.now();
      await store.put(bytes);
      storeTimes.push(performance.now() - t);
    }

    // Imports, as a clerk drops a batch of files: all requested at once, served in order.
    const importRun = async (label: string, files: Uint8Array[], material: string) => {
      const t = performance.now();
      const results = await Promise.all(files.map((bytes) => service.addPage({ owner: { draftId: 'IMPORT' }, materialId: material, bytes, source: 'import' })));
      const seconds = (performance.now() - t) / 1000;
      const n = results.reduce((s, r) => s + r.added.length, 0);
      const bytes = results.flatMap((r) => r.added.map((p) => p.size));
      console.log(`${label}: ${n} pages in ${seconds.toFixed(2)} s = ${(n / seconds).toFixed(1)} pages/s, avg ${kb(bytes.reduce((a, b) => a + b, 0) / bytes.length)} KB/page`);
      return n / seconds;
    };
    const phoneRate = await importRun('import 12 MP phone photos', phones, 'phones');
    const scanRate = await importRun('import 300 dpi A4 PNG scans', scans, 'scans');
    const pdfRate = await importRun('import a 50-page PDF', [pdf], 'pdf');
    lag.disable();

    const avg = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    const p50 = pct(capture, 50);
    const p95 = pct(capture, 95);
    const maxLag = lag.max / 1e6;
    console.log(
      `capture: ${capture.length} frames 2592x1944 → long side ≤ ${PAGE_COMPRESSION.maxLongSide}px, p50 ${ms(p50)} ms, p95 ${ms(p95)} ms, max ${ms(Math.max(...capture))} ms; ` +
        `worker start ${ms(workerStartMs)} ms; hash+store p50 ${pct(storeTimes, 50).toFixed(1)} ms; ` +
        `bytes/page avg ${kb(avg)} KB, max ${kb(Math.max(...sizes))} KB; main-thread event-loop delay p99 ${(lag.percentile(99) / 1e6).toFixed(1)} ms, max ${maxLag.toFixed(1)} ms`,
    );
    const met = p95 <= 1000 && Math.max(...sizes) <= PAGE_COMPRESSION.targetBytes && maxLag < 200;
    console.log(
      `materials: capture_p50=${ms(p50)}ms capture_p95=${ms(p95)}ms store_p50=${pct(storeTimes, 50).toFixed(1)}ms bytes_avg=${kb(avg)}KB bytes_max=${kb(Math.max(...sizes))}KB ` +
        `import_photo=${phoneRate.toFixed(1)}p/s import_scan=${scanRate.toFixed(1)}p/s import_pdf=${pdfRate.toFixed(1)}p/s main_lag_max=${ms(maxLag)}ms ` +
        `goal=capture_p95<=1000ms,page<=300KB,lag<200ms (${met ? 'met' : 'NOT met'})`,
    );
  } finally {
    await service.close();
    opened.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
