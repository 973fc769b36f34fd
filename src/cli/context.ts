/**
 * What every CLI command shares: the global flags, the engine session built from them, argument
 * parsers, and stdout helpers.
 */
import { SparkSession } from '../api/session.js';
import type { DataFrame } from '../api/dataframe.js';
import { parseBytes } from '../api/config.js';
import { InvalidArgumentError } from '../errors.js';
import { usageError } from './exit-codes.js';
import { Progress, progressEnabled } from './progress.js';
import type { BatchSource } from './formats/source.js';

/** Flags accepted by every command. */
export interface GlobalOptions {
  quiet?: boolean;
  verbose?: boolean;
  /** Memory budget of each blocking operator ('64m', '1g'): spark.kindling.operatorMemory. */
  memory?: string;
  /** Rows per batch: spark.kindling.batchSize. */
  batchSize?: string;
}

/** The engine session for one CLI run, configured from the global flags. */
export function createSession(g: GlobalOptions): SparkSession {
  const b = SparkSession.builder.master('local[*]').appName('kindling-cli');
  try {
    if (g.memory !== undefined) {
      parseBytes(g.memory, '--memory');
      b.config('spark.kindling.operatorMemory', g.memory);
    }
    if (g.batchSize !== undefined) b.config('spark.kindling.batchSize', String(parsePositiveInt(g.batchSize, '--batch-size')));
  } catch (e) {
    if (e instanceof InvalidArgumentError) throw usageError(e.message);
    throw e;
  }
  return b.getOrCreate();
}

/** Splits a comma-separated flag value into trimmed non-empty names. */
export function parseList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Parses a positive integer flag value (usage error otherwise). */
export function parsePositiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0) throw usageError(`${flag} must be a positive integer, got '${value}'`);
  return n;
}

/** Parses a non-negative integer flag value. */
export function parseCount(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw usageError(`${flag} must be a non-negative integer, got '${value}'`);
  return n;
}

/** Writes text to stdout (waiting when the pipe is full). */
export function print(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(text)) resolve();
    else process.stdout.once('drain', () => resolve());
  });
}

/** Writes one status line to stderr unless --quiet. */
export function status(g: GlobalOptions, text: string): void {
  if (!g.quiet) process.stderr.write(text + '\n');
}

/** A DataFrame's result as a batch source, counted by a progress bar. */
export function dataFrameSource(df: DataFrame, g: GlobalOptions, totalRows?: number): { source: BatchSource; progress: Progress } {
  const progress = new Progress(progressEnabled(g.quiet ?? false), totalRows);
  return { source: { schema: df.schema, batches: progress.track(df.executeBatches()), ...(totalRows !== undefined ? { totalRows } : {}) }, progress };
}

/** Total rows in the footers of a Parquet DataFrame's files (undefined when the plan is not a plain scan). */
export function scanRows(df: DataFrame): number | undefined {
  const plan = df.plan;
  if (plan.kind !== 'parquet') return undefined;
  return plan.source.files.reduce((s, f) => s + f.numRows, 0);
}
