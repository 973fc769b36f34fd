/**
 * Column statistics of in-memory relations (src/optimizer/local-statistics.ts) and their use by the
 * cardinality estimator: min/max by the SIMD kernels for integer, date, timestamp, decimal and
 * double columns, null counts, NDV bounds for integers; and end to end, TPC-H q5 over in-memory
 * tables (createDataFrame) gets the join order it gets over the Parquet files (with footer
 * statistics), not the customer-supplier join on nationkey first.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SparkSession } from '../src/index.js';
import { RuntimeConfig } from '../src/api/config.js';
import { type LogicalPlan, outputOf, planChildren } from '../src/plan/logical-plan.js';
import { estimatePlan } from '../src/optimizer/cardinality.js';
import { localColumnStatistics } from '../src/optimizer/local-statistics.js';
import { batchFromRows } from '../src/types/values.js';
import { Schema, field } from '../src/types/schema.js';
import { DataTypes } from '../src/types/data-type.js';
import { DuckDBInstance } from '@duckdb/node-api';

const QUERIES = join(import.meta.dirname, '..', '..', 'shared', 'tpch', 'queries');

describe('statistics of in-memory relations', () => {
  const schema = new Schema([
    field('i', DataTypes.Integer),
    field('l', DataTypes.Long),
    field('d', DataTypes.Date),
    field('x', DataTypes.Double),
    field('m', DataTypes.decimal(10, 2)),
    field('s', DataTypes.String),
    field('n', DataTypes.Integer),
  ]);
  // 1000 rows in batches of uneven sizes (lengths not multiples of the SIMD lanes), some nulls.
  const rows = Array.from({ length: 1000 }, (_, r) => ({
    i: r % 10 === 3 ? null : 100 + (r % 37),
    l: BigInt(-5000 + r * 3),
    d: `2020-01-${String(1 + (r % 28)).padStart(2, '0')}`,
    x: r === 500 ? null : r / 4 - 10,
    m: (r % 50 === 7 ? '-12.34' : `${r % 20}.05`),
    s: `s${r % 7}`,
    n: null,
  }));

  it('min, max and null counts per column, across batches', () => {
    const batches = [rows.slice(0, 1), rows.slice(1, 18), rows.slice(18, 1000)].map((part) => batchFromRows(schema, part));
    try {
      const st = localColumnStatistics(batches, schema.fields.map((f) => f.type));
      expect(st[0]).toEqual({ nullCount: 100, min: 100, max: 136 });
      expect(st[1]).toEqual({ nullCount: 0, min: -5000, max: -5000 + 999 * 3 });
      expect(st[2]).toEqual({ nullCount: 0, min: Date.UTC(2020, 0, 1) / 86_400_000, max: Date.UTC(2020, 0, 28) / 86_400_000 });
      expect(st[3]).toEqual({ nullCount: 1, min: -10, max: 999 / 4 - 10 });
      expect(st[4]!.min).toBeCloseTo(-12.34, 10);
      expect(st[4]!.max).toBeCloseTo(19.05, 10);
      expect(st[5]).toEqual({ nullCount: 0 }); // strings: no range
      expect(st[6]).toEqual({ nullCount: 1000 }); // all null: no range
    } finally {
      for (const b of batches) b.release();
    }
  });

  it('the estimator uses them as it uses Parquet footers: NDV from the integer range, null fractions, ranges', async () => {
    const spark = new SparkSession(new RuntimeConfig(), 'local-stats', 'local[1]');
    const df = spark.createDataFrame(rows, schema);
    const plan = df.plan;
    const est = estimatePlan(plan);
    const byName = (n: string) => est.columns.get(outputOf(plan).find((a) => a.name === n)!.id)!;
    expect(est.rows).toBe(1000);
    expect(byName('i')).toMatchObject({ ndv: 37, ndvKnown: true, min: 100, max: 136, nullFraction: 0.1 });
    expect(byName('l')).toMatchObject({ ndv: 1000, ndvKnown: true }); // range 2998 capped by rows
    expect(byName('d')).toMatchObject({ ndv: 28, ndvKnown: true });
    expect(byName('x')).toMatchObject({ ndvKnown: false, min: -10, nullFraction: 0.001 });
    expect(byName('s')).toMatchObject({ ndvKnown: false, nullFraction: 0 });
    // A filter on a range: a quarter of i's [100, 136] range.
    const f = df.filter('i < 109');
    expect(estimatePlan(f.optimizedPlan()).rows).toBeCloseTo(250, -1);
    spark.stop();
  });
});

// ---- TPC-H q5 in memory vs from Parquet -----------------------------------------------------------

/**
 * The columns q5 reads, with TPC-H's cardinalities and key distributions at SF 0.05 (the smallest
 * scale where the estimates from Parquet footers and from row counts alone choose differently).
 */
const TABLES: Record<string, string> = {
  region: `SELECT CAST(i AS INTEGER) AS r_regionkey, ['AFRICA', 'AMERICA', 'ASIA', 'EUROPE', 'MIDDLE EAST'][i + 1] AS r_name FROM range(5) t(i)`,
  nation: `SELECT CAST(i AS INTEGER) AS n_nationkey, 'NATION' || i AS n_name, CAST(i % 5 AS INTEGER) AS n_regionkey FROM range(25) t(i)`,
  supplier: `SELECT CAST(i + 1 AS INTEGER) AS s_suppkey, CAST((i * 7) % 25 AS INTEGER) AS s_nationkey FROM range(500) t(i)`,
  customer: `SELECT CAST(i + 1 AS INTEGER) AS c_custkey, CAST((i * 11) % 25 AS INTEGER) AS c_nationkey FROM range(7500) t(i)`,
  orders: `SELECT CAST(i * 4 + 1 AS INTEGER) AS o_orderkey, CAST((i * 13) % 7500 + 1 AS INTEGER) AS o_custkey,
             DATE '1992-01-01' + CAST((i * 37) % 2400 AS INTEGER) AS o_orderdate FROM range(75000) t(i)`,
  lineitem: `SELECT CAST((i // 4) * 4 + 1 AS INTEGER) AS l_orderkey, CAST((i * 17) % 500 + 1 AS INTEGER) AS l_suppkey,
               CAST(i % 1000 AS DOUBLE) + 0.5 AS l_extendedprice, CAST(i % 11 AS DOUBLE) / 100 AS l_discount FROM range(300000) t(i)`,
};
let root: string;
let spark: SparkSession;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kindling-local-stats-'));
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  for (const [name, sql] of Object.entries(TABLES)) await db.run(`COPY (${sql}) TO '${join(root, `${name}.parquet`)}' (FORMAT parquet)`);
  db.closeSync();
  instance.closeSync();
  spark = new SparkSession(new RuntimeConfig(), 'local-stats-q5', 'local[1]');
});

afterAll(() => {
  spark?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** The join tree of a plan, leaves named by their columns' prefix (`c`, `o`, `l`, ...). */
function joinShape(p: LogicalPlan): string {
  if (p.kind === 'join') return `(${joinShape(p.left)} ${joinShape(p.right)})`;
  if (p.kind === 'parquet' || p.kind === 'local') return outputOf(p)[0]!.name.split('_')[0]!;
  return planChildren(p).map(joinShape).join(',');
}

/** What customer is joined with first: the shape of the other side of the join whose one side is customer. */
function customerJoinedWith(p: LogicalPlan): string | undefined {
  if (p.kind === 'join') {
    if (joinShape(p.left) === 'c') return joinShape(p.right);
    if (joinShape(p.right) === 'c') return joinShape(p.left);
  }
  for (const c of planChildren(p)) {
    const found = customerJoinedWith(c);
    if (found) return found;
  }
  return undefined;
}

describe('TPC-H q5 over in-memory tables', () => {
  it('gets the join order it gets from Parquet (not customer x supplier first)', async () => {
    const q = readFileSync(join(QUERIES, 'q05.sql'), 'utf8');
    for (const t of Object.keys(TABLES)) (await spark.read.parquet(join(root, `${t}.parquet`))).createOrReplaceTempView(t);
    const fromParquet = joinShape((await spark.sql(q)).optimizedPlan());
    const parquetRows = await (await spark.sql(q)).collect();
    for (const t of Object.keys(TABLES)) spark.createDataFrame(await (await spark.read.parquet(join(root, `${t}.parquet`))).toArrow()).createOrReplaceTempView(t);
    const plan = (await spark.sql(q)).optimizedPlan();
    expect(joinShape(plan)).toBe(fromParquet);
    // Customer meets orders (c_custkey = o_custkey), not supplier on nationkey alone.
    expect(customerJoinedWith(plan)).toContain('o');
    expect(await (await spark.sql(q)).collect()).toEqual(parquetRows);
  });
});
