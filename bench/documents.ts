// Citizen documents (electron/documents): time and size of each document type as PDF with
// subset Noto Sans SC. The first render pays for reading and parsing the fonts (cold); the rest
// are what a clerk waits for at the window. Run: npx tsx bench/documents.ts
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DOCUMENT_TITLES, FONT_FILES, renderCaseDocument, type DocumentKind } from '../electron/documents';
import { sampleInputs, sampleSignaturePng } from '../electron/documents/testing';

const RUNS = 20;
/** A receipt must be in the clerk's hands while the citizen is still at the counter. */
const GOAL_P95_MS = 300;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const require = createRequire(import.meta.url);
  const fontMb = (f: string) => (statSync(require.resolve(f)).size / 1e6).toFixed(1);
  console.log(`  fonts: regular ${fontMb(FONT_FILES.regular)} MB, bold ${fontMb(FONT_FILES.bold)} MB (embedded as subsets)`);

  const inputs = sampleInputs(await sampleSignaturePng());
  const kinds = Object.keys(DOCUMENT_TITLES) as DocumentKind[];

  let t = performance.now();
  await renderCaseDocument('acceptance-receipt', inputs['acceptance-receipt']);
  const coldMs = performance.now() - t;

  const summary: string[] = [];
  let worstP95 = 0;
  for (const kind of kinds) {
    const times: number[] = [];
    let bytes = 0;
    let pages = 0;
    for (let i = 0; i < RUNS; i++) {
      t = performance.now();
      const r = await renderCaseDocument(kind, inputs[kind] as never);
      times.push(performance.now() - t);
      bytes = r.bytes.length;
      pages = r.pages;
    }
    times.sort((a, b) => a - b);
    const p50 = percentile(times, 50);
    const p95 = percentile(times, 95);
    worstP95 = Math.max(worstP95, p95);
    console.log(`  ${DOCUMENT_TITLES[kind]}（${kind}）: p50=${p50.toFixed(1)}ms p95=${p95.toFixed(1)}ms size=${(bytes / 1024).toFixed(1)}KB pages=${pages}`);
    summary.push(`${kind}=${p50.toFixed(0)}ms/${(bytes / 1024).toFixed(0)}KB`);
  }

  const heap = process.memoryUsage();
  console.log(`  memory: rss=${(heap.rss / 1e6).toFixed(0)}MB heapUsed=${(heap.heapUsed / 1e6).toFixed(0)}MB`);
  const verdict = worstP95 < GOAL_P95_MS ? 'met' : 'NOT met';
  console.log(`documents: cold=${coldMs.toFixed(0)}ms ${summary.join(' ')} worst-p95=${worstP95.toFixed(0)}ms goal=p95<${GOAL_P95_MS}ms (${verdict})`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
