/**
 * Cost-based join reordering (src/optimizer/reorder-joins.ts) and the cardinality estimator it uses
 * (src/optimizer/cardinality.ts): estimates on plans over fake Parquet footers, the order chosen for
 * star and chain joins written in a bad order, the barriers (outer joins, non-deterministic
 * conditions), the configuration switch, the hash-join build side, and end to end: the same rows as
 * DuckDB with and without reordering, including null join keys.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { type DataType, DataTypes } from '../src/types/data-type.js';
import { Schema, field } from '../src/types/schema.js';
import { type AttributeRef, type Expr, literal, newExprId } from '../src/plan/expression.js';
import { type JoinType, type LogicalPlan, type ParquetRelation, outputOf, planChildren, planToString } from '../src/plan/logical-plan.js';
import type { ParquetSource } from '../src/io/parquet-source.js';
import type { ColumnStatistics } from '../src/io/scan-predicate.js';
import { reorderJoins } from '../src/optimizer/reorder-joins.js';
import { estimateCardinality, estimatePlan } from '../src/optimizer/cardinality.js';
import { optimizeWithTrace } from '../src/optimizer/optimizer.js';
import { planEquals } from '../src/optimizer/rewrite-utils.js';
import { estimateRows } from '../src/plan/statistics.js';
import { SparkSession } from '../src/index.js';
import { type Env, checkQuery } from './helpers/oracle.js';

// ---- plan builders over fake footers ------------------------------------------------------------

type ColSpec = readonly [DataType, (number | string)?, (number | string)?];

/** A Parquet relation named `name` with `rows` rows in one row group and min/max where given. */
function rel(name: string, rows: number, cols: Record<string, ColSpec>): ParquetRelation {
  const schema = new Schema(Object.entries(cols).map(([c, [t]]) => field(c, t, true)));
  const stats: Record<string, ColumnStatistics> = {};
  for (const [c, [type, min, max]] of Object.entries(cols)) {
    stats[c] = min === undefined ? { type, nullCount: 0 } : { type, min, max, nullCount: 0 };
  }
  const source: ParquetSource = {
    paths: [name],
    schema,
    files: [
      {
        path: `/fake/${name}.parquet`,
        byteSize: 0,
        numRows: rows,
        schema,
        partitionValues: {},
        rowGroups: [{ index: 0, numRows: rows, columns: stats, compressedBytes: 0, uncompressedBytes: 0, chunkRanges: {}, chunks: {} }],
      },
    ],
  };
  const attributes: AttributeRef[] = schema.fields.map((f) => ({ kind: 'attr', id: newExprId(), name: f.name, type: f.type, nullable: true }));
  return { kind: 'parquet', source, attributes, predicates: [] };
}

const col = (p: LogicalPlan, name: string): AttributeRef => {
  const a = outputOf(p).find((x) => x.name === name);
  if (!a) throw new Error(`no column ${name}`);
  return a;
};
const bin = (op: '=' | '<' | '>=' | '<=' | 'and' | 'or', left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right });
const eq = (a: Expr, b: Expr) => bin('=', a, b);
const and = (...es: Expr[]) => es.reduce((x, y) => bin('and', x, y));
const str = (s: string) => literal(s, DataTypes.String);
const int = (n: number) => literal(n, DataTypes.Integer);
const join = (left: LogicalPlan, right: LogicalPlan, condition?: Expr, joinType: JoinType = 'inner'): LogicalPlan =>
  condition ? { kind: 'join', left, right, joinType, condition } : { kind: 'join', left, right, joinType: 'cross' };
const filter = (child: LogicalPlan, condition: Expr): LogicalPlan => ({ kind: 'filter', child, condition });

/** Names of the relations under a node (by their fake path), sorted. */
function leafNames(p: LogicalPlan): string[] {
  if (p.kind === 'parquet') return [p.source.paths[0]!];
  return planChildren(p).flatMap(leafNames).sort();
}

/** Every join node's relation names, deepest first. */
function joinSets(p: LogicalPlan): string[][] {
  const out: string[][] = [];
  const walk = (n: LogicalPlan) => {
    planChildren(n).forEach(walk);
    if (n.kind === 'join') out.push(leafNames(n));
  };
  walk(p);
  return out;
}

const I = DataTypes.Integer;
const S = DataTypes.String;

/** A star: fact (1M rows) with keys into a (1000), b (100) and a filtered c (10 rows, 1 after the filter). */
function star() {
  const fact = rel('fact', 1_000_000, { f_a: [I, 1, 1000], f_b: [I, 1, 100], f_c: [I, 1, 10], v: [DataTypes.Double] });
  const a = rel('a', 1000, { a_id: [I, 1, 1000], a_name: [S] });
  const b = rel('b', 100, { b_id: [I, 1, 100], b_name: [S] });
  const c = rel('c', 10, { c_id: [I, 1, 10], c_name: [S] });
  const cf = filter(c, eq(col(c, 'c_name'), str('x')));
  // The written order joins the fact with its two big dimensions first and the selective one last.
  const plan = join(join(join(fact, a, eq(col(fact, 'f_a'), col(a, 'a_id'))), b, eq(col(fact, 'f_b'), col(b, 'b_id'))), cf, eq(col(fact, 'f_c'), col(c, 'c_id')));
  return { fact, a, b, c, plan };
}

// ---- the estimator ------------------------------------------------------------------------------

describe('cardinality estimation', () => {
  const t = rel('t', 1000, { k: [I, 1, 1000], g: [I, 1, 10], d: [DataTypes.Date, '2020-01-01', '2020-12-31'], s: [S] });

  it('reads row counts from footers and uses 1/NDV, min/max ranges and defaults for filters', () => {
    expect(estimateCardinality(t)).toBe(1000);
    expect(estimateCardinality(filter(t, eq(col(t, 'g'), int(3))))).toBeCloseTo(100); // NDV 10 from [1, 10]
    expect(estimateCardinality(filter(t, eq(col(t, 'g'), int(42))))).toBe(0); // outside [min, max]
    expect(estimateCardinality(filter(t, eq(col(t, 's'), str('x'))))).toBeCloseTo(100); // no NDV: 0.1
    expect(estimateCardinality(filter(t, bin('<', col(t, 'k'), int(251))))).toBeCloseTo(250, -1); // a quarter of [1, 1000]
    // Two bounds on one column are intersected, not multiplied.
    const q2 = and(bin('>=', col(t, 'd'), literal('2020-04-01', DataTypes.Date)), bin('<', col(t, 'd'), literal('2020-07-01', DataTypes.Date)));
    expect(estimateCardinality(filter(t, q2))).toBeCloseTo(250, -1);
    expect(estimateCardinality(filter(t, { kind: 'like', child: col(t, 's'), pattern: '%x%', escape: '\\' }))).toBeCloseTo(250);
    expect(estimateCardinality(filter(t, { kind: 'in', child: col(t, 'g'), list: [int(1), int(2), int(3)] }))).toBeCloseTo(300);
    expect(estimateCardinality(filter(t, bin('or', eq(col(t, 's'), str('x')), eq(col(t, 's'), str('y')))))).toBeCloseTo(190);
    expect(estimateCardinality(filter(t, { kind: 'unary', op: 'not', child: eq(col(t, 'g'), int(3)) }))).toBeCloseTo(900);
  });

  it('estimates key/foreign-key joins by the key side, composite keys with a floor, aggregates by key NDVs', () => {
    const orders = rel('orders', 150_000, { o_orderkey: [I, 1, 600_000], o_date: [DataTypes.Date, '1992-01-01', '1998-12-31'] });
    const lineitem = rel('lineitem', 600_000, { l_orderkey: [I, 1, 600_000], l_partkey: [I, 1, 20_000], l_suppkey: [I, 1, 1000] });
    const ps = rel('partsupp', 80_000, { ps_partkey: [I, 1, 20_000], ps_suppkey: [I, 1, 1000] });
    // o_orderkey looks like a key (NDV = rows): each lineitem matches one order; a filter on orders scales it.
    expect(estimateCardinality(join(lineitem, orders, eq(col(lineitem, 'l_orderkey'), col(orders, 'o_orderkey'))))).toBeCloseTo(600_000);
    const recent = filter(orders, bin('>=', col(orders, 'o_date'), literal('1996-01-01', DataTypes.Date)));
    const est = estimateCardinality(join(lineitem, recent, eq(col(lineitem, 'l_orderkey'), col(orders, 'o_orderkey'))));
    expect(est).toBeGreaterThan(150_000);
    expect(est).toBeLessThan(300_000);
    // (partkey, suppkey) is unique in partsupp: the estimate is not the product of two selectivities.
    const composite = join(lineitem, ps, and(eq(col(lineitem, 'l_partkey'), col(ps, 'ps_partkey')), eq(col(lineitem, 'l_suppkey'), col(ps, 'ps_suppkey'))));
    expect(estimateCardinality(composite)).toBeCloseTo(600_000);
    const agg: LogicalPlan = { kind: 'aggregate', child: lineitem, groupBy: [col(lineitem, 'l_suppkey')], aggregates: [col(lineitem, 'l_suppkey')] };
    expect(estimateCardinality(agg)).toBe(1000);
    expect(estimatePlan(agg).columns.get(col(lineitem, 'l_suppkey').id)?.ndv).toBe(1000);
  });
});

// ---- the rule -------------------------------------------------------------------------------------

describe('ReorderJoins', () => {
  it('joins the fact with its most selective dimension first in a star and keeps the output order', () => {
    const { plan } = star();
    const out = reorderJoins.apply(plan);
    expect(out).not.toBe(plan);
    const sets = joinSets(out);
    expect(sets[0]).toEqual(['c', 'fact']);
    expect(sets.at(-1)).toEqual(['a', 'b', 'c', 'fact']);
    expect(planToString(out)).not.toContain('Join cross');
    expect(outputOf(out).map((a) => a.id)).toEqual(outputOf(plan).map((a) => a.id));
    expect(out.kind).toBe('project');
    // Idempotent: the chosen order is already the cheapest.
    expect(planEquals(reorderJoins.apply(out), out)).toBe(true);
  });

  it('orders a chain from its selective end and never introduces a cross product when the chain connects', () => {
    // tiny1 - big - mid - tiny2: a cross product tiny1 x tiny2 would be "cheap" but is never chosen.
    const t1 = rel('t1', 2, { x: [I, 1, 2] });
    const big = rel('big', 1_000_000, { bx: [I, 1, 1_000_000], by: [I, 1, 1000] });
    const mid = rel('mid', 1000, { my: [I, 1, 1000], mz: [I, 1, 10] });
    const t2 = rel('t2', 2, { z: [I, 1, 2] });
    const plan = join(join(join(big, mid, eq(col(big, 'by'), col(mid, 'my'))), t2, eq(col(mid, 'mz'), col(t2, 'z'))), t1, eq(col(t1, 'x'), col(big, 'bx')));
    const out = reorderJoins.apply(plan);
    expect(planToString(out)).not.toContain('Join cross');
    expect(joinSets(out)[0]).toEqual(['big', 't1']);
    expect(outputOf(out).map((a) => a.id)).toEqual(outputOf(plan).map((a) => a.id));
  });

  it('orders more relations than the DP limit greedily, without cross products', () => {
    // A chain r0 - r1 - ... - r11 joined from r0, with a selective filter on r11 at the far end.
    const rels = Array.from({ length: 12 }, (_, i) => rel(`r${i}`, 1000 * (i + 1), { id: [I, 1, 1000 * (i + 1)], next: [I, 1, 1000 * (i + 2)], g: [I, 1, 1000] }));
    let plan: LogicalPlan = rels[0]!;
    for (let i = 1; i < rels.length; i++) {
      const right = i === 11 ? filter(rels[i]!, eq(col(rels[i]!, 'g'), int(7))) : rels[i]!;
      plan = join(plan, right, eq(col(rels[i - 1]!, 'next'), col(rels[i]!, 'id')));
    }
    const out = reorderJoins.apply(plan);
    expect(out).not.toBe(plan);
    expect(planToString(out)).not.toContain('Join cross');
    expect(joinSets(out)[0]).toEqual(['r10', 'r11']);
    expect(leafNames(out)).toEqual(rels.map((_, i) => `r${i}`).sort());
    expect(outputOf(out).map((a) => a.id)).toEqual(outputOf(plan).map((a) => a.id));
  });

  it('places a multi-relation non-equi conjunct at the lowest join that has its relations', () => {
    const { fact, a, b, plan } = star();
    const cross = bin('<', col(a, 'a_id'), col(b, 'b_id'));
    const withCond = { ...(plan as Extract<LogicalPlan, { kind: 'join' }>), condition: and((plan as Extract<LogicalPlan, { kind: 'join' }>).condition!, cross) };
    const out = reorderJoins.apply(withCond);
    const text = planToString(out);
    expect(text.match(/a_id#\d+ < b_id#\d+/g)?.length).toBe(1);
    // The join that carries it has both a and b below it.
    const carrying = (p: LogicalPlan): LogicalPlan | undefined =>
      p.kind === 'join' && p.condition && JSON.stringify(p.condition).includes('"op":"<"') ? p : planChildren(p).map(carrying).find(Boolean);
    expect(leafNames(carrying(out)!)).toEqual(expect.arrayContaining(['a', 'b']));
    expect(leafNames(out)).toEqual(['a', 'b', 'c', 'fact']);
    void fact;
  });

  it('treats outer joins as barriers and reorders inside them separately', () => {
    const { fact, a, b, c } = star();
    const inner = join(join(join(fact, a, eq(col(fact, 'f_a'), col(a, 'a_id'))), b, eq(col(fact, 'f_b'), col(b, 'b_id'))), filter(c, eq(col(c, 'c_name'), str('x'))), eq(col(fact, 'f_c'), col(c, 'c_id')));
    const d = rel('d', 5, { d_id: [I, 1, 5] });
    const e = rel('e', 50, { e_id: [I, 1, 50] });
    const outer = join(inner, d, eq(col(fact, 'f_c'), col(d, 'd_id')), 'left');
    const plan = join(join(outer, e, eq(col(fact, 'f_b'), col(e, 'e_id'))), rel('g', 3, { g_id: [I, 1, 3] }), undefined);
    const out = reorderJoins.apply(plan);
    // The left join survives with `d` as its right side, and the inner star below it was reordered.
    const find = (p: LogicalPlan): Extract<LogicalPlan, { kind: 'join' }> | undefined =>
      p.kind === 'join' && p.joinType === 'left' ? p : planChildren(p).map(find).find(Boolean);
    const left = find(out)!;
    expect(leafNames(left.right)).toEqual(['d']);
    expect(joinSets(left.left)[0]).toEqual(['c', 'fact']);
    expect(outputOf(out).map((x) => x.id)).toEqual(outputOf(plan).map((x) => x.id));
  });

  it('leaves trees with non-deterministic conditions alone, and is off with joinReorder: false', () => {
    const { plan } = star();
    const j = plan as Extract<LogicalPlan, { kind: 'join' }>;
    const rand: Expr = bin('<', { kind: 'call', name: 'rand', args: [] }, literal(0.5, DataTypes.Double));
    const nd = { ...j, condition: and(j.condition!, rand) };
    expect(reorderJoins.apply(nd)).toBe(nd);
    const evaluate = () => {
      throw new Error('no constants here');
    };
    expect(optimizeWithTrace(plan, { evaluate, joinReorder: false }).rulesApplied).not.toContain('ReorderJoins');
    expect(optimizeWithTrace(plan, { evaluate }).rulesApplied).toContain('ReorderJoins');
  });

  it('gives the physical planner estimates that put the smaller side on the build side', () => {
    const { fact, c } = star();
    const cf = filter(c, eq(col(c, 'c_name'), str('x')));
    expect(estimateRows(cf)).toBe(1);
    expect(estimateRows(join(cf, fact, eq(col(fact, 'f_c'), col(c, 'c_id'))))).toBe(100_000);
  });
});

// ---- end to end vs DuckDB -------------------------------------------------------------------------

let instance: DuckDBInstance;
let db: DuckDBConnection;
let env: Env;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(joinPath(tmpdir(), 'kindling-reorder-'));
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
  await db.run('SET threads = 1');
  // A star with null keys on both sides of every join (nulls never match in an inner join).
  const tables: Record<string, string> = {
    fact: `SELECT i AS f_id, CASE WHEN i % 17 = 0 THEN NULL ELSE CAST(i % 300 AS INTEGER) END AS f_a,
             CASE WHEN i % 13 = 0 THEN NULL ELSE CAST(i % 40 AS INTEGER) END AS f_b,
             CAST(i % 7 AS INTEGER) AS f_c, CAST(i % 97 AS DOUBLE) / 4 AS v FROM range(6000) t(i)`,
    da: `SELECT CASE WHEN i = 5 THEN NULL ELSE CAST(i AS INTEGER) END AS a_id, 'a' || (i % 9) AS a_name FROM range(250) t(i)`,
    db: `SELECT CAST(i AS INTEGER) AS b_id, CASE WHEN i % 11 = 0 THEN NULL ELSE CAST(i % 7 AS INTEGER) END AS b_c, 'b' || i AS b_name FROM range(45) t(i)`,
    dc: `SELECT CAST(i AS INTEGER) AS c_id, CASE WHEN i = 3 THEN 'x' WHEN i = 4 THEN NULL ELSE 'c' || i END AS c_name FROM range(7) t(i)`,
  };
  const spark = SparkSession.builder.master('local[*]').getOrCreate();
  for (const [name, sql] of Object.entries(tables)) {
    const path = joinPath(dir, `${name}.parquet`);
    await db.run(`COPY (${sql}) TO '${path}' (FORMAT parquet)`);
    await db.run(`CREATE VIEW ${name} AS SELECT * FROM read_parquet('${path}')`);
    (await spark.read.parquet(path)).createOrReplaceTempView(name);
  }
  env = { spark, db, instance, dir, paths: { facts: '', dims: '', empty: '', small: '' }, read: () => Promise.reject(new Error('unused')) };
});

afterAll(() => {
  env?.spark.conf.set('spark.sql.cbo.joinReorder.enabled', 'true');
  db?.closeSync();
  instance?.closeSync();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const QUERIES = [
  // Star in a bad order (the selective dimension last), comma joins with the predicates in WHERE.
  `SELECT a_name, c_name, count(*) AS n, sum(v) AS s FROM fact, da, db, dc
     WHERE f_a = a_id AND f_b = b_id AND f_c = c_id AND c_name = 'x' GROUP BY a_name, c_name`,
  // Chain dc - db - fact - da written from the big end, explicit JOIN ... ON.
  `SELECT f_id, a_name, b_name, c_name FROM fact JOIN da ON f_a = a_id JOIN db ON f_b = b_id JOIN dc ON b_c = c_id WHERE a_name <> 'a1'`,
  // A multi-relation non-equi conjunct and a two-key join.
  `SELECT f_id, b_id, c_id FROM fact JOIN db ON f_b = b_id AND f_c = b_c JOIN dc ON b_c = c_id JOIN da ON f_a = a_id AND a_id < b_id * 5`,
  // An outer join inside the tree (a barrier) and an aggregate on top.
  `SELECT c_name, count(a_id) AS na, count(*) AS n FROM fact LEFT JOIN da ON f_a = a_id JOIN db ON f_b = b_id JOIN dc ON b_c = c_id GROUP BY c_name`,
];

describe('reordered joins vs DuckDB (null keys)', () => {
  for (const [i, q] of QUERIES.entries()) {
    it(`query ${i + 1}: same rows with reordering on and off`, async () => {
      for (const enabled of ['true', 'false']) {
        env.spark.conf.set('spark.sql.cbo.joinReorder.enabled', enabled);
        const df = await env.spark.sql(q);
        const applied = df.explainString(true).includes('ReorderJoins');
        if (enabled === 'false') expect(applied).toBe(false);
        else expect(applied).toBe(true); // every query is written in an order the rule improves
        const res = await checkQuery(env, df, q, { tol: { rel: 1e-9, abs: 1e-9 } });
        expect(res.rows.length).toBeGreaterThan(0);
      }
      env.spark.conf.set('spark.sql.cbo.joinReorder.enabled', 'true');
    });
  }

  it('reorders the star query and builds hash tables on the smaller sides', async () => {
    const df = await env.spark.sql(QUERIES[0]!);
    const text = df.explainString(true);
    expect(text).toContain('ReorderJoins');
    const physical = text.split('== Physical Plan ==')[1]!.split('== Stages')[0]!;
    // The first join (deepest) is fact with the filtered dc, dc being the build side.
    const joins = physical.split('\n').filter((l) => l.includes('HashJoin'));
    expect(joins.at(-1)).toMatch(/f_c = c_id|c_id = f_c/);
    expect(joins.at(-1)).toContain('build=right');
  });
});
