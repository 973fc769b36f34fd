/**
 * What a distributed job did, stage by stage (the summary Spark's UI shows): tasks, attempts,
 * failures, task times, rows and bytes out. `SparkSession.lastJobReport()` returns the last one.
 */

/** One stage of a job. */
export interface StageReport {
  readonly stageId: number;
  /** What the stage's tasks compute. */
  readonly label: string;
  /** `shuffle map`, `broadcast`, or `result`. */
  readonly kind: 'shuffle map' | 'broadcast' | 'result';
  readonly numTasks: number;
  /** Task attempts that failed and were retried (or failed the job). */
  failedAttempts: number;
  /** Durations of the successful attempts, ms, by task. */
  readonly taskMs: number[];
  rowsOut: number;
  bytesOut: number;
  wallMs: number;
}

/** A whole job. */
export interface JobReport {
  readonly jobId: number;
  readonly executors: number;
  readonly stages: StageReport[];
  /** performance.now() when the job started. */
  readonly startedAt: number;
  wallMs: number;
}

/** The job report as a text table. */
export function formatJobReport(job: JobReport): string {
  const lines = [`Job ${job.jobId}: ${job.stages.length} stage(s) on ${job.executors} executor(s), ${job.wallMs.toFixed(1)} ms`];
  lines.push('stage | kind        | tasks | failed | task ms (min/median/max) | rows out | bytes out | wall ms | what');
  for (const s of job.stages) {
    const t = [...s.taskMs].sort((a, b) => a - b);
    const q = (f: number) => (t.length ? t[Math.min(t.length - 1, Math.floor(f * t.length))]!.toFixed(1) : '-');
    lines.push(
      `${String(s.stageId).padStart(5)} | ${s.kind.padEnd(11)} | ${String(s.numTasks).padStart(5)} | ${String(s.failedAttempts).padStart(6)} | ` +
        `${`${q(0)}/${q(0.5)}/${q(1)}`.padStart(24)} | ${String(s.rowsOut).padStart(8)} | ${String(s.bytesOut).padStart(9)} | ${s.wallMs.toFixed(1).padStart(7)} | ${s.label}`,
    );
  }
  return lines.join('\n');
}
