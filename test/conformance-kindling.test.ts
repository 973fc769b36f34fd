/**
 * Kindling's own SQL conformance files (test/conformance/kindling/{inputs,results}), in Spark's
 * golden-file format, for semantics the Apache Spark golden subset does not reach: integer division
 * and overflow, decimal precision/scale, string/number implicit casts, nulls in every operator,
 * NaN and -0.0, multi-byte strings, date arithmetic and EXTRACT, LIKE escapes. Expected outputs are
 * Apache Spark's (ANSI off). Run with the Spark golden runner (test/conformance/runner.ts). Fails if
 * a file passes fewer statements than test/conformance/kindling/baseline.json records; refresh it
 * after an improvement with `UPDATE_KINDLING_CONFORMANCE_BASELINE=1 npx vitest run test/conformance-kindling.test.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type FileResult, runGoldenFile } from './conformance/runner.js';
import { parseGolden, splitStatements, sqlKey } from './conformance/golden.js';
import { formatTable, listGoldenFiles, summarize } from './conformance/report.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), 'conformance', 'kindling');
const baselinePath = path.join(root, 'baseline.json');
const files = listGoldenFiles(root);

describe('Kindling conformance files', () => {
  it('are well formed: one result block per input statement, same text', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const f of files) {
      const stmts = splitStatements(readFileSync(path.join(root, 'inputs', `${f}.sql`), 'utf8'));
      const blocks = parseGolden(readFileSync(path.join(root, 'results', `${f}.sql.out`), 'utf8'));
      expect(blocks.map((b) => sqlKey(b.sql)), f).toEqual(stmts.map((s) => sqlKey(s.sql)));
    }
  });

  it('pass counts per file do not drop below the baseline', async () => {
    const results: FileResult[] = [];
    for (const f of files) results.push(await runGoldenFile(root, f));
    const sums = results.map(summarize);
    const failures = results.flatMap((r) => r.statements.filter((s) => s.outcome !== 'pass').map((s) => `  ${r.file}: ${s.outcome}: ${s.sql.replace(/\s+/g, ' ').slice(0, 90)}\n      ${s.reason ?? ''}`));
    console.log(`\n${formatTable(sums)}\n${failures.length ? `\nnot passing:\n${failures.join('\n')}\n` : ''}`);
    const current: Record<string, number> = Object.fromEntries(sums.map((s) => [s.file, s.passed]));
    if (process.env['UPDATE_KINDLING_CONFORMANCE_BASELINE'] === '1') {
      writeFileSync(baselinePath, `${JSON.stringify(current, null, 2)}\n`);
      return;
    }
    const baseline = JSON.parse(readFileSync(baselinePath, 'utf8')) as Record<string, number>;
    const drops = Object.entries(baseline)
      .filter(([f, n]) => (current[f] ?? 0) < n)
      .map(([f, n]) => `${f}: ${current[f] ?? 0} passing, baseline ${n}`);
    expect(drops, 'files passing fewer statements than test/conformance/kindling/baseline.json').toEqual([]);
  });
});
