/**
 * Filtered aggregation: a Filter below an aggregation is fused into the HashAggregate as a row mask
 * (spark.kindling.fuseFilterIntoAggregate). Every query runs twice, fused and unfused (a Filter
 * operator that copies the passing rows), and the results must agree: rows in any order, doubles
 * within 1e-9 relative (the masked SIMD sum adds in another order). Inputs cover nulls in the
 * predicate, keys and values, NaN, batches where the predicate is all true / all false / mixed, batch
 * sizes 1, 7 and 1024, and every aggregate function.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SparkSession, functions as F, type DataFrame, type Row } from '../src/index.js';
import { HashAggregateExec } from '../src/exec/hash-aggregate-exec.js';
import { MemoryScanExec } from '../src/exec/memory-scan-exec.js';
import { DEFAULT_OPERATOR_MEMORY } from '../src/api/config.js';
import { Batch } from '../src/types/batch.js';
import { DataTypes } from '../src/types/data-type.js';
import { Schema, field } from '../src/types/schema.js';
import { columnFromJs, columnToJs, type CellValue } from '../src/types/values.js';
import { runtime } from '../src/wasm/runtime.js';
import { MemoryReservation } from '../src/wasm/memory.js';
import { HashAggregation } from '../src/kernels/aggregate.js';
import { mulberry32 as prng } from './helpers/random.js';

const { col } = F;
const FUSE = 'spark.kindling.fuseFilterIntoAggregate';

let spark: SparkSession;

const SCHEMA = 'id int, k int, w bigint, g string, v double, i int, l bigint, s string, b boolean, m decimal(10,2)';

/** Rows with nulls in every column but id, NaN among the doubles, multi-byte strings. */
function makeRows(n: number, seed: number): Record<string, unknown>[] {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const maybe = <T>(x: T, p = 0.15): T | null => (r() < p ? null : x);
  const strings = ['a', 'b', 'é', 'ß東', '', 'zz', 'A', 'long string here'];
  return Array.from({ length: n }, (_, id) => ({
    id,
    k: maybe(Math.floor(r() * 12) - 3),
    w: maybe(BigInt(Math.floor(r() * 5)) * 1_000_000_007n), // spread keys: the hash layout
    g: maybe(pick(strings)),
    v: maybe(r() < 0.03 ? NaN : Math.round(r() * 2000) / 1000 - 0.5),
    i: maybe(Math.floor(r() * 2001) - 1000),
    l: maybe(BigInt(Math.floor(r() * 1e6)) - 500_000n),
    s: maybe(pick(strings)),
    b: maybe(r() < 0.5),
    m: maybe((Math.floor(r() * 100000) / 100 - 400).toFixed(2)),
  }));
}

/** Every aggregate function, over several types. */
function allAggregates() {
  return [
    F.sum('v').alias('sum_v'),
    F.sum('i').alias('sum_i'),
    F.sum('l').alias('sum_l'),
    F.sum('m').alias('sum_m'),
    F.count('v').alias('count_v'),
    F.count('*').alias('count_star'),
    F.countDistinct('g').alias('cd_g'),
    F.countDistinct('i').alias('cd_i'),
    F.min('v').alias('min_v'),
    F.max('v').alias('max_v'),
    F.min('i').alias('min_i'),
    F.max('l').alias('max_l'),
    F.min('s').alias('min_s'),
    F.max('s').alias('max_s'),
    F.avg('v').alias('avg_v'),
    F.avg('m').alias('avg_m'),
    F.first('s').alias('first_s'),
    F.first('v', true).alias('first_v'),
    F.first('i').alias('first_i'),
  ];
}

async function collectWith(df: DataFrame, fuse: boolean): Promise<Row[]> {
  spark.conf.set(FUSE, fuse);
  try {
    return await df.collect();
  } finally {
    spark.conf.set(FUSE, true);
  }
}

function cellKey(v: CellValue): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v) ?? String(v);
}

function sameCell(a: CellValue, b: CellValue): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    if (a === b) return true;
    return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  }
  return cellKey(a) === cellKey(b);
}

/** Same rows in any order: sorted by the key columns (which are exact). */
function expectSameRows(actual: Row[], expected: Row[], keys: readonly string[], what: string): void {
  expect(actual.length, `${what}: row count`).toBe(expected.length);
  const order = (rows: Row[]) => [...rows].sort((x, y) => {
    const a = keys.map((k) => cellKey(x[k]!)).join('|');
    const b = keys.map((k) => cellKey(y[k]!)).join('|');
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const as = order(actual);
  const es = order(expected);
  for (let r = 0; r < es.length; r++) {
    for (const name of Object.keys(es[r]!)) {
      const a = as[r]![name]!;
      const e = es[r]![name]!;
      if (!sameCell(a, e)) expect(`${what}: row ${r} ${name} = ${cellKey(a)}`).toBe(`${what}: row ${r} ${name} = ${cellKey(e)}`);
    }
  }
}

/** Runs `df` fused and unfused and checks that the fused plan was used and the results agree. */
async function checkFused(df: DataFrame, keys: readonly string[], what: string): Promise<Row[]> {
  spark.conf.set(FUSE, true);
  const plan = df.explainString();
  expect(plan, what).toMatch(/HashAggregate .*, filter=\S/);
  expect(plan, what).not.toMatch(/\bFilter\b/);
  const fused = await collectWith(df, true);
  const plain = await collectWith(df, false);
  expectSameRows(fused, plain, keys, what);
  return fused;
}

beforeAll(() => {
  spark = SparkSession.builder.master('local[1]').appName('filtered-aggregate').getOrCreate();
});
afterAll(() => {
  spark.conf.set('spark.kindling.batchSize', 65536);
  spark.conf.set(FUSE, true);
});

describe('filter fused into the aggregation', () => {
  const predicates: readonly [string, () => ReturnType<typeof col>][] = [
    ['mixed: v > 0.2 (nulls, NaN)', () => col('v').gt(0.2)],
    ['nullable boolean column', () => col('b')],
    ['conjunction with nulls', () => col('b').and(col('i').lt(300))],
    ['all true', () => col('id').geq(0)],
    ['all false', () => col('id').lt(0)],
    ['true in the first batches only', () => col('id').lt(40)],
    ['false in the first batches only', () => col('id').geq(40)],
  ];
  const keySets: readonly string[][] = [[], ['k'], ['g'], ['w'], ['v'], ['k', 'g'], ['b']];

  for (const batchSize of [1, 7, 1024]) {
    it(`gives the unfused plan's results with batches of ${batchSize} rows`, async () => {
      spark.conf.set('spark.kindling.batchSize', batchSize);
      const n = batchSize === 1 ? 120 : batchSize === 7 ? 500 : 5000;
      const df = spark.createDataFrame(makeRows(n, 1000 + batchSize), SCHEMA);
      for (const [name, pred] of predicates) {
        for (const keys of keySets) {
          const q = df.filter(pred()).groupBy(...keys).agg(...allAggregates());
          const rows = await checkFused(q, keys, `${name}, keys [${keys.join(', ')}], batch ${batchSize}`);
          if (keys.length === 0) expect(rows.length).toBe(1);
          if (name === 'all false') {
            if (keys.length === 0) {
              expect(rows[0]!['count_star']).toBe(0n);
              expect(rows[0]!['sum_v']).toBeNull();
              expect(rows[0]!['min_s']).toBeNull();
              expect(rows[0]!['first_i']).toBeNull();
            } else {
              expect(rows.length).toBe(0);
            }
          }
        }
      }
    });
  }

  it('counts exactly the rows whose predicate is true (null is false)', async () => {
    spark.conf.set('spark.kindling.batchSize', 7);
    const rows = makeRows(500, 7);
    const df = spark.createDataFrame(rows, SCHEMA);
    const got = await df.filter(col('b')).groupBy('k').agg(F.count('*').alias('c'), F.sum('i').alias('s')).collect();
    const want = new Map<string, { c: bigint; s: bigint | null }>();
    for (const r of rows) {
      if (r['b'] !== true) continue;
      const key = String(r['k']);
      const cur = want.get(key) ?? { c: 0n, s: null };
      cur.c++;
      if (r['i'] !== null) cur.s = (cur.s ?? 0n) + BigInt(r['i'] as number);
      want.set(key, cur);
    }
    expect(got.length).toBe(want.size);
    for (const g of got) expect({ c: g['c'], s: g['s'] }).toEqual(want.get(String(g['k'])));
  });

  it('evaluates projections between the filter and the aggregation on the unfiltered rows', async () => {
    spark.conf.set('spark.kindling.batchSize', 64);
    const df = spark.createDataFrame(makeRows(1000, 3), SCHEMA);
    // The projection drops the filter's column v and computes the aggregate's input x.
    const q = df
      .filter(col('v').gt(0).and(col('g').isNotNull()))
      .select(col('k'), col('v').multiply(2).alias('x'), col('s'), col('i').plus(1).alias('v'))
      .groupBy('k')
      .agg(F.sum('x').alias('sx'), F.count('*').alias('c'), F.max('s').alias('ms'), F.sum('v').alias('sv'));
    const plan = q.explainString();
    expect(plan).toMatch(/HashAggregate keys=\[k\], .*filter=\(\(v#\d+ > 0\) AND isNotNull\(g#\d+\)\)\n.*Project \[k#\d+, \(v#\d+ \* 2\) AS x#\d+, s#\d+, \(i#\d+ \+ 1\) AS v#\d+, g#\d+, v#\d+\]/);
    await checkFused(q, ['k'], 'projection');
    // A filter above the aggregation is not fused (it is a HAVING).
    const having = df.groupBy('k').agg(F.sum('i').alias('si')).filter(col('si').gt(0));
    expect(having.explainString()).toMatch(/Filter/);
  });

  it('explain() shows the fused filter, and only when fusion is on', () => {
    const df = spark.createDataFrame([{ k: 1, v: 0.25 }, { k: 2, v: 0.75 }], 'k int, v double');
    const q = df.filter(col('v').gt(0.5)).agg(F.sum('v'));
    spark.conf.set(FUSE, true);
    const fused = q.explainString();
    expect(fused).toMatch(/HashAggregate keys=\[\], functions=\[sum\(v\) AS _agg0\], filter=\(v#\d+ > 0\.5\)/);
    expect(fused).not.toMatch(/\bFilter\b/);
    spark.conf.set(FUSE, false);
    try {
      const plain = q.explainString();
      expect(plain).toMatch(/Filter \(v#\d+ > 0\.5\)/);
      expect(plain).not.toMatch(/filter=/);
    } finally {
      spark.conf.set(FUSE, true);
    }
    expect(() => spark.conf.set(FUSE, 'maybe')).toThrow(/fuseFilterIntoAggregate/);
  });

  it('frees its scratch memory', async () => {
    spark.conf.set('spark.kindling.batchSize', 100);
    const df = spark.createDataFrame(makeRows(1000, 5), SCHEMA);
    const q = df.filter(col('v').gt(0)).groupBy('g').agg(...allAggregates());
    await q.collect();
    const before = runtime().memory.liveBytes;
    await q.collect();
    await df.filter(col('b')).agg(...allAggregates()).collect();
    expect(runtime().memory.liveBytes).toBe(before);
  });
});

describe('HashAggregateExec with a filter', () => {
  const schema = new Schema([field('k', DataTypes.Integer, true), field('v', DataTypes.Double, true), field('p', DataTypes.Boolean, true)]);
  const ctx = { runtime: runtime(), batchSize: 1024, operatorMemoryBudget: DEFAULT_OPERATOR_MEMORY };

  function batchOf(k: (number | null)[], v: (number | null)[], p: (boolean | null)[]): Batch {
    return new Batch(schema, [columnFromJs(DataTypes.Integer, k), columnFromJs(DataTypes.Double, v), columnFromJs(DataTypes.Boolean, p)], k.length);
  }

  async function run(op: HashAggregateExec): Promise<CellValue[][]> {
    const out: CellValue[][] = [];
    for await (const b of op.execute(ctx)) {
      const cols = b.columns.map(columnToJs);
      for (let r = 0; r < b.numRows; r++) out.push(cols.map((c) => c[r]!));
      b.release();
    }
    return out;
  }

  it('takes the mask from a column of the batch; the 3-argument constructor still works', async () => {
    const batches = [
      batchOf([1, 2, 1, 3], [1, 2, 3, 4], [true, null, true, false]), // mixed, with a null
      batchOf([4, 4], [10, 20], [false, false]), // all false: no group 4
      batchOf([2, null], [5, 6], [true, true]), // all true
    ];
    try {
      const scan = new MemoryScanExec(schema, batches);
      const aggs = [
        { fn: 'sum' as const, input: 1, name: 's', resultType: DataTypes.Double },
        { fn: 'count_star' as const, input: null, name: 'c', resultType: DataTypes.Long },
      ];
      const filtered = new HashAggregateExec(scan, [0], aggs, { filter: (b) => b.column(2).retain(), filterText: 'p#3' });
      expect(filtered.describe()).toBe('keys=[k], functions=[sum(v) AS s, count(*) AS c], filter=p#3');
      expect(await run(filtered)).toEqual([
        [1, 4, 2n],
        [2, 5, 1n],
        [null, 6, 1n],
      ]);
      const plain = new HashAggregateExec(scan, [], aggs);
      expect(plain.describe()).toBe('keys=[], functions=[sum(v) AS s, count(*) AS c]');
      expect(await run(plain)).toEqual([[51, 8n]]);
      const none = new HashAggregateExec(scan, [], aggs, { filter: (b) => columnFromJs(DataTypes.Boolean, new Array(b.numRows).fill(null)) });
      expect(await run(none)).toEqual([[null, 0n]]);
    } finally {
      for (const b of batches) b.release();
    }
  });
});

describe('masked ungrouped reductions (HashAggregation.updateWhere) against a reference', () => {
  type Num = number | bigint;
  const better = (x: Num, cur: Num, isMax: boolean): boolean => {
    if (typeof x === 'number' && typeof cur === 'number') {
      // Spark's order: NaN is the largest double.
      if (isMax) return Number.isNaN(cur) ? false : Number.isNaN(x) ? true : x > cur;
      return Number.isNaN(x) ? false : Number.isNaN(cur) ? true : x < cur;
    }
    return isMax ? x > cur : x < cur;
  };
  const cases = [
    { type: DataTypes.Double, gen: (r: () => number): Num => (r() < 0.05 ? NaN : r() < 0.05 ? (r() < 0.5 ? Infinity : -Infinity) : Math.round(r() * 1e6) / 100 - 5000) },
    { type: DataTypes.Integer, gen: (r: () => number): Num => (r() < 0.05 ? (r() < 0.5 ? 2147483647 : -2147483648) : Math.floor(r() * 2e6) - 1e6) },
    { type: DataTypes.Long, gen: (r: () => number): Num => (r() < 0.05 ? (r() < 0.5 ? 9223372036854775807n : -9223372036854775808n) : BigInt(Math.floor(r() * 2e9)) - 1000000000n) },
    // Only NaN and infinities, only the extremes: the kernels' neutral values must not leak out.
    { type: DataTypes.Double, gen: (r: () => number): Num => (r() < 0.8 ? NaN : r() < 0.5 ? Infinity : -Infinity) },
    { type: DataTypes.Double, gen: (): Num => NaN },
    { type: DataTypes.Double, gen: (): Num => -Infinity },
    { type: DataTypes.Integer, gen: (r: () => number): Num => (r() < 0.5 ? 2147483647 : -2147483648) },
    { type: DataTypes.Long, gen: (r: () => number): Num => (r() < 0.5 ? 9223372036854775807n : -9223372036854775808n) },
  ];

  it('sum, count, count(*), min and max over double, int and bigint with nulls, lengths 0..1000', () => {
    const r = prng(99);
    const live = runtime().memory.liveBytes;
    for (const { type, gen } of cases) {
      for (const n of [0, 1, 2, 3, 7, 15, 16, 17, 33, 1000]) {
        for (const density of [0, 0.03, 0.5, 0.97, 1]) {
          const vals = Array.from({ length: n }, () => (r() < 0.1 ? null : gen(r)));
          const pred = Array.from({ length: n }, () => (r() < 0.1 ? null : r() < density));
          const sumType = type.kind === 'float64' ? DataTypes.Double : DataTypes.Long;
          const specs = [
            { fn: 'sum' as const, inputType: type, resultType: sumType, name: 's' },
            { fn: 'count' as const, inputType: type, resultType: DataTypes.Long, name: 'c' },
            { fn: 'count_star' as const, inputType: null, resultType: DataTypes.Long, name: 'cs' },
            { fn: 'min' as const, inputType: type, resultType: type, name: 'mn' },
            { fn: 'max' as const, inputType: type, resultType: type, name: 'mx' },
          ];
          const col = columnFromJs(type, vals);
          const mask = columnFromJs(DataTypes.Boolean, pred);
          const agg = new HashAggregation([], specs, new MemoryReservation('HashAggregate', 1 << 30));
          try {
            // Twice: the states fold batches together.
            agg.updateWhere([], [col, col, null, col, col], n, mask);
            agg.updateWhere([], [col, col, null, col, col], n, mask);
            const got = specs.map((_, i) => {
              const c = agg.result(i, 0, 1);
              try {
                return columnToJs(c)[0];
              } finally {
                c.release();
              }
            });
            const kept = vals.filter((_, i) => pred[i] === true);
            const nonNull = [...kept, ...kept].filter((v): v is Num => v !== null);
            let sum: Num | null = null;
            let mn: Num | null = null;
            let mx: Num | null = null;
            for (const v of nonNull) {
              if (typeof v === 'bigint') sum = BigInt.asIntN(64, ((sum as bigint | null) ?? 0n) + v);
              else if (type.kind === 'int32') sum = BigInt(v) + ((sum as bigint | null) ?? 0n);
              else sum = ((sum as number | null) ?? 0) + v;
              if (mn === null || better(v, mn, false)) mn = v;
              if (mx === null || better(v, mx, true)) mx = v;
            }
            const what = `${type.kind} n=${n} density=${density}`;
            if (typeof sum === 'number' && typeof got[0] === 'number') {
              if (Number.isNaN(sum)) expect(got[0], what).toBeNaN();
              else expect(Math.abs(got[0] - sum) <= 1e-9 * Math.abs(sum) || got[0] === sum, `${what}: sum ${got[0]} vs ${sum}`).toBe(true);
            } else {
              expect(got[0], what).toEqual(sum);
            }
            expect(got[1], what).toBe(BigInt(nonNull.length));
            expect(got[2], what).toBe(BigInt(kept.length * 2));
            const norm = (v: CellValue | undefined) => (typeof v === 'number' ? String(v) : typeof v === 'bigint' ? `${v}n` : v);
            expect(norm(got[3]), `${what}: min`).toBe(norm(mn));
            expect(norm(got[4]), `${what}: max`).toBe(norm(mx));
          } finally {
            agg.release();
            col.release();
            mask.release();
          }
        }
      }
    }
    expect(runtime().memory.liveBytes).toBe(live);
  });
});

describe('compiled kernels', () => {
  it('use SIMD in the masked ungrouped reductions', () => {
    const wat = readFileSync(new URL('../build/aggregate.wat', import.meta.url), 'utf8');
    const body = (name: string) => {
      const start = wat.indexOf(`(func $assembly/aggregate/${name} `);
      expect(start, name).toBeGreaterThan(0);
      const end = wat.indexOf('\n (func ', start + 1);
      return wat.slice(start, end);
    };
    const sum = body('agg_sum_all_f64');
    expect(sum).toMatch(/f64x2\.add/);
    expect(sum).toMatch(/i64x2\.extend_low_i32x4_s/);
    expect(body('agg_min_all_f64')).toMatch(/v128\.bitselect/);
    expect(body('agg_max_all_i64')).toMatch(/i64x2\.gt_s/);
    expect(body('agg_min_all_i32')).toMatch(/i32x4\.min_s/);
    expect(body('agg_mask_prepare')).toMatch(/i8x16\.add/);
    expect(body('agg_mask_and')).toMatch(/v128\.and/);
  });
});
