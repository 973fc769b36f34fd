/**
 * Optimizer rules around the Window node: predicate pushdown moves only conjuncts over partition
 * attributes below a Window (Spark's rule), column pruning keeps what window expressions read and
 * drops unused window expressions (the whole node when none is used). Plus an end-to-end check that
 * optimized and unoptimized plans give the same rows.
 */
import { describe, expect, it } from 'vitest';
import { DataTypes } from '../src/types/data-type.js';
import { Schema, field } from '../src/types/schema.js';
import { type AttributeRef, type Expr, type WindowExpr, literal, newExprId } from '../src/plan/expression.js';
import { type LogicalPlan, type Window, planToString, outputOf } from '../src/plan/logical-plan.js';
import { pushDownFilters } from '../src/optimizer/push-down-filters.js';
import { pruneColumns } from '../src/optimizer/prune-columns.js';
import { createPhysicalPlan } from '../src/plan/physical-planner.js';
import { SparkSession, Window as W, functions as F } from '../src/index.js';
import { batchToRows } from '../src/types/values.js';

const attr = (name: string, type = DataTypes.Integer): AttributeRef => ({ kind: 'attr', id: newExprId(), name, type, nullable: true });
const k = attr('k');
const t = attr('t');
const v = attr('v', DataTypes.Double);
const x = attr('x', DataTypes.String);
const rel: LogicalPlan = {
  kind: 'local',
  attributes: [k, t, v, x],
  schema: new Schema([k, t, v, x].map((a) => field(a.name, a.type, true))),
  batches: [],
};
const gt = (a: Expr, n: number): Expr => ({ kind: 'binary', op: '>', left: a, right: literal(n, DataTypes.Integer) });
const and = (a: Expr, b: Expr): Expr => ({ kind: 'binary', op: 'and', left: a, right: b });

function windowOver(child: LogicalPlan, partition: Expr[], fns: { name: string; fn: WindowExpr['fn']; arg?: Expr }[]): Window {
  const orderSpec = [{ expr: t, ascending: true, nullsFirst: true }];
  return {
    kind: 'window',
    child,
    partitionSpec: partition,
    orderSpec,
    windowExprs: fns.map((f) => ({
      kind: 'alias',
      name: f.name,
      id: newExprId(),
      child: {
        kind: 'window',
        fn: f.fn,
        args: f.arg ? [f.arg] : [],
        partitionBy: partition,
        orderBy: orderSpec,
        ...(f.fn === 'sum' ? { frame: { type: 'range', lower: 'unboundedPreceding', upper: 'currentRow' } as const } : {}),
      },
    })),
  };
}

const strip = (s: string) => s.replace(/#\d+/g, '');

describe('push-down-filters through Window', () => {
  it('pushes conjuncts over partition keys only', () => {
    const w = windowOver(rel, [k], [{ name: 's', fn: 'sum', arg: v }]);
    const s = outputOf(w).find((a) => a.name === 's')!;
    const plan: LogicalPlan = { kind: 'filter', child: w, condition: and(and(gt(k, 1), gt(s, 0)), gt(t, 3)) };
    const out = pushDownFilters.apply(plan);
    expect(strip(planToString(out))).toBe(
      [
        'Filter ((s > 0) AND (t > 3))',
        '+- Window [sum(v) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS s], [k], [t ASC NULLS FIRST]',
        '   +- Filter (k > 1)',
        '      +- LocalRelation [k, t, v, x]',
      ].join('\n'),
    );
  });

  it('keeps filters on order keys, window outputs, and any filter when a partition expression is not an attribute', () => {
    const w = windowOver(rel, [k], [{ name: 'rn', fn: 'row_number' }]);
    const rn = outputOf(w).find((a) => a.name === 'rn')!;
    const onOrder: LogicalPlan = { kind: 'filter', child: w, condition: gt(t, 1) };
    expect(pushDownFilters.apply(onOrder)).toBe(onOrder);
    const onOutput: LogicalPlan = { kind: 'filter', child: w, condition: gt(rn, 1) };
    expect(pushDownFilters.apply(onOutput)).toBe(onOutput);
    const computed = windowOver(rel, [{ kind: 'binary', op: '+', left: k, right: literal(1, DataTypes.Integer) }], [{ name: 'rn', fn: 'row_number' }]);
    const onKey: LogicalPlan = { kind: 'filter', child: computed, condition: gt(k, 1) };
    expect(pushDownFilters.apply(onKey)).toBe(onKey);
  });
});

describe('prune-columns with Window', () => {
  it('keeps the columns window expressions read and drops the rest below the Window', () => {
    const w = windowOver(rel, [k], [{ name: 's', fn: 'sum', arg: v }]);
    const s = outputOf(w).find((a) => a.name === 's')!;
    const plan: LogicalPlan = { kind: 'project', child: w, exprs: [k, s] };
    const out = pruneColumns.apply(plan);
    expect(strip(planToString(out))).toBe(
      [
        'Project [k, s]',
        '+- Window [sum(v) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS s], [k], [t ASC NULLS FIRST]',
        '   +- Project [k, t, v]',
        '      +- LocalRelation [k, t, v, x]',
      ].join('\n'),
    );
    expect(outputOf(out).map((a) => a.id)).toEqual([k.id, s.id]);
  });

  it('drops unused window expressions, and the Window itself when none is used', () => {
    const w = windowOver(rel, [k], [{ name: 'rn', fn: 'row_number' }, { name: 's', fn: 'sum', arg: v }]);
    const rn = outputOf(w).find((a) => a.name === 'rn')!;
    const one = pruneColumns.apply({ kind: 'project', child: w, exprs: [x, rn] });
    expect(strip(planToString(one))).toBe(
      [
        'Project [x, rn]',
        '+- Window [row_number() OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS rn], [k], [t ASC NULLS FIRST]',
        '   +- Project [k, t, x]',
        '      +- LocalRelation [k, t, v, x]',
      ].join('\n'),
    );
    const none = pruneColumns.apply({ kind: 'project', child: w, exprs: [x] });
    expect(strip(planToString(none))).toBe(['Project [x]', '+- LocalRelation [k, t, v, x]'].join('\n'));
  });
});

describe('end to end', () => {
  it('optimized and unoptimized plans agree (filters on partition keys and window outputs, pruning)', async () => {
    const spark = SparkSession.builder.getOrCreate();
    const rows = Array.from({ length: 200 }, (_, i) => ({ k: i % 7 === 0 ? null : i % 5, t: (i * 37) % 11, v: i % 13 === 0 ? null : (i * 1.5) % 17, x: `r${i}` }));
    const df = spark.createDataFrame(rows, 'k int, t int, v double, x string');
    const w = W.partitionBy('k').orderBy('t', 'x');
    const q = df
      .select('k', 'x', F.sum('v').over(w).alias('s'), F.row_number().over(w).alias('rn'), F.max('v').over(W.partitionBy('k')).alias('m'))
      .filter(F.col('k').gt(1))
      .filter(F.col('rn').leq(20))
      .select('x', 's', 'm');
    expect(strip(planToString(q.optimizedPlan()))).toMatch(/Window[\s\S]*Filter \(k > 1\)/);
    const run = async (plan: LogicalPlan) => {
      const out: Record<string, unknown>[] = [];
      for await (const b of createPhysicalPlan(plan).execute(spark.execContext())) {
        out.push(...batchToRows(b));
        b.release();
      }
      return out.map((r) => JSON.stringify(r)).sort();
    };
    const optimized = await run(q.optimizedPlan());
    expect(optimized.length).toBeGreaterThan(0);
    expect(optimized).toEqual(await run(q.plan));
  });
});
