/**
 * Apache Spark's SQL golden files (../shared/conformance/spark-sql) run through Kindling. Prints a
 * per-file table, rewrites docs/conformance.md, and fails only if a file passes fewer statements
 * than test/conformance/baseline.json records (so the pass count can only go up). After an
 * improvement, refresh the baseline with `UPDATE_CONFORMANCE_BASELINE=1 npx vitest run test/conformance-spark-sql.test.ts`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type FileResult, goldenRoot, runGoldenFile } from './conformance/runner.js';
import { formatMarkdown, formatTable, listGoldenFiles, summarize, topCategories } from './conformance/report.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = goldenRoot(repoRoot);
const baselinePath = path.join(repoRoot, 'test', 'conformance', 'baseline.json');

describe('Spark SQL golden files', () => {
  it.skipIf(!existsSync(root))('pass counts per file do not drop below the baseline', async () => {
    const files = listGoldenFiles(root);
    expect(files.length).toBeGreaterThan(0);
    const results: FileResult[] = [];
    for (const f of files) results.push(await runGoldenFile(root, f));
    const sums = results.map(summarize);
    console.log(`\n${formatTable(sums)}\n\nmain causes of failure:\n${topCategories(results).slice(0, 5).map(([c, n]) => `  ${n}  ${c}`).join('\n')}\n`);
    writeFileSync(path.join(repoRoot, 'docs', 'conformance.md'), formatMarkdown(results));
    const current: Record<string, number> = Object.fromEntries(sums.map((s) => [s.file, s.passed]));
    if (process.env['UPDATE_CONFORMANCE_BASELINE'] === '1') {
      writeFileSync(baselinePath, `${JSON.stringify(current, null, 2)}\n`);
      return;
    }
    const baseline = JSON.parse(readFileSync(baselinePath, 'utf8')) as Record<string, number>;
    const drops = Object.entries(baseline)
      .filter(([f, n]) => (current[f] ?? 0) < n)
      .map(([f, n]) => `${f}: ${current[f] ?? 0} passing, baseline ${n}`);
    expect(drops, 'files passing fewer statements than test/conformance/baseline.json').toEqual([]);
  });
});
