/**
 * A progress bar on stderr (cli-progress) while a suite runs; silent when stderr is not a TTY or when
 * disabled, so piped output and tests stay clean.
 */
import cliProgress from 'cli-progress';

/** The progress display of a run. */
export interface Progress {
  /** Sets the total number of steps. */
  start(total: number): void;
  /** Advances one step; `label` says what is running now. */
  tick(label: string): void;
  /** Shows what is running without advancing. */
  status(label: string): void;
  /** Removes the bar. */
  stop(): void;
}

/** A progress bar when `enabled` (default: stderr is a TTY), else a no-op. */
export function createProgress(enabled: boolean = process.stderr.isTTY === true): Progress {
  if (!enabled) return { start() {}, tick() {}, status() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: 'bench |{bar}| {value}/{total} {label}', stream: process.stderr, hideCursor: true, clearOnComplete: true, barsize: 30 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    start(total) {
      bar.start(total, 0, { label: '' });
      started = true;
    },
    tick(label) {
      if (started) bar.increment(1, { label });
    },
    status(label) {
      if (started) bar.update({ label });
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
