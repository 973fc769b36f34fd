/**
 * Results of a benchmark suite: the record written as JSON to bench/results/, and its markdown
 * rendering (one table per benchmark) printed to stdout.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';

/** What happened to one engine in one benchmark. */
export type EngineStatus = 'ok' | 'not available' | 'wrong answer' | 'error';

/** One engine's figures in one benchmark. Times are only present when status is 'ok'. */
export interface EngineResult {
  readonly engine: string;
  readonly note?: string;
  readonly status: EngineStatus;
  /** Why the engine has no time (not available, wrong answer, error). */
  readonly reason?: string;
  /** The engine whose answer this one was checked against before timing. */
  readonly checkedAgainst?: string;
  /** Benchmark.js samples: seconds per execution, in ms. */
  readonly samplesMs?: readonly number[];
  readonly medianMs?: number;
  readonly meanMs?: number;
  /** Benchmark.js relative margin of error of the mean, percent. */
  readonly rmePercent?: number;
  /** rows / mean seconds, or GB of input / mean seconds. */
  readonly throughput?: number;
  /** This engine's median time divided by Kindling's (above 1: Kindling is faster). */
  readonly timeVsKindling?: number;
}

/** One benchmark's results. */
export interface BenchmarkResult {
  readonly name: string;
  readonly group: string;
  readonly title: string;
  readonly rows: number;
  readonly unit: 'rows/s' | 'GB/s';
  readonly engines: readonly EngineResult[];
}

/** The machine a suite ran on. */
export interface MachineFacts {
  readonly cpuModel: string;
  readonly logicalCores: number;
  readonly totalMemoryGiB: number;
  readonly platform: string;
  readonly node: string;
  readonly v8: string;
  readonly versions: Readonly<Record<string, string>>;
}

/** A whole suite run. */
export interface SuiteResult {
  readonly suite: string;
  readonly date: string;
  readonly rows: number;
  readonly runs: number;
  readonly seed: number;
  readonly machine: MachineFacts;
  readonly notes: readonly string[];
  readonly benchmarks: readonly BenchmarkResult[];
}

/** The CPU, cores, memory and runtime versions of this machine. */
export function machineFacts(versions: Record<string, string>): MachineFacts {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    logicalCores: cpus.length,
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    versions,
  };
}

/** Median of a list of numbers (the mean of the two middle ones for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function formatThroughput(v: number | undefined, unit: 'rows/s' | 'GB/s'): string {
  if (v === undefined) return '';
  if (unit === 'GB/s') return `${v.toFixed(2)} GB/s`;
  if (v >= 1e9) return `${(v / 1e9).toFixed(2)} G rows/s`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(1)} M rows/s`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)} k rows/s`;
  return `${v.toFixed(0)} rows/s`;
}

function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 0.1 ? ms.toFixed(2) : ms.toPrecision(2);
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The markdown table of one benchmark. */
export function benchmarkTable(b: BenchmarkResult): string {
  const lines = [
    `### ${b.name}: ${b.title}`,
    '',
    `| engine | median ms | mean ms | ${b.unit === 'GB/s' ? 'GB/s (input scanned)' : 'rows/s'} | time / Kindling's | samples | note |`,
    '|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const e of b.engines) {
    if (e.status === 'ok') {
      const ratio = e.timeVsKindling === undefined ? 'n/a' : `${e.timeVsKindling.toFixed(2)}x`;
      lines.push(
        `| ${cell(e.engine)} | ${formatMs(e.medianMs)} | ${formatMs(e.meanMs)} | ${formatThroughput(e.throughput, b.unit)} | ${ratio} | ` +
          `${e.samplesMs?.length ?? 0} | ${cell(e.note ?? '')} |`,
      );
    } else {
      lines.push(`| ${cell(e.engine)} | ${e.status} | | | | | ${cell([e.note, e.reason].filter(Boolean).join('; '))} |`);
    }
  }
  return lines.join('\n');
}

/** The whole report as markdown: header with machine facts and method, then one table per benchmark. */
export function formatMarkdown(r: SuiteResult): string {
  const m = r.machine;
  const head = [
    `## Kindling ${r.suite} benchmarks (${r.date})`,
    '',
    `Machine: ${m.cpuModel}, ${m.logicalCores} logical cores, ${m.totalMemoryGiB} GiB; ${m.platform}; ` +
      `Node ${m.node} (V8 ${m.v8}).`,
    `Versions: ${Object.entries(m.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    `Rows: ${r.rows.toLocaleString('en-US')}; Benchmark.js with at least ${r.runs} samples per engine; seed ${r.seed}.`,
    '',
    ...r.notes.map((n) => `- ${n}`),
    '',
  ];
  return head.join('\n') + '\n' + r.benchmarks.map(benchmarkTable).join('\n\n') + '\n';
}

/** Writes the suite result as JSON to `dir/<suite>-<date>.json` atomically (temp file + rename); returns the path. */
export function writeJson(r: SuiteResult, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const day = r.date.slice(0, 10);
  const file = join(dir, `${r.suite}-${day}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(r, null, 2) + '\n');
  renameSync(tmp, file);
  return file;
}
