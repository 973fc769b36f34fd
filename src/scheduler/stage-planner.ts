/**
 * Splits an optimized logical plan into stages of parallel tasks (Spark's DAGScheduler cutting at
 * shuffle dependencies, planned on the logical level so each task runs an ordinary fragment with
 * the single-threaded physical planner).
 *
 * `distribute(plan)` returns a TaskSet when the plan's output can be computed as independent
 * partitions, one per task: Parquet scans split by row groups, in-memory relations split by
 * batches, projections and filters over them, UNION ALL, aggregations (partial aggregation per task
 * → hash shuffle on the group keys → final aggregation per reduce partition; raw rows are shuffled
 * for aggregates that do not merge), DISTINCT, window functions with a PARTITION BY (shuffled on
 * it), joins with a small side (broadcast hash join: the small side is computed once and sent to
 * every task) or with equality keys (shuffle hash join: both sides shuffled on the keys). Anything
 * else (ORDER BY, LIMIT, a window without PARTITION BY, a non-equi join of two large sides) returns
 * null: the driver runs that node itself over its children's gathered outputs (see dag-scheduler.ts).
 */
import { type AttributeRef, type Expr, newExprId, referencedIds, splitConjuncts } from '../plan/expression.js';
import { type LogicalPlan, type Aggregate, type Join, type Window as WindowNode, outputOf } from '../plan/logical-plan.js';
import type { ParquetRelation, LocalRelation } from '../plan/logical-plan.js';
import { typeEquals, byteWidth } from '../types/data-type.js';
import { Schema, field } from '../types/schema.js';
import { estimateRows } from '../plan/statistics.js';
import { typeOfResolved } from '../plan/typing.js';
import { type IpcBlock, cacheable, encodeRowSplits } from '../shuffle/ipc-blocks.js';
import { blockRelation, relationBlocks } from './plan-codec.js';
import { splitAggregate } from './aggregate-split.js';

/** Sizes that shape a distributed plan. */
export interface DistributionOptions {
  /** Tasks a scan is split into at most (`spark.default.parallelism`; default twice the cores, for balance). */
  readonly parallelism: number;
  /** Reduce tasks of a shuffle (`spark.sql.shuffle.partitions`). */
  readonly shufflePartitions: number;
  /** Largest estimated size in bytes of a join side that is broadcast (`spark.sql.autoBroadcastJoinThreshold`; -1 = never). */
  readonly broadcastThreshold: number;
}

/** A part of a plan computed by `numTasks` parallel tasks, task i producing partition i of its output. */
export interface TaskSet {
  readonly output: readonly AttributeRef[];
  readonly numTasks: number;
  /** Stages and broadcasts whose results the fragments read; they run first. */
  readonly deps: readonly Dependency[];
  /** The plan task i runs; valid once `deps` have run. */
  fragment(i: number): LogicalPlan;
  /** What the tasks compute, for the job report (e.g. `Aggregate(partial) <- Scan lineitem`). */
  readonly label: string;
}

/** A shuffle: the map tasks' output hash-partitioned on `keys` into `numPartitions` blocks each. */
export interface ShuffleDependency {
  readonly kind: 'shuffle';
  readonly map: TaskSet;
  readonly keys: readonly number[];
  readonly numPartitions: number;
  /** blocks[mapTask][partition], set when the map stage has run. */
  blocks?: readonly (readonly IpcBlock[])[];
}

/** A broadcast: the whole output of `source`, sent to every task that reads it. */
export interface BroadcastDependency {
  readonly kind: 'broadcast';
  readonly source: TaskSet;
  /** One block per source task, set when it has run. */
  blocks?: readonly IpcBlock[];
}

/** Something a TaskSet must wait for. */
export type Dependency = ShuffleDependency | BroadcastDependency;

/** The task splits of in-memory relations, by number of splits. */
const localSplits = new WeakMap<LocalRelation, Map<number, LocalRelation[]>>();

/** In-memory relations are split into tasks of at least this many rows. */
const MIN_LOCAL_SPLIT_ROWS = 1000;

/** Builds TaskSets for the plans that can run partitioned. */
export class StagePlanner {
  constructor(private readonly options: DistributionOptions) {}

  /** The TaskSet computing `plan` in partitions, or null when the driver must run its root node. */
  distribute(plan: LogicalPlan): TaskSet | null {
    switch (plan.kind) {
      case 'parquet':
        return this.scanParquet(plan);
      case 'local':
        return this.scanLocal(plan);
      case 'project':
      case 'filter':
      case 'subqueryAlias': {
        const child = this.distribute(plan.child);
        return child && mapFragments(child, (c) => ({ ...plan, child: c }), `${nodeLabel(plan)} <- ${child.label}`);
      }
      case 'union':
        return this.union(plan.children);
      case 'aggregate':
        return this.aggregate(plan);
      case 'distinct': {
        const child = this.distribute(plan.child);
        if (!child) return null;
        const partial = mapFragments(child, (c) => ({ kind: 'distinct', child: c }), `Distinct(partial) <- ${child.label}`);
        return this.shuffled(partial, child.output.map((_, i) => i), (read) => ({ kind: 'distinct', child: read }), 'Distinct(final)');
      }
      case 'join':
        return this.join(plan);
      case 'window':
        return this.window(plan);
      default:
        return null;
    }
  }

  private scanParquet(rel: ParquetRelation): TaskSet {
    const units: { file: number; group: number; rows: number }[] = [];
    rel.source.files.forEach((f, file) => f.rowGroups.forEach((rg, group) => units.push({ file, group, rows: rg.numRows })));
    const splits = balancedSplits(units, this.options.parallelism);
    const fragments = splits.map((split): ParquetRelation => {
      const files = rel.source.files
        .map((f, i) => ({ ...f, rowGroups: f.rowGroups.filter((_, g) => split.some((u) => u.file === i && u.group === g)) }))
        .filter((f) => f.rowGroups.length > 0);
      return { ...rel, source: { ...rel.source, files } };
    });
    const name = rel.source.paths.length === 1 ? rel.source.paths[0] : `${rel.source.paths.length} paths`;
    return { output: outputOf(rel), numTasks: fragments.length, deps: [], fragment: (i) => fragments[i]!, label: `Scan parquet ${name}` };
  }

  private scanLocal(rel: LocalRelation): TaskSet {
    const blocks = relationBlocks(rel);
    if (blocks) {
      // Partitions held as blocks (a cached DataFrame): one task per partition.
      const parts = blocks.length > 0 ? blocks.map((b) => blockRelation(rel.attributes, rel.schema, [b])) : [rel];
      return { output: rel.attributes, numTasks: parts.length, deps: [], fragment: (i) => parts[i]!, label: 'Scan cached' };
    }
    const rows = rel.batches.reduce((t, b) => t + b.numRows, 0);
    const n = Math.max(1, Math.min(this.options.parallelism, Math.floor(rows / MIN_LOCAL_SPLIT_ROWS)));
    // The same splits every time: each is encoded once, and executors keep it decoded (cacheable).
    let byCount = localSplits.get(rel);
    if (!byCount) localSplits.set(rel, (byCount = new Map()));
    let fragments = byCount.get(n);
    if (!fragments) {
      fragments = encodeRowSplits(rel.schema, rel.batches, n).map((b) => blockRelation(rel.attributes, rel.schema, [cacheable(b)]));
      byCount.set(n, fragments);
    }
    return { output: rel.attributes, numTasks: n, deps: [], fragment: (i) => fragments![i]!, label: 'Scan local' };
  }

  private union(children: readonly LogicalPlan[]): TaskSet | null {
    const sets = children.map((c) => this.distribute(c));
    if (sets.some((s) => s === null)) return null;
    const output = outputOf({ kind: 'union', children });
    const owners: { set: TaskSet; task: number }[] = [];
    for (const s of sets as TaskSet[]) for (let t = 0; t < s.numTasks; t++) owners.push({ set: s, task: t });
    return {
      output,
      numTasks: owners.length,
      deps: (sets as TaskSet[]).flatMap((s) => s.deps),
      fragment: (i) => {
        const { set, task } = owners[i]!;
        const plan = set.fragment(task);
        if (set.output.every((a, k) => a.id === output[k]!.id)) return plan;
        return { kind: 'project', child: plan, exprs: set.output.map((a, k) => ({ kind: 'alias', child: a, name: output[k]!.name, id: output[k]!.id })) };
      },
      label: `Union(${sets.length})`,
    };
  }

  private aggregate(plan: Aggregate): TaskSet | null {
    const child = this.distribute(plan.child);
    if (!child) return null;
    const split = splitAggregate(plan);
    const reduceParts = plan.groupBy.length === 0 ? 1 : undefined;
    if (split) {
      const partial = mapFragments(child, (c) => split.partial(c), `Aggregate(partial) <- ${child.label}`, split.partialOutput);
      const keys = Array.from({ length: split.numKeys }, (_, i) => i);
      return this.shuffled(partial, keys, (read) => split.final(read), 'Aggregate(final)', reduceParts);
    }
    const keyed = withKeyColumns(child, plan.groupBy);
    return this.shuffled(keyed.set, keyed.keys, (read) => ({ ...plan, child: read }), 'Aggregate(complete)', reduceParts);
  }

  private window(plan: WindowNode): TaskSet | null {
    if (plan.partitionSpec.length === 0) return null;
    const child = this.distribute(plan.child);
    if (!child) return null;
    const keyed = withKeyColumns(child, plan.partitionSpec);
    const output = outputOf(plan);
    return this.shuffled(keyed.set, keyed.keys, (read) => dropExtra({ ...plan, child: read }, output, keyed.extra), 'Window');
  }

  private join(plan: Join): TaskSet | null {
    const small = (p: LogicalPlan) => this.fitsBroadcast(p);
    const streamsLeft = plan.joinType !== 'right' && plan.joinType !== 'full';
    // An inner join may broadcast either side: broadcast the smaller, stream the larger.
    const symmetric = plan.joinType === 'inner' || plan.joinType === 'cross';
    const leftSmaller = (estimateRows(plan.left) ?? Infinity) < (estimateRows(plan.right) ?? Infinity);
    if (symmetric && leftSmaller && small(plan.left)) {
      const left = this.distribute(plan.left);
      const right = this.distribute(plan.right);
      if (left && right) return this.broadcastJoin(plan, right, left, 'left');
    }
    if (streamsLeft && small(plan.right)) {
      const left = this.distribute(plan.left);
      const right = this.distribute(plan.right);
      if (left && right) return this.broadcastJoin(plan, left, right, 'right');
    }
    if (plan.joinType === 'right' && small(plan.left)) {
      const left = this.distribute(plan.left);
      const right = this.distribute(plan.right);
      if (left && right) return this.broadcastJoin(plan, right, left, 'left');
    }
    return this.shuffleJoin(plan);
  }

  private broadcastJoin(plan: Join, stream: TaskSet, built: TaskSet, builtSide: 'left' | 'right'): TaskSet {
    const dep: BroadcastDependency = { kind: 'broadcast', source: built };
    const schema = schemaOf(built.output);
    let relation: LocalRelation | undefined;
    const broadcast = () => (relation ??= blockRelation(built.output, schema, dep.blocks!));
    return {
      output: outputOf(plan),
      numTasks: stream.numTasks,
      deps: [...stream.deps, dep],
      fragment: (i) => (builtSide === 'right' ? { ...plan, left: stream.fragment(i), right: broadcast() } : { ...plan, left: broadcast(), right: stream.fragment(i) }),
      label: `BroadcastHashJoin ${plan.joinType} <- ${stream.label} (broadcast ${built.label})`,
    };
  }

  private shuffleJoin(plan: Join): TaskSet | null {
    if (!plan.condition) return null;
    const leftIds = new Set(outputOf(plan.left).map((a) => a.id));
    const rightIds = new Set(outputOf(plan.right).map((a) => a.id));
    const leftKeys: Expr[] = [];
    const rightKeys: Expr[] = [];
    for (const c of splitConjuncts(plan.condition)) {
      if (c.kind !== 'binary' || (c.op !== '=' && c.op !== '<=>')) continue;
      const l = referencedIds(c.left);
      const r = referencedIds(c.right);
      const pair = within(l, leftIds) && within(r, rightIds) ? [c.left, c.right] : within(l, rightIds) && within(r, leftIds) ? [c.right, c.left] : null;
      if (pair && typeEquals(typeOfResolved(pair[0]!).type, typeOfResolved(pair[1]!).type)) {
        leftKeys.push(pair[0]!);
        rightKeys.push(pair[1]!);
      }
    }
    if (leftKeys.length === 0) return null;
    const left = this.distribute(plan.left);
    const right = this.distribute(plan.right);
    if (!left || !right) return null;
    const l = withKeyColumns(left, leftKeys);
    const r = withKeyColumns(right, rightKeys);
    const parts = this.options.shufflePartitions;
    const ldep: ShuffleDependency = { kind: 'shuffle', map: l.set, keys: l.keys, numPartitions: parts };
    const rdep: ShuffleDependency = { kind: 'shuffle', map: r.set, keys: r.keys, numPartitions: parts };
    const output = outputOf(plan);
    return {
      output,
      numTasks: parts,
      deps: [ldep, rdep],
      fragment: (i) => dropExtra({ ...plan, left: shuffleRead(ldep, i), right: shuffleRead(rdep, i) }, output, l.extra + r.extra),
      label: `ShuffledHashJoin ${plan.joinType} <- [${left.label}] x [${right.label}]`,
    };
  }

  /** A shuffle of `map`'s output on `keys`, then `reduce` over each partition. */
  private shuffled(map: TaskSet, keys: readonly number[], reduce: (read: LogicalPlan) => LogicalPlan, label: string, partitions?: number): TaskSet {
    const dep: ShuffleDependency = { kind: 'shuffle', map, keys, numPartitions: partitions ?? this.options.shufflePartitions };
    const first = reduce(shuffleReadPlaceholder(map.output));
    return {
      output: outputOf(first),
      numTasks: dep.numPartitions,
      deps: [dep],
      fragment: (i) => reduce(shuffleRead(dep, i)),
      label: `${label} <- Exchange hashpartitioning(${keys.length} keys, ${dep.numPartitions}) <- ${map.label}`,
    };
  }

  private fitsBroadcast(plan: LogicalPlan): boolean {
    const threshold = this.options.broadcastThreshold;
    if (threshold < 0) return false;
    const rows = estimateRows(plan);
    if (rows === undefined) return false;
    const width = outputOf(plan).reduce((s, a) => s + (a.type.kind === 'utf8' ? 24 : Math.max(1, byteWidth(a.type))), 0);
    return rows * width <= threshold;
  }
}

/** The TaskSet with `wrap` applied to every fragment. */
export function mapFragments(set: TaskSet, wrap: (p: LogicalPlan) => LogicalPlan, label: string, output?: readonly AttributeRef[]): TaskSet {
  return {
    output: output ?? outputOf(wrap(shuffleReadPlaceholder(set.output))),
    numTasks: set.numTasks,
    deps: set.deps,
    fragment: (i) => wrap(set.fragment(i)),
    label,
  };
}

/** Adds a column per key expression that is not already a column; returns the key column indices. */
function withKeyColumns(set: TaskSet, keys: readonly Expr[]): { set: TaskSet; keys: number[]; extra: number } {
  const exprs: Expr[] = [...set.output];
  const indices = keys.map((k) => {
    if (k.kind === 'attr') {
      const at = set.output.findIndex((a) => a.id === k.id);
      if (at >= 0) return at;
    }
    exprs.push({ kind: 'alias', child: k, name: `_shuffle_key${exprs.length}`, id: newExprId() });
    return exprs.length - 1;
  });
  const extra = exprs.length - set.output.length;
  if (extra === 0) return { set, keys: indices, extra };
  return { set: mapFragments(set, (c) => ({ kind: 'project', child: c, exprs }), set.label), keys: indices, extra };
}

/** `plan` with the extra key columns its shuffle reads carried projected away. */
function dropExtra(plan: LogicalPlan, output: readonly AttributeRef[], extra: number): LogicalPlan {
  return extra === 0 ? plan : { kind: 'project', child: plan, exprs: output };
}

function shuffleRead(dep: ShuffleDependency, partition: number): LogicalPlan {
  return blockRelation(dep.map.output, schemaOf(dep.map.output), dep.blocks!.map((perMap) => perMap[partition]!));
}

function shuffleReadPlaceholder(output: readonly AttributeRef[]): LocalRelation {
  return { kind: 'local', attributes: output, schema: schemaOf(output), batches: [] };
}

/** The schema of some attributes. */
export function schemaOf(attrs: readonly AttributeRef[]): Schema {
  return new Schema(attrs.map((a) => field(a.name, a.type, a.nullable)));
}

function within(ids: Set<number>, side: Set<number>): boolean {
  if (ids.size === 0) return false;
  for (const id of ids) if (!side.has(id)) return false;
  return true;
}

function nodeLabel(plan: LogicalPlan): string {
  return plan.kind === 'subqueryAlias' ? `SubqueryAlias ${plan.alias}` : plan.kind === 'filter' ? 'Filter' : 'Project';
}

/** Groups work units into at most `target` contiguous splits of about equal rows (at least one split). */
function balancedSplits<T extends { rows: number }>(units: readonly T[], target: number): T[][] {
  if (units.length === 0) return [[]];
  const n = Math.min(units.length, Math.max(1, target));
  const total = units.reduce((s, u) => s + u.rows, 0);
  const splits: T[][] = [[]];
  let acc = 0;
  for (const u of units) {
    const current = splits[splits.length - 1]!;
    if (current.length > 0 && splits.length < n && acc >= (total * splits.length) / n) splits.push([]);
    splits[splits.length - 1]!.push(u);
    acc += u.rows;
  }
  return splits;
}
