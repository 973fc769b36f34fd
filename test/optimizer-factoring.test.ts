/**
 * FactorCommonConjuncts: `(a AND b) OR (a AND c)` -> `a AND (b OR c)`. Plan-text checks of cases that
 * must and must not factor, the TPC-H q19 shape (the factored equality becomes a join key), a seeded
 * random check under three-valued logic with a small reference interpreter, and an end-to-end SQL
 * check of a q19-shaped query against rows computed in plain TypeScript.
 */
import { describe, expect, it } from 'vitest';
import { DataTypes } from '../src/types/data-type.js';
import { Schema, field } from '../src/types/schema.js';
import { type AttributeRef, type Expr, exprToString, literal, newExprId, splitConjuncts } from '../src/plan/expression.js';
import { type LogicalPlan, planToString } from '../src/plan/logical-plan.js';
import { factorCommonConjuncts, factorExpr } from '../src/optimizer/factor-common-conjuncts.js';
import { optimize, optimizerRuleNames } from '../src/optimizer/optimizer.js';
import { referencedIds } from '../src/plan/expression.js';
import { SparkSession } from '../src/index.js';
import { mulberry32 } from './helpers/random.js';

const attr = (name: string, type = DataTypes.Integer): AttributeRef => ({ kind: 'attr', id: newExprId(), name, type, nullable: true });
const rel = (attrs: AttributeRef[]): LogicalPlan => ({
  kind: 'local',
  attributes: attrs,
  schema: new Schema(attrs.map((a) => field(a.name, a.type, true))),
  batches: [],
});
const int = (n: number): Expr => literal(n, DataTypes.Integer);
const eq = (a: Expr, b: Expr): Expr => ({ kind: 'binary', op: '=', left: a, right: b });
const gt = (a: Expr, n: number): Expr => ({ kind: 'binary', op: '>', left: a, right: int(n) });
const and = (...es: Expr[]): Expr => es.reduce((l, r) => ({ kind: 'binary', op: 'and', left: l, right: r }));
const or = (...es: Expr[]): Expr => es.reduce((l, r) => ({ kind: 'binary', op: 'or', left: l, right: r }));
const not = (e: Expr): Expr => ({ kind: 'unary', op: 'not', child: e });
const rand = (): Expr => ({ kind: 'call', name: 'rand', args: [] } as unknown as Expr);
const strip = (s: string) => s.replace(/#\d+/g, '');
const text = (e: Expr) => strip(exprToString(e));

const a = attr('a');
const b = attr('b');
const c = attr('c');
const d = attr('d');

describe('FactorCommonConjuncts on expressions', () => {
  it('factors a conjunct common to both branches', () => {
    const e = or(and(gt(a, 1), gt(b, 2)), and(gt(a, 1), gt(c, 3)));
    expect(text(factorExpr(e))).toBe(text(and(gt(a, 1), or(gt(b, 2), gt(c, 3)))));
  });

  it('factors conjuncts common to all branches of an n-ary OR, wherever they sit in each branch', () => {
    const e = or(and(gt(a, 1), gt(b, 2), gt(d, 0)), and(gt(d, 0), gt(c, 3), gt(a, 1)), and(gt(b, 5), gt(a, 1), gt(d, 0)));
    expect(text(factorExpr(e))).toBe(text(and(gt(a, 1), gt(d, 0), or(gt(b, 2), gt(c, 3), gt(b, 5)))));
  });

  it('absorbs: a branch made only of common conjuncts leaves just them', () => {
    expect(text(factorExpr(or(gt(a, 1), and(gt(a, 1), gt(b, 2)))))).toBe(text(gt(a, 1)));
    expect(text(factorExpr(or(and(gt(a, 1), gt(b, 2)), and(gt(b, 2), gt(a, 1)))))).toBe(text(and(gt(a, 1), gt(b, 2))));
  });

  it('factors disjunctions nested inside other expressions and inside branches', () => {
    const inner = or(and(gt(c, 0), gt(d, 1)), and(gt(c, 0), gt(d, 2)));
    const e = not(or(and(gt(a, 1), inner), and(gt(a, 1), gt(b, 0))));
    expect(text(factorExpr(e))).toBe(text(not(and(gt(a, 1), or(and(gt(c, 0), or(gt(d, 1), gt(d, 2))), gt(b, 0))))));
  });

  it('matches commutative operands in either order, keeping the first spelling', () => {
    const e = or(and(eq(a, b), gt(c, 1)), and(gt(c, 2), eq(b, a)));
    expect(text(factorExpr(e))).toBe(text(and(eq(a, b), or(gt(c, 1), gt(c, 2)))));
    // Non-commutative operators are not reordered.
    const f = or(and(gt(a, 1), gt(c, 1)), and({ kind: 'binary', op: '<', left: int(1), right: a }, gt(c, 2)));
    expect(factorExpr(f)).toBe(f);
  });

  it('leaves disjunctions without a common conjunct as they are (same object)', () => {
    for (const e of [
      or(and(gt(a, 1), gt(b, 2)), and(gt(a, 2), gt(c, 3))),
      or(gt(a, 1), gt(b, 1)),
      and(gt(a, 1), gt(b, 2)),
      or(and(gt(a, 1), gt(b, 2)), gt(c, 3), and(gt(a, 1), gt(d, 4))), // a not in every branch
    ]) {
      expect(factorExpr(e)).toBe(e);
    }
  });

  it('does not factor disjunctions with non-deterministic parts', () => {
    const r = gt(rand(), 0);
    const e1 = or(and(r, gt(b, 2)), and(r, gt(c, 3)));
    const e2 = or(and(gt(a, 1), gt(rand(), 0)), and(gt(a, 1), gt(c, 3)));
    expect(factorExpr(e1)).toBe(e1);
    expect(factorExpr(e2)).toBe(e2);
  });
});

describe('FactorCommonConjuncts in the optimizer', () => {
  it('is registered in the operator-optimization batch before predicate pushdown', () => {
    const names = optimizerRuleNames();
    expect(names).toContain('FactorCommonConjuncts');
    expect(names.indexOf('FactorCommonConjuncts')).toBeLessThan(names.indexOf('PushDownPredicates'));
  });

  it('turns a q19-shaped filter over a cross join into an equi-join with the key as a top-level conjunct', () => {
    const pk = attr('p_partkey');
    const ps = attr('p_size');
    const lk = attr('l_partkey');
    const lq = attr('l_quantity');
    const join: LogicalPlan = { kind: 'join', left: rel([lk, lq]), right: rel([pk, ps]), joinType: 'cross' };
    const cond = or(
      and(eq(pk, lk), gt(ps, 1), gt(lq, 1)),
      and(eq(pk, lk), gt(ps, 2), gt(lq, 10)),
      and(eq(pk, lk), gt(ps, 3), gt(lq, 20)),
    );
    const plan: LogicalPlan = { kind: 'filter', child: join, condition: cond };
    const rewritten = factorCommonConjuncts.apply(plan);
    expect(strip(planToString(rewritten)).split('\n')[0]).toBe(
      `Filter ${text(and(eq(pk, lk), or(and(gt(ps, 1), gt(lq, 1)), and(gt(ps, 2), gt(lq, 10)), and(gt(ps, 3), gt(lq, 20)))))}`,
    );
    expect(factorCommonConjuncts.apply(rewritten)).toBe(rewritten); // idempotent

    const optimized = optimize(plan);
    const txt = strip(planToString(optimized));
    const joinNode = findJoin(optimized);
    expect(joinNode, txt).toBeDefined();
    const keys = splitConjuncts(joinNode!.condition!).filter((x) => x.kind === 'binary' && x.op === '=');
    expect(keys.map(text), txt).toContain(text(eq(pk, lk)));
    const key = keys[0]!;
    expect(key.kind === 'binary' && [...referencedIds(key.left), ...referencedIds(key.right)].sort()).toEqual([pk.id, lk.id].sort());
  });

  it('leaves a filter without common conjuncts untouched (same plan object)', () => {
    const plan: LogicalPlan = { kind: 'filter', child: rel([a, b]), condition: or(and(gt(a, 1), gt(b, 1)), gt(b, 5)) };
    expect(factorCommonConjuncts.apply(plan)).toBe(plan);
  });
});

function findJoin(p: LogicalPlan): Extract<LogicalPlan, { kind: 'join' }> | undefined {
  if (p.kind === 'join') return p;
  for (const k of Object.values(p)) {
    if (k && typeof k === 'object' && 'kind' in k) {
      const j = findJoin(k as LogicalPlan);
      if (j) return j;
    }
  }
  return undefined;
}

/** Three-valued evaluation of the boolean/comparison subset used by the random check. */
function evalTri(e: Expr, row: ReadonlyMap<number, number | null>): boolean | number | null {
  switch (e.kind) {
    case 'attr':
      return row.get(e.id) ?? null;
    case 'literal':
      return e.value as number | boolean | null;
    case 'unary': {
      const v = evalTri(e.child, row);
      return v === null ? null : !v;
    }
    case 'binary': {
      const l = evalTri(e.left, row);
      const r = evalTri(e.right, row);
      if (e.op === 'and') return l === false || r === false ? false : l === null || r === null ? null : true;
      if (e.op === 'or') return l === true || r === true ? true : l === null || r === null ? null : false;
      if (l === null || r === null) return null;
      if (e.op === '=') return l === r;
      if (e.op === '>') return (l as number) > (r as number);
      throw new Error(`op ${e.op}`);
    }
    default:
      throw new Error(`kind ${e.kind}`);
  }
}

describe('FactorCommonConjuncts keeps results (seeded random, three-valued logic)', () => {
  it('original and factored expressions agree on random rows with nulls', () => {
    const rng = mulberry32(0x19f);
    const cols = [a, b, c, d];
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
    const atoms: Expr[] = [];
    for (let i = 0; i < 8; i++) atoms.push(rng() < 0.3 ? eq(pick(cols), pick(cols)) : gt(pick(cols), Math.floor(rng() * 4)));
    atoms.push(literal(null, DataTypes.Boolean));
    const conj = (): Expr => and(...Array.from({ length: 1 + Math.floor(rng() * 3) }, () => (rng() < 0.15 ? not(pick(atoms)) : pick(atoms))));
    let factored = 0;
    for (let t = 0; t < 300; t++) {
      const shared = rng() < 0.8 ? [pick(atoms)] : [];
      const branches = Array.from({ length: 2 + Math.floor(rng() * 3) }, () => {
        const flip = (x: Expr): Expr => (x.kind === 'binary' && x.op === '=' && rng() < 0.5 ? eq(x.right, x.left) : x);
        const parts = [...shared.map(flip), conj()];
        return and(...(rng() < 0.5 ? parts : parts.reverse()));
      });
      const e = rng() < 0.3 ? and(or(...branches), conj()) : or(...branches);
      const f = factorExpr(e);
      if (f !== e) factored++;
      for (let r = 0; r < 40; r++) {
        const row = new Map(cols.map((x) => [x.id, rng() < 0.2 ? null : Math.floor(rng() * 5)] as const));
        expect(evalTri(f, row), `${text(e)} -> ${text(f)}`).toBe(evalTri(e, row));
      }
    }
    expect(factored).toBeGreaterThan(100);
  });
});

describe('FactorCommonConjuncts end to end', () => {
  it('a q19-shaped SQL query gives the rows computed in TypeScript', async () => {
    const spark = SparkSession.builder.master('local[*]').getOrCreate();
    const rng = mulberry32(19);
    const part = Array.from({ length: 40 }, (_, i) => ({ p_partkey: i, p_size: Math.floor(rng() * 20), p_brand: `B${i % 3}` }));
    const line = Array.from({ length: 300 }, () => ({
      l_partkey: rng() < 0.05 ? null : Math.floor(rng() * 45),
      l_quantity: Math.floor(rng() * 40),
      l_price: Math.floor(rng() * 1000),
    }));
    spark.createDataFrame(part, 'p_partkey int, p_size int, p_brand string').createOrReplaceTempView('fc_part');
    spark.createDataFrame(line, 'l_partkey int, l_quantity int, l_price int').createOrReplaceTempView('fc_line');
    const sql = `SELECT sum(l_price) AS s, count(*) AS n FROM fc_line, fc_part
      WHERE (p_partkey = l_partkey AND p_brand = 'B0' AND p_size BETWEEN 1 AND 5 AND l_quantity <= 10)
         OR (p_partkey = l_partkey AND p_brand = 'B1' AND p_size BETWEEN 1 AND 10 AND l_quantity >= 10 AND l_quantity <= 20)
         OR (l_partkey = p_partkey AND p_brand = 'B2' AND l_quantity >= 20)`;
    let s = 0;
    let n = 0;
    for (const l of line) {
      for (const p of part) {
        if (l.l_partkey !== p.p_partkey) continue;
        const hit =
          (p.p_brand === 'B0' && p.p_size >= 1 && p.p_size <= 5 && l.l_quantity <= 10) ||
          (p.p_brand === 'B1' && p.p_size >= 1 && p.p_size <= 10 && l.l_quantity >= 10 && l.l_quantity <= 20) ||
          (p.p_brand === 'B2' && l.l_quantity >= 20);
        if (hit) {
          s += l.l_price;
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(0);
    const df = await spark.sql(sql);
    const rows = await df.collect();
    expect(Number(rows[0]!.s)).toBe(s);
    expect(Number(rows[0]!.n)).toBe(n);
    // The third branch spells the key the other way round; it still matches and becomes a join key.
    expect(df.explainString()).toMatch(/HashJoin inner, \[l_partkey = p_partkey\]/);
  });
});
