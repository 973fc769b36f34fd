import type { Batch } from '../types/batch.js';
import type { Schema } from '../types/schema.js';
import { field, Schema as SchemaClass } from '../types/schema.js';
import type { ParquetSource } from '../io/parquet-source.js';
import { type ScanPredicate, describePredicate } from '../io/scan-predicate.js';
import { type AttributeRef, type Expr, type SortOrder, exprName, exprToString } from './expression.js';
import { typeOfResolved } from './typing.js';

/**
 * The logical plan: one closed union of relational operators (DataFusion's LogicalPlan, Catalyst's
 * LogicalPlan). The DataFrame API and, later, the SQL front end both build these; the optimizer
 * rewrites them; the physical planner turns them into operators.
 *
 * Every node's output columns are attributes with unique ids (see expression.ts). Expressions in a
 * node refer only to attributes of its children's output.
 */
export type LogicalPlan =
  | ParquetRelation
  | LocalRelation
  | Project
  | Filter
  | Aggregate
  | Join
  | Sort
  | Limit
  | Distinct
  | Union
  | SubqueryAlias
  | Window
  | Generate;

/**
 * A generator (Spark's Generate): explode / explode_outer / posexplode / posexplode_outer of an
 * array or map expression `generator` over the child. The output is the child's output followed by
 * `generatorOutput` ([pos], col for arrays; [pos], key, value for maps). With `outer`, a row whose
 * collection is NULL or empty gives one row of NULLs instead of none.
 */
export interface Generate {
  readonly kind: 'generate';
  readonly child: LogicalPlan;
  readonly generator: Expr;
  readonly outer: boolean;
  readonly position: boolean;
  readonly generatorOutput: readonly AttributeRef[];
}

/** Parquet files; `columns` (set by projection pruning) and `predicates` (pushed filters) narrow the read. */
export interface ParquetRelation {
  readonly kind: 'parquet';
  readonly source: ParquetSource;
  /** One attribute per column of the source schema, in source order. */
  readonly attributes: readonly AttributeRef[];
  /** Columns to read (names); undefined = all. */
  readonly columns?: readonly string[];
  /** Conjunction of simple predicates used to skip row groups and partitions (the Filter above stays). */
  readonly predicates: readonly ScanPredicate[];
}

/** In-memory batches (createDataFrame). */
export interface LocalRelation {
  readonly kind: 'local';
  readonly attributes: readonly AttributeRef[];
  readonly schema: Schema;
  readonly batches: readonly Batch[];
}

/** Computes `exprs` (each an attribute or an alias) for every row. */
export interface Project {
  readonly kind: 'project';
  readonly child: LogicalPlan;
  readonly exprs: readonly Expr[];
}

/** Keeps rows where `condition` is true (null counts as false). */
export interface Filter {
  readonly kind: 'filter';
  readonly child: LogicalPlan;
  readonly condition: Expr;
}

/** Groups by `groupBy` and computes `aggregates` (named expressions over group keys and aggregate calls). */
export interface Aggregate {
  readonly kind: 'aggregate';
  readonly child: LogicalPlan;
  readonly groupBy: readonly Expr[];
  readonly aggregates: readonly Expr[];
}

/** Join types, Spark's names. */
export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'left_semi' | 'left_anti' | 'cross';

/** Joins two plans on `condition` (absent = cross join). */
export interface Join {
  readonly kind: 'join';
  readonly left: LogicalPlan;
  readonly right: LogicalPlan;
  readonly joinType: JoinType;
  readonly condition?: Expr;
}

/** Orders rows. */
export interface Sort {
  readonly kind: 'sort';
  readonly child: LogicalPlan;
  readonly orders: readonly SortOrder[];
}

/** Keeps the first `n` rows (after skipping the first `offset`, when set; `n` is Infinity for OFFSET alone). */
export interface Limit {
  readonly kind: 'limit';
  readonly child: LogicalPlan;
  readonly n: number;
  readonly offset?: number;
}

/** Removes duplicate rows. */
export interface Distinct {
  readonly kind: 'distinct';
  readonly child: LogicalPlan;
}

/** Concatenates children by column position (UNION ALL); output attributes are the first child's. */
export interface Union {
  readonly kind: 'union';
  readonly children: readonly LogicalPlan[];
}

/** Gives the child's columns a qualifier (`df.alias('t')`) for `t.col` references. */
export interface SubqueryAlias {
  readonly kind: 'subqueryAlias';
  readonly child: LogicalPlan;
  readonly alias: string;
}

/**
 * Window functions over one window specification (Spark's Window node): `windowExprs` are aliases
 * of WindowExprs whose partitionBy/orderBy equal `partitionSpec`/`orderSpec`; the output is the
 * child's output followed by one column per window expression. Rows keep no particular order.
 */
export interface Window {
  readonly kind: 'window';
  readonly child: LogicalPlan;
  readonly windowExprs: readonly Expr[];
  readonly partitionSpec: readonly Expr[];
  readonly orderSpec: readonly SortOrder[];
}

/** The output attributes of a plan node. */
export function outputOf(plan: LogicalPlan): AttributeRef[] {
  switch (plan.kind) {
    case 'parquet': {
      if (!plan.columns) return [...plan.attributes];
      const byName = new Map(plan.attributes.map((a) => [a.name, a]));
      return plan.columns.map((c) => byName.get(c)!);
    }
    case 'local':
      return [...plan.attributes];
    case 'project':
      return plan.exprs.map(toAttribute);
    case 'aggregate':
      return plan.aggregates.map(toAttribute);
    case 'window':
      return [...outputOf(plan.child), ...plan.windowExprs.map(toAttribute)];
    case 'generate':
      return [...outputOf(plan.child), ...plan.generatorOutput];
    case 'filter':
    case 'sort':
    case 'limit':
    case 'distinct':
      return outputOf(plan.child);
    case 'union': {
      const first = outputOf(plan.children[0]!);
      const nullable = first.map((a, i) => plan.children.some((c) => outputOf(c)[i]?.nullable ?? true) || a.nullable);
      return first.map((a, i) => ({ ...a, nullable: nullable[i]! }));
    }
    case 'subqueryAlias':
      return outputOf(plan.child).map((a) => ({ ...a, qualifier: plan.alias }));
    case 'join': {
      const left = outputOf(plan.left);
      const right = outputOf(plan.right);
      switch (plan.joinType) {
        case 'left_semi':
        case 'left_anti':
          return left;
        case 'left':
          return [...left, ...right.map(asNullable)];
        case 'right':
          return [...left.map(asNullable), ...right];
        case 'full':
          return [...left.map(asNullable), ...right.map(asNullable)];
        default:
          return [...left, ...right];
      }
    }
  }
}

/** The output of a plan as a Schema. */
export function schemaOf(plan: LogicalPlan): Schema {
  return new SchemaClass(outputOf(plan).map((a) => field(a.name, a.type, a.nullable)));
}

/** The children of a plan node. */
export function planChildren(plan: LogicalPlan): readonly LogicalPlan[] {
  switch (plan.kind) {
    case 'parquet':
    case 'local':
      return [];
    case 'join':
      return [plan.left, plan.right];
    case 'union':
      return plan.children;
    default:
      return [plan.child];
  }
}

/** Rebuilds a node with new children (same arity and order as planChildren). */
export function withChildren(plan: LogicalPlan, children: readonly LogicalPlan[]): LogicalPlan {
  switch (plan.kind) {
    case 'parquet':
    case 'local':
      return plan;
    case 'join':
      return { ...plan, left: children[0]!, right: children[1]! };
    case 'union':
      return { ...plan, children };
    default:
      return { ...plan, child: children[0]! } as LogicalPlan;
  }
}

/** Applies `f` to every node bottom-up. */
export function transformPlanUp(plan: LogicalPlan, f: (p: LogicalPlan) => LogicalPlan): LogicalPlan {
  const kids = planChildren(plan);
  const next = kids.length ? withChildren(plan, kids.map((c) => transformPlanUp(c, f))) : plan;
  return f(next);
}

/** Applies `f` to every node top-down (f sees a node before its children are transformed). */
export function transformPlanDown(plan: LogicalPlan, f: (p: LogicalPlan) => LogicalPlan): LogicalPlan {
  const next = f(plan);
  const kids = planChildren(next);
  return kids.length ? withChildren(next, kids.map((c) => transformPlanDown(c, f))) : next;
}

/** The attribute a named expression produces. */
export function toAttribute(e: Expr): AttributeRef {
  if (e.kind === 'attr') return e;
  if (e.kind === 'alias') {
    const t = typeOfResolved(e.child);
    return { kind: 'attr', id: e.id, name: e.name, type: t.type, nullable: t.nullable };
  }
  throw new Error(`internal: expression ${exprName(e)} is not named (expected an attribute or alias)`);
}

/** Indented Spark-style text of a logical plan. */
export function planToString(plan: LogicalPlan, indent = 0): string {
  const pad = indent === 0 ? '' : `${' '.repeat((indent - 1) * 3)}+- `;
  return [pad + describeNode(plan), ...planChildren(plan).map((c) => planToString(c, indent + 1))].join('\n');
}

function describeNode(plan: LogicalPlan): string {
  const list = (es: readonly Expr[]) => es.map(exprToString).join(', ');
  switch (plan.kind) {
    case 'parquet': {
      const cols = outputOf(plan).map((a) => `${a.name}#${a.id}`);
      const files = plan.source.files.length;
      const preds = plan.predicates.length ? `, PushedFilters: [${plan.predicates.map(describePredicate).join(', ')}]` : '';
      return `Relation parquet [${cols.join(',')}] (${files} file${files === 1 ? '' : 's'}${preds})`;
    }
    case 'local':
      return `LocalRelation [${plan.attributes.map((a) => `${a.name}#${a.id}`).join(', ')}]`;
    case 'project':
      return `Project [${list(plan.exprs)}]`;
    case 'filter':
      return `Filter ${exprToString(plan.condition)}`;
    case 'aggregate':
      return `Aggregate [${list(plan.groupBy)}], [${list(plan.aggregates)}]`;
    case 'join':
      return `Join ${plan.joinType === 'inner' ? 'Inner' : plan.joinType}${plan.condition ? `, ${exprToString(plan.condition)}` : ''}`;
    case 'sort':
      return `Sort [${plan.orders.map((o) => `${exprToString(o.expr)} ${o.ascending ? 'ASC' : 'DESC'} NULLS ${o.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ')}]`;
    case 'limit':
      return plan.offset ? `GlobalLimit ${plan.n}, Offset ${plan.offset}` : `GlobalLimit ${plan.n}`;
    case 'distinct':
      return 'Distinct';
    case 'union':
      return 'Union';
    case 'subqueryAlias':
      return `SubqueryAlias ${plan.alias}`;
    case 'generate':
      return `Generate ${plan.position ? 'pos' : ''}explode${plan.outer ? '_outer' : ''}(${exprToString(plan.generator)}), [${plan.generatorOutput.map((a) => `${a.name}#${a.id}`).join(', ')}]`;
    case 'window':
      return `Window [${list(plan.windowExprs)}], [${list(plan.partitionSpec)}], [${plan.orderSpec.map((o) => `${exprToString(o.expr)} ${o.ascending ? 'ASC' : 'DESC'} NULLS ${o.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ')}]`;
  }
}

function asNullable(a: AttributeRef): AttributeRef {
  return a.nullable ? a : { ...a, nullable: true };
}
