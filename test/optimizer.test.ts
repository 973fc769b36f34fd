import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';

// typing.ts and expression-eval.ts pull in the function registry and kernels, which other people are
// still writing. Use the real modules when they load; otherwise a minimal stand-in (these tests only
// need types of attributes, literals and simple operators, and never evaluate through the engine).
vi.mock('../src/plan/typing.js', async (importOriginal) => {
  try {
    return await importOriginal();
  } catch {
    type T = { type: { kind: string }; nullable: boolean };
    type E = { kind: string; [k: string]: unknown };
    const typeOfResolved = (e: E): T => {
      switch (e.kind) {
        case 'attr':
          return { type: e.type as T['type'], nullable: e.nullable as boolean };
        case 'literal':
          return { type: e.type as T['type'], nullable: e.value === null };
        case 'alias':
          return typeOfResolved(e.child as E);
        case 'cast':
          return { type: e.to as T['type'], nullable: true };
        case 'binary':
          return ['+', '-', '*', '/', '%'].includes(e.op as string)
            ? typeOfResolved(e.left as E)
            : { type: { kind: 'boolean' }, nullable: true };
        case 'agg':
          return String(e.fn).startsWith('count')
            ? { type: { kind: 'int64' }, nullable: false }
            : { type: e.arg ? typeOfResolved(e.arg as E).type : { kind: 'int64' }, nullable: true };
        case 'call':
          return { type: { kind: 'float64' }, nullable: true };
        case 'unary':
          return e.op === 'negate' ? typeOfResolved(e.child as E) : { type: { kind: 'boolean' }, nullable: true };
        default:
          return { type: { kind: 'boolean' }, nullable: true };
      }
    };
    return { typeOfResolved };
  }
});
vi.mock('../src/exec/expression-eval.js', async (importOriginal) => {
  try {
    return await importOriginal();
  } catch {
    return {
      evaluateConstant: () => {
        throw new Error('engine evaluator not available in this test');
      },
    };
  }
});

import { DataTypes, type DataType } from '../src/types/data-type.js';
import { Schema, field } from '../src/types/schema.js';
import type { CellValue } from '../src/types/values.js';
import {
  type AggregateCall,
  type Alias,
  type AttributeRef,
  type BinaryOp,
  type Expr,
  type Literal,
  literal,
  newExprId,
} from '../src/plan/expression.js';
import {
  type JoinType,
  type LocalRelation,
  type LogicalPlan,
  type ParquetRelation,
  outputOf,
  planToString,
} from '../src/plan/logical-plan.js';
import { constantFolding } from '../src/optimizer/constant-folding.js';
import { combineFilters } from '../src/optimizer/combine-filters.js';
import { collapseProject } from '../src/optimizer/collapse-project.js';
import { pushDownFilters } from '../src/optimizer/push-down-filters.js';
import { pushFiltersIntoScan } from '../src/optimizer/push-filters-into-scan.js';
import { pruneColumns } from '../src/optimizer/prune-columns.js';
import { limitPushdown } from '../src/optimizer/limit-pushdown.js';
import {
  DEFAULT_MAX_ITERATIONS,
  executeBatches,
  optimize,
  optimizeWithTrace,
  optimizerRuleNames,
} from '../src/optimizer/optimizer.js';
import type { Rule } from '../src/optimizer/rule.js';
import { planEquals } from '../src/optimizer/rewrite-utils.js';

// ---------------------------------------------------------------------------------------------
// Plan builders

const INT = DataTypes.Integer;

function attr(name: string, type: DataType = INT, nullable = true): AttributeRef {
  return { kind: 'attr', id: newExprId(), name, type, nullable };
}
function schemaOfAttrs(attrs: readonly AttributeRef[]): Schema {
  return new Schema(attrs.map((a) => field(a.name, a.type, a.nullable)));
}
function local(...attributes: AttributeRef[]): LocalRelation {
  return { kind: 'local', attributes, schema: schemaOfAttrs(attributes), batches: [] };
}
function parquet(...attributes: AttributeRef[]): ParquetRelation {
  return {
    kind: 'parquet',
    source: { paths: ['/data/t'], schema: schemaOfAttrs(attributes), files: [] },
    attributes,
    predicates: [],
  };
}
const lit = (v: CellValue, t: DataType = INT): Literal => literal(v, t);
const T = lit(true, DataTypes.Boolean);
const F = lit(false, DataTypes.Boolean);
const bin = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right });
const and = (...xs: Expr[]): Expr => xs.reduce((a, b) => bin('and', a, b));
const or = (a: Expr, b: Expr): Expr => bin('or', a, b);
const not = (child: Expr): Expr => ({ kind: 'unary', op: 'not', child });
const as = (child: Expr, name: string): Alias => ({ kind: 'alias', child, name, id: newExprId() });
const agg = (fn: AggregateCall['fn'], arg: Expr | null): AggregateCall => ({ kind: 'agg', fn, arg, ignoreNulls: false });
const call = (name: string, ...args: Expr[]): Expr => ({ kind: 'call', name, args });
const ref = (a: Alias | AttributeRef, type: DataType = INT): AttributeRef =>
  a.kind === 'attr' ? a : { kind: 'attr', id: a.id, name: a.name, type, nullable: true };

const filter = (child: LogicalPlan, condition: Expr): LogicalPlan => ({ kind: 'filter', child, condition });
const project = (child: LogicalPlan, ...exprs: Expr[]): LogicalPlan => ({ kind: 'project', child, exprs });
const aggregate = (child: LogicalPlan, groupBy: Expr[], aggregates: Expr[]): LogicalPlan => ({
  kind: 'aggregate',
  child,
  groupBy,
  aggregates,
});
const join = (left: LogicalPlan, right: LogicalPlan, joinType: JoinType, condition?: Expr): LogicalPlan =>
  condition ? { kind: 'join', left, right, joinType, condition } : { kind: 'join', left, right, joinType };
const sort = (child: LogicalPlan, e: Expr): LogicalPlan => ({ kind: 'sort', child, orders: [{ expr: e, ascending: true, nullsFirst: true }] });
const limit = (child: LogicalPlan, n: number): LogicalPlan => ({ kind: 'limit', child, n });
const union = (...children: LogicalPlan[]): LogicalPlan => ({ kind: 'union', children });

/** `name#id`. */
const n = (a: { name: string; id: number }): string => `${a.name}#${a.id}`;
const text = (...lines: string[]): string => lines.join('\n');
const show = (p: LogicalPlan): string => planToString(p);
const ids = (p: LogicalPlan): string => outputOf(p).map(n).join(',');

/** A fake constant evaluator: integer arithmetic, comparisons, NOT and casts over literals. */
function fakeEvaluate(e: Expr): Literal {
  const val = (x: Expr): CellValue => {
    if (x.kind !== 'literal') throw new Error(`fake evaluator: not a literal ${x.kind}`);
    return x.value;
  };
  switch (e.kind) {
    case 'binary': {
      const l = val(e.left) as number | null;
      const r = val(e.right) as number | null;
      const arith: Partial<Record<BinaryOp, (a: number, b: number) => number>> = {
        '+': (a, b) => a + b,
        '-': (a, b) => a - b,
        '*': (a, b) => a * b,
      };
      const cmp: Partial<Record<BinaryOp, (a: number, b: number) => boolean>> = {
        '=': (a, b) => a === b,
        '<': (a, b) => a < b,
        '>': (a, b) => a > b,
      };
      const f = arith[e.op];
      if (f) return lit(l === null || r === null ? null : f(l, r), (e.left as Literal).type);
      const c = cmp[e.op];
      if (c) return lit(l === null || r === null ? null : c(l, r), DataTypes.Boolean);
      break;
    }
    case 'unary':
      if (e.op === 'not') {
        const v = val(e.child);
        return lit(v === null ? null : !v, DataTypes.Boolean);
      }
      break;
    case 'cast':
      return lit(val(e.child), e.to);
    default:
      break;
  }
  throw new Error(`fake evaluator cannot evaluate ${e.kind}`);
}
const folding = constantFolding(fakeEvaluate);
const opt = (p: LogicalPlan) => optimizeWithTrace(p, { evaluate: fakeEvaluate });

// ---------------------------------------------------------------------------------------------

describe('ConstantFolding', () => {
  it('folds attribute-free sub-expressions and keeps aliases', () => {
    const a = attr('a');
    const x = as(bin('+', lit(1), lit(2)), 'x');
    const y = as(bin('+', a, bin('*', lit(2), lit(3))), 'y');
    const out = folding.apply(project(local(a), x, y));
    expect(show(out)).toBe(text(`Project [3 AS ${n(x)}, (${n(a)} + 6) AS ${n(y)}]`, `+- LocalRelation [${n(a)}]`));
  });

  it('simplifies boolean connectives under three-valued logic', () => {
    const a = attr('a');
    const b = attr('b', DataTypes.Boolean);
    const p = (c: Expr) => show(folding.apply(filter(local(a, b), c))).split('\n')[0];
    expect(p(and(T, bin('>', a, lit(1))))).toBe(`Filter (${n(a)} > 1)`);
    expect(p(and(bin('>', a, lit(1)), T))).toBe(`Filter (${n(a)} > 1)`);
    expect(p(or(F, b))).toBe(`Filter ${n(b)}`);
    expect(p(not(not(b)))).toBe(`Filter ${n(b)}`);
    expect(p(or(b, bin('<', lit(1), lit(2))))).toBe(`LocalRelation [${n(a)}, ${n(b)}]`); // x OR true -> Filter true -> removed
    // b AND NULL is not simplified (NULL AND true is NULL, NULL AND false is false)
    expect(p(and(b, lit(null, DataTypes.Boolean)))).toBe(`Filter (${n(b)} AND null)`);
  });

  it('replaces Filter false / null by an empty relation with the same attributes', () => {
    const a = attr('a');
    const b = attr('b');
    for (const cond of [and(bin('>', a, lit(1)), bin('>', lit(1), lit(2))), lit(null, DataTypes.Boolean)]) {
      const out = folding.apply(project(filter(local(a, b), cond), a));
      expect(show(out)).toBe(text(`Project [${n(a)}]`, `+- LocalRelation [${n(a)}, ${n(b)}]`));
      const rel = (out as { child: LogicalPlan }).child as LocalRelation;
      expect(rel.batches).toEqual([]);
      expect(rel.attributes.map((x) => x.id)).toEqual([a.id, b.id]);
      expect(rel.schema.names).toEqual(['a', 'b']);
    }
  });

  it('never folds aggregate calls (but folds inside their arguments)', () => {
    const a = attr('a');
    const seen: string[] = [];
    const spy = constantFolding((e) => {
      seen.push(e.kind);
      return fakeEvaluate(e);
    });
    const s = as(agg('sum', bin('+', lit(1), lit(1))), 's');
    const c = as(agg('count_star', null), 'c');
    const out = spy.apply(aggregate(local(a), [a], [a, s, c]));
    expect(show(out).split('\n')[0]).toBe(`Aggregate [${n(a)}], [${n(a)}, sum(2) AS ${n(s)}, count(1) AS ${n(c)}]`);
    expect(seen).not.toContain('agg');
  });

  it('leaves non-deterministic calls and failing evaluations alone; folds CASE branches', () => {
    const a = attr('a');
    const rand = bin('>', call('rand'), lit(0.5, DataTypes.Double));
    expect(show(folding.apply(filter(local(a), rand))).split('\n')[0]).toBe('Filter (rand() > 0.5)');
    const boom = bin('>', call('boom', lit(1)), lit(0)); // the fake evaluator throws on calls
    expect(show(folding.apply(filter(local(a), boom))).split('\n')[0]).toBe('Filter (boom(1) > 0)');
    const cw: Expr = {
      kind: 'case',
      branches: [
        [bin('>', lit(1), lit(2)), lit(1)],
        [bin('>', a, lit(1)), lit(2)],
      ],
      otherwise: lit(3),
    };
    const x = as(cw, 'x');
    expect(show(folding.apply(project(local(a), x))).split('\n')[0]).toBe(`Project [CASE WHEN (${n(a)} > 1) THEN 2 ELSE 3 END AS ${n(x)}]`);
    const first: Expr = { kind: 'case', branches: [[T, a]], otherwise: lit(3) };
    const y = as(first, 'y');
    expect(show(folding.apply(project(local(a), y))).split('\n')[0]).toBe(`Project [${n(a)} AS ${n(y)}]`);
  });

  it('returns the same object when nothing folds', () => {
    const a = attr('a');
    const p = filter(local(a), bin('>', a, lit(1)));
    expect(folding.apply(p)).toBe(p);
  });
});

describe('CombineFilters', () => {
  it('merges adjacent filters (inner first) and drops duplicate conjuncts', () => {
    const a = attr('a');
    const b = attr('b');
    const c1 = bin('>', a, lit(1));
    const c2 = bin('<', b, lit(5));
    const out = combineFilters.apply(filter(filter(filter(local(a, b), c1), c2), bin('>', a, lit(1))));
    expect(show(out)).toBe(text(`Filter ((${n(a)} > 1) AND (${n(b)} < 5))`, `+- LocalRelation [${n(a)}, ${n(b)}]`));
  });

  it('does not merge over a non-deterministic inner filter', () => {
    const a = attr('a');
    const p = filter(filter(local(a), bin('>', call('rand'), lit(0.5, DataTypes.Double))), bin('>', a, lit(1)));
    expect(combineFilters.apply(p)).toBe(p);
  });
});

describe('CollapseProject', () => {
  it('substitutes inner aliases into the outer projection', () => {
    const a = attr('a');
    const b = attr('b');
    const x = as(bin('+', a, lit(1)), 'x');
    const x2 = as(bin('*', ref(x), lit(2)), 'x2');
    const out = collapseProject.apply(project(project(local(a, b), x, b), x2, b));
    expect(show(out)).toBe(text(`Project [((${n(a)} + 1) * 2) AS ${n(x2)}, ${n(b)}]`, `+- LocalRelation [${n(a)}, ${n(b)}]`));
    // An outer attribute that names an inner alias keeps its name and id.
    const kept = collapseProject.apply(project(project(local(a, b), x, b), ref(x)));
    expect(show(kept)).toBe(text(`Project [(${n(a)} + 1) AS ${n(x)}]`, `+- LocalRelation [${n(a)}, ${n(b)}]`));
  });

  it('does not duplicate an expensive inner alias used twice, but does inline a renamed attribute', () => {
    const a = attr('a');
    const x = as(bin('+', a, lit(1)), 'x');
    const twice = project(project(local(a), x), as(bin('*', ref(x), ref(x)), 'sq'));
    expect(collapseProject.apply(twice)).toBe(twice);
    const r = as(a, 'r');
    const sq = as(bin('*', ref(r), ref(r)), 'sq');
    const out = collapseProject.apply(project(project(local(a), r), sq));
    expect(show(out)).toBe(text(`Project [(${n(a)} * ${n(a)}) AS ${n(sq)}]`, `+- LocalRelation [${n(a)}]`));
  });

  it('removes projections that output exactly their child', () => {
    const a = attr('a');
    const b = attr('b');
    expect(show(collapseProject.apply(project(local(a, b), a, b)))).toBe(`LocalRelation [${n(a)}, ${n(b)}]`);
    const reorder = project(local(a, b), b, a);
    expect(collapseProject.apply(reorder)).toBe(reorder);
  });
});

describe('PushDownPredicates', () => {
  it('pushes through Project substituting aliases, and through Sort and SubqueryAlias', () => {
    const a = attr('a');
    const b = attr('b');
    const x = as(bin('+', a, lit(1)), 'x');
    const p = filter(sort(project({ kind: 'subqueryAlias', alias: 't', child: local(a, b) }, x, b), b), and(bin('>', ref(x), lit(5)), bin('=', b, lit(2))));
    const out = pushDownFilters.apply(p);
    expect(show(out)).toBe(
      text(
        `Sort [${n(b)} ASC NULLS FIRST]`,
        `+- Project [(${n(a)} + 1) AS ${n(x)}, ${n(b)}]`,
        `   +- SubqueryAlias t`,
        `      +- Filter (((${n(a)} + 1) > 5) AND (${n(b)} = 2))`,
        `         +- LocalRelation [${n(a)}, ${n(b)}]`,
      ),
    );
  });

  it('never pushes through Limit', () => {
    const a = attr('a');
    const p = filter(limit(local(a), 10), bin('>', a, lit(1)));
    expect(pushDownFilters.apply(p)).toBe(p);
  });

  it('keeps conjuncts after a non-deterministic one, and does not cross non-deterministic projections', () => {
    const a = attr('a');
    const rnd = bin('>', call('rand'), lit(0.5, DataTypes.Double));
    const blocked = filter(project(local(a), a), and(rnd, bin('>', a, lit(1))));
    expect(pushDownFilters.apply(blocked)).toBe(blocked);
    const partly = pushDownFilters.apply(filter(project(local(a), a), and(bin('>', a, lit(1)), rnd)));
    expect(show(partly)).toBe(
      text(`Filter (rand() > 0.5)`, `+- Project [${n(a)}]`, `   +- Filter (${n(a)} > 1)`, `      +- LocalRelation [${n(a)}]`),
    );
    const r = as(call('rand'), 'r');
    const ndProject = filter(project(local(a), a, r), bin('>', a, lit(1)));
    expect(pushDownFilters.apply(ndProject)).toBe(ndProject);
  });

  it('pushes into every Union child, remapping attributes by position', () => {
    const a1 = attr('a');
    const a2 = attr('a');
    const out = pushDownFilters.apply(filter(union(local(a1), local(a2)), bin('>', a1, lit(1))));
    expect(show(out)).toBe(
      text(
        'Union',
        `+- Filter (${n(a1)} > 1)`,
        `   +- LocalRelation [${n(a1)}]`,
        `+- Filter (${n(a2)} > 1)`,
        `   +- LocalRelation [${n(a2)}]`,
      ),
    );
  });

  it('pushes through Aggregate only conjuncts on grouping columns, never on aggregate results', () => {
    const a = attr('a');
    const b = attr('b');
    const k = as(bin('+', a, lit(1)), 'k');
    const s = as(agg('sum', b), 's');
    const p = filter(aggregate(local(a, b), [bin('+', a, lit(1))], [k, s]), and(bin('>', ref(k), lit(2)), bin('>', ref(s), lit(10))));
    expect(show(pushDownFilters.apply(p))).toBe(
      text(
        `Filter (${n(s)} > 10)`,
        `+- Aggregate [(${n(a)} + 1)], [(${n(a)} + 1) AS ${n(k)}, sum(${n(b)}) AS ${n(s)}]`,
        `   +- Filter ((${n(a)} + 1) > 2)`,
        `      +- LocalRelation [${n(a)}, ${n(b)}]`,
      ),
    );
    // Nothing moves through a global aggregate or for aggregate results alone.
    const c = as(agg('count_star', null), 'c');
    const global = filter(aggregate(local(a), [], [c]), bin('>', ref(c), lit(0)));
    expect(pushDownFilters.apply(global)).toBe(global);
    const onResult = filter(aggregate(local(a, b), [a], [a, s]), bin('>', ref(s), lit(10)));
    expect(pushDownFilters.apply(onResult)).toBe(onResult);
  });

  describe('joins', () => {
    const setup = (joinType: JoinType, condition?: (l: AttributeRef[], r: AttributeRef[]) => Expr) => {
      const l = [attr('a'), attr('b')];
      const r = [attr('c'), attr('d')];
      return { l, r, j: join(local(...l), local(...r), joinType, condition?.(l, r)) };
    };

    it('inner: single-side conjuncts go to their side, the rest into the join condition', () => {
      const { l, r, j } = setup('inner', (l, r) => bin('=', l[0]!, r[0]!));
      const [a, b] = l as [AttributeRef, AttributeRef];
      const [c, d] = r as [AttributeRef, AttributeRef];
      const out = pushDownFilters.apply(filter(j, and(bin('>', a, lit(1)), bin('<', c, lit(5)), bin('=', b, d))));
      expect(show(out)).toBe(
        text(
          `Join Inner, ((${n(a)} = ${n(c)}) AND (${n(b)} = ${n(d)}))`,
          `+- Filter (${n(a)} > 1)`,
          `   +- LocalRelation [${n(a)}, ${n(b)}]`,
          `+- Filter (${n(c)} < 5)`,
          `   +- LocalRelation [${n(c)}, ${n(d)}]`,
        ),
      );
    });

    it('cross join with a two-sided conjunct becomes an inner join', () => {
      const { l, r, j } = setup('cross');
      const out = pushDownFilters.apply(filter(j, bin('=', l[1]!, r[1]!)));
      expect(show(out).split('\n')[0]).toBe(`Join Inner, (${n(l[1]!)} = ${n(r[1]!)})`);
    });

    it('left: only left-side conjuncts move; right-side ones stay above', () => {
      const { l, r, j } = setup('left', (l, r) => bin('=', l[0]!, r[0]!));
      const [a] = l as [AttributeRef];
      const [c] = r as [AttributeRef];
      const out = pushDownFilters.apply(filter(j, and(bin('>', a, lit(1)), bin('<', c, lit(5)))));
      expect(show(out)).toBe(
        text(
          `Filter (${n(c)} < 5)`,
          `+- Join left, (${n(a)} = ${n(c)})`,
          `   +- Filter (${n(a)} > 1)`,
          `      +- LocalRelation [${n(a)}, ${n(l[1]!)}]`,
          `   +- LocalRelation [${n(c)}, ${n(r[1]!)}]`,
        ),
      );
      const rightOnly = filter(j, bin('<', c, lit(5)));
      expect(pushDownFilters.apply(rightOnly)).toBe(rightOnly);
    });

    it('right: mirror of left', () => {
      const { l, r, j } = setup('right', (l, r) => bin('=', l[0]!, r[0]!));
      const out = pushDownFilters.apply(filter(j, and(bin('>', l[0]!, lit(1)), bin('<', r[0]!, lit(5)))));
      expect(show(out)).toBe(
        text(
          `Filter (${n(l[0]!)} > 1)`,
          `+- Join right, (${n(l[0]!)} = ${n(r[0]!)})`,
          `   +- LocalRelation [${n(l[0]!)}, ${n(l[1]!)}]`,
          `   +- Filter (${n(r[0]!)} < 5)`,
          `      +- LocalRelation [${n(r[0]!)}, ${n(r[1]!)}]`,
        ),
      );
    });

    it('full outer: nothing moves, neither from above nor from the join condition', () => {
      const { l, r, j } = setup('full', (l, r) => and(bin('=', l[0]!, r[0]!), bin('>', l[1]!, lit(1)), bin('>', r[1]!, lit(1))));
      const p = filter(j, and(bin('>', l[0]!, lit(1)), bin('<', r[0]!, lit(5))));
      expect(pushDownFilters.apply(p)).toBe(p);
    });

    it('left_semi / left_anti: conjuncts above reference the left and are pushed left', () => {
      for (const t of ['left_semi', 'left_anti'] as const) {
        const { l, r, j } = setup(t, (l, r) => bin('=', l[0]!, r[0]!));
        const out = pushDownFilters.apply(filter(j, bin('>', l[1]!, lit(1))));
        expect(show(out)).toBe(
          text(
            `Join ${t}, (${n(l[0]!)} = ${n(r[0]!)})`,
            `+- Filter (${n(l[1]!)} > 1)`,
            `   +- LocalRelation [${n(l[0]!)}, ${n(l[1]!)}]`,
            `+- LocalRelation [${n(r[0]!)}, ${n(r[1]!)}]`,
          ),
        );
      }
    });

    it('pushes single-side join-condition conjuncts only where legal for the join type', () => {
      const cond = (l: AttributeRef[], r: AttributeRef[]) => and(bin('=', l[0]!, r[0]!), bin('>', r[1]!, lit(3)), bin('<', l[1]!, lit(2)));
      const summary = (t: JoinType) => {
        const { l, r, j } = setup(t, cond);
        const out = pushDownFilters.apply(j);
        const s = show(out)
          .replaceAll(n(l[0]!), 'a')
          .replaceAll(n(l[1]!), 'b')
          .replaceAll(n(r[0]!), 'c')
          .replaceAll(n(r[1]!), 'd');
        return s.split('\n');
      };
      expect(summary('inner')).toEqual([
        'Join Inner, (a = c)',
        '+- Filter (b < 2)',
        '   +- LocalRelation [a, b]',
        '+- Filter (d > 3)',
        '   +- LocalRelation [c, d]',
      ]);
      expect(summary('left_semi')).toEqual(summary('inner').map((x) => x.replace('Inner', 'left_semi')));
      expect(summary('left')).toEqual(['Join left, ((a = c) AND (b < 2))', '+- LocalRelation [a, b]', '+- Filter (d > 3)', '   +- LocalRelation [c, d]']);
      expect(summary('left_anti')).toEqual(summary('left').map((x) => x.replace('left', 'left_anti')));
      expect(summary('right')).toEqual(['Join right, ((a = c) AND (d > 3))', '+- Filter (b < 2)', '   +- LocalRelation [a, b]', '+- LocalRelation [c, d]']);
      expect(summary('full')).toEqual(['Join full, (((a = c) AND (d > 3)) AND (b < 2))', '+- LocalRelation [a, b]', '+- LocalRelation [c, d]']);
    });
  });
});

describe('PushFiltersIntoScan', () => {
  const a = attr('a');
  const b = attr('b');
  const s = attr('s', DataTypes.String);
  const flag = attr('flag', DataTypes.Boolean);
  const big = DataTypes.Long;

  it('converts simple conjuncts, keeps the Filter, and does not add a predicate twice', () => {
    const cond = and(
      bin('>', a, lit(5)),
      bin('>=', lit(10), b), // flipped
      { kind: 'unary', op: 'isNotNull', child: s },
      { kind: 'in', child: a, list: [lit(1), lit(2), lit(null)] },
      bin('=', { kind: 'cast', child: a, to: big }, lit(5n, big)), // widening cast: not converted
      or(bin('=', a, lit(1)), bin('=', b, lit(2))), // disjunction: not converted
      bin('=', s, lit(null, DataTypes.String)), // comparison with NULL: not converted
      bin('<=>', b, lit(7)),
      flag,
      bin('>', a, lit(5)), // duplicate
    );
    const p = filter(parquet(a, b, s, flag), cond);
    const out = pushFiltersIntoScan.apply(p);
    expect(out.kind === 'filter' && out.condition).toBe(cond);
    const scan = (out as { child: ParquetRelation }).child;
    expect(scan.predicates).toEqual([
      { column: 'a', op: '>', value: 5 },
      { column: 'b', op: '<=', value: 10 },
      { column: 's', op: 'isNotNull' },
      { column: 'a', op: 'in', values: [1, 2] },
      { column: 'b', op: '=', value: 7 },
      { column: 'flag', op: '=', value: true },
    ]);
    expect(show(out).split('\n')[1]).toContain('PushedFilters');
    expect(pushFiltersIntoScan.apply(out)).toBe(out);
  });

  it('only applies to a Filter directly above the scan', () => {
    const p = filter(project(parquet(a, b), a), bin('>', a, lit(5)));
    expect(pushFiltersIntoScan.apply(p)).toBe(p);
  });
});

describe('ColumnPruning', () => {
  it('reads only the needed columns, in source order, and keeps the root output', () => {
    const [a, b, c, d] = [attr('a'), attr('b'), attr('c'), attr('d')];
    const p = project(filter(parquet(a, b, c, d), bin('>', d, lit(1))), b, a);
    const out = pruneColumns.apply(p);
    expect(show(out)).toBe(
      text(`Project [${n(b)}, ${n(a)}]`, `+- Filter (${n(d)} > 1)`, `   +- Relation parquet [${n(a)},${n(b)},${n(d)}] (0 files)`),
    );
    expect(ids(out)).toBe(ids(p));
    expect(pruneColumns.apply(out)).toBe(out);
  });

  it('keeps the narrowest column when no column is needed (count(*))', () => {
    const s = attr('s', DataTypes.String);
    const x = attr('x', DataTypes.Long);
    const t = attr('t', DataTypes.Byte);
    const c = as(agg('count_star', null), 'c');
    const out = pruneColumns.apply(aggregate(parquet(s, x, t), [], [c]));
    expect(show(out)).toBe(text(`Aggregate [], [count(1) AS ${n(c)}]`, `+- Relation parquet [${n(t)}] (0 files)`));
    expect(pruneColumns.apply(out)).toBe(out);
  });

  it('drops unused outputs of inner Projects/Aggregates but never of the root', () => {
    const [a, b] = [attr('a'), attr('b')];
    const x = as(bin('+', a, lit(1)), 'x');
    const y = as(bin('*', b, lit(2)), 'y');
    const out = pruneColumns.apply(project(project(local(a, b), x, y), ref(x)));
    expect(show(out)).toBe(text(`Project [${n(x)}]`, `+- Project [(${n(a)} + 1) AS ${n(x)}]`, `   +- LocalRelation [${n(a)}, ${n(b)}]`));
    const root = project(local(a, b), x, y);
    expect(pruneColumns.apply(root)).toBe(root);
    const s = as(agg('sum', b), 's');
    const m = as(agg('max', b), 'm');
    const inner = pruneColumns.apply(project(aggregate(local(a, b), [a], [a, s, m]), ref(m)));
    expect(show(inner).split('\n')[1]).toBe(`+- Aggregate [${n(a)}], [max(${n(b)}) AS ${n(m)}]`);
  });

  it('narrows join inputs that cannot prune themselves, keeps the root output exactly', () => {
    const [a, b, c, d] = [attr('a'), attr('b'), attr('c'), attr('d')];
    const p = project(join(local(a, b), parquet(c, d), 'inner', bin('=', a, c)), d);
    const out = pruneColumns.apply(p);
    expect(show(out)).toBe(
      text(
        `Project [${n(d)}]`,
        `+- Join Inner, (${n(a)} = ${n(c)})`,
        `   +- Project [${n(a)}]`,
        `      +- LocalRelation [${n(a)}, ${n(b)}]`,
        `   +- Relation parquet [${n(c)},${n(d)}] (0 files)`,
      ),
    );
    // A join at the root keeps every column.
    const rootJoin = join(local(a, b), parquet(c, d), 'left', bin('=', a, c));
    expect(ids(pruneColumns.apply(rootJoin))).toBe(ids(rootJoin));
    expect(pruneColumns.apply(rootJoin)).toBe(rootJoin);
  });

  it('prunes Union children by position and keeps Distinct inputs whole', () => {
    const [a1, b1, a2, b2] = [attr('a'), attr('b'), attr('a'), attr('b')];
    const out = pruneColumns.apply(project(union(local(a1, b1), parquet(a2, b2)), b1));
    expect(show(out)).toBe(
      text(
        `Project [${n(b1)}]`,
        '+- Union',
        `   +- Project [${n(b1)}]`,
        `      +- LocalRelation [${n(a1)}, ${n(b1)}]`,
        `   +- Relation parquet [${n(b2)}] (0 files)`,
      ),
    );
    const d = project({ kind: 'distinct', child: parquet(a2, b2) }, a2);
    expect(pruneColumns.apply(d)).toBe(d);
  });
});

describe('LimitPushDown', () => {
  it('combines limits and pushes through Project, but not through Sort', () => {
    const a = attr('a');
    expect(show(limitPushdown.apply(limit(limit(local(a), 10), 5)))).toBe(text('GlobalLimit 5', `+- LocalRelation [${n(a)}]`));
    expect(show(limitPushdown.apply(limit(limit(local(a), 3), 10)))).toBe(text('GlobalLimit 3', `+- LocalRelation [${n(a)}]`));
    const x = as(bin('+', a, lit(1)), 'x');
    expect(show(limitPushdown.apply(limit(project(sort(local(a), a), x), 7)))).toBe(
      text(`Project [(${n(a)} + 1) AS ${n(x)}]`, '+- GlobalLimit 7', `   +- Sort [${n(a)} ASC NULLS FIRST]`, `      +- LocalRelation [${n(a)}]`),
    );
    const topK = limit(sort(local(a), a), 3);
    expect(limitPushdown.apply(topK)).toBe(topK);
  });
});

describe('optimizer', () => {
  it('runs every rule to a fixed point', () => {
    const [a, b, c, d] = [attr('a'), attr('b'), attr('c'), attr('d', DataTypes.String)];
    const x = as(bin('+', a, bin('*', lit(2), lit(3))), 'x');
    const inner = project({ kind: 'subqueryAlias', alias: 't', child: parquet(a, b, c, d) }, x, b, c);
    const p = limit(
      project(filter(filter(inner, bin('>', ref(x), lit(10))), and(T, bin('=', b, lit(3)))), ref(x)),
      20,
    );
    const { plan, rulesApplied, cappedBatches } = opt(p);
    expect(show(plan)).toBe(
      text(
        `Project [(${n(a)} + 6) AS ${n(x)}]`,
        '+- GlobalLimit 20',
        '   +- SubqueryAlias t',
        `      +- Filter (((${n(a)} + 6) > 10) AND (${n(b)} = 3))`,
        `         +- Relation parquet [${n(a)},${n(b)}] (0 files, PushedFilters: [b = 3])`,
      ),
    );
    expect(ids(plan)).toBe(ids(p));
    expect(cappedBatches).toEqual([]);
    expect(rulesApplied).toEqual(
      expect.arrayContaining(['ConstantFolding', 'CombineFilters', 'CollapseProject', 'PushDownPredicates', 'LimitPushDown', 'PushFiltersIntoScan', 'ColumnPruning']),
    );
    expect(planEquals(optimize(plan, { evaluate: fakeEvaluate }), plan)).toBe(true);
  });

  it('lists its rules', () => {
    expect(optimizerRuleNames()).toEqual([
      'ConstantFolding',
      'FactorCommonConjuncts',
      'CombineFilters',
      'CollapseProject',
      'PushDownPredicates',
      'LimitPushDown',
      'ReorderJoins',
      'PushFiltersIntoScan',
      'ColumnPruning',
    ]);
  });

  it('stops a batch that never converges at the iteration cap', () => {
    const a = attr('a');
    let flips = 0;
    const flip: Rule = {
      name: 'Flip',
      apply: (p) => {
        flips++;
        return p.kind === 'limit' ? { ...p, n: p.n === 1 ? 2 : 1 } : p;
      },
    };
    const trace = executeBatches(limit(local(a), 1), [{ name: 'loop', strategy: 'fixedPoint', rules: [flip] }], 7);
    expect(flips).toBe(7);
    expect(trace.cappedBatches).toEqual(['loop']);
    expect(trace.applied).toHaveLength(7);
    expect(DEFAULT_MAX_ITERATIONS).toBeGreaterThan(7);
  });

  it('random plans: terminates, keeps the root output and the result rows, and is idempotent', () => {
    const base = (asParquet: boolean) => {
      const cols = [attr('a'), attr('b'), attr('c', DataTypes.Long), attr('s', DataTypes.String)];
      return asParquet ? parquet(...cols) : local(...cols);
    };
    const cell = (v: fc.Arbitrary<CellValue>) => fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 4, arbitrary: v });
    const small = fc.integer({ min: 0, max: 4 });
    const row = fc.tuple(cell(small), cell(small), cell(small), cell(fc.constantFrom('x', 'y', 'z')));
    const tables = fc.array(fc.array(row, { maxLength: 6 }), { minLength: 10, maxLength: 10 });
    const ops = fc.array(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 1000 })), { maxLength: 9 });
    fc.assert(
      fc.property(ops, fc.boolean(), tables, (steps, withJoin, data) => {
        const db = new Map<number, readonly (readonly CellValue[])[]>();
        const table = (asParquet: boolean) => {
          const rel = base(asParquet);
          db.set(rel.attributes[0]!.id, data[db.size]!);
          return rel;
        };
        let plan: LogicalPlan = table(withJoin);
        for (const [op, seed] of steps) {
          const out = outputOf(plan);
          const pick = out[seed % out.length]!;
          const ints = out.filter((x) => x.type.kind === 'int32');
          const i = ints[seed % Math.max(1, ints.length)];
          const j = ints[(seed >> 3) % Math.max(1, ints.length)];
          switch (op) {
            case 0:
              if (i) plan = filter(plan, and(bin('>', i, lit(seed % 4)), seed % 2 ? T : bin('<', lit(1), lit(2))));
              break;
            case 1:
              plan = project(plan, ...out.filter((_, k) => (seed >> k) & 1 || k === 0));
              break;
            case 2:
              if (i) plan = project(plan, ...out, as(bin('+', i, bin('+', lit(1), lit(seed % 3))), 'e'));
              break;
            case 3:
              plan = limit(plan, seed % 5);
              break;
            case 4:
              plan = sort(plan, pick);
              break;
            case 5:
              if (i) plan = aggregate(plan, [i], [i, as(agg('count_star', null), 'n'), as(agg('max', pick), 'm')]);
              break;
            case 6:
              plan = { kind: 'subqueryAlias', alias: 'q', child: plan };
              break;
            case 7:
              plan = { kind: 'distinct', child: plan };
              break;
            case 8:
              if (withJoin && db.size < data.length) {
                const other = table(seed % 2 === 0);
                const oo = outputOf(other);
                const types: JoinType[] = ['inner', 'left', 'right', 'full', 'left_semi', 'left_anti', 'cross'];
                const t = types[seed % types.length]!;
                const same = oo.find((x) => x.type.kind === pick.type.kind) ?? pick;
                const cond = t === 'cross' ? undefined : and(bin('=', pick, same), bin('>', oo[(seed >> 4) % 2]!, lit(1)), bin('<', out[(seed >> 5) % out.length]!, lit(3)));
                plan = join(plan, other, t, cond);
              }
              break;
            case 9:
              if (i && j) plan = filter(plan, and(bin('<', i, j), { kind: 'unary', op: 'isNotNull', child: pick }));
              break;
            case 10:
              if (i) plan = project(plan, ...out.filter((x) => x.id !== i.id), as(bin('*', i, lit(2)), 'd'));
              break;
            case 11: {
              const layout = out.map((x) => x.type.kind).join();
              if (db.size < data.length && layout === 'int32,int32,int64,utf8') plan = union(plan, table(seed % 2 === 0));
              break;
            }
            default:
              if (i) plan = filter(plan, or(bin('=', i, lit(1)), bin('>', lit(seed), lit(500))));
          }
        }
        const trace = opt(plan);
        expect(trace.cappedBatches).toEqual([]);
        expect(ids(trace.plan)).toBe(ids(plan));
        expect(run(trace.plan, db)).toEqual(run(plan, db));
        const again = opt(trace.plan);
        expect(show(again.plan)).toBe(show(trace.plan));
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// A tiny row-at-a-time reference interpreter of logical plans, to check that rewrites keep results.

type Row = ReadonlyMap<number, CellValue>;

/** Runs `plan` over `db` (rows of each relation keyed by its first attribute id); returns output tuples. */
function run(plan: LogicalPlan, db: ReadonlyMap<number, readonly (readonly CellValue[])[]>): CellValue[][] {
  const attrs = outputOf(plan);
  return evalPlan(plan, db).map((r) => attrs.map((a) => r.get(a.id) ?? null));
}

function evalPlan(plan: LogicalPlan, db: ReadonlyMap<number, readonly (readonly CellValue[])[]>): Row[] {
  const restrict = (rows: Row[]): Row[] => {
    const out = outputOf(plan);
    return rows.map((r) => new Map(out.map((a) => [a.id, r.get(a.id) ?? null])));
  };
  const go = (p: LogicalPlan) => evalPlan(p, db);
  switch (plan.kind) {
    case 'generate':
      throw new Error('the reference interpreter has no generators');
    case 'parquet':
    case 'local': {
      const rows = db.get(plan.attributes[0]!.id) ?? [];
      return restrict(rows.map((r) => new Map(plan.attributes.map((a, k) => [a.id, r[k] ?? null]))));
    }
    case 'window':
      throw new Error('the reference interpreter does not evaluate window nodes (test/optimizer-window.test.ts covers them)');
    case 'filter':
      return restrict(go(plan.child).filter((r) => evalExpr(plan.condition, r) === true));
    case 'project':
      return go(plan.child).map((r) => new Map(plan.exprs.map((e) => [(e as AttributeRef | Alias).id, evalExpr(e, r)])));
    case 'subqueryAlias':
      return go(plan.child);
    case 'limit':
      return go(plan.child).slice(0, plan.n);
    case 'sort': {
      const rows = go(plan.child);
      const key = (r: Row) => plan.orders.map((o) => evalExpr(o.expr, r));
      return rows
        .map((r, k) => ({ r, k, key: key(r) }))
        .sort((x, y) => {
          for (let q = 0; q < x.key.length; q++) {
            const c = compareCells(x.key[q]!, y.key[q]!);
            if (c !== 0) return c;
          }
          return x.k - y.k;
        })
        .map((x) => x.r);
    }
    case 'distinct': {
      const seen = new Set<string>();
      return go(plan.child).filter((r) => {
        const k = JSON.stringify([...r.values()]);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    }
    case 'union': {
      const first = outputOf(plan.children[0]!);
      return plan.children.flatMap((c) => {
        const out = outputOf(c);
        return go(c).map((r) => new Map(first.map((a, k) => [a.id, r.get(out[k]!.id) ?? null])));
      });
    }
    case 'aggregate': {
      const groups = new Map<string, Row[]>();
      for (const r of go(plan.child)) {
        const k = JSON.stringify(plan.groupBy.map((g) => evalExpr(g, r)));
        groups.set(k, [...(groups.get(k) ?? []), r]);
      }
      if (plan.groupBy.length === 0 && groups.size === 0) groups.set('[]', []);
      return [...groups.values()].map(
        (rows) => new Map(plan.aggregates.map((e) => [(e as AttributeRef | Alias).id, evalAggregate(e, rows)])),
      );
    }
    case 'join': {
      const left = go(plan.left);
      const right = go(plan.right);
      const nullsOf = (p: LogicalPlan) => new Map(outputOf(p).map((a) => [a.id, null]));
      const matches = (l: Row, r: Row) => !plan.condition || evalExpr(plan.condition, new Map([...l, ...r])) === true;
      const out: Row[] = [];
      const rightMatched = new Set<number>();
      for (const l of left) {
        const hits = right.flatMap((r, k) => (matches(l, r) ? [k] : []));
        hits.forEach((k) => rightMatched.add(k));
        if (plan.joinType === 'left_semi') {
          if (hits.length) out.push(l);
        } else if (plan.joinType === 'left_anti') {
          if (!hits.length) out.push(l);
        } else {
          for (const k of hits) out.push(new Map([...l, ...right[k]!]));
          if (!hits.length && (plan.joinType === 'left' || plan.joinType === 'full')) out.push(new Map([...l, ...nullsOf(plan.right)]));
        }
      }
      if (plan.joinType === 'right' || plan.joinType === 'full') {
        right.forEach((r, k) => {
          if (!rightMatched.has(k)) out.push(new Map([...nullsOf(plan.left), ...r]));
        });
      }
      return restrict(out);
    }
  }
}

function compareCells(a: CellValue, b: CellValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function evalAggregate(e: Expr, rows: readonly Row[]): CellValue {
  const inner = e.kind === 'alias' ? e.child : e;
  if (inner.kind === 'agg') {
    const vals = inner.arg ? rows.map((r) => evalExpr(inner.arg!, r)).filter((v) => v !== null) : [];
    switch (inner.fn) {
      case 'count_star':
        return rows.length;
      case 'max':
        return vals.reduce<CellValue>((m, v) => (m === null || compareCells(v, m) > 0 ? v : m), null);
      default:
        throw new Error(`reference interpreter: aggregate ${inner.fn}`);
    }
  }
  return rows.length ? evalExpr(inner, rows[0]!) : null;
}

function evalExpr(e: Expr, r: Row): CellValue {
  switch (e.kind) {
    case 'attr':
      if (!r.has(e.id)) throw new Error(`reference interpreter: ${n(e)} is not in the input`);
      return r.get(e.id)!;
    case 'literal':
      return e.value;
    case 'alias':
      return evalExpr(e.child, r);
    case 'unary': {
      const v = evalExpr(e.child, r);
      if (e.op === 'isNull') return v === null;
      if (e.op === 'isNotNull') return v !== null;
      if (e.op === 'not') return v === null ? null : !v;
      return v === null ? null : -(v as number);
    }
    case 'binary': {
      const l = evalExpr(e.left, r);
      const rv = evalExpr(e.right, r);
      if (e.op === 'and') return l === false || rv === false ? false : l === null || rv === null ? null : true;
      if (e.op === 'or') return l === true || rv === true ? true : l === null || rv === null ? null : false;
      if (l === null || rv === null) return null;
      const x = l as number;
      const y = rv as number;
      switch (e.op) {
        case '+':
          return x + y;
        case '-':
          return x - y;
        case '*':
          return x * y;
        case '=':
          return x === y;
        case '<':
          return x < y;
        case '>':
          return x > y;
        default:
          throw new Error(`reference interpreter: operator ${e.op}`);
      }
    }
    default:
      throw new Error(`reference interpreter: expression ${e.kind}`);
  }
}
