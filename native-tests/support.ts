/**
 * Helpers shared by the kernel tests (native-tests/*.test.ts): the seeded PRNG (from
 * test/helpers/random.ts), Spark's ordering of values, wasm memory leak checks, the nullCount
 * invariant of result columns, and function bodies of build/<family>.wat.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, expect } from 'vitest';
import type { Column } from '../src/types/column.js';
import type { DataType } from '../src/types/data-type.js';
import { type CellValue, columnFromJs, columnToJs, parseDecimal } from '../src/types/values.js';
import { runtime } from '../src/wasm/runtime.js';

export { mulberry32 } from '../test/helpers/random.js';

/**
 * Spark's ordering of two non-null JavaScript values of `type` (negative, 0 or positive): NaN equals
 * NaN and sorts above every number, -0.0 = 0.0, false < true, decimals (strings) by value, utf8
 * (strings or UTF-8 bytes) by unsigned bytes, other values (numbers, bigints, 'yyyy-MM-dd') by `<`.
 */
export function sparkCompare(type: DataType, a: unknown, b: unknown): number {
  switch (type.kind) {
    case 'float32':
    case 'float64': {
      const x = a as number;
      const y = b as number;
      if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
      if (Number.isNaN(y)) return -1;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'boolean':
      return Number(a) - Number(b);
    case 'decimal':
      return order(parseDecimal(a as string, type.scale), parseDecimal(b as string, type.scale));
    case 'utf8': {
      const bytes = (v: unknown): Uint8Array => (typeof v === 'string' ? Buffer.from(v, 'utf8') : (v as Uint8Array));
      return Buffer.compare(bytes(a), bytes(b));
    }
    case 'int64':
    case 'timestamp':
      return order(a as bigint, b as bigint);
    default:
      return order(a as number | string, b as number | string);
  }
}

/** -1, 0 or 1 by `<` on two values of one primitive type. */
function order<T extends number | bigint | string>(x: T, y: T): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Applies a kernel wrapper to a column built from `values` and returns the result's type and values
 * (asserting its nullCount invariant); releases both columns.
 */
export function applyToColumn(type: DataType, values: readonly unknown[], fn: (c: Column) => Column): { type: DataType; js: CellValue[] } {
  const c = columnFromJs(type, values);
  const r = fn(c);
  try {
    expectNullCountInvariant(r);
    return { type: r.type, js: columnToJs(r) };
  } finally {
    c.release();
    r.release();
  }
}

/** Runs `body` and asserts that wasm memory in use (liveBytes) is back to where it started. */
export function leakCheck(body: () => void): void {
  const mem = runtime().memory;
  const before = mem.liveBytes;
  body();
  expect(mem.liveBytes).toBe(before);
}

/** Registers beforeEach/afterEach hooks asserting that every test of the file releases the wasm memory it allocates. */
export function expectNoLeaksPerTest(): void {
  let startBytes = 0;
  beforeEach(() => {
    startBytes = runtime().memory.liveBytes;
  });
  afterEach(() => {
    expect(runtime().memory.liveBytes).toBe(startBytes);
  });
}

/** Asserts a result column's nullCount is exact and that it has no validity buffer when nullCount is 0. */
export function expectNullCountInvariant(c: Column): void {
  expect(c.nullCount).toBe(columnToJs(c).filter((v) => v === null).length);
  if (c.nullCount === 0) expect(c.validity).toBeNull();
}

/**
 * The compiled text of build/<family>.wat and a lookup of one function's body in it (asserting the
 * function exists), for checks that hot loops compiled to SIMD.
 */
export function watFunctions(family: string): (name: string) => string {
  const wat = readFileSync(new URL(`../build/${family}.wat`, import.meta.url), 'utf8');
  return (name) => {
    const start = wat.indexOf(`(func $assembly/${family}/${name} `);
    expect(start, name).toBeGreaterThanOrEqual(0);
    const next = wat.indexOf('\n (func ', start + 1);
    return wat.slice(start, next < 0 ? undefined : next);
  };
}
