/**
 * The db-benchmark groupby suite: questions q1..q10 of the H2O/DuckDB Labs db-benchmark on its
 * groupby dataset (bench/h2o/generate-groupby.ts), SQL as in the benchmark's DuckDB solution, with
 * DataFrame-API versions for nodejs-polars, Arquero and Kindling. As in the benchmark, the answer is
 * a checksum of the materialised result (row count and sums of the value columns).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as pl from 'nodejs-polars';
import * as aq from 'arquero';
import { functions as F, Window } from '../../src/index.js';
import type { BenchQuery } from '../engines/engine.js';
import { generateGroupby, groupbyFileName, type GroupbyParams } from '../h2o/generate-groupby.js';
import type { SuiteData } from './suite.js';

type R = Record<string, number>;

const ids = ['id1', 'id2', 'id3', 'id4', 'id5', 'id6'];

/** The ten groupby questions. */
export const GROUPBY_QUERIES: readonly BenchQuery[] = [
  {
    id: 'q1',
    title: 'sum v1 by id1',
    sql: 'SELECT id1, sum(v1) AS v1 FROM x GROUP BY id1',
    ordered: false,
    summary: ['v1'],
    polars: (t) => t.x!.lazy().groupBy('id1').agg(pl.col('v1').sum()),
    arquero: (t) => t.x!.groupby('id1').rollup({ v1: aq.op.sum('v1') }),
    kindlingDf: (t) => t.x!.groupBy('id1').agg(F.sum('v1').alias('v1')),
  },
  {
    id: 'q2',
    title: 'sum v1 by id1:id2',
    sql: 'SELECT id1, id2, sum(v1) AS v1 FROM x GROUP BY id1, id2',
    ordered: false,
    summary: ['v1'],
    polars: (t) => t.x!.lazy().groupBy(['id1', 'id2']).agg(pl.col('v1').sum()),
    arquero: (t) => t.x!.groupby('id1', 'id2').rollup({ v1: aq.op.sum('v1') }),
    kindlingDf: (t) => t.x!.groupBy('id1', 'id2').agg(F.sum('v1').alias('v1')),
  },
  {
    id: 'q3',
    title: 'sum v1 mean v3 by id3',
    sql: 'SELECT id3, sum(v1) AS v1, avg(v3) AS v3 FROM x GROUP BY id3',
    ordered: false,
    summary: ['v1', 'v3'],
    polars: (t) => t.x!.lazy().groupBy('id3').agg(pl.col('v1').sum(), pl.col('v3').mean()),
    arquero: (t) => t.x!.groupby('id3').rollup({ v1: aq.op.sum('v1'), v3: aq.op.mean('v3') }),
    kindlingDf: (t) => t.x!.groupBy('id3').agg(F.sum('v1').alias('v1'), F.avg('v3').alias('v3')),
  },
  {
    id: 'q4',
    title: 'mean v1:v3 by id4',
    sql: 'SELECT id4, avg(v1) AS v1, avg(v2) AS v2, avg(v3) AS v3 FROM x GROUP BY id4',
    ordered: false,
    summary: ['v1', 'v2', 'v3'],
    polars: (t) => t.x!.lazy().groupBy('id4').agg(pl.col('v1').mean(), pl.col('v2').mean(), pl.col('v3').mean()),
    arquero: (t) => t.x!.groupby('id4').rollup({ v1: aq.op.mean('v1'), v2: aq.op.mean('v2'), v3: aq.op.mean('v3') }),
    kindlingDf: (t) => t.x!.groupBy('id4').agg(F.avg('v1').alias('v1'), F.avg('v2').alias('v2'), F.avg('v3').alias('v3')),
  },
  {
    id: 'q5',
    title: 'sum v1:v3 by id6',
    sql: 'SELECT id6, sum(v1) AS v1, sum(v2) AS v2, sum(v3) AS v3 FROM x GROUP BY id6',
    ordered: false,
    summary: ['v1', 'v2', 'v3'],
    polars: (t) => t.x!.lazy().groupBy('id6').agg(pl.col('v1').sum(), pl.col('v2').sum(), pl.col('v3').sum()),
    arquero: (t) => t.x!.groupby('id6').rollup({ v1: aq.op.sum('v1'), v2: aq.op.sum('v2'), v3: aq.op.sum('v3') }),
    kindlingDf: (t) => t.x!.groupBy('id6').agg(F.sum('v1').alias('v1'), F.sum('v2').alias('v2'), F.sum('v3').alias('v3')),
  },
  {
    id: 'q6',
    title: 'median v3 sd v3 by id4 id5',
    sql: 'SELECT id4, id5, median(v3) AS median_v3, stddev(v3) AS sd_v3 FROM x GROUP BY id4, id5',
    ordered: false,
    summary: ['median_v3', 'sd_v3'],
    polars: (t) => t.x!.lazy().groupBy(['id4', 'id5']).agg(pl.col('v3').median().alias('median_v3'), pl.col('v3').std().alias('sd_v3')),
    arquero: (t) => t.x!.groupby('id4', 'id5').rollup({ median_v3: aq.op.median('v3'), sd_v3: aq.op.stdev('v3') }),
    kindlingDf: (t) => t.x!.groupBy('id4', 'id5').agg(F.median('v3').alias('median_v3'), F.stddev('v3').alias('sd_v3')),
  },
  {
    id: 'q7',
    title: 'max v1 - min v2 by id3',
    sql: 'SELECT id3, max(v1) - min(v2) AS range_v1_v2 FROM x GROUP BY id3',
    ordered: false,
    summary: ['range_v1_v2'],
    polars: (t) => t.x!.lazy().groupBy('id3').agg(pl.col('v1').max().sub(pl.col('v2').min()).alias('range_v1_v2')),
    arquero: (t) =>
      t.x!.groupby('id3')
        .rollup({ mx: aq.op.max('v1'), mn: aq.op.min('v2') })
        .derive({ range_v1_v2: (d: R) => d.mx! - d.mn! })
        .select('id3', 'range_v1_v2'),
    kindlingDf: (t) => t.x!.groupBy('id3').agg(F.max('v1').minus(F.min('v2')).alias('range_v1_v2')),
  },
  {
    id: 'q8',
    title: 'largest two v3 by id6',
    sql:
      'SELECT id6, v3 AS largest2_v3 FROM (SELECT id6, v3, row_number() OVER (PARTITION BY id6 ORDER BY v3 DESC) AS order_v3 ' +
      'FROM x WHERE v3 IS NOT NULL) sub_query WHERE order_v3 <= 2',
    ordered: false,
    summary: ['largest2_v3'],
    polars: (t) =>
      t.x!.lazy()
        .filter(pl.col('v3').isNotNull())
        .filter(pl.col('v3').rank('ordinal', true).over('id6').ltEq(2))
        .select('id6', pl.col('v3').alias('largest2_v3')),
    arquero: (t) =>
      t.x!.filter((d: R) => d.v3 != null)
        .groupby('id6')
        .orderby(aq.desc('v3'))
        .derive({ rn: () => aq.op.row_number() })
        .filter((d: R) => d.rn! <= 2)
        .ungroup()
        .select('id6', { v3: 'largest2_v3' }),
    kindlingDf: (t) =>
      t.x!.filter(F.col('v3').isNotNull())
        .withColumn('order_v3', F.row_number().over(Window.partitionBy('id6').orderBy(F.desc('v3'))))
        .filter(F.col('order_v3').leq(2))
        .select(F.col('id6'), F.col('v3').alias('largest2_v3')),
  },
  {
    id: 'q9',
    title: 'regression v1 v2 by id2 id4',
    sql: 'SELECT id2, id4, pow(corr(v1, v2), 2) AS r2 FROM x GROUP BY id2, id4',
    ordered: false,
    summary: ['r2'],
    polars: (t) => t.x!.lazy().groupBy(['id2', 'id4']).agg(pl.pearsonCorr('v1', 'v2').pow(2).alias('r2')),
    arquero: (t) =>
      t.x!.groupby('id2', 'id4')
        .rollup({ c: aq.op.corr('v1', 'v2') })
        .derive({ r2: (d: R) => d.c! * d.c! })
        .select('id2', 'id4', 'r2'),
    kindlingDf: (t) => t.x!.groupBy('id2', 'id4').agg(F.pow(F.corr('v1', 'v2'), 2).alias('r2')),
  },
  {
    id: 'q10',
    title: 'sum v3 count by id1:id6',
    sql: 'SELECT id1, id2, id3, id4, id5, id6, sum(v3) AS v3, count(*) AS count FROM x GROUP BY id1, id2, id3, id4, id5, id6',
    ordered: false,
    summary: ['v3', 'count'],
    polars: (t) =>
      t.x!.lazy()
        .withColumns(pl.lit(1).alias('__one'))
        .groupBy(ids)
        .agg(pl.col('v3').sum().alias('v3'), pl.col('__one').sum().alias('count')),
    arquero: (t) => t.x!.groupby(...ids).rollup({ v3: aq.op.sum('v3'), count: aq.op.count() }),
    kindlingDf: (t) => t.x!.groupBy(...ids).agg(F.sum('v3').alias('v3'), F.count('*').alias('count')),
  },
];

/** The questions with these ids (default all), in the benchmark's order. */
export function groupbyQueries(only?: readonly string[]): BenchQuery[] {
  if (!only || only.length === 0) return [...GROUPBY_QUERIES];
  for (const id of only) if (!GROUPBY_QUERIES.some((q) => q.id === id)) throw new RangeError(`groupby has q1..q10, got ${id}`);
  return GROUPBY_QUERIES.filter((q) => only.includes(q.id));
}

/** Makes sure the groupby file exists under `dataDir` (generating it if not). */
export async function prepareGroupby(dataDir: string, p: GroupbyParams, log: (l: string) => void): Promise<SuiteData> {
  const dir = resolve(dataDir, 'h2o');
  const path = join(dir, groupbyFileName(p).replace('.parquet', `_s${p.seed ?? 1}.parquet`));
  if (!existsSync(path)) {
    log(`generating db-benchmark groupby data ${groupbyFileName(p)} into ${dir} ...`);
    const r = await generateGroupby(dir, p);
    const { renameSync } = await import('node:fs');
    renameSync(r.path, path);
  }
  return { tables: { x: path }, description: `db-benchmark groupby ${groupbyFileName(p)} (bench/h2o/generate-groupby.ts, seed ${p.seed ?? 1}) at ${path}` };
}
