import { describe, expect, it } from 'vitest';
import { MemoryBudgetExceededError } from '../src/errors.js';
import { MemoryScanExec } from '../src/exec/memory-scan-exec.js';
import type { ExecContext } from '../src/exec/operator.js';
import { SortExec } from '../src/exec/sort-exec.js';
import type { SortKey } from '../src/kernels/sort.js';
import type { Batch } from '../src/types/batch.js';
import { DataTypes } from '../src/types/data-type.js';
import { Schema, field } from '../src/types/schema.js';
import { type CellValue } from '../src/types/values.js';
import { runtime } from '../src/wasm/runtime.js';
import { collectRows as run, memoryScan } from './helpers/exec.js';
import { mulberry32 } from './helpers/random.js';

const schema = new Schema([
  field('k', DataTypes.Integer),
  field('s', DataTypes.String),
  field('d', DataTypes.Double),
  field('id', DataTypes.Long, false),
]);

function makeRows(n: number, seed: number): Record<string, CellValue>[] {
  const rnd = mulberry32(seed);
  const strings = ['', 'a', 'ab', 'é'.repeat(12) + 'x', 'é'.repeat(12) + 'y', 'zz', '日本'];
  return Array.from({ length: n }, (_, i) => ({
    k: rnd() < 0.1 ? null : Math.floor(rnd() * 8) - 4,
    s: rnd() < 0.1 ? null : strings[Math.floor(rnd() * strings.length)]!,
    d: rnd() < 0.1 ? null : [NaN, -0, 0, 1.5, -2, Infinity][Math.floor(rnd() * 6)]!,
    id: BigInt(i),
  }));
}

/** Spark order of the test values: numbers with NaN greatest, strings by UTF-8 bytes. */
function referenceSort(rows: Record<string, CellValue>[], keys: readonly SortKey[]): Record<string, CellValue>[] {
  const enc = new TextEncoder();
  const cmp = (a: CellValue, b: CellValue): number => {
    if (typeof a === 'string') return Buffer.compare(enc.encode(a), enc.encode(b as string));
    const x = a as number;
    const y = b as number;
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y) ? 0 : Number.isNaN(x) ? 1 : -1;
    return x < y ? -1 : x > y ? 1 : 0;
  };
  return [...rows].sort((r, s) => {
    for (const k of keys) {
      const name = schema.fields[k.index]!.name;
      const a = r[name]!;
      const b = s[name]!;
      if (a === null || b === null) {
        if (a === b) continue;
        return (a === null) === k.nullsFirst ? -1 : 1;
      }
      const c = cmp(a, b);
      if (c !== 0) return k.ascending ? c : -c;
    }
    return 0;
  });
}

function ctx(batchSize: number, budget = 1 << 30): ExecContext {
  return { runtime: runtime(), batchSize, operatorMemoryBudget: budget };
}

const KEYS: SortKey[][] = [
  [{ index: 0, ascending: true, nullsFirst: true }],
  [{ index: 1, ascending: false, nullsFirst: false }, { index: 2, ascending: true, nullsFirst: false }],
  [{ index: 2, ascending: false, nullsFirst: true }, { index: 0, ascending: true, nullsFirst: false }, { index: 1, ascending: true, nullsFirst: true }],
];

describe('SortExec', () => {
  it('sorts stably and identically for input batch sizes 1, 7 and 1024', async () => {
    const start = runtime().memory.liveBytes;
    const rows = makeRows(600, 1);
    for (const inSize of [1, 7, 1024]) {
      const { op: scan, batches } = memoryScan(schema, rows, inSize);
      for (const keys of KEYS) {
        const expected = referenceSort(rows, keys);
        for (const outSize of [1, 100, 4096]) expect(await run(new SortExec(scan, keys), ctx(outSize))).toEqual(expected);
      }
      for (const b of batches) b.release();
    }
    expect(runtime().memory.liveBytes).toBe(start);
  });

  it('keeps the first `limit` rows of the sorted order (top-k), for limit 0, 1, 5, n and > n', async () => {
    const start = runtime().memory.liveBytes;
    const rows = makeRows(300, 2);
    for (const inSize of [1, 7, 1024]) {
      const { op: scan, batches } = memoryScan(schema, rows, inSize);
      for (const keys of KEYS) {
        const expected = referenceSort(rows, keys);
        for (const limit of [0, 1, 5, 64, 300, 400]) {
          expect(await run(new SortExec(scan, keys, limit), ctx(50))).toEqual(expected.slice(0, limit));
        }
      }
      for (const b of batches) b.release();
    }
    expect(runtime().memory.liveBytes).toBe(start);
  });

  it('emits nothing for empty input', async () => {
    const scan = new MemoryScanExec(schema, []);
    expect(await run(new SortExec(scan, KEYS[0]!), ctx(10))).toEqual([]);
    expect(await run(new SortExec(scan, KEYS[0]!, 3), ctx(10))).toEqual([]);
  });

  it('fails with MemoryBudgetExceededError above its budget and frees everything', async () => {
    const start = runtime().memory.liveBytes;
    const rows = makeRows(2000, 3);
    const { op: scan, batches } = memoryScan(schema, rows, 100);
    await expect(run(new SortExec(scan, KEYS[1]!), ctx(1024, 16 * 1024))).rejects.toThrow(MemoryBudgetExceededError);
    await expect(run(new SortExec(scan, KEYS[1]!), ctx(1024, 16 * 1024))).rejects.toThrow(/Sort needs/);
    // Top-k with a small limit stays within the same budget.
    expect(await run(new SortExec(scan, KEYS[1]!, 10), ctx(1024, 64 * 1024))).toEqual(referenceSort(rows, KEYS[1]!).slice(0, 10));
    for (const b of batches) b.release();
    expect(runtime().memory.liveBytes).toBe(start);
  });

  it('releases its state when the consumer stops early', async () => {
    const start = runtime().memory.liveBytes;
    const { op: scan, batches } = memoryScan(schema, makeRows(500, 4), 64);
    for (const limit of [undefined, 200]) {
      const it = new SortExec(scan, KEYS[0]!, limit).execute(ctx(16));
      const first = await it.next();
      (first.value as Batch).release();
      await it.return(undefined);
    }
    for (const b of batches) b.release();
    expect(runtime().memory.liveBytes).toBe(start);
  });

  it('describes its keys and validates its arguments', () => {
    const scan = new MemoryScanExec(schema, []);
    expect(new SortExec(scan, KEYS[1]!, 5).describe()).toBe('[s DESC NULLS LAST, d ASC NULLS LAST], limit=5');
    expect(() => new SortExec(scan, [{ index: 9, ascending: true, nullsFirst: true }])).toThrow(/key column 9/);
    expect(() => new SortExec(scan, KEYS[0]!, -1)).toThrow(/limit/);
  });
});
