/**
 * The db-benchmark join suite: questions q1..q5 on its join datasets (bench/h2o/generate-join.ts),
 * SQL as in the benchmark's DuckDB solution, DataFrame-API versions for nodejs-polars, Arquero and
 * Kindling. The answer is a checksum of the materialised join (row count, sum of v1 and of v2).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as pl from 'nodejs-polars';
import type { ColumnTable } from 'arquero';
import { functions as F, type DataFrame } from '../../src/index.js';
import type { BenchQuery } from '../engines/engine.js';
import { generateJoin, type JoinParams } from '../h2o/generate-join.js';
import type { SuiteData } from './suite.js';

/** Right table columns kept (renamed with the table's prefix) besides the key and v2. */
function polarsJoin(t: Record<string, pl.DataFrame>, right: string, on: string, keep: string[], how: 'inner' | 'left') {
  const r = t[right]!.lazy().select(pl.col(on), ...keep.map((c) => pl.col(c).alias(`${right}_${c}`)), pl.col('v2'));
  return t.x!.lazy().join(r, { on, how });
}

function arqueroJoin(t: Record<string, ColumnTable>, right: string, on: string, keep: string[], how: 'inner' | 'left'): ColumnTable {
  const r = t[right]!.select(on, ...keep.map((c) => ({ [c]: `${right}_${c}` })), 'v2');
  return how === 'inner' ? t.x!.join(r, on) : t.x!.join_left(r, on);
}

function kindlingJoin(t: Record<string, DataFrame>, right: string, on: string, keep: string[], how: 'inner' | 'left'): DataFrame {
  const r = t[right]!.select(F.col(on), ...keep.map((c) => F.col(c).alias(`${right}_${c}`)), F.col('v2'));
  return t.x!.join(r, on, how);
}

function q(id: string, title: string, right: string, on: string, keep: string[], how: 'inner' | 'left'): BenchQuery {
  const sel = keep.map((c) => `${right}.${c} AS ${right}_${c}`).join(', ');
  return {
    id,
    title,
    sql: `SELECT x.*, ${sel}, ${right}.v2 FROM x ${how === 'inner' ? 'JOIN' : 'LEFT JOIN'} ${right} USING (${on})`,
    ordered: false,
    summary: ['v1', 'v2'],
    polars: (t) => polarsJoin(t, right, on, keep, how),
    arquero: (t) => arqueroJoin(t, right, on, keep, how),
    kindlingDf: (t) => kindlingJoin(t, right, on, keep, how),
  };
}

/** The five join questions. */
export const JOIN_QUERIES: readonly BenchQuery[] = [
  q('q1', 'small inner on int', 'small', 'id1', ['id4'], 'inner'),
  q('q2', 'medium inner on int', 'medium', 'id2', ['id1', 'id4', 'id5'], 'inner'),
  q('q3', 'medium outer on int', 'medium', 'id2', ['id1', 'id4', 'id5'], 'left'),
  q('q4', 'medium inner on factor', 'medium', 'id5', ['id1', 'id2', 'id4'], 'inner'),
  q('q5', 'big inner on int', 'big', 'id3', ['id1', 'id2', 'id4', 'id5', 'id6'], 'inner'),
];

/** The questions with these ids (default all). */
export function joinQueries(only?: readonly string[]): BenchQuery[] {
  if (!only || only.length === 0) return [...JOIN_QUERIES];
  for (const id of only) if (!JOIN_QUERIES.some((x) => x.id === id)) throw new RangeError(`join has q1..q5, got ${id}`);
  return JOIN_QUERIES.filter((x) => only.includes(x.id));
}

/** Makes sure the join files exist under `dataDir` (generating them if not). */
export async function prepareJoin(dataDir: string, p: JoinParams, log: (l: string) => void): Promise<SuiteData> {
  const e = (x: number) => x.toExponential().replace('+', '').replace(/\.0+e/, 'e');
  const dir = resolve(dataDir, 'h2o', `J1_${e(p.rows)}_NA_${p.nas}_s${p.seed ?? 1}`);
  const tables = Object.fromEntries(['x', 'small', 'medium', 'big'].map((t) => [t, join(dir, `${t}.parquet`)]));
  if (!Object.values(tables).every((f) => existsSync(f))) {
    log(`generating db-benchmark join data into ${dir} ...`);
    await generateJoin(dir, p);
  }
  return { tables, description: `db-benchmark join x/small/medium/big for N=${e(p.rows)} (bench/h2o/generate-join.ts, seed ${p.seed ?? 1}) in ${dir}` };
}
