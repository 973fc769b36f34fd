/**
 * Progress reporting for long-running CLI commands: a cli-progress bar on stderr counting rows and
 * bytes as batches stream past. It appears only when stderr is a terminal, `--quiet` is off, and
 * the work has run longer than a moment (PROGRESS_DELAY_MS), so short commands and pipelines stay clean.
 */
import cliProgress from 'cli-progress';
import type { Batch } from '../types/batch.js';
import { formatBytes } from '../errors.js';

/** Milliseconds of work before a bar appears. */
const PROGRESS_DELAY_MS = 700;

/** The in-memory size of a batch's buffers (values, validity, offsets). */
export function batchBytes(batch: Batch): number {
  let n = 0;
  for (const c of batch.columns) n += (c.values?.byteLength ?? 0) + (c.validity?.byteLength ?? 0) + (c.offsets?.byteLength ?? 0);
  return n;
}

/** Counts rows and bytes of a stream and draws a bar while it runs (when enabled). */
export class Progress {
  rows = 0;
  bytes = 0;
  private bar: cliProgress.SingleBar | null = null;
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | null = null;

  /**
   * @param enabled draw a bar (caller decides: TTY and not quiet)
   * @param totalRows rows expected, when known (the bar then shows a percentage)
   * @param label what is being counted ("rows read", "rows written")
   */
  constructor(
    enabled: boolean,
    private readonly totalRows: number | undefined,
    private readonly label = 'rows',
  ) {
    if (enabled) {
      this.timer = setTimeout(() => this.show(), PROGRESS_DELAY_MS);
      this.timer.unref();
    }
  }

  private show(): void {
    const known = this.totalRows !== undefined && this.totalRows > 0;
    this.bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: known
          ? ` {bar} {percentage}% | {value}/{total} ${this.label} | {mbytes} | {rate} rows/s | {duration_formatted}`
          : ` {value} ${this.label} | {mbytes} | {rate} rows/s | {duration_formatted}`,
        hideCursor: true,
        clearOnComplete: true,
        fps: 5,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(known ? this.totalRows! : 0, this.rows, this.payload());
  }

  private payload(): Record<string, string> {
    const secs = Math.max(0.001, (Date.now() - this.started) / 1000);
    return { mbytes: formatBytes(this.bytes), rate: String(Math.round(this.rows / secs)) };
  }

  /** Adds one batch's rows and bytes. */
  add(rows: number, bytes: number): void {
    this.rows += rows;
    this.bytes += bytes;
    this.bar?.update(this.rows, this.payload());
  }

  /** Removes the bar (if shown). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.bar?.stop();
    this.bar = null;
  }

  /** Wraps a batch stream, counting each batch as it passes. */
  async *track(input: AsyncIterable<Batch>): AsyncGenerator<Batch> {
    try {
      for await (const b of input) {
        this.add(b.numRows, batchBytes(b));
        yield b;
      }
    } finally {
      this.stop();
    }
  }
}

/** Whether a bar should be drawn: stderr is a terminal and --quiet is off. */
export function progressEnabled(quiet: boolean): boolean {
  return !quiet && process.stderr.isTTY === true;
}
