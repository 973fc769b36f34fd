/**
 * The driver's side of a distributed query (Spark's DAGScheduler): it asks the StagePlanner which
 * parts of the optimized plan run as parallel tasks, runs their stages in dependency order on the
 * executor pool (shuffle map stages and broadcasts before the stages that read them), and runs
 * the nodes that cannot be partitioned (ORDER BY, LIMIT, ...) itself, over the gathered output of
 * their children. A LIMIT over partitioned input first runs a local limit (or top-k under ORDER BY)
 * in every task, so the driver only merges small results.
 *
 * Shuffle map outputs go to the session's block manager (src/shuffle/block-manager.ts) as each map
 * task finishes: in memory while they fit the shuffle budget, else in files under `spark.local.dir`
 * that the reduce tasks read. A shuffle's blocks are released once the stage that reads them has
 * finished (a later reader recomputes them from lineage), and every block of a job, files
 * included, when the job ends, whether it succeeded or failed.
 */
import type { Batch } from '../types/batch.js';
import type { ExecContext } from '../exec/operator.js';
import { createPhysicalPlan, type PlannerOptions } from '../plan/physical-planner.js';
import { type LogicalPlan, type LocalRelation, outputOf, planChildren, withChildren } from '../plan/logical-plan.js';
import type { ExecutorPool } from '../executor/executor-pool.js';
import type { TaskOutput } from '../executor/task.js';
import { type IpcBlock, cacheable, decodeBlock, encodeBatches } from '../shuffle/ipc-blocks.js';
import type { BlockManager, BlockScope } from '../shuffle/block-manager.js';
import { type Dependency, type DistributionOptions, StagePlanner, type TaskSet, mapFragments, schemaOf } from './stage-planner.js';
import { runStage, type TaskSchedulerOptions } from './task-scheduler.js';
import type { JobReport, StageReport } from './job-report.js';
import { JobProgress } from './job-progress.js';

let nextJobId = 0;

/**
 * How `plan` would run on executors, as text for explain(): the stages of its partitioned parts
 * (from the last stage back to the scans, `<-` reading "reads from"), and the nodes the driver runs.
 */
export function describeStages(plan: LogicalPlan, distribution: DistributionOptions, indent = ''): string {
  const set = new StagePlanner(distribution).distribute(plan);
  if (set) return `${indent}${set.numTasks} task(s): ${set.label}`;
  const children = planChildren(plan).map((c) => describeStages(c, distribution, `${indent}  `));
  return [`${indent}driver: ${plan.kind}`, ...children].join('\n');
}

/** Runs plans on a pool of executors. */
export class DagScheduler {
  /** The report of the last job that ran (or is running). */
  lastJob: JobReport | undefined;

  constructor(
    private readonly pool: ExecutorPool,
    private readonly distribution: DistributionOptions,
    private readonly tasks: TaskSchedulerOptions,
    private readonly planner: PlannerOptions,
    private readonly blockManager: BlockManager,
  ) {}

  /** Runs `plan` (optimized) and streams its result batches (owned by the consumer). */
  async *execute(plan: LogicalPlan, ctx: ExecContext): AsyncGenerator<Batch> {
    const job = new Job(nextJobId++, this.pool, this.tasks, this.blockManager.scope());
    this.lastJob = job.report;
    const stages = new StagePlanner(this.distribution);
    const held: Batch[] = [];
    try {
      const top = stages.distribute(plan);
      if (top) {
        const blocks = await job.run(top, { mode: 'result' }, 'result');
        const schema = schemaOf(top.output);
        for (const perTask of blocks) for (const batch of decodeBlock(perTask[0]!, schema)) yield batch;
      } else {
        const local = await this.localize(plan, stages, job, held);
        yield* createPhysicalPlan(local, this.planner).execute(ctx);
      }
    } finally {
      for (const b of held) b.release();
      job.finish();
    }
  }

  /**
   * Runs `plan` (optimized) and returns its output partitions as blocks, one per task (for a cached
   * DataFrame). A plan whose root the driver runs gives one block.
   */
  async partitions(plan: LogicalPlan, ctx: ExecContext): Promise<IpcBlock[]> {
    const stages = new StagePlanner(this.distribution);
    const top = stages.distribute(plan);
    if (top) {
      const job = new Job(nextJobId++, this.pool, this.tasks, this.blockManager.scope());
      this.lastJob = job.report;
      try {
        return (await job.run(top, { mode: 'result' }, 'result')).map((perTask) => perTask[0]!);
      } finally {
        job.finish();
      }
    }
    const batches: Batch[] = [];
    try {
      for await (const b of this.execute(plan, ctx)) batches.push(b);
      return [encodeBatches(schemaOf(outputOf(plan)), batches)];
    } finally {
      for (const b of batches) b.release();
    }
  }

  /** `plan` with every partitionable subtree replaced by its gathered output. */
  private async localize(plan: LogicalPlan, stages: StagePlanner, job: Job, held: Batch[]): Promise<LogicalPlan> {
    if (plan.kind === 'limit') {
      const pushed = this.localLimit(plan, stages);
      if (pushed) return { ...plan, child: await this.gather(pushed.set, job, held, pushed.rebuild) };
    }
    const set = stages.distribute(plan);
    if (set) return this.gather(set, job, held);
    const children: LogicalPlan[] = [];
    for (const c of planChildren(plan)) children.push(await this.localize(c, stages, job, held));
    return withChildren(plan, children);
  }

  /** For LIMIT n over partitioned input (possibly sorted): the tasks' local limit / top-k. */
  private localLimit(plan: Extract<LogicalPlan, { kind: 'limit' }>, stages: StagePlanner): { set: TaskSet; rebuild?: (gathered: LocalRelation) => LogicalPlan } | null {
    const child = plan.child;
    const sorted = child.kind === 'sort' ? child : undefined;
    // With OFFSET (SQL), each task keeps offset + n rows; OFFSET alone (n infinite) has no local limit.
    const n = plan.n + (plan.offset ?? 0);
    if (!Number.isFinite(n)) return null;
    const input = stages.distribute(sorted ? sorted.child : child);
    if (!input) return null;
    const set = mapFragments(input, (c) => ({ kind: 'limit', n, child: sorted ? { ...sorted, child: c } : c }), `Limit(local ${n}) <- ${input.label}`);
    return { set, rebuild: sorted ? (gathered) => ({ ...sorted, child: gathered }) : undefined };
  }

  private async gather(set: TaskSet, job: Job, held: Batch[], rebuild?: (g: LocalRelation) => LogicalPlan): Promise<LogicalPlan> {
    const blocks = await job.run(set, { mode: 'result' }, 'result');
    const schema = schemaOf(set.output);
    const batches: Batch[] = [];
    for (const perTask of blocks) {
      const decoded = decodeBlock(perTask[0]!, schema);
      held.push(...decoded);
      batches.push(...decoded);
    }
    const relation: LocalRelation = { kind: 'local', attributes: set.output, schema, batches };
    return rebuild ? rebuild(relation) : relation;
  }
}

/** One job: its stages, run once each, and its report. */
class Job {
  readonly report: JobReport;
  private readonly started = performance.now();
  private readonly running = new Map<Dependency, Promise<void>>();
  private readonly progress: JobProgress;

  constructor(
    id: number,
    private readonly pool: ExecutorPool,
    private readonly tasks: TaskSchedulerOptions,
    private readonly blocks: BlockScope,
  ) {
    this.report = { jobId: id, executors: pool.size, stages: [], wallMs: 0, startedAt: this.started };
    this.progress = new JobProgress(this.report, tasks.showProgress ?? true);
  }

  /** Runs a TaskSet's dependencies, then its tasks; returns blocks[task][partition]. */
  async run(set: TaskSet, output: TaskOutput, kind: StageReport['kind']): Promise<IpcBlock[][]> {
    await Promise.all(set.deps.map((d) => this.dependency(d)));
    const stage: StageReport = {
      stageId: this.report.stages.length,
      label: set.label,
      kind,
      numTasks: set.numTasks,
      failedAttempts: 0,
      taskMs: [],
      rowsOut: 0,
      bytesOut: 0,
      wallMs: 0,
    };
    this.report.stages.push(stage);
    this.progress.stageSubmitted(set.numTasks);
    const accept = output.mode === 'shuffle' ? (b: readonly IpcBlock[]) => this.blocks.putAll(b) : undefined;
    const out = await runStage(this.pool, stage.stageId, (i) => set.fragment(i), set.numTasks, output, this.tasks, stage, accept);
    // The shuffles this stage read are done with: free their blocks now, not at the end of the job.
    for (const d of set.deps) if (d.kind === 'shuffle') this.releaseShuffle(d);
    return out;
  }

  /** Frees a shuffle's blocks; a stage that reads it later runs its map stage again (lineage). */
  private releaseShuffle(d: Extract<Dependency, { kind: 'shuffle' }>): void {
    const blocks = d.blocks;
    if (!blocks) return;
    this.running.delete(d);
    d.blocks = undefined;
    this.blocks.releaseBlocks(blocks.flat());
  }

  private dependency(d: Dependency): Promise<void> {
    let p = this.running.get(d);
    if (!p) {
      p =
        d.kind === 'shuffle'
          ? this.run(d.map, { mode: 'shuffle', keys: d.keys, numPartitions: d.numPartitions }, 'shuffle map').then((b) => {
              d.blocks = b;
            })
          : this.run(d.source, { mode: 'result' }, 'broadcast').then((b) => {
              d.blocks = b.map((perTask) => cacheable(perTask[0]!));
            });
      this.running.set(d, p);
    }
    return p;
  }

  /** Ends the job: stops its progress bar and releases its blocks (memory and files). */
  finish(): void {
    this.blocks.release();
    this.progress.stop();
    this.report.wallMs = performance.now() - this.started;
  }
}
