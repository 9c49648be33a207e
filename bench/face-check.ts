/**
 * Face check benchmark: cold model load, warm compare time (p50/p95) and worker memory.
 *   npx tsx bench/face-check.ts                 timing summary
 *   npx tsx bench/face-check.ts --thresholds    also the distance study behind the default
 *                                               thresholds (docs/FACE.md), about a minute
 * Inputs are made from the demo photos in @vladmandic/face-api (see testing.ts).
 */
import { readFile } from 'node:fs/promises';
import { createFaceService, DEFAULT_THRESHOLDS, type FaceBox } from '../electron/identity/face/index';
import { cropFace, DEMO_IMAGES, demoImagePath, idPhotoFrom, sameFaceVariants } from '../electron/identity/face/testing';

interface Face {
  id: string;
  source: Buffer;
  box: FaceBox;
  crop: Buffer;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const f3 = (x: number) => x.toFixed(3);
const mb = (b: number) => Math.round(b / 1048576);

async function main(): Promise<void> {
  const study = process.argv.includes('--thresholds');
  const service = createFaceService();
  try {
    const t0 = performance.now();
    await service.warmUp();
    const coldWall = performance.now() - t0;
    const cold = await service.stats();

    // Single-face crops of every demo face: the inputs a counter would see.
    const faces: Face[] = [];
    const skipped: string[] = [];
    for (const n of DEMO_IMAGES) {
      const source = await readFile(demoImagePath(n));
      const det = await service.detect(source, { landmarks: false });
      for (const [i, box] of det.boxes.entries()) {
        const id = `s${n}f${i}`;
        let found = false;
        for (const margin of [0.6, 0.8, 0.4]) {
          const crop = await cropFace(source, box, margin);
          if ((await service.detect(crop, { landmarks: false })).faces !== 1) continue;
          faces.push({ id, source, box, crop });
          found = true;
          break;
        }
        // A profile face can be found in the whole photo and lost in a crop: not a usable capture.
        if (!found) skipped.push(id);
      }
    }

    // Warm timing: live capture (head-and-shoulders crop) vs the same person's ID photo.
    const times: number[] = [];
    let refused = 0;
    for (let round = 0; times.length < 12 && round < 3; round++) {
      for (const f of faces) {
        try {
          times.push((await service.compare(f.crop, await idPhotoFrom(f.source, f.box))).ms);
        } catch {
          refused++; // an ID photo the detector does not find: not a timing sample
        }
      }
    }
    const warm = await service.stats();
    const p50 = pct(times, 50);
    const p95 = pct(times, 95);
    console.log(
      `faces=${faces.length}${skipped.length ? ` (no single-face crop: ${skipped.join(',')})` : ''} ` +
        `compares=${times.length} refused=${refused} backend=${warm.backend} worker_load=${cold.loadMs}ms ` +
        `heap=${mb(warm.heapUsed)}MB tensors=${warm.numTensors} (${mb(warm.tensorBytes)}MB) workers_started=${warm.workerStarts}`,
    );

    if (study) await thresholdStudy(service, faces);

    console.log(
      `face-check: cold_load=${Math.round(coldWall)}ms warm_p50=${p50}ms warm_p95=${p95}ms rss=${mb(warm.rss)}MB goal=warm<=1000ms`,
    );
  } finally {
    await service.close();
  }
}

async function thresholdStudy(service: ReturnType<typeof createFaceService>, faces: Face[]): Promise<void> {
  const desc = new Map<string, Float32Array>();
  for (const f of faces) desc.set(f.id, (await service.describe(f.crop)).descriptor);

  const same: { id: string; variant: string; d: number }[] = [];
  const failures: string[] = [];
  const idDesc = new Map<string, Float32Array>();
  for (const f of faces) {
    const variants = await sameFaceVariants(f.crop, f.box, f.source);
    for (const [variant, bytes] of Object.entries(variants)) {
      try {
        const d = (await service.describe(bytes)).descriptor;
        if (variant === 'id-photo-102x126-q35') idDesc.set(f.id, d);
        same.push({ id: f.id, variant, d: service.compareDescriptors(desc.get(f.id)!, d).distance });
      } catch (e) {
        failures.push(`${f.id}/${variant}: ${(e as { code?: string }).code}`);
      }
    }
  }

  const diff: { a: string; b: string; d: number }[] = [];
  for (let i = 0; i < faces.length; i++) {
    for (let j = i + 1; j < faces.length; j++) {
      const a = faces[i].id;
      const b = faces[j].id;
      diff.push({ a, b, d: service.compareDescriptors(desc.get(a)!, desc.get(b)!).distance });
    }
  }
  // Live capture of one person against the ID photo of another.
  const diffId: number[] = [];
  for (const a of faces) for (const b of faces) {
    const d = idDesc.get(b.id);
    if (a.id !== b.id && d) diffId.push(service.compareDescriptors(desc.get(a.id)!, d).distance);
  }

  const sd = same.map((s) => s.d);
  const dd = diff.map((x) => x.d);
  console.log(`\nsame person (${same.length} altered copies of ${faces.length} faces): min=${f3(Math.min(...sd))} p50=${f3(pct(sd, 50))} p95=${f3(pct(sd, 95))} max=${f3(Math.max(...sd))}`);
  const byVariant = new Map<string, number[]>();
  for (const s of same) byVariant.set(s.variant, [...(byVariant.get(s.variant) ?? []), s.d]);
  for (const [v, xs] of byVariant) console.log(`  ${v.padEnd(22)} n=${xs.length} p50=${f3(pct(xs, 50))} max=${f3(Math.max(...xs))}`);
  if (failures.length) console.log(`  not usable (${failures.length}): ${failures.join(', ')}`);
  console.log(`different people, crop vs crop (${dd.length} pairs): min=${f3(Math.min(...dd))} p5=${f3(pct(dd, 5))} p50=${f3(pct(dd, 50))} max=${f3(Math.max(...dd))}`);
  console.log(`  closest: ${[...diff].sort((x, y) => x.d - y.d).slice(0, 5).map((x) => `${x.a}-${x.b} ${f3(x.d)}`).join(', ')}`);
  console.log(`different people, live crop vs ID photo (${diffId.length} pairs): min=${f3(Math.min(...diffId))} p5=${f3(pct(diffId, 5))} p50=${f3(pct(diffId, 50))}`);

  console.log('\nthreshold sweep (match ≤ t): false accepts among different pairs / same-person copies accepted');
  const allDiff = [...dd, ...diffId];
  for (const t of [0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7]) {
    const fa = allDiff.filter((d) => d <= t).length;
    const ta = sd.filter((d) => d <= t).length;
    console.log(`  t=${t.toFixed(2)}  false-accept ${fa}/${allDiff.length} (${((100 * fa) / allDiff.length).toFixed(1)}%)  same-accepted ${ta}/${sd.length} (${((100 * ta) / sd.length).toFixed(1)}%)`);
  }
  const { match, noMatch } = DEFAULT_THRESHOLDS;
  const band = (xs: number[]) => ({
    match: xs.filter((d) => d <= match).length,
    review: xs.filter((d) => d > match && d < noMatch).length,
    noMatch: xs.filter((d) => d >= noMatch).length,
  });
  console.log(`defaults match≤${match} noMatch≥${noMatch}: same ${JSON.stringify(band(sd))} different ${JSON.stringify(band(allDiff))}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
