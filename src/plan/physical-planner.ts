/**
 * The physical planner: turns an optimized logical plan into a tree of physical operators, one
 * function per logical node (DuckDB's plan_<op>.cpp). Expressions that operators need as columns
 * (group keys, aggregate inputs, join keys, sort keys) are computed by a Project placed below the
 * operator; expressions over operator results (e.g. `sum(x) / count(x)`) by a Project above it.
 */
import { GenerateExec } from '../exec/generate-exec.js';
import { NotImplementedError } from '../errors.js';
import { Schema, field } from '../types/schema.js';
import type { PhysicalOperator } from '../exec/operator.js';
import { MemoryScanExec } from '../exec/memory-scan-exec.js';
import { ProjectExec } from '../exec/project-exec.js';
import { FilterExec } from '../exec/filter-exec.js';
import { LimitExec } from '../exec/limit-exec.js';
import { UnionExec } from '../exec/union-exec.js';
import { HashAggregateExec, type AggregateSpec, type HashAggregateOptions } from '../exec/hash-aggregate-exec.js';
import { SpillingAggregateExec } from '../exec/spilling-aggregate-exec.js';
import { HashJoinExec, type JoinType as PhysicalJoinType } from '../exec/hash-join-exec.js';
import { SortExec } from '../exec/sort-exec.js';
import { ParquetScanExec } from '../exec/parquet-scan-exec.js';
import { compileExpr, evaluateToColumn } from '../exec/expression-eval.js';
import {
  type AggregateCall,
  type AttributeRef,
  type Expr,
  literal,
  mapChildren,
  newExprId,
  referencedIds,
  splitConjuncts,
  conjunction,
  exprToString,
  transformUp,
  aggregateArgs,
} from './expression.js';
import { type LogicalPlan, type Aggregate, type Join, type Project, type Sort, type Window as WindowNode, outputOf, toAttribute } from './logical-plan.js';
import { exprKey } from './analyzer.js';
import { typeOfResolved } from './typing.js';
import { estimateRows } from './statistics.js';
import type { Batch } from '../types/batch.js';
import { WindowExec, type WindowFunctionSpec } from '../exec/window-exec.js';
import { type WindowExpr, TWO_ARGUMENT_WINDOW_FUNCTIONS } from './expression.js';
import { castTo as castWindowInput } from './analyzer.js';
import { DataTypes } from '../types/data-type.js';

/** A physical operator together with the attributes its columns carry, in order. */
interface Planned {
  readonly op: PhysicalOperator;
  readonly output: readonly AttributeRef[];
}

/** Planner choices taken from the session configuration. */
export interface PlannerOptions {
  /** Fuse a Filter below an aggregation into the HashAggregate (`spark.kindling.fuseFilterIntoAggregate`; default true). */
  readonly fuseFilterIntoAggregate?: boolean;
}

/** The options of the plan being built (planning is synchronous: one plan at a time). */
let plannerOptions: PlannerOptions = {};

/** Plans a logical plan into a physical operator tree whose columns match `outputOf(plan)`. */
export function createPhysicalPlan(plan: LogicalPlan, options: PlannerOptions = {}): PhysicalOperator {
  const saved = plannerOptions;
  plannerOptions = options;
  try {
    return planNode(plan).op;
  } finally {
    plannerOptions = saved;
  }
}

function planNode(plan: LogicalPlan): Planned {
  switch (plan.kind) {
    case 'parquet': {
      const output = outputOf(plan);
      const op = new ParquetScanExec(plan.source, { columns: output.map((a) => a.name), predicates: plan.predicates });
      return { op, output };
    }
    case 'local':
      return { op: new MemoryScanExec(plan.schema, plan.batches), output: plan.attributes };
    case 'subqueryAlias': {
      const child = planNode(plan.child);
      return { op: child.op, output: outputOf(plan) };
    }
    case 'project': {
      const child = planNode(plan.child);
      return { op: new ProjectExec(child.op, plan.exprs, child.output), output: outputOf(plan) };
    }
    case 'filter': {
      const child = planNode(plan.child);
      return { op: new FilterExec(child.op, plan.condition, child.output), output: child.output };
    }
    case 'limit': {
      if (plan.offset) {
        // OFFSET: a top-k sort keeps offset + n rows, then the limit skips the first offset.
        const child = plan.child.kind === 'sort' && Number.isFinite(plan.n) ? planSort(plan.child, plan.n + plan.offset) : planNode(plan.child);
        return { op: new LimitExec(child.op, plan.n, plan.offset), output: child.output };
      }
      if (plan.child.kind === 'sort') return planSort(plan.child, plan.n);
      const child = planNode(plan.child);
      return { op: new LimitExec(child.op, plan.n), output: child.output };
    }
    case 'sort':
      return planSort(plan, undefined);
    case 'distinct': {
      const child = planNode(plan.child);
      const op = new SpillingAggregateExec(new HashAggregateExec(child.op, child.output.map((_, i) => i), []));
      return { op, output: child.output };
    }
    case 'union': {
      const children = plan.children.map(planNode);
      const output = outputOf(plan);
      const schema = new Schema(output.map((a) => field(a.name, a.type, a.nullable)));
      return { op: new UnionExec(schema, children.map((c) => c.op)), output };
    }
    case 'aggregate':
      return planAggregate(plan);
    case 'join':
      return planJoin(plan);
    case 'window':
      return planWindow(plan);
    case 'generate': {
      const child = planNode(plan.child);
      return { op: new GenerateExec(child.op, plan, child.output), output: outputOf(plan) };
    }
  }
}

/** Appends computed columns to a child: returns the new child and the index of each expression's column. */
function withComputedColumns(child: Planned, exprs: readonly Expr[]): { planned: Planned; indices: number[] } {
  const extra: Expr[] = [];
  const indices = exprs.map((e) => {
    if (e.kind === 'attr') {
      const i = child.output.findIndex((a) => a.id === e.id);
      if (i >= 0) return i;
    }
    extra.push({ kind: 'alias', child: e, name: `_k${extra.length}`, id: newExprId() });
    return child.output.length + extra.length - 1;
  });
  if (extra.length === 0) return { planned: child, indices };
  const exprsOut = [...child.output, ...extra];
  const op = new ProjectExec(child.op, exprsOut, child.output);
  const output = exprsOut.map((e) => toAttribute(e));
  return { planned: { op, output }, indices };
}


/** Drops helper columns: keeps the first `n` columns of a planned node. */
function keepFirst(p: Planned, n: number): Planned {
  if (p.output.length === n) return p;
  const keep = p.output.slice(0, n);
  return { op: new ProjectExec(p.op, keep, p.output), output: keep };
}

function planSort(plan: Sort, limit: number | undefined): Planned {
  const child = planNode(plan.child);
  const { planned, indices } = withComputedColumns(child, plan.orders.map((o) => o.expr));
  const keys = plan.orders.map((o, i) => ({ index: indices[i]!, ascending: o.ascending, nullsFirst: o.nullsFirst }));
  const op = new SortExec(planned.op, keys, limit);
  return keepFirst({ op, output: planned.output }, child.output.length);
}

/**
 * Filter fusion (a vectorised engine's selection vector / aggregate FILTER clause): when the
 * aggregation's input is a Filter, possibly below Projects, this plans the Filter's child and the
 * Projects WITHOUT the Filter and returns its condition, which HashAggregateExec then evaluates per
 * batch as a row mask: the rows that fail it create no group and reach no accumulator, and the rows
 * that pass are not copied (without group keys) or only in the columns the aggregation reads (with
 * group keys), where FilterExec would gather every column of them.
 *
 * Design: the Projects now run on every row, including those the Filter would have removed. That is
 * safe because Kindling's expressions are deterministic and cannot fail on a row (non-ANSI: bad
 * casts, overflow and division by zero give null), and cheap next to the gather it replaces. The
 * condition reads attributes of the Filter's child, which a Project may drop or shadow; so each
 * Project also passes through the attributes the condition references. The aggregation's
 * pre-projection (withComputedColumns) keeps all of its input's columns in front, so the condition
 * is compiled against that and sees exactly the values the Filter would have seen.
 */
function planWithoutFilter(child: LogicalPlan): { planned: Planned; condition: Expr } | null {
  if (plannerOptions.fuseFilterIntoAggregate === false) return null;
  const projects: Project[] = [];
  let node = child;
  while (node.kind === 'project') {
    projects.push(node);
    node = node.child;
  }
  if (node.kind !== 'filter') return null;
  const condition = node.condition;
  let planned = planNode(node.child);
  const ids = referencedIds(condition);
  const carried = planned.output.filter((a) => ids.has(a.id));
  for (const p of projects.reverse()) {
    const output = outputOf(p);
    const extra = carried.filter((a) => !output.some((o) => o.id === a.id));
    const exprs = [...p.exprs, ...extra];
    planned = { op: new ProjectExec(planned.op, exprs, planned.output), output: [...output, ...extra] };
  }
  return { planned, condition };
}

function planAggregate(plan: Aggregate): Planned {
  const fused = planWithoutFilter(plan.child);
  const child = fused?.planned ?? planNode(plan.child);
  // Distinct aggregate calls, in first-seen order.
  const calls: AggregateCall[] = [];
  const callKeys: string[] = [];
  const collect = (e: Expr) =>
    transformUp(e, (x) => {
      if (x.kind === 'agg' && !callKeys.includes(exprKey(x))) {
        callKeys.push(exprKey(x));
        calls.push(x);
      }
      return x;
    });
  plan.aggregates.forEach(collect);
  // Every argument of every call (arg, then extraArgs: the second of two-argument aggregates, the
  // further columns of count(DISTINCT a, b)), computed below the aggregation.
  const args = calls.flatMap(aggregateArgs);
  const { planned: input, indices } = withComputedColumns(child, [...plan.groupBy, ...args]);
  const keyIdx = indices.slice(0, plan.groupBy.length);
  let argPos = plan.groupBy.length;
  const specs: AggregateSpec[] = calls.map((c, i) => {
    const spec: AggregateSpec = {
      fn: c.fn,
      input: c.arg ? indices[argPos++]! : null,
      name: `_agg${i}`,
      resultType: typeOfResolved(c).type,
      ignoreNulls: c.ignoreNulls,
    };
    if (c.arg && c.extraArgs?.length) spec.extraInputs = c.extraArgs.map(() => indices[argPos++]!);
    if (c.distinct) spec.distinct = true;
    if (c.stateColumn !== undefined) spec.stateColumn = c.stateColumn;
    if (c.mergeStates) spec.mergeStates = true;
    return spec;
  });
  let options: HashAggregateOptions = {};
  if (fused) {
    const compiled = compileExpr(fused.condition, input.output);
    options = { filter: (b: Batch) => evaluateToColumn(compiled, b), filterText: exprToString(fused.condition) };
  }
  const op = new SpillingAggregateExec(new HashAggregateExec(input.op, keyIdx, specs, options));
  // Attributes of the aggregate's raw output: keys then one column per call.
  const keyAttrs: AttributeRef[] = plan.groupBy.map((g, i) => {
    const t = typeOfResolved(g);
    return { kind: 'attr', id: newExprId(), name: `_key${i}`, type: t.type, nullable: t.nullable };
  });
  const aggAttrs: AttributeRef[] = calls.map((c, i) => {
    const t = typeOfResolved(c);
    return { kind: 'attr', id: newExprId(), name: `_agg${i}`, type: t.type, nullable: t.nullable };
  });
  const groupKeys = plan.groupBy.map(exprKey);
  const rewrite = (e: Expr): Expr =>
    transformUp(e, (x) => {
      if (x.kind === 'agg') return aggAttrs[callKeys.indexOf(exprKey(x))]!;
      return x;
    });
  const finalExprs = plan.aggregates.map((a) => {
    const replaceKeys = (x: Expr): Expr => {
      const gi = groupKeys.indexOf(exprKey(x));
      if (gi >= 0 && x.kind !== 'alias') return keyAttrs[gi]!;
      if (x.kind === 'agg') return x;
      return mapChildren(x, replaceKeys);
    };
    const body = a.kind === 'alias' ? a.child : a;
    const replaced = rewrite(replaceKeys(body));
    if (a.kind === 'alias') return { ...a, child: replaced };
    // A bare grouping attribute: keep its id and name.
    return { kind: 'alias', child: replaced, name: a.kind === 'attr' ? a.name : 'col', id: a.kind === 'attr' ? a.id : newExprId() } as Expr;
  });
  const raw: Planned = { op, output: [...keyAttrs, ...aggAttrs] };
  const project = new ProjectExec(raw.op, finalExprs, raw.output);
  return { op: project, output: outputOf(plan) };
}

function planJoin(plan: Join): Planned {
  let left = planNode(plan.left);
  let right = planNode(plan.right);
  const leftIds = new Set(left.output.map((a) => a.id));
  const rightIds = new Set(right.output.map((a) => a.id));
  const conjuncts = plan.condition ? splitConjuncts(plan.condition) : [];
  const leftKeys: Expr[] = [];
  const rightKeys: Expr[] = [];
  const residual: Expr[] = [];
  for (const c of conjuncts) {
    if (c.kind === 'binary' && c.op === '=') {
      const l = referencedIds(c.left);
      const r = referencedIds(c.right);
      if (l.size > 0 && r.size > 0 && subset(l, leftIds) && subset(r, rightIds)) {
        leftKeys.push(c.left);
        rightKeys.push(c.right);
        continue;
      }
      if (l.size > 0 && r.size > 0 && subset(l, rightIds) && subset(r, leftIds)) {
        leftKeys.push(c.right);
        rightKeys.push(c.left);
        continue;
      }
    }
    residual.push(c);
  }
  if (leftKeys.length === 0) {
    // No equality: a cross product with the condition as residual, as a hash join on a constant key.
    leftKeys.push(literal(1, { kind: 'int32' }));
    rightKeys.push(literal(1, { kind: 'int32' }));
  }
  const leftWidth = left.output.length;
  const rightWidth = right.output.length;
  const l = withComputedColumns(left, leftKeys);
  const r = withComputedColumns(right, rightKeys);
  left = l.planned;
  right = r.planned;
  const joinType = plan.joinType === 'cross' ? 'inner' : plan.joinType;
  const joinedOutput = joinType === 'left_semi' || joinType === 'left_anti' ? left.output : [...left.output, ...right.output];
  const residualExpr = conjunction(residual);
  const options: { buildSide: 'left' | 'right'; residual?: (candidates: import('../types/batch.js').Batch) => import('../types/column.js').Column } = {
    buildSide: chooseBuildSide(plan),
  };
  if (residualExpr) {
    const compiled = compileExpr(residualExpr, [...left.output, ...right.output]);
    options.residual = (candidates) => evaluateToColumn(compiled, candidates);
  }
  if (!isPhysicalJoinType(joinType)) throw new NotImplementedError(`join type ${plan.joinType}`);
  const op = new HashJoinExec(left.op, right.op, l.indices, r.indices, joinType, options);
  const planned: Planned = { op, output: joinedOutput };
  // Drop the computed key columns.
  const keep = joinType === 'left_semi' || joinType === 'left_anti'
    ? joinedOutput.slice(0, leftWidth)
    : [...joinedOutput.slice(0, leftWidth), ...joinedOutput.slice(left.output.length, left.output.length + rightWidth)];
  if (keep.length === joinedOutput.length) return { op, output: outputOf(plan) };
  return { op: new ProjectExec(planned.op, keep, joinedOutput), output: outputOf(plan) };
}

function chooseBuildSide(plan: Join): 'left' | 'right' {
  if (plan.joinType === 'left_semi' || plan.joinType === 'left_anti' || plan.joinType === 'left') return 'right';
  if (plan.joinType === 'right') return 'left';
  const l = estimateRows(plan.left);
  const r = estimateRows(plan.right);
  return l !== undefined && r !== undefined && l < r ? 'left' : 'right';
}

function isPhysicalJoinType(t: string): t is PhysicalJoinType {
  return ['inner', 'left', 'right', 'full', 'left_semi', 'left_anti'].includes(t);
}

function subset(a: Set<number>, b: Set<number>): boolean {
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

// ---- window functions (begin) ------------------------------------------------------------------


/** The value column a window function's kernel reads: integral sums/averages widened to bigint, floats to double. */
function windowValueInput(w: WindowExpr): Expr | null {
  const v = w.args[0];
  if (!v || w.fn === 'count_star' || w.fn === 'row_number' || w.fn === 'rank' || w.fn === 'dense_rank' || w.fn === 'cume_dist' || w.fn === 'percent_rank' || w.fn === 'ntile') return null;
  if (w.fn === 'sum' || w.fn === 'avg') {
    const t = typeOfResolved(v).type;
    if (t.kind === 'decimal' || t.kind === 'float64') return v;
    if (t.kind === 'float32') return castWindowInput(v, DataTypes.Double);
    return castWindowInput(v, DataTypes.Long);
  }
  return v;
}

function planWindow(plan: WindowNode): Planned {
  const child = planNode(plan.child);
  const calls = plan.windowExprs.map((a) => (a.kind === 'alias' ? a.child : a) as WindowExpr);
  const exprs: Expr[] = [...plan.partitionSpec, ...plan.orderSpec.map((o) => o.expr)];
  const slots = calls.map((c) => {
    const value = windowValueInput(c);
    const v = value ? exprs.push(value) - 1 : null;
    const d = c.fn === 'lag' || c.fn === 'lead' ? exprs.push(c.args[1]!) - 1 : null;
    // the second argument of covar/corr/regr_*
    const v2 = TWO_ARGUMENT_WINDOW_FUNCTIONS.has(c.fn) && c.args[1] ? exprs.push(c.args[1]) - 1 : null;
    return { v, d, v2 };
  });
  const { planned, indices } = withComputedColumns(child, exprs);
  const np = plan.partitionSpec.length;
  const orderKeys = plan.orderSpec.map((o, i) => ({ index: indices[np + i]!, ascending: o.ascending, nullsFirst: o.nullsFirst }));
  const attrs = plan.windowExprs.map((a) => toAttribute(a));
  const specs: WindowFunctionSpec[] = calls.map((c, i) => ({
    fn: c.fn,
    input: slots[i]!.v === null ? null : indices[slots[i]!.v!]!,
    defaultInput: slots[i]!.d === null ? null : indices[slots[i]!.d!]!,
    offset: c.offset ?? 1,
    ...(c.frame ? { frame: c.frame } : {}),
    ...(slots[i]!.v2 !== null ? { input2: indices[slots[i]!.v2!]! } : {}),
    ...(c.ignoreNulls ? { ignoreNulls: true } : {}),
    ...(c.percentile ? { percentile: c.percentile } : {}),
    name: attrs[i]!.name,
    resultType: attrs[i]!.type,
    nullable: attrs[i]!.nullable,
  }));
  const op = new WindowExec(planned.op, indices.slice(0, np), orderKeys, specs);
  const full: Planned = { op, output: [...planned.output, ...attrs] };
  if (planned.output.length === child.output.length) return { op, output: outputOf(plan) };
  const keep = [...child.output, ...attrs];
  return { op: new ProjectExec(full.op, keep, full.output), output: outputOf(plan) };
}
// ---- window functions (end) --------------------------------------------------------------------
