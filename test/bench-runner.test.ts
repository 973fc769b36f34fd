/**
 * The multi-engine benchmark runner (bench/runner.ts) end to end at a tiny scale on the engines
 * installed here (Kindling SQL and DataFrame API, DuckDB, DuckDB-Wasm, nodejs-polars, Arquero; Spark
 * is forced to be missing so CI never needs pyspark): answers checked against DuckDB before timing,
 * wrong answers never timed, missing engines skipped with a note, JSON/SVG/markdown written. Plus the
 * answer comparison, the CLI parsing and the SVG chart on their own. No timing assertions.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSuite, type RunResult } from '../bench/runner.js';
import { compareAnswers, normalizeValue } from '../bench/check.js';
import { parseCliArgs, suiteOf } from '../bench/cli-args.js';
import { ratioChartSvg } from '../bench/chart-svg.js';
import type { BenchQuery, Engine, Row } from '../bench/engines/engine.js';
import { summarySql } from '../bench/engines/engine.js';
import { TPCH_QUERY_DIR } from '../bench/suites/tpch.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kindling-runner-'));
  process.env.KINDLING_PYTHON = join(dir, 'no-python-here');
});
afterAll(() => {
  delete process.env.KINDLING_PYTHON;
  rmSync(dir, { recursive: true, force: true });
});

function checkStructure(r: RunResult, engines: string[], queries: string[]): void {
  expect(r.queries.map((q) => q.id)).toEqual(queries);
  expect(r.engines.map((e) => e.engine)).toEqual(engines);
  expect(r.results.length).toBe(engines.length * queries.length);
  for (const x of r.results) {
    const where = `${x.engine} ${x.query}: ${x.reason ?? ''}`;
    if (x.status === 'ok') {
      expect(x.runsMs!.length, where).toBe(r.runs);
      expect(x.medianMs!, where).toBeGreaterThan(0);
      expect(x.minMs!, where).toBeLessThanOrEqual(x.medianMs!);
      expect(x.maxMs!, where).toBeGreaterThanOrEqual(x.medianMs!);
    } else {
      expect(x.medianMs, where).toBeUndefined();
      expect(x.reason, where).toBeTruthy();
    }
  }
  for (const e of r.engines.filter((s) => s.available)) {
    expect(e.loadMs!, e.engine).toBeGreaterThanOrEqual(0);
    expect(e.peakRssMiB!, e.engine).toBeGreaterThan(10);
  }
  expect(existsSync(r.files!.json)).toBe(true);
  const json = JSON.parse(readFileSync(r.files!.json, 'utf8')) as RunResult;
  expect(json.results.length).toBe(r.results.length);
  expect(json.machine.logicalCores).toBeGreaterThan(0);
  const svg = readFileSync(r.files!.svg, 'utf8');
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg).toContain('</svg>');
  expect(readFileSync(r.files!.markdown, 'utf8')).toBe(r.markdown);
}

/** nodejs-polars is optional (.ci/run installs it; its platform builds are not all on every registry). */
const POLARS_INSTALLED = await import('nodejs-polars').then(
  () => true,
  () => false,
);
/** The engines expected to answer: polars only where it is installed (else it must be skipped). */
function answering(engines: readonly string[]): string[] {
  return engines.filter((e) => e !== 'polars' || POLARS_INSTALLED);
}

describe.skipIf(!existsSync(TPCH_QUERY_DIR))('runner: TPC-H SF 0.01', () => {
  it('checks and times q1 and q6 on every installed engine, and skips a missing one with a note', async () => {
    const lines: string[] = [];
    const engines = ['kindling', 'kindling-df', 'duckdb', 'duckdb-wasm', 'polars', 'arquero', 'spark'];
    const r = await runSuite({
      suite: 'tpch',
      sf: 0.01,
      queries: [1, 6],
      runs: 1,
      engines,
      dataDir: join(dir, 'data'),
      outDir: join(dir, 'out'),
      progress: false,
      log: (l) => lines.push(l),
    });
    checkStructure(r, engines, ['q1', 'q6']);
    if (!POLARS_INSTALLED) expect(r.engines.find((e) => e.engine === 'polars')!.available).toBe(false);
    for (const e of answering(['kindling', 'kindling-df', 'duckdb', 'duckdb-wasm', 'polars', 'arquero'])) {
      for (const q of ['q1', 'q6']) {
        const x = r.results.find((y) => y.engine === e && y.query === q)!;
        expect(x.status, `${e} ${q}: ${x.reason ?? ''}`).toBe('ok');
      }
    }
    const kq1 = r.results.find((y) => y.engine === 'kindling' && y.query === 'q1')!;
    expect(kq1.ratioToKindling).toBe(1);
    expect(r.results.find((y) => y.engine === 'duckdb' && y.query === 'q6')!.ratioToKindling).toBeGreaterThan(0);
    const spark = r.engines.find((e) => e.engine === 'spark')!;
    expect(spark.available).toBe(false);
    expect(spark.skipReason).toMatch(/pyspark not importable/);
    expect(r.results.filter((y) => y.engine === 'spark').every((y) => y.status === 'skipped')).toBe(true);
    expect(r.markdown).toContain('| q1 |');
    expect(r.markdown).toContain('skipped — pyspark not importable');
    expect(r.markdown).toContain('DuckDB-Wasm'.toLowerCase());
    expect(r.markdown).toMatch(/Arrow IPC/);
    expect(lines.join('\n')).toContain(r.files!.json);
  }, 90_000);
});

describe('runner: db-benchmark groupby 1e4 rows', () => {
  it('answers the questions (checksums) on every engine; a wrong engine is never timed', async () => {
    // A liar: right shape, wrong numbers.
    const liar: Engine = {
      name: 'kindling-parquet',
      note: 'test double that returns wrong checksums',
      available: async () => null,
      version: () => 'test',
      load: async () => 1,
      run: async (q: BenchQuery): Promise<Row[]> => [[1, ...(q.summary ?? []).map(() => 42)]],
      close: async () => {},
    };
    const engines = ['kindling', 'kindling-df', 'duckdb', 'duckdb-wasm', 'polars', 'arquero'];
    const r = await runSuite({
      suite: 'groupby',
      rows: 1e4,
      k: 10,
      queries: ['q1', 'q6', 'q8', 'q9', 'q10'],
      runs: 1,
      engines,
      extraEngines: [liar],
      dataDir: join(dir, 'data'),
      outDir: join(dir, 'out'),
      progress: false,
      log: () => {},
    });
    checkStructure(r, [...engines, 'kindling-parquet'], ['q1', 'q6', 'q8', 'q9', 'q10']);
    const status = (e: string, q: string) => r.results.find((y) => y.engine === e && y.query === q)!;
    for (const e of answering(['duckdb', 'duckdb-wasm', 'polars', 'arquero'])) {
      for (const q of ['q1', 'q6', 'q8', 'q9', 'q10']) expect(status(e, q).status, `${e} ${q}: ${status(e, q).reason ?? ''}`).toBe('ok');
    }
    for (const e of ['kindling', 'kindling-df']) {
      for (const q of ['q1', 'q6', 'q8', 'q9', 'q10']) expect(status(e, q).status, `${e} ${q}: ${status(e, q).reason ?? ''}`).toBe('ok');
    }
    for (const q of ['q1', 'q6', 'q8', 'q9', 'q10']) {
      expect(status('kindling-parquet', q).status).toBe('wrong');
      expect(status('kindling-parquet', q).runsMs).toBeUndefined();
    }
    expect(r.markdown).toContain('WRONG');
    expect(r.notes.join(' ')).toMatch(/checksum/);
  }, 90_000);
});

describe('answer comparison', () => {
  it('normalises values of every engine', () => {
    expect(normalizeValue(12n)).toBe(12);
    expect(normalizeValue('12.50')).toBe(12.5);
    expect(normalizeValue(new Date('1995-03-15T00:00:00Z'))).toBe('1995-03-15');
    expect(normalizeValue('1995-03-15')).toBe('1995-03-15');
    expect(normalizeValue('Customer#000000001')).toBe('Customer#000000001');
    expect(normalizeValue(undefined)).toBe(null);
  });

  it('compares multisets with float tolerance, order when asked, and names the first difference', () => {
    const e: Row[] = [['a', 1, 0.1 + 0.2], ['b', 2n, 1e9]];
    expect(compareAnswers(e, [['b', 2, 1e9 + 1], ['a', '1', 0.3]], false)).toBeNull();
    expect(compareAnswers(e, [['b', 2, 1e9 + 1], ['a', '1', 0.3]], true)).toMatch(/row 0/);
    expect(compareAnswers(e, [['a', 1, 0.31], ['b', 2, 1e9]], false)).toMatch(/0\.31/);
    expect(compareAnswers(e, [['a', 1, 0.3]], false)).toMatch(/1 rows, expected 2/);
    expect(compareAnswers(e, [['a', 1], ['b', 2]], false)).toMatch(/columns/);
    expect(compareAnswers([['x', null]], [['x', null]], false)).toBeNull();
    expect(compareAnswers([['x', null]], [['x', 0]], false)).not.toBeNull();
    // Order keys: ties in the sort column may be broken differently, other rows must keep their order.
    const exp: Row[] = [[1, 'p'], [1, 'q'], [2, 'r']];
    expect(compareAnswers(exp, [[1, 'q'], [1, 'p'], [2, 'r']], [0])).toBeNull();
    expect(compareAnswers(exp, [[2, 'r'], [1, 'p'], [1, 'q']], [0])).toMatch(/order/);
    // Spark's decimal averages have 6 fractional digits.
    expect(compareAnswers([[0.05016749038989566]], [['0.050167']], false)).toBeNull();
  });

  it('wraps a query in the checksum when it has a summary', () => {
    const q: BenchQuery = { id: 'q', title: '', sql: 'SELECT a, sum(b) AS b FROM t GROUP BY a;', ordered: false, summary: ['b'] };
    expect(summarySql(q, q.sql!)).toBe('SELECT count(*) AS n, sum(b) AS b FROM (SELECT a, sum(b) AS b FROM t GROUP BY a) AS ans');
    expect(summarySql({ ...q, summary: undefined }, 'SELECT 1')).toBe('SELECT 1');
  });
});

describe('CLI and chart', () => {
  it('parses the runner arguments', () => {
    expect(suiteOf(['--runs', '3'])).toBe('kernels');
    expect(suiteOf(['--suite=tpch'])).toBe('tpch');
    expect(
      parseCliArgs(['--suite', 'tpch', '--sf', '1', '--engines', 'kindling,duckdb', '--queries', '1,3,6', '--runs', '5', '--threads', '2', '--no-json']),
    ).toEqual({ suite: 'tpch', sf: 1, engines: ['kindling', 'duckdb'], queries: ['1', '3', '6'], runs: 5, threads: 2, outDir: null });
    expect(parseCliArgs(['--suite', 'groupby', '--rows', '1e7', '--k', '10', '--nas', '5', '--sorted'])).toEqual({
      suite: 'groupby',
      rows: 1e7,
      k: 10,
      nas: 5,
      sorted: true,
    });
    expect(() => parseCliArgs(['--suite', 'nope'])).toThrow(/unknown suite/);
    expect(() => parseCliArgs(['--suite', 'tpch', '--runs', '0'])).toThrow(/--runs/);
    expect(() => parseCliArgs(['--suite', 'tpch', '--bogus'])).toThrow(/bogus/);
  });

  it('draws one bar per timed ratio and a mark for the rest', () => {
    const svg = ratioChartSvg('t <test>', ['q1', 'q2'], ['duckdb', 'polars'], [
      { query: 'q1', engine: 'duckdb', ratio: 0.5 },
      { query: 'q1', engine: 'polars', ratio: 3 },
      { query: 'q2', engine: 'duckdb', ratio: null, mark: 'wrong' },
    ]);
    expect(svg.match(/<rect x=/g)!.length).toBe(2 + 2); // 2 bars + 2 legend boxes
    expect(svg).toContain('duckdb: wrong');
    expect(svg).toContain('t &lt;test&gt;');
  });
});
