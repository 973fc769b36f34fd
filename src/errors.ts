/**
 * Kindling's error classes. Each says whose fault it is: the user's input (analysis, parse, I/O,
 * bad argument), a resource limit (memory budget), a feature not built yet, or the engine itself.
 */

/** Base class of every error Kindling throws on purpose. */
export class KindlingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A plan refers to something that does not exist or combines types that do not fit. Raised before any data is read. */
export class AnalysisError extends KindlingError {}

/** An expression or SQL text could not be parsed; the message names the position. */
export class ParseError extends KindlingError {
  constructor(message: string, readonly position?: { line: number; column: number }) {
    super(message);
  }
}

/** A file could not be read or written; the message names the path. */
export class KindlingIOError extends KindlingError {
  constructor(message: string, readonly path?: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A user-supplied argument (option, mode, function argument) is not valid. */
export class InvalidArgumentError extends KindlingError {}

/** A blocking operator needed more memory than its budget allows. */
export class MemoryBudgetExceededError extends KindlingError {
  constructor(readonly operator: string, readonly budgetBytes: number, readonly requestedBytes: number, detail?: string) {
    super(
      `${operator} needs ${formatBytes(requestedBytes)} but its memory budget is ${formatBytes(budgetBytes)}; ` +
        (detail ?? `raise the budget (spark.kindling.operatorMemory) or reduce the input`),
    );
  }
}

/** A query failed while running for a reason outside the user's control (e.g. arithmetic error under ANSI mode). */
export class ExecutionError extends KindlingError {}

/** The feature exists in Spark but not (yet) in Kindling. */
export class NotImplementedError extends KindlingError {}

/** An invariant of the engine broke: a bug in Kindling, never the user's fault. */
export class InternalError extends KindlingError {}

/** Formats a byte count for messages: 1536 -> "1.5 KiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}
