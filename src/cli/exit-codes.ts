/**
 * The `kindling` command's exit codes and the mapping from the engine's typed errors to them.
 * Every failure prints one clear line (plus, for syntax errors, the engine's caret lines) on stderr;
 * stack traces only under `--verbose`.
 */
import { AnalysisError, InvalidArgumentError, KindlingIOError, MemoryBudgetExceededError, NotImplementedError, ParseError } from '../errors.js';

/** Exit codes of the CLI (documented in docs/cli.md and `kindling --help`). */
export const ExitCode = {
  /** Success. */
  Ok: 0,
  /** A runtime or internal failure (memory budget, engine bug, unexpected I/O failure while writing). */
  Failure: 1,
  /** Bad flags or arguments. */
  Usage: 2,
  /** An input path does not exist or cannot be read. */
  InputNotFound: 3,
  /** Input data is invalid: not a Parquet file, corrupt footer, CSV/JSON parse error. */
  InvalidInput: 4,
  /** Analysis error: unknown column or table, type mismatch. */
  Analysis: 5,
  /** SQL or expression syntax error. */
  Syntax: 6,
  /** The output exists and `--overwrite` was not given. */
  OutputExists: 7,
} as const;

/** One of the exit codes. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Text of the exit-code table for `--help` and docs. */
export const EXIT_CODE_HELP = `Exit codes:
  0  success
  1  runtime or internal failure (e.g. memory budget exceeded)
  2  usage error (unknown flag, missing or bad argument)
  3  input not found or not readable
  4  invalid input data (not a Parquet file, corrupt footer, CSV/JSON parse error)
  5  analysis error (unknown column or table, type mismatch)
  6  SQL or expression syntax error
  7  output exists (pass --overwrite to replace it)`;

/** A failure the CLI itself detects, carrying its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: ExitCodeValue,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** A usage error (exit 2). */
export function usageError(message: string): CliError {
  return new CliError(message, ExitCode.Usage);
}

/** Classifies any thrown value: its exit code and the message to print. */
export function classifyError(e: unknown): { code: ExitCodeValue; message: string } {
  if (e instanceof CliError) return { code: e.code, message: e.message };
  if (!(e instanceof Error)) return { code: ExitCode.Failure, message: String(e) };
  const message = e.message;
  if (e instanceof ParseError) return { code: ExitCode.Syntax, message };
  if (e instanceof AnalysisError) {
    // "no .parquet files were found under DIR" is about the input, not the query.
    if (/unable to infer a schema: no .* files were found/.test(message)) return { code: ExitCode.InputNotFound, message };
    return { code: ExitCode.Analysis, message };
  }
  if (e instanceof KindlingIOError) {
    if (/path does not exist|no such file|ENOENT|EACCES|permission denied/i.test(message)) return { code: ExitCode.InputNotFound, message };
    if (/already exists/.test(message)) return { code: ExitCode.OutputExists, message };
    if (/is not a Parquet file|corrupt|cannot open Parquet file|cannot read row group/i.test(message)) return { code: ExitCode.InvalidInput, message };
    return { code: ExitCode.Failure, message };
  }
  if (e instanceof InvalidArgumentError) return { code: ExitCode.Usage, message };
  if (e instanceof NotImplementedError) return { code: ExitCode.Analysis, message: `not supported: ${message}` };
  if (e instanceof MemoryBudgetExceededError) return { code: ExitCode.Failure, message };
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') return { code: ExitCode.InputNotFound, message };
  return { code: ExitCode.Failure, message: `${e.name === 'Error' ? '' : e.name + ': '}${message}` };
}
