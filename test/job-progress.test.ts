/**
 * The console progress bar of jobs (src/scheduler/job-progress.ts): drawn on a terminal (a fake TTY
 * stream here) with tasks done / total, stages done / submitted and rows out, cleared at the end;
 * nothing is drawn when the stream is not a TTY, when spark.ui.showConsoleProgress is false, or
 * before the job has run for a moment.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { JobProgress } from '../src/scheduler/job-progress.js';
import type { JobReport, StageReport } from '../src/scheduler/job-report.js';

/** A writable that records what is written; a terminal when `tty`. */
class FakeStream extends Writable {
  readonly chunks: string[] = [];
  constructor(readonly isTTY: boolean) {
    super();
  }
  readonly columns = 160;
  override write(chunk: string | Uint8Array, ...rest: unknown[]): boolean {
    this.chunks.push(String(chunk)); // synchronously, so the test sees it at once
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }
  /** Visible text (escape sequences removed). */
  get text(): string {
    // eslint-disable-next-line no-control-regex
    return this.chunks.join('').replace(/\x1b(\[[0-9;?]*[A-Za-z]|[78])/g, '');
  }
}

function stage(id: number, numTasks: number, done: number, rows: number): StageReport {
  return { stageId: id, label: `stage ${id}`, kind: 'shuffle map', numTasks, failedAttempts: 0, taskMs: Array.from({ length: done }, () => 1), rowsOut: rows, bytesOut: 0, wallMs: 0 };
}

function job(): JobReport {
  return { jobId: 7, executors: 2, stages: [], startedAt: performance.now(), wallMs: 0 };
}

describe('JobProgress', () => {
  it('draws tasks done / total, stages and rows on a terminal, and updates them', () => {
    const out = new FakeStream(true);
    const report = job();
    const p = new JobProgress(report, true, { stream: out, showAfterMs: 0 });
    try {
      p.stageSubmitted(4);
      report.stages.push(stage(0, 4, 2, 1234));
      p.tick();
      expect(out.text).toContain('job 7');
      expect(out.text).toContain('2/4 tasks');
      expect(out.text).toContain('stages 0/1');
      expect(out.text).toContain('1234 rows');
      // The map stage finishes; a reduce stage of 3 tasks starts.
      report.stages[0] = stage(0, 4, 4, 5000);
      p.stageSubmitted(3);
      report.stages.push(stage(1, 3, 1, 10));
      p.tick();
      expect(out.text).toContain('5/7 tasks');
      expect(out.text).toContain('stages 1/2');
      expect(out.text).toContain('5010 rows');
    } finally {
      p.stop();
    }
  });

  it('draws nothing before the job has run for a moment', () => {
    const out = new FakeStream(true);
    const report = job();
    const p = new JobProgress(report, true, { stream: out, showAfterMs: 60_000 });
    p.stageSubmitted(2);
    report.stages.push(stage(0, 2, 1, 1));
    p.tick();
    p.stop();
    expect(out.chunks).toEqual([]);
  });

  it('draws nothing when the stream is not a TTY', () => {
    const out = new FakeStream(false);
    const report = job();
    const p = new JobProgress(report, true, { stream: out, showAfterMs: 0 });
    p.stageSubmitted(2);
    report.stages.push(stage(0, 2, 1, 1));
    p.tick();
    p.stop();
    expect(out.chunks).toEqual([]);
  });

  it('draws nothing when disabled (spark.ui.showConsoleProgress=false)', () => {
    const out = new FakeStream(true);
    const report = job();
    const p = new JobProgress(report, false, { stream: out, showAfterMs: 0 });
    p.stageSubmitted(2);
    report.stages.push(stage(0, 2, 1, 1));
    p.tick();
    p.stop();
    expect(out.chunks).toEqual([]);
  });
});
