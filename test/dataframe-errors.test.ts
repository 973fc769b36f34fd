/**
 * End-to-end DataFrame tests: analysis errors (raised when the DataFrame is built, before any data is
 * read), explain(true) (pushed filters and pruned columns in the scan), and show() in Spark's exact
 * table layout.
 */
import { afterAll, beforeAll, afterEach, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { functions as F, type DataFrame, AnalysisError, InvalidArgumentError } from '../src/index.js';
import { ParquetFileReader } from '../src/io/parquet-reader.js';
import { runtime } from '../src/wasm/runtime.js';
import { createPhysicalPlan } from '../src/plan/physical-planner.js';
import { type Env, FACT_COLUMNS, checkQuery, setupTables, teardownEnv } from './helpers/oracle.js';

const { col } = F;

let env: Env;
let facts: DataFrame;
let dims: DataFrame;

beforeAll(async () => {
  ({ env, facts, dims } = await setupTables());
});
afterAll(() => teardownEnv(env));
afterEach(() => vi.restoreAllMocks());

const NAMES = FACT_COLUMNS.map(([n]) => n);

/** Asserts `build` throws an AnalysisError whose message matches every pattern. */
function expectAnalysisError(build: () => unknown, ...patterns: (string | RegExp)[]): void {
  let err: unknown;
  try {
    build();
  } catch (e) {
    err = e;
  }
  expect(err, 'an AnalysisError is thrown').toBeInstanceOf(AnalysisError);
  for (const p of patterns) expect((err as Error).message).toMatch(p);
}

describe('analysis errors are raised when the DataFrame is built, before any data is read', () => {
  it('unknown columns list the available ones (and suggest the closest)', () => {
    const open = vi.spyOn(ParquetFileReader, 'open');
    const available = new RegExp(NAMES.join(', '));
    expectAnalysisError(() => facts.select('nope'), /'nope'/, available);
    expectAnalysisError(() => facts.select('id', 'kk'), /'kk'/, /did you mean 'k'/, available);
    expectAnalysisError(() => facts.filter(col('amount').gt(1)), /'amount'/, available);
    expectAnalysisError(() => facts.withColumn('x', col('y').plus(1)), /'y'/, available);
    expectAnalysisError(() => facts.groupBy('nope').count(), /'nope'/);
    expectAnalysisError(() => facts.groupBy('k').agg(F.sum('nope')), /'nope'/);
    expectAnalysisError(() => facts.orderBy('nope'), /'nope'/);
    expectAnalysisError(() => facts.join(dims, 'id'), /'id'/, /k, g, label, w/);
    expectAnalysisError(() => facts.dropDuplicates(['nope']), /'nope'/);
    expectAnalysisError(() => facts.col('nope'), /'nope'/);
    expectAnalysisError(() => facts.alias('t').select('u.id'), /u\.id/);
    expectAnalysisError(() => facts.select(F.upper(col('nope'))), /'nope'/);
    expect(open).not.toHaveBeenCalled();
  });

  it('type mismatches name both types', () => {
    const open = vi.spyOn(ParquetFileReader, 'open');
    expectAnalysisError(() => facts.select(col('b').plus(1)), /boolean/, /int/);
    expectAnalysisError(() => facts.filter(col('dt').gt(col('b'))), /date/, /boolean/);
    expectAnalysisError(() => facts.filter(col('i').and(col('b'))), /int/);
    expectAnalysisError(() => facts.filter(col('i')), /boolean/);
    expectAnalysisError(() => facts.filter(col('i').like('1%')), /string/, /int/);
    expectAnalysisError(() => facts.select('k').union(facts.select('b')), /string/, /boolean/);
    expectAnalysisError(() => facts.select(F.sum('b')), /boolean/);
    expectAnalysisError(() => facts.select(F.avg('dt')), /date/);
    expectAnalysisError(() => facts.select(F.when(col('b'), 1).otherwise(col('dt'))), /int/, /date/);
    expectAnalysisError(() => facts.select(F.year('b')), /boolean/);
    expect(open).not.toHaveBeenCalled();
  });

  it('structural errors', () => {
    expectAnalysisError(() => facts.union(dims), /11/, /4/);
    expectAnalysisError(() => facts.unionByName(dims), /unionByName/, /allowMissingColumns/);
    expectAnalysisError(() => facts.join(dims, facts.col('k').eq(dims.col('k'))).select('k'), /ambiguous/);
    expectAnalysisError(() => facts.filter(F.sum('i').gt(0)), /aggregate/);
    expectAnalysisError(() => facts.groupBy('k').agg(col('i')), /i/);
    expect(() => facts.limit(-1)).toThrow(InvalidArgumentError);
    expect(() => facts.join(dims, 'k', 'sideways')).toThrow(InvalidArgumentError);
    expect(() => env.spark.conf.set('spark.kindling.batchSize', 0)).toThrow(InvalidArgumentError);
  });

  it('a valid plan reads no data until an action, and explain reads none', async () => {
    const open = vi.spyOn(ParquetFileReader, 'open');
    const df = facts.filter(col('i').gt(0)).join(dims, 'k').groupBy('k').agg(F.sum('w').alias('sw')).orderBy('k');
    df.explainString(true);
    expect(open).not.toHaveBeenCalled();
    await df.collect();
    // With executor threads (the local[N] matrix) the files are opened there, not on this thread.
    if (env.spark.cores === 1) expect(open).toHaveBeenCalled();
    else expect(env.spark.lastJobReport()!.stages.length).toBeGreaterThan(0);
  });
});

/** The `FileScan parquet` lines of a plan text. */
function scanLines(plan: string): string[] {
  return plan.split('\n').filter((l) => l.includes('FileScan parquet'));
}

/** The column list `[a, b]` at the start of a scan's description. */
function scanColumns(line: string): string[] {
  const m = /FileScan parquet \[([^\]]*)\]/.exec(line);
  expect(m, `column list in: ${line}`).not.toBeNull();
  return m![1]!.split(',').map((s) => s.trim()).filter(Boolean);
}

describe('explain', () => {
  it('explain(true) shows the analyzed, optimized and physical plans, pushed filters and pruned columns', () => {
    const df = facts.filter(col('i').gt(5).and(col('k').eq('hot'))).select('id', 'k');
    const text = df.explainString(true);
    expect(text).toContain('== Analyzed Logical Plan ==');
    expect(text).toContain('== Optimized Logical Plan ==');
    expect(text).toContain('== Physical Plan ==');
    const physical = text.slice(text.indexOf('== Physical Plan =='));
    const scans = scanLines(physical);
    expect(scans.length).toBe(1);
    expect(scans[0]).toMatch(/PushedFilters: \[[^\]]*i > 5/);
    expect(scans[0]).toMatch(/PushedFilters: \[[^\]]*k = 'hot'/);
    expect(scanColumns(scans[0]!).sort()).toEqual(['i', 'id', 'k']);
    // explain() without extended prints only the physical plan.
    const short = df.explainString();
    expect(short.startsWith('== Physical Plan ==')).toBe(true);
    expect(short).not.toContain('Analyzed');
  });

  it('columns are pruned through aggregates and joins; filters pushed to the side they name', () => {
    const agg = facts.groupBy('k').agg(F.sum('i').alias('s'));
    expect(scanColumns(scanLines(agg.explainString())[0]!).sort()).toEqual(['i', 'k']);
    const joined = facts.filter(col('d').gt(1.5)).join(dims.filter(col('w').lt(10)), 'k').select('id', 'label');
    const scans = scanLines(joined.explainString(true).split('== Physical Plan ==')[1]!);
    expect(scans.length).toBe(2);
    const factScan = scans.find((l) => l.includes('id'))!;
    const dimScan = scans.find((l) => l.includes('label'))!;
    expect(scanColumns(factScan).sort()).toEqual(['d', 'id', 'k']);
    expect(scanColumns(dimScan).sort()).toEqual(['k', 'label', 'w']);
    expect(factScan).toMatch(/d > 1\.5/);
    expect(dimScan).toMatch(/w < 10/);
  });

  it('row groups ruled out by pushed filters are skipped; results are unchanged', async () => {
    // ids never exceed the row position, so only the last of the 3 row groups (rows 1800..2399) can hold id > 2200.
    const df = facts.filter(col('id').gt(2200)).select('id', 'k');
    await checkQuery(env, df, 'SELECT id, k FROM facts WHERE id > 2200');
    const op = createPhysicalPlan(df.optimizedPlan());
    for await (const b of op.execute(env.spark.execContext())) b.release();
    expect(op.treeString()).toMatch(/rowGroups read=1 skipped=2/);
  });

  it('count(*) reads at most one (the narrowest) column', () => {
    // Spark reads no column at all; Kindling's ColumnPruning deliberately keeps the narrowest one
    // (src/optimizer/prune-columns.ts), here the one-byte boolean.
    const cols = scanColumns(scanLines(facts.agg(F.count('*')).explainString())[0]!);
    expect(cols.length).toBeLessThanOrEqual(1);
    if (cols.length === 1) expect(cols).toEqual(['b']);
  });
});

describe("show() in Spark's layout", () => {
  it('right-aligned cells, NULL, booleans, decimals, dates, doubles with a fraction', async () => {
    const df = env.spark.createDataFrame(
      [
        { id: 1n, name: 'alice', score: 1.5, ok: true, price: '12.50', day: '2020-01-02' },
        { id: 2n, name: null, score: null, ok: false, price: '-3.00', day: null },
        { id: 30n, name: 'bob', score: 2, ok: null, price: '0.00', day: '1969-12-31' },
      ],
      'id bigint, name string, score double, ok boolean, price decimal(10,2), day date',
    );
    expect(await df.showString()).toBe(
      [
        '+---+-----+-----+-----+-----+----------+',
        '| id| name|score|   ok|price|       day|',
        '+---+-----+-----+-----+-----+----------+',
        '|  1|alice|  1.5| true|12.50|2020-01-02|',
        '|  2| NULL| NULL|false|-3.00|      NULL|',
        '| 30|  bob|  2.0| NULL| 0.00|1969-12-31|',
        '+---+-----+-----+-----+-----+----------+',
        '',
      ].join('\n'),
    );
  });

  it('n rows with a footer, truncation to 20 characters, truncate=false left-aligns', async () => {
    const df = env.spark.createDataFrame(
      [{ s: 'abcdefghijklmnopqrstuvwxyz', n: 1 }, { s: 'short', n: 22 }, { s: 'x', n: 333 }],
      's string, n int',
    );
    expect(await df.showString(2)).toBe(
      [
        '+--------------------+---+',
        '|                   s|  n|',
        '+--------------------+---+',
        '|abcdefghijklmnopq...|  1|',
        '|               short| 22|',
        '+--------------------+---+',
        'only showing top 2 rows',
        '',
      ].join('\n'),
    );
    expect(await df.showString(1, false)).toBe(
      [
        '+--------------------------+---+',
        '|s                         |n  |',
        '+--------------------------+---+',
        '|abcdefghijklmnopqrstuvwxyz|1  |',
        '+--------------------------+---+',
        'only showing top 1 row',
        '',
      ].join('\n'),
    );
    expect(await df.showString(20, 5)).toBe(
      ['+-----+---+', '|    s|  n|', '+-----+---+', '|ab...|  1|', '|short| 22|', '|    x|333|', '+-----+---+', ''].join('\n'),
    );
  });

  it('an empty DataFrame prints the header only', async () => {
    const df = env.spark.createDataFrame([], 'id bigint, name string');
    expect(await df.showString()).toBe(['+---+----+', '| id|name|', '+---+----+', '+---+----+', ''].join('\n'));
  });

  it("doubles print like Java's Double.toString", async () => {
    const df = env.spark.createDataFrame(
      [{ x: 1e10 }, { x: 0.0001 }, { x: 123456.789 }, { x: -0 }, { x: NaN }, { x: Infinity }, { x: 1e7 }, { x: 0.001 }, { x: 100 }],
      'x double',
    );
    const cells = ['1.0E10', '1.0E-4', '123456.789', '-0.0', 'NaN', 'Infinity', '1.0E7', '0.001', '100.0'];
    const line = `+${'-'.repeat(10)}+`;
    expect(await df.showString()).toBe([line, `|${'x'.padStart(10)}|`, line, ...cells.map((c) => `|${c.padStart(10)}|`), line, ''].join('\n'));
  });

  it('timestamps print with microseconds (trailing zeros dropped), also before 1970', async () => {
    const path = join(env.dir, 'ts.parquet');
    await env.db.run(
      `COPY (SELECT * FROM (VALUES (1, TIMESTAMP '2020-01-02 03:04:05.123456'), (2, TIMESTAMP '2020-01-02 03:04:05'), (3, TIMESTAMP '2020-01-02 03:04:05.1'), (4, TIMESTAMP '1969-12-31 23:59:59.9995')) t(n, ts)) TO '${path}' (FORMAT parquet)`,
    );
    const df = await env.spark.read.parquet(path);
    expect(await df.orderBy('n').showString(20, false)).toBe(
      [
        '+---+--------------------------+',
        '|n  |ts                        |',
        '+---+--------------------------+',
        '|1  |2020-01-02 03:04:05.123456|',
        '|2  |2020-01-02 03:04:05       |',
        '|3  |2020-01-02 03:04:05.1     |',
        '|4  |1969-12-31 23:59:59.9995  |',
        '+---+--------------------------+',
        '',
      ].join('\n'),
    );
    // With the default truncation to 20 characters, Spark cuts long timestamps too.
    expect((await df.orderBy('n').showString()).split('\n').slice(3, 5)).toEqual(['|  1|2020-01-02 03:04:...|', '|  2| 2020-01-02 03:04:05|']);
  });

  it('East Asian wide characters count twice for alignment (Spark: stringHalfWidth)', async () => {
    const df = env.spark.createDataFrame([{ k: '日本語' }, { k: 'é' }, { k: null }], 'k string');
    expect(await df.showString()).toBe(['+------+', '|     k|', '+------+', '|日本語|', '|     é|', '|  NULL|', '+------+', ''].join('\n'));
  });

  it('show of a Parquet query agrees with collect', async () => {
    const df = facts.groupBy('g').agg(F.count('*').alias('n')).orderBy('g');
    const text = await df.showString(3);
    const rows = await df.limit(3).collect();
    const lines = text.split('\n');
    const w = Math.max(3, ...rows.map((r) => String(r['n']).length));
    expect(lines[1]).toBe(`|   g|${'n'.padStart(w)}|`);
    expect(lines[3]).toBe(`|NULL|${String(rows[0]!['n']).padStart(w)}|`);
    expect(lines.at(-2)).toBe('only showing top 3 rows');
  });
});

describe('memory', () => {
  it('queries release all wasm memory they allocate (also when they fail)', async () => {
    const small = await env.read('small');
    const run = async () => {
      await facts.filter(col('i').gt(0)).select('id', F.upper('k').alias('u'), col('m').multiply(2).alias('m2')).collect();
      await facts.groupBy('k', 'd').agg(F.sum('m').alias('s'), F.countDistinct('s').alias('c'), F.first('ts').alias('f')).collect();
      await facts.orderBy(col('s').desc(), 'id').limit(10).collect();
      await facts.select('k', 'dt').distinct().orderBy('k', 'dt').collect();
      await facts.join(dims, 'k', 'full').filter(col('w').gt(1)).collect();
      await small.union(small).dropDuplicates(['k']).toArrow();
      await facts.limit(5).showString();
      await facts.write.mode('overwrite').parquet(join(env.dir, 'mem-out'));
    };
    await run(); // warm up: kernels, static data
    const before = runtime().memory.liveBytes;
    await run();
    expect(runtime().memory.liveBytes).toBe(before);
    env.spark.conf.set('spark.kindling.operatorMemory', '8k');
    try {
      await expect(facts.groupBy('id', 's').agg(F.count('*')).collect()).rejects.toThrow(/budget/);
    } finally {
      env.spark.conf.set('spark.kindling.operatorMemory', '2g');
    }
    expect(runtime().memory.liveBytes).toBe(before);
  });
});
