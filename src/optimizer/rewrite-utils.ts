/**
 * Helpers shared by the optimizer rules: attribute substitution, determinism, structural equality of
 * expressions and plans, and plan/expression transforms that keep object identity when nothing
 * changes (so a rule that does not fire returns the very same plan object).
 */
import { DataTypes, byteWidth, typeToString } from '../types/data-type.js';
import type { CellValue } from '../types/values.js';
import {
  type AttributeRef,
  type Expr,
  type Literal,
  exprChildren,
  mapChildren,
  referencedIds,
} from '../plan/expression.js';
import { type LogicalPlan, planChildren, withChildren } from '../plan/logical-plan.js';

/**
 * Scalar functions whose result differs between calls with the same arguments. They are never
 * folded, duplicated, or moved across operators that change which rows they see.
 */
export const NON_DETERMINISTIC_FUNCTIONS: ReadonlySet<string> = new Set([
  'rand',
  'randn',
  'random',
  'uuid',
  'shuffle',
  'monotonically_increasing_id',
  'spark_partition_id',
  'input_file_name',
]);

/** True when `e` contains no non-deterministic function call. */
export function isDeterministic(e: Expr): boolean {
  return !exprExistsFast(e, (x) => x.kind === 'call' && NON_DETERMINISTIC_FUNCTIONS.has(x.name.toLowerCase()));
}

/** True when `e` contains an aggregate function call. */
export function containsAggregate(e: Expr): boolean {
  return exprExistsFast(e, (x) => x.kind === 'agg');
}

function exprExistsFast(e: Expr, pred: (e: Expr) => boolean): boolean {
  if (pred(e)) return true;
  for (const c of exprChildren(e)) if (exprExistsFast(c, pred)) return true;
  return false;
}

/** Rebuilds `e` bottom-up with `f`, returning `e` itself when neither `f` nor any child changed anything. */
export function transformExprUp(e: Expr, f: (e: Expr) => Expr): Expr {
  let changed = false;
  const rebuilt = mapChildren(e, (c) => {
    const n = transformExprUp(c, f);
    if (n !== c) changed = true;
    return n;
  });
  return f(changed ? rebuilt : e);
}

/**
 * Replaces every attribute reference whose id is in `map` by the mapped expression (aliases in the
 * replacement are stripped: they only name top-level outputs). Replacements are not re-visited.
 */
export function replaceAttributes(e: Expr, map: ReadonlyMap<number, Expr>): Expr {
  if (map.size === 0) return e;
  const go = (x: Expr): Expr => {
    if (x.kind === 'attr') {
      const r = map.get(x.id);
      return r === undefined ? x : stripAlias(r);
    }
    let changed = false;
    const rebuilt = mapChildren(x, (c) => {
      const n = go(c);
      if (n !== c) changed = true;
      return n;
    });
    return changed ? rebuilt : x;
  };
  return go(e);
}

/** The child of an alias, or the expression itself. */
export function stripAlias(e: Expr): Expr {
  return e.kind === 'alias' ? e.child : e;
}

/** Map from each alias's output id to the aliased expression, for the aliases of a named-expression list. */
export function aliasMap(named: readonly Expr[]): Map<number, Expr> {
  const m = new Map<number, Expr>();
  for (const e of named) if (e.kind === 'alias') m.set(e.id, e.child);
  return m;
}

/** The output id of a named expression (attribute or alias); undefined for anything else. */
export function namedId(e: Expr): number | undefined {
  return e.kind === 'attr' || e.kind === 'alias' ? e.id : undefined;
}

/** The set of ids of a list of attributes. */
export function idSet(attrs: readonly AttributeRef[]): Set<number> {
  return new Set(attrs.map((a) => a.id));
}

/** True when every element of `a` is in `b`. */
export function isSubset(a: ReadonlySet<number>, b: ReadonlySet<number>): boolean {
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/** The attribute ids referenced by any of `exprs`. */
export function referencesOf(exprs: readonly Expr[], into: Set<number> = new Set()): Set<number> {
  for (const e of exprs) referencedIds(e, into);
  return into;
}

/** A structural key of an expression: attributes by id only, literals by value and type. */
export function exprKey(e: Expr): string {
  switch (e.kind) {
    case 'attr':
      return `#${e.id}`;
    case 'literal':
      return `lit(${cellKey(e.value)}:${typeToString(e.type)})`;
    default: {
      let head: string = e.kind;
      switch (e.kind) {
        case 'alias':
          head += `[${e.name}#${e.id}]`;
          break;
        case 'cast':
          head += `[${typeToString(e.to)}]`;
          break;
        case 'binary':
        case 'unary':
          head += `[${e.op}]`;
          break;
        case 'like':
          head += `[${JSON.stringify(e.pattern)},${JSON.stringify(e.escape)}]`;
          break;
        case 'case':
          head += `[${e.branches.length},${e.otherwise ? 'else' : ''}]`;
          break;
        case 'call':
          head += `[${e.name.toLowerCase()}]`;
          break;
        case 'agg':
          head += `[${e.fn},${e.ignoreNulls}]`;
          break;
        case 'unresolved':
          head += `[${e.qualifier ?? ''}.${e.name}]`;
          break;
        case 'star':
          head += `[${e.qualifier ?? ''}]`;
          break;
        default:
          break;
      }
      return `${head}(${exprChildren(e).map(exprKey).join(',')})`;
    }
  }
}

/** A key of a cell value that distinguishes types (1 vs 1n vs '1'). */
export function cellKey(v: CellValue): string {
  if (v === null) return 'null';
  if (v instanceof Date) return `d${v.getTime()}`;
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  return `${typeof v}:${String(v)}`;
}

/** Structural equality of expressions (see exprKey). */
export function exprEquals(a: Expr, b: Expr): boolean {
  return a === b || exprKey(a) === exprKey(b);
}

/** Removes structurally duplicate expressions, keeping the first of each. */
export function dedupeExprs(es: readonly Expr[]): Expr[] {
  const seen = new Set<string>();
  const out: Expr[] = [];
  for (const e of es) {
    const k = exprKey(e);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(e);
    }
  }
  return out;
}

/**
 * Splits conjuncts into the longest prefix of deterministic ones (candidates to move) and the rest,
 * which must stay where they are: moving a conjunct past a non-deterministic one would change the
 * rows the non-deterministic one sees (Spark's `span(_.deterministic)`).
 */
export function spanDeterministic(conjuncts: readonly Expr[]): [Expr[], Expr[]] {
  const i = conjuncts.findIndex((c) => !isDeterministic(c));
  return i < 0 ? [[...conjuncts], []] : [conjuncts.slice(0, i), conjuncts.slice(i)];
}

/** The boolean literal `true` / `false`. */
export function booleanLiteral(value: boolean): Literal {
  return { kind: 'literal', value, type: DataTypes.Boolean };
}

/** True when `e` is the literal `value` (true or false). */
export function isBooleanLiteral(e: Expr, value: boolean): boolean {
  return e.kind === 'literal' && e.value === value;
}

/** A rough per-row width of an attribute's values, for choosing the cheapest column to keep. */
export function approximateWidth(a: AttributeRef): number {
  const w = byteWidth(a.type);
  return w === 0 ? 16 : w;
}

/** The cheapest of `attrs` to read (smallest width; the first on ties). */
export function cheapestAttribute<T extends AttributeRef>(attrs: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const a of attrs) if (!best || approximateWidth(a) < approximateWidth(best)) best = a;
  return best;
}

/** Applies `f` to every node top-down (f sees a node before its children), keeping identity when unchanged. */
export function transformPlanDownSame(plan: LogicalPlan, f: (p: LogicalPlan) => LogicalPlan): LogicalPlan {
  const next = f(plan);
  return rebuildChildren(next, (c) => transformPlanDownSame(c, f));
}

/** Applies `f` to every node bottom-up, keeping identity when unchanged. */
export function transformPlanUpSame(plan: LogicalPlan, f: (p: LogicalPlan) => LogicalPlan): LogicalPlan {
  return f(rebuildChildren(plan, (c) => transformPlanUpSame(c, f)));
}

function rebuildChildren(plan: LogicalPlan, g: (c: LogicalPlan) => LogicalPlan): LogicalPlan {
  const kids = planChildren(plan);
  if (kids.length === 0) return plan;
  let changed = false;
  const next = kids.map((c) => {
    const n = g(c);
    if (n !== c) changed = true;
    return n;
  });
  return changed ? withChildren(plan, next) : plan;
}

/** Rewrites every expression held directly by a plan node with `f` (identity kept when unchanged). */
export function mapNodeExpressions(plan: LogicalPlan, f: (e: Expr) => Expr): LogicalPlan {
  const list = (es: readonly Expr[]): readonly Expr[] => {
    let changed = false;
    const out = es.map((e) => {
      const n = f(e);
      if (n !== e) changed = true;
      return n;
    });
    return changed ? out : es;
  };
  switch (plan.kind) {
    case 'project': {
      const exprs = list(plan.exprs);
      return exprs === plan.exprs ? plan : { ...plan, exprs };
    }
    case 'filter': {
      const condition = f(plan.condition);
      return condition === plan.condition ? plan : { ...plan, condition };
    }
    case 'aggregate': {
      const groupBy = list(plan.groupBy);
      const aggregates = list(plan.aggregates);
      return groupBy === plan.groupBy && aggregates === plan.aggregates ? plan : { ...plan, groupBy, aggregates };
    }
    case 'join': {
      if (!plan.condition) return plan;
      const condition = f(plan.condition);
      return condition === plan.condition ? plan : { ...plan, condition };
    }
    case 'sort': {
      let changed = false;
      const orders = plan.orders.map((o) => {
        const expr = f(o.expr);
        if (expr === o.expr) return o;
        changed = true;
        return { ...o, expr };
      });
      return changed ? { ...plan, orders } : plan;
    }
    default:
      return plan;
  }
}

/**
 * Structural equality of two plans (or any plain values). Plain objects and arrays are compared
 * member by member; class instances (Schema, Batch) only by identity; keys whose value is
 * undefined count as absent.
 */
export function planEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!planEquals(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const kb = Object.keys(rb).filter((k) => rb[k] !== undefined);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!planEquals(ra[k], rb[k])) return false;
  return true;
}
