/**
 * A progress bar for jobs that run longer than a moment, on a terminal only (the stream, stderr by
 * default, is a TTY and `spark.ui.showConsoleProgress` is not false, Spark's switch): tasks done of
 * total in the stages submitted so far, stages done of submitted, rows out. Drawn with cli-progress;
 * cleared when the job ends.
 */
import { SingleBar } from 'cli-progress';
import type { JobReport } from './job-report.js';

/** How long a job runs before its progress bar appears (ms). */
const SHOW_AFTER_MS = 750;
/** How often the bar is redrawn (ms). */
const REDRAW_MS = 200;

/** Where the bar is drawn: a writable stream that says whether it is a terminal. */
export type ProgressStream = NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number };

/** Options of a JobProgress (tests use another stream and no delay). */
export interface JobProgressOptions {
  /** Default process.stderr. */
  readonly stream?: ProgressStream;
  /** Default 750 ms. */
  readonly showAfterMs?: number;
}

/** Watches a job's report and draws it. */
export class JobProgress {
  private bar: SingleBar | undefined;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly stream: ProgressStream;
  private readonly showAfterMs: number;
  private readonly enabled: boolean;
  private totalTasks = 0;

  constructor(
    private readonly job: JobReport,
    enabled: boolean,
    options: JobProgressOptions = {},
  ) {
    this.stream = options.stream ?? process.stderr;
    this.showAfterMs = options.showAfterMs ?? SHOW_AFTER_MS;
    this.enabled = enabled && this.stream.isTTY === true;
    if (!this.enabled) return;
    this.timer = setInterval(() => this.tick(), REDRAW_MS);
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
    this.bar = undefined;
  }

  /** Draws the bar now (the timer calls this; tests too). Nothing when disabled or too early. */
  tick(): void {
    if (!this.enabled) return;
    const finished = (st: JobReport['stages'][number]) => st.taskMs.filter((t) => t !== undefined).length;
    const done = this.job.stages.reduce((s, st) => s + finished(st), 0);
    const payload = {
      stagesDone: this.job.stages.filter((st) => finished(st) >= st.numTasks).length,
      stages: this.job.stages.length,
      rows: this.job.stages.reduce((s, st) => s + st.rowsOut, 0),
    };
    if (!this.bar) {
      if (performance.now() - this.job.startedAt < this.showAfterMs) return;
      this.bar = new SingleBar({
        format: `job ${this.job.jobId} [{bar}] {value}/{total} tasks | stages {stagesDone}/{stages} | {rows} rows`,
        stream: this.stream,
        clearOnComplete: true,
        hideCursor: true,
      });
      this.bar.start(Math.max(1, this.totalTasks), done, payload);
      return;
    }
    this.bar.setTotal(Math.max(1, this.totalTasks));
    this.bar.update(done, payload);
    this.bar.render();
  }
}
