/**
 * A progress bar for jobs that run longer than a moment, on a terminal only (stderr is a TTY and
 * `spark.ui.showConsoleProgress` is not false, Spark's switch): stages done, tasks done of total in
 * the running stages, rows out. Drawn with cli-progress; cleared when the job ends.
 */
import { SingleBar } from 'cli-progress';
import type { JobReport } from './job-report.js';

/** How long a job runs before its progress bar appears (ms). */
const SHOW_AFTER_MS = 750;

/** Watches a job's report and draws it. */
export class JobProgress {
  private bar: SingleBar | undefined;
  private readonly timer: NodeJS.Timeout | undefined;
  private totalTasks = 0;

  constructor(
    private readonly job: JobReport,
    enabled: boolean,
  ) {
    if (!enabled || !process.stderr.isTTY) return;
    this.timer = setInterval(() => this.tick(), 200);
    this.timer.unref();
  }

  /** Records that a stage of `tasks` tasks was submitted. */
  stageSubmitted(tasks: number): void {
    this.totalTasks += tasks;
  }

  /** Removes the bar. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.bar?.stop();
  }

  private tick(): void {
    const done = this.job.stages.reduce((s, st) => s + st.taskMs.filter((t) => t !== undefined).length, 0);
    const rows = this.job.stages.reduce((s, st) => s + st.rowsOut, 0);
    if (!this.bar) {
      if (performance.now() - this.job.startedAt < SHOW_AFTER_MS) return;
      this.bar = new SingleBar({
        format: `job ${this.job.jobId} [{bar}] {value}/{total} tasks | stage {stage} | {rows} rows`,
        stream: process.stderr,
        clearOnComplete: true,
        hideCursor: true,
      });
      this.bar.start(Math.max(1, this.totalTasks), done, { stage: this.job.stages.length, rows });
      return;
    }
    this.bar.setTotal(Math.max(1, this.totalTasks));
    this.bar.update(done, { stage: this.job.stages.length, rows });
  }
}
