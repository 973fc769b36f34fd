/**
 * What a kernel benchmark is: a named computation, the engines that perform it, and how to tell
 * whether two engines' answers agree. The harness (bench/run.ts) prepares every engine (loading data
 * is not timed), checks each engine's answer against Kindling's (or plain JS's when Kindling has no
 * answer), and only then times the engines whose answers agree.
 */
import type { DuckDbPeer } from '../peers/duckdb-wasm.js';

/** An engine ready to run one benchmark: its inputs are already loaded into its own memory. */
export interface Prepared<A> {
  /** One timed execution. Results are produced and dropped (wasm results released) inside it. */
  run(): unknown;
  /** True when `run` returns a promise (timed with Benchmark.js's deferred mode). */
  readonly async?: boolean;
  /** One untimed execution that returns the answer in a comparable form. */
  answer(): A | Promise<A>;
  /** Frees the engine's copy of the inputs. */
  dispose(): void;
}

/** A Prepared whose timed run also gives the answer and that holds nothing to free (e.g. plain JS over JS arrays). */
export function reusable<A>(exec: () => A): Prepared<A> {
  return { run: exec, answer: exec, dispose: () => {} };
}

/** One engine's entry in a benchmark. */
export interface EngineEntry<A> {
  /** Display name: 'Kindling', 'DuckDB-Wasm', 'Arquero', 'plain JS (Map)', ... */
  readonly engine: string;
  /** What exactly this engine computes, when it differs from the benchmark's title. */
  readonly note?: string;
  /** Loads the inputs (untimed). Throws NotAvailableError when the engine cannot run this benchmark. */
  prepare(): Promise<Prepared<A>> | Prepared<A>;
}

/** How a benchmark's speed is expressed besides time. */
export type Throughput = { readonly unit: 'rows/s' } | { readonly unit: 'GB/s'; readonly bytesPerRow: number };

/** One benchmark: a computation over `rows` rows performed by several engines. */
export interface KernelBenchmark<A> {
  /** Short id used by `--only`, e.g. `group-by-sum`. */
  readonly name: string;
  /** The benchmark group (one file in bench/kernels/). */
  readonly group: string;
  /** One-line description shown above the table. */
  readonly title: string;
  /** Rows processed per execution (the unit of rows/s). */
  readonly rows: number;
  readonly throughput: Throughput;
  /** Engines in display order; Kindling first, then plain JS (the fallback reference). */
  readonly engines: readonly EngineEntry<A>[];
  /** null when `candidate` agrees with `reference`, else a description of the first difference. */
  compare(reference: A, candidate: A): string | null;
}

/** What a group needs to build its benchmarks. */
export interface SuiteContext {
  /** Rows of the main input. */
  readonly rows: number;
  /** Seed of every generated input. */
  readonly seed: number;
  /** The shared DuckDB-Wasm instance (opened on first use). */
  duckdb(): Promise<DuckDbPeer>;
}

/** A benchmark's name and its factory (inputs are generated only for benchmarks that run). */
export interface BenchmarkEntry {
  readonly name: string;
  create(ctx: SuiteContext): KernelBenchmark<unknown>;
}

/** A benchmark group: one file of bench/kernels/. */
export interface BenchmarkGroup {
  readonly name: string;
  readonly benchmarks: readonly BenchmarkEntry[];
}

/** Raised by `prepare` when an engine cannot run a benchmark (e.g. Kindling's kernel does not exist yet). */
export class NotAvailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotAvailableError';
  }
}

/** Relative comparison of two doubles (sums in a different order differ in the last bits). */
export function closeTo(a: number, b: number, rel = 1e-9): boolean {
  if (Object.is(a, b) || a === b) return true;
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-300);
}

/** Compares two numeric arrays element by element; `approx` uses closeTo. */
export function compareArrays(
  what: string,
  a: ArrayLike<number | bigint>,
  b: ArrayLike<number | bigint>,
  approx = false,
): string | null {
  if (a.length !== b.length) return `${what}: ${b.length} values, expected ${a.length}`;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const same = approx && typeof x === 'number' && typeof y === 'number' ? closeTo(x, y) : x === y;
    if (!same) return `${what}[${i}] = ${String(y)}, expected ${String(x)}`;
  }
  return null;
}

/** Erases a benchmark's answer type so groups can hold benchmarks of different answer types in one list. */
export function erase<A>(b: KernelBenchmark<A>): KernelBenchmark<unknown> {
  return b as unknown as KernelBenchmark<unknown>;
}
