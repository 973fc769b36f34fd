/**
 * Benchmark CLI. `npm run bench -- --suite kernels [--rows 1e7] [--runs N] [--only name,...]` runs the
 * kernel microbenchmarks below; `--suite tpch|groupby|join` runs the multi-engine runner
 * (bench/runner.ts; arguments in bench/cli-args.ts, documentation in bench/README.md).
 *
 * Kernel microbenchmarks:
 * For each benchmark: every engine loads its inputs (untimed), computes its answer once (untimed, also
 * the warm-up), and the answer is checked against Kindling's (or plain JS's when Kindling has none, or
 * when Kindling disagrees with plain JS). Only engines whose answers agree are then timed, with
 * Benchmark.js. A markdown table per benchmark goes to stdout and the JSON record to bench/results/.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Benchmark from 'benchmark';
import { DuckDbPeer } from './peers/duckdb-wasm.js';
import type { BenchmarkGroup, KernelBenchmark, Prepared, SuiteContext } from './kernels/common.js';
import { NotAvailableError } from './kernels/common.js';
import { firstLine } from './kernels/kindling.js';
import { groupByGroup } from './kernels/group-by.js';
import { filterSumGroup } from './kernels/filter-sum.js';
import { sortGroup } from './kernels/sort.js';
import { hashingGroup } from './kernels/hashing.js';
import {
  type BenchmarkResult,
  type EngineResult,
  type SuiteResult,
  formatMarkdown,
  machineFacts,
  median,
  writeJson,
} from './report.js';

/** Every group of the kernels suite, in report order. */
export const KERNEL_GROUPS: readonly BenchmarkGroup[] = [groupByGroup, filterSumGroup, sortGroup, hashingGroup];

/** Options of a suite run. */
export interface SuiteOptions {
  /** Rows of the main input (default 1e7). */
  rows?: number;
  /** Minimum Benchmark.js samples per engine (default 5). */
  runs?: number;
  /** Only these benchmark names (or group names). */
  only?: readonly string[];
  /** Seed of the generated inputs (default 42). */
  seed?: number;
  /** Benchmark.js minimum time per sample in seconds (default: Benchmark.js's, about 0.05). */
  minTime?: number;
  /** Benchmark.js maximum time per engine in seconds once `runs` samples exist (default 0). */
  maxTime?: number;
  /** Where to write the JSON record; null to skip writing (default bench/results). */
  outDir?: string | null;
  /** Progress and table output (default: console.log). */
  log?: (line: string) => void;
}

const HERE = dirname(fileURLToPath(import.meta.url));

/** Method notes printed in the report header. */
export const METHOD_NOTES = [
  'Load excluded for every engine: Kindling is measured on data already in wasm memory (copied in with batchFromArrow ' +
    'before timing); DuckDB-Wasm on tables created beforehand from Arrow IPC streams; Arquero on tables wrapping the ' +
    'same typed arrays; plain JS on the typed arrays themselves.',
  'Single thread everywhere (DuckDB-Wasm: blocking Node build, eh bundle, threads = 1, extension autoload off).',
  "Before any time is reported, each engine's answer is checked against Kindling's (or plain JS's when Kindling is " +
    'not available or disagrees with plain JS); engines that disagree are reported as wrong answers, without times.',
  'rows/s = rows / Benchmark.js mean time; GB/s = 8 bytes x rows / mean time; the table shows the median sample. ' +
    "'time / Kindling's' = engine median / Kindling median (above 1: Kindling is faster).",
  'DuckDB-Wasm times include turning its result into Arrow JS (small except for the sort, 4 bytes per row).',
];

/** Runs the kernel benchmarks and returns (and by default writes and prints) the report. */
export async function runKernelSuite(options: SuiteOptions = {}): Promise<SuiteResult> {
  const rows = Math.round(options.rows ?? 1e7);
  const runs = Math.max(1, Math.round(options.runs ?? 5));
  const seed = options.seed ?? 42;
  const log = options.log ?? ((l: string) => console.log(l));
  const only = options.only && options.only.length > 0 ? new Set(options.only) : null;
  let duck: Promise<DuckDbPeer> | null = null;
  const ctx: SuiteContext = {
    rows,
    seed,
    duckdb: () => (duck ??= DuckDbPeer.open()),
  };
  const entries = KERNEL_GROUPS.flatMap((g) => g.benchmarks.filter((b) => !only || only.has(b.name) || only.has(g.name)));
  if (only) {
    const known = new Set(KERNEL_GROUPS.flatMap((g) => [g.name, ...g.benchmarks.map((b) => b.name)]));
    const unknown = [...only].filter((n) => !known.has(n));
    if (unknown.length > 0) throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  }
  const results: BenchmarkResult[] = [];
  try {
    for (const entry of entries) {
      log(`# ${entry.name}: generating ${rows.toLocaleString('en-US')} rows ...`);
      const bench = entry.create(ctx);
      const r = await runBenchmark(bench, { runs, minTime: options.minTime, maxTime: options.maxTime ?? 0 }, log);
      results.push(r);
      for (const e of r.engines) log(`  ${e.engine}: ${e.status === 'ok' ? `${e.medianMs?.toPrecision(3)} ms` : e.status}`);
    }
  } finally {
    if (duck) (await (duck as Promise<DuckDbPeer>)).close();
  }
  const versions: Record<string, string> = {
    '@duckdb/duckdb-wasm': packageVersion('@duckdb/duckdb-wasm'),
    duckdb: duck ? (await (duck as Promise<DuckDbPeer>)).version : 'not started',
    arquero: packageVersion('arquero'),
    'apache-arrow': packageVersion('apache-arrow'),
    benchmark: packageVersion('benchmark'),
  };
  const result: SuiteResult = {
    suite: 'kernels',
    date: new Date().toISOString(),
    rows,
    runs,
    seed,
    machine: machineFacts(versions),
    notes: METHOD_NOTES,
    benchmarks: results,
  };
  log(formatMarkdown(result));
  const outDir = options.outDir === undefined ? join(HERE, 'results') : options.outDir;
  if (outDir !== null) log(`JSON written to ${writeJson(result, outDir)}`);
  return result;
}

interface TimingOptions {
  runs: number;
  minTime: number | undefined;
  maxTime: number;
}

interface EngineState {
  result: EngineResult;
  prepared: Prepared<unknown> | null;
  answer: unknown;
  hasAnswer: boolean;
}

/** Prepares every engine, checks answers, times the engines that agree, and frees everything. */
export async function runBenchmark(b: KernelBenchmark<unknown>, timing: TimingOptions, log: (l: string) => void): Promise<BenchmarkResult> {
  const states: EngineState[] = [];
  try {
    // 1. Load and answer (untimed; also the warm-up).
    for (const e of b.engines) {
      const base = { engine: e.engine, ...(e.note ? { note: e.note } : {}) };
      const st: EngineState = { result: { ...base, status: 'ok' }, prepared: null, answer: undefined, hasAnswer: false };
      states.push(st);
      try {
        st.prepared = await e.prepare();
        st.answer = await st.prepared.answer();
        st.hasAnswer = true;
      } catch (err) {
        st.result =
          err instanceof NotAvailableError || isNotBuilt(err)
            ? { ...base, status: 'not available', reason: firstLine(err).replace(/^\w*Error: /, '') }
            : { ...base, status: 'error', reason: firstLine(err) };
        log(`  ${e.engine}: ${st.result.status} (${st.result.reason})`);
      }
    }
    // 2. Pick the reference answer and check every engine against it.
    const kindling = states.find((s) => s.result.engine === 'Kindling' && s.hasAnswer);
    const plain = states.find((s) => s.result.engine.startsWith('plain JS') && s.hasAnswer);
    let reference = kindling;
    if (kindling && plain) {
      const diff = b.compare(plain.answer, kindling.answer);
      if (diff !== null) {
        kindling.result = { ...kindling.result, status: 'wrong answer', reason: `disagrees with ${plain.result.engine}: ${diff}` };
        reference = plain;
      } else kindling.result = { ...kindling.result, checkedAgainst: plain.result.engine };
    }
    reference ??= plain;
    for (const s of states) {
      if (!s.hasAnswer || s === reference || s === kindling) continue;
      if (!reference) {
        s.result = { ...s.result, status: 'error', reason: 'no reference answer (neither Kindling nor plain JS answered)' };
        continue;
      }
      const diff = b.compare(reference.answer, s.answer);
      s.result =
        diff === null
          ? { ...s.result, checkedAgainst: reference.result.engine }
          : { ...s.result, status: 'wrong answer', reason: `disagrees with ${reference.result.engine}: ${diff}` };
    }
    if (reference && reference !== kindling && !reference.result.checkedAgainst) {
      reference.result = { ...reference.result, checkedAgainst: '(reference)' };
    }
    for (const s of states) {
      s.answer = undefined; // let large answers be collected before timing
    }
    // 3. Time the engines whose answers agree.
    for (const s of states) {
      if (s.result.status !== 'ok' || !s.prepared) continue;
      log(`  timing ${s.result.engine} ...`);
      try {
        const t = await measure(`${b.name}/${s.result.engine}`, s.prepared, timing);
        const samplesMs = t.samples.map((x) => x * 1000);
        const perSecond = 1 / t.mean;
        s.result = {
          ...s.result,
          samplesMs,
          medianMs: median(samplesMs),
          meanMs: t.mean * 1000,
          rmePercent: t.rme,
          throughput: b.throughput.unit === 'GB/s' ? (b.rows * b.throughput.bytesPerRow * perSecond) / 1e9 : b.rows * perSecond,
        };
      } catch (err) {
        s.result = { ...s.result, status: 'error', reason: `while timing: ${firstLine(err)}` };
      }
    }
  } finally {
    for (const s of states) {
      try {
        s.prepared?.dispose();
      } catch (err) {
        log(`  ${s.result.engine}: dispose failed (${firstLine(err)})`);
      }
    }
  }
  const kMedian = states.find((s) => s.result.engine === 'Kindling' && s.result.status === 'ok')?.result.medianMs;
  return {
    name: b.name,
    group: b.group,
    title: b.title,
    rows: b.rows,
    unit: b.throughput.unit,
    engines: states.map((s) =>
      s.result.status === 'ok' && kMedian !== undefined && s.result.medianMs !== undefined
        ? { ...s.result, timeVsKindling: s.result.medianMs / kMedian }
        : s.result,
    ),
  };
}

/** Times `p.run` with Benchmark.js; returns the samples (seconds per execution), mean and relative margin of error. */
function measure(name: string, p: Prepared<unknown>, o: TimingOptions): Promise<{ samples: number[]; mean: number; rme: number }> {
  return new Promise((resolve, reject) => {
    let failure: unknown = null;
    const fn = p.async
      ? (d: Benchmark.Deferred) => {
          Promise.resolve(p.run()).then(
            () => d.resolve(),
            (e: unknown) => {
              failure = e;
              d.resolve();
            },
          );
        }
      : () => {
          p.run();
        };
    const bench: Benchmark = new Benchmark(name, {
      fn,
      defer: p.async === true,
      initCount: 1,
      minSamples: o.runs,
      maxTime: o.maxTime,
      ...(o.minTime !== undefined ? { minTime: o.minTime } : {}),
      onComplete: () => {
        const err = failure ?? (bench.error as unknown);
        if (err) reject(err instanceof Error ? err : new Error(String(err)));
        else resolve({ samples: bench.stats.sample.slice(), mean: bench.stats.mean, rme: bench.stats.rme });
      },
    });
    bench.run({ async: false });
  });
}

function isNotBuilt(e: unknown): boolean {
  return e instanceof Error && e.name === 'KernelsNotBuiltError';
}

function packageVersion(name: string): string {
  try {
    const require = createRequire(import.meta.url);
    let dir = dirname(require.resolve(name));
    for (let i = 0; i < 5; i++) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name && pkg.version) return pkg.version;
      } catch {
        // keep walking up
      }
      dir = dirname(dir);
    }
  } catch {
    // not resolvable
  }
  return 'unknown';
}

/** Parses the command line: --suite kernels [--rows 1e7] [--runs N] [--only a,b] [--seed S] [--no-json]. */
export function parseArgs(argv: readonly string[]): SuiteOptions & { suite: string } {
  const out: SuiteOptions & { suite: string } = { suite: 'kernels' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const num = (): number => {
      const v = Number(value());
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${flag} needs a positive number`);
      return v;
    };
    switch (flag) {
      case '--suite':
        out.suite = value();
        break;
      case '--rows':
        out.rows = num();
        break;
      case '--runs':
        out.runs = num();
        break;
      case '--seed':
        out.seed = num();
        break;
      case '--only':
        out.only = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      case '--no-json':
        out.outDir = null;
        break;
      default:
        throw new Error(`unknown argument '${a}'; usage: --suite kernels [--rows 1e7] [--runs N] [--only name,...] [--seed S] [--no-json]`);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const { suiteOf, parseCliArgs } = await import('./cli-args.js');
  if (suiteOf(argv) !== 'kernels') {
    const { runSuite } = await import('./runner.js');
    await runSuite(parseCliArgs(argv));
    // Engines' native handles (DuckDB, Polars thread pools) can keep the event loop alive.
    process.exit(0);
  }
  const opts = parseArgs(argv);
  await runKernelSuite(opts);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    console.error(e instanceof RangeError ? e.message : e instanceof Error ? e.stack ?? e.message : String(e));
    process.exit(1);
  });
}
