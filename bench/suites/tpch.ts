/**
 * The TPC-H suite: the 22 queries of ../shared/tpch/queries (qNN.sql) for the SQL engines, on Parquet
 * files made by bench/tpch/generate.ts (generated into the data directory when missing). DataFrame-API
 * versions: nodejs-polars q1, q3, q5, q6, q10; Arquero q1, q6; Kindling's DataFrame API q1, q3, q6.
 * Other queries are n/a for those engines.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as pl from 'nodejs-polars';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { functions as F, type DataFrame } from '../../src/index.js';
import type { BenchQuery } from '../engines/engine.js';
import { TABLE_NAMES, generateTpch } from '../tpch/generate.js';
import type { SuiteData } from './suite.js';

/** Where the query texts live. */
export const TPCH_QUERY_DIR = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'tpch', 'queries');

/**
 * Columns whose order the ORDER BY fixes, per query (the rest of the answer is compared as a multiset,
 * so ties in the sort keys cannot make a correct answer look wrong). Same as test/sql-tpch.test.ts.
 */
const ORDER_KEYS: Record<number, number[]> = {
  1: [0, 1], 2: [0, 2, 1, 3], 3: [1, 2], 4: [0], 5: [1], 7: [0, 1, 2], 8: [0], 9: [0, 1], 10: [2], 11: [1], 12: [0],
  13: [1, 0], 15: [0], 16: [3, 0, 1, 2], 18: [4, 3], 20: [0], 21: [1, 0], 22: [0],
};

const d = (iso: string) => new Date(`${iso}T00:00:00Z`);
const ms = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

type PlT = Record<string, pl.DataFrame>;
type AqT = Record<string, ColumnTable>;
type KT = Record<string, DataFrame>;

const disc = () => pl.col('l_extendedprice').mul(pl.lit(1).sub(pl.col('l_discount')));

const polars: Record<number, (t: PlT) => pl.LazyDataFrame> = {
  1: (t) =>
    t.lineitem!.lazy()
      .filter(pl.col('l_shipdate').ltEq(pl.lit(d('1998-09-02'))))
      .groupBy(['l_returnflag', 'l_linestatus'])
      .agg(
        pl.col('l_quantity').sum().alias('sum_qty'),
        pl.col('l_extendedprice').sum().alias('sum_base_price'),
        disc().sum().alias('sum_disc_price'),
        disc().mul(pl.lit(1).add(pl.col('l_tax'))).sum().alias('sum_charge'),
        pl.col('l_quantity').mean().alias('avg_qty'),
        pl.col('l_extendedprice').mean().alias('avg_price'),
        pl.col('l_discount').mean().alias('avg_disc'),
        pl.col('l_orderkey').count().alias('count_order'),
      )
      .sort(['l_returnflag', 'l_linestatus']),
  3: (t) =>
    t.customer!.lazy()
      .filter(pl.col('c_mktsegment').eq(pl.lit('BUILDING')))
      .join(t.orders!.lazy().filter(pl.col('o_orderdate').lt(pl.lit(d('1995-03-15')))), { leftOn: 'c_custkey', rightOn: 'o_custkey' })
      .join(t.lineitem!.lazy().filter(pl.col('l_shipdate').gt(pl.lit(d('1995-03-15')))), { leftOn: 'o_orderkey', rightOn: 'l_orderkey' })
      .groupBy(['o_orderkey', 'o_orderdate', 'o_shippriority'])
      .agg(disc().sum().alias('revenue'))
      .select('o_orderkey', 'revenue', 'o_orderdate', 'o_shippriority')
      .sort(['revenue', 'o_orderdate'], [true, false])
      .limit(10),
  5: (t) =>
    t.region!.lazy()
      .filter(pl.col('r_name').eq(pl.lit('ASIA')))
      .join(t.nation!.lazy(), { leftOn: 'r_regionkey', rightOn: 'n_regionkey' })
      .join(t.customer!.lazy(), { leftOn: 'n_nationkey', rightOn: 'c_nationkey' })
      .join(t.orders!.lazy().filter(pl.col('o_orderdate').gtEq(pl.lit(d('1994-01-01'))).and(pl.col('o_orderdate').lt(pl.lit(d('1995-01-01'))))), {
        leftOn: 'c_custkey',
        rightOn: 'o_custkey',
      })
      .join(t.lineitem!.lazy(), { leftOn: 'o_orderkey', rightOn: 'l_orderkey' })
      .join(t.supplier!.lazy(), { leftOn: ['l_suppkey', 'n_nationkey'], rightOn: ['s_suppkey', 's_nationkey'] })
      .groupBy('n_name')
      .agg(disc().sum().alias('revenue'))
      .sort('revenue', true),
  6: (t) =>
    t.lineitem!.lazy()
      .filter(
        pl.col('l_shipdate').gtEq(pl.lit(d('1994-01-01')))
          .and(pl.col('l_shipdate').lt(pl.lit(d('1995-01-01'))))
          .and(pl.col('l_discount').gtEq(0.05))
          .and(pl.col('l_discount').ltEq(0.07))
          .and(pl.col('l_quantity').lt(24)),
      )
      .select(pl.col('l_extendedprice').mul(pl.col('l_discount')).sum().alias('revenue')),
  10: (t) =>
    t.customer!.lazy()
      .join(t.orders!.lazy().filter(pl.col('o_orderdate').gtEq(pl.lit(d('1993-10-01'))).and(pl.col('o_orderdate').lt(pl.lit(d('1994-01-01'))))), {
        leftOn: 'c_custkey',
        rightOn: 'o_custkey',
      })
      .join(t.lineitem!.lazy().filter(pl.col('l_returnflag').eq(pl.lit('R'))), { leftOn: 'o_orderkey', rightOn: 'l_orderkey' })
      .join(t.nation!.lazy(), { leftOn: 'c_nationkey', rightOn: 'n_nationkey' })
      .groupBy(['c_custkey', 'c_name', 'c_acctbal', 'c_phone', 'n_name', 'c_address', 'c_comment'])
      .agg(disc().sum().alias('revenue'))
      .select('c_custkey', 'c_name', 'revenue', 'c_acctbal', 'n_name', 'c_address', 'c_phone', 'c_comment')
      .sort('revenue', true)
      .limit(20),
};

const arquero: Record<number, (t: AqT) => ColumnTable> = {
  1: (t) =>
    t.lineitem!
      .params({ cut: ms('1998-09-02') })
      .filter((r: Record<string, number>, $: Record<string, number>) => r.l_shipdate! <= $.cut!)
      .derive({
        dp: (r: Record<string, number>) => r.l_extendedprice! * (1 - r.l_discount!),
        ch: (r: Record<string, number>) => r.l_extendedprice! * (1 - r.l_discount!) * (1 + r.l_tax!),
      })
      .groupby('l_returnflag', 'l_linestatus')
      .rollup({
        sum_qty: aq.op.sum('l_quantity'),
        sum_base_price: aq.op.sum('l_extendedprice'),
        sum_disc_price: aq.op.sum('dp'),
        sum_charge: aq.op.sum('ch'),
        avg_qty: aq.op.mean('l_quantity'),
        avg_price: aq.op.mean('l_extendedprice'),
        avg_disc: aq.op.mean('l_discount'),
        count_order: aq.op.count(),
      })
      .orderby('l_returnflag', 'l_linestatus'),
  6: (t) =>
    t.lineitem!
      .params({ lo: ms('1994-01-01'), hi: ms('1995-01-01') })
      .filter(
        (r: Record<string, number>, $: Record<string, number>) =>
          r.l_shipdate! >= $.lo! && r.l_shipdate! < $.hi! && r.l_discount! >= 0.05 && r.l_discount! <= 0.07 && r.l_quantity! < 24,
      )
      .rollup({ revenue: (r: Record<string, number>) => aq.op.sum(r.l_extendedprice! * r.l_discount!) }),
};

const kdisc = () => F.col('l_extendedprice').multiply(F.lit(1).minus(F.col('l_discount')));
const kdate = (iso: string) => F.lit(iso).cast('date');

const kindling: Record<number, (t: KT) => DataFrame> = {
  1: (t) =>
    t.lineitem!
      .filter(F.col('l_shipdate').leq(kdate('1998-09-02')))
      .groupBy('l_returnflag', 'l_linestatus')
      .agg(
        F.sum('l_quantity').alias('sum_qty'),
        F.sum('l_extendedprice').alias('sum_base_price'),
        F.sum(kdisc()).alias('sum_disc_price'),
        F.sum(kdisc().multiply(F.lit(1).plus(F.col('l_tax')))).alias('sum_charge'),
        F.avg('l_quantity').alias('avg_qty'),
        F.avg('l_extendedprice').alias('avg_price'),
        F.avg('l_discount').alias('avg_disc'),
        F.count('*').alias('count_order'),
      )
      .orderBy('l_returnflag', 'l_linestatus'),
  3: (t) =>
    t.customer!
      .filter(F.col('c_mktsegment').eq('BUILDING'))
      .join(t.orders!.filter(F.col('o_orderdate').lt(kdate('1995-03-15'))), F.col('c_custkey').eq(F.col('o_custkey')))
      .join(t.lineitem!.filter(F.col('l_shipdate').gt(kdate('1995-03-15'))), F.col('l_orderkey').eq(F.col('o_orderkey')))
      .groupBy('l_orderkey', 'o_orderdate', 'o_shippriority')
      .agg(F.sum(kdisc()).alias('revenue'))
      .select('l_orderkey', 'revenue', 'o_orderdate', 'o_shippriority')
      .orderBy(F.desc('revenue'), F.asc('o_orderdate'))
      .limit(10),
  6: (t) =>
    t.lineitem!
      .filter(
        F.col('l_shipdate').geq(kdate('1994-01-01'))
          .and(F.col('l_shipdate').lt(kdate('1995-01-01')))
          .and(F.col('l_discount').between(0.05, 0.07))
          .and(F.col('l_quantity').lt(24)),
      )
      .agg(F.sum(F.col('l_extendedprice').multiply(F.col('l_discount'))).alias('revenue')),
};

/** The TPC-H queries (all 22, or those numbered in `only`). */
export function tpchQueries(only?: readonly number[]): BenchQuery[] {
  const nums = only && only.length > 0 ? [...only] : Array.from({ length: 22 }, (_, i) => i + 1);
  return nums.map((n) => {
    if (!Number.isInteger(n) || n < 1 || n > 22) throw new RangeError(`TPC-H has queries 1..22, got ${n}`);
    const file = join(TPCH_QUERY_DIR, `q${String(n).padStart(2, '0')}.sql`);
    const sql = readFileSync(file, 'utf8');
    return {
      id: `q${n}`,
      title: `TPC-H Q${n}`,
      sql,
      ordered: false,
      orderKeys: ORDER_KEYS[n],
      polars: polars[n],
      arquero: arquero[n],
      kindlingDf: kindling[n],
    };
  });
}

/** Makes sure the TPC-H files for `sf` exist under `dataDir` (generating them if not) and returns them. */
export async function prepareTpch(dataDir: string, sf: number, log: (l: string) => void): Promise<SuiteData> {
  const dir = resolve(dataDir, `tpch-sf${sf}`);
  const tables = Object.fromEntries(TABLE_NAMES.map((t) => [t, join(dir, `${t}.parquet`)]));
  if (!Object.values(tables).every((p) => existsSync(p))) {
    log(`generating TPC-H SF ${sf} into ${dir} ...`);
    await generateTpch(dir, { sf, progress: false });
  }
  return { tables, description: `TPC-H SF ${sf} (bench/tpch/generate.ts, seed 1) in ${dir}` };
}
