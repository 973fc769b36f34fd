import { describe, expect, it } from 'vitest';
import { argsort, gatherColumn, identityIndices, type SortKey, STRING_PREFIX_BYTES, topK } from '../src/kernels/sort.js';
import type { Column } from '../src/types/column.js';
import { type DataType, DataTypes } from '../src/types/data-type.js';
import { columnFromJs, columnToJs, formatDate, formatDecimal } from '../src/types/values.js';
import { runtime } from '../src/wasm/runtime.js';
import { mulberry32, sparkCompare, watFunctions } from './support.js';

// ---------------------------------------------------------------------------------------------
// Reference: Spark ordering on JS values, Array.prototype.sort (stable).

const enc = new TextEncoder();

function referenceOrder(types: readonly DataType[], data: readonly unknown[][], keys: readonly SortKey[], n: number): number[] {
  const rows = Array.from({ length: n }, (_, i) => i);
  // Compare strings as their UTF-8 bytes (encoded once), Spark's binary order.
  data = data.map((col, c) => (types[c]!.kind === 'utf8' ? col.map((v) => (v === null ? null : enc.encode(v as string))) : col));
  return rows.sort((r, s) => {
    for (const k of keys) {
      const a = data[k.index]![r];
      const b = data[k.index]![s];
      const an = a === null;
      const bn = b === null;
      if (an || bn) {
        if (an && bn) continue;
        return an === k.nullsFirst ? -1 : 1;
      }
      const c = sparkCompare(types[k.index]!, a, b);
      if (c !== 0) return k.ascending ? c : -c;
    }
    return 0;
  });
}

// ---------------------------------------------------------------------------------------------
// Generators (small domains make duplicates; `card` controls cardinality).

function gen(type: DataType, rnd: () => number, n: number, card: number, nullRate: number): unknown[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    if (rnd() < nullRate) {
      out.push(null);
      continue;
    }
    const r = int(-card, card);
    switch (type.kind) {
      case 'boolean':
        out.push(rnd() < 0.5);
        break;
      case 'int8':
        out.push(rnd() < 0.1 ? pick([-128, 127, 0, -1]) : Math.max(-128, Math.min(127, r)));
        break;
      case 'int16':
        out.push(rnd() < 0.1 ? pick([-32768, 32767, 0, -1]) : r * 31);
        break;
      case 'int32':
        out.push(rnd() < 0.1 ? pick([-2147483648, 2147483647, 0, -1]) : r * 1_000_003);
        break;
      case 'int64':
        out.push(rnd() < 0.1 ? pick([-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 1n]) : BigInt(r) * 1_000_000_007n + BigInt(int(0, 3)) * 2n ** 40n);
        break;
      case 'float32':
        out.push(rnd() < 0.2 ? pick([NaN, -0, 0, Infinity, -Infinity, 3.4e38, -1.5]) : Math.fround(r / 7));
        break;
      case 'float64':
        out.push(rnd() < 0.2 ? pick([NaN, -0, 0, Infinity, -Infinity, Number.MAX_VALUE, -Number.MIN_VALUE, 5e-324]) : r / 7);
        break;
      case 'decimal':
        out.push(formatDecimal(rnd() < 0.1 ? pick([-(10n ** 18n - 1n), 10n ** 18n - 1n, 0n]) : BigInt(r) * 12345n, type.scale));
        break;
      case 'date32':
        out.push(formatDate(r * 3));
        break;
      case 'timestamp':
        out.push(BigInt(r) * 86_400_000_000n + BigInt(int(0, 2)));
        break;
      case 'utf8': {
        // Shared prefixes longer than the key prefix, multi-byte characters, NUL bytes, boundary lengths.
        const base = pick(['', 'é'.repeat(STRING_PREFIX_BYTES / 2 + 3), 'x'.repeat(STRING_PREFIX_BYTES - 1), 'x'.repeat(STRING_PREFIX_BYTES), 'ab', '日本語テキストの共通接頭辞']);
        let s = base;
        const extra = int(0, Math.max(0, Math.min(4, Math.ceil(Math.log2(card + 1)))));
        for (let j = 0; j < extra; j++) s += pick(['a', 'b', '\u0000', 'ü', '😀', 'z', 'x']);
        out.push(s);
        break;
      }
      case 'null':
        out.push(null);
    }
  }
  return out;
}

const ALL_TYPES: DataType[] = [
  DataTypes.Boolean, DataTypes.Byte, DataTypes.Short, DataTypes.Integer, DataTypes.Long, DataTypes.Float,
  DataTypes.Double, DataTypes.decimal(18, 2), DataTypes.Date, DataTypes.Timestamp, DataTypes.String,
];

const mem = () => runtime().memory;

function withColumns<T>(types: readonly DataType[], data: readonly unknown[][], fn: (cols: Column[]) => T): T {
  const cols = types.map((t, i) => columnFromJs(t, data[i]!, `c${i}`));
  try {
    return fn(cols);
  } finally {
    for (const c of cols) c.release();
  }
}

function runArgsort(cols: Column[], keys: SortKey[], n: number): number[] {
  const p = argsort(cols, keys, n);
  try {
    return Array.from(mem().i32(p.ptr, n));
  } finally {
    p.release();
  }
}

function runTopK(cols: Column[], keys: SortKey[], n: number, k: number): number[] {
  const r = topK(cols, keys, n, k);
  try {
    expect(r.count).toBe(Math.min(k, n));
    return Array.from(mem().i32(r.indices.ptr, r.count));
  } finally {
    r.indices.release();
  }
}

function check(types: DataType[], data: unknown[][], keys: SortKey[], n: number): void {
  const expected = referenceOrder(types, data, keys, n);
  withColumns(types, data, (cols) => {
    expect(runArgsort(cols, keys, n)).toEqual(expected);
  });
}

const DIRECTIONS: [boolean, boolean][] = [
  [true, true],
  [true, false],
  [false, true],
  [false, false],
];

// ---------------------------------------------------------------------------------------------

describe('argsort, one key', () => {
  for (const type of ALL_TYPES) {
    it(`matches the reference for ${type.kind}`, () => {
      const start = mem().liveBytes;
      const rnd = mulberry32(17 + type.kind.length);
      for (const n of [0, 1, 2, 7, 17, 100, 1000]) {
        for (const [card, nullRate] of [[3, 0.2], [1000, 0], [1000, 0.1]] as const) {
          const data = [gen(type, rnd, n, card, nullRate)];
          for (const [ascending, nullsFirst] of DIRECTIONS) check([type], data, [{ index: 0, ascending, nullsFirst }], n);
        }
      }
      expect(mem().liveBytes).toBe(start);
    });
  }

  it('orders floats the Spark way: -0.0 = 0.0, NaN = NaN > +Infinity', () => {
    for (const type of [DataTypes.Double, DataTypes.Float]) {
      const data = [[NaN, 0, -Infinity, -0, Infinity, null, 1, -1, NaN, -0, 0, null]];
      check([type], data, [{ index: 0, ascending: true, nullsFirst: false }], 12);
      withColumns([type], data, (cols) => {
        const order = runArgsort(cols, [{ index: 0, ascending: true, nullsFirst: false }], 12);
        // -Inf, -1, then the zeros in input order (equal), 1, +Inf, NaNs in input order, nulls.
        expect(order).toEqual([2, 7, 1, 3, 9, 10, 6, 4, 0, 8, 5, 11]);
      });
    }
  });

  it('treats every NaN bit pattern (negative, other payloads) as one NaN above +Infinity', () => {
    for (const type of [DataTypes.Double, DataTypes.Float]) {
      withColumns([type], [[NaN, Infinity, NaN, -Infinity, NaN, 0]], (cols) => {
        const m = mem();
        const c = cols[0]!;
        if (type.kind === 'float64') {
          const w = m.u32(c.valuesPtr, 12);
          [w[0], w[1]] = [1, 0xfff80000]; // negative quiet NaN with a payload
          [w[4], w[5]] = [0, 0x7ff00001]; // signalling NaN
        } else {
          const w = m.u32(c.valuesPtr, 6);
          w[0] = 0xffc00001;
          w[2] = 0x7f800001;
        }
        for (const [ascending, expected] of [[true, [3, 5, 1, 0, 2, 4]], [false, [0, 2, 4, 1, 5, 3]]] as const) {
          expect(runArgsort(cols, [{ index: 0, ascending, nullsFirst: true }], 6)).toEqual(expected);
          expect(runTopK(cols, [{ index: 0, ascending, nullsFirst: true }], 6, 4)).toEqual(expected.slice(0, 4));
        }
        // The rows path (a second key widens past 8 bytes) agrees.
        const both = [c, c];
        expect(runArgsort(both, [{ index: 0, ascending: true, nullsFirst: true }, { index: 1, ascending: true, nullsFirst: true }, { index: 1, ascending: true, nullsFirst: true }], 6)).toEqual([3, 5, 1, 0, 2, 4]);
      });
    }
  });

  it('handles int64 extremes and keeps all-equal keys in input order', () => {
    const data = [[2n ** 63n - 1n, -(2n ** 63n), 0n, -1n, 1n, -(2n ** 63n) + 1n, 2n ** 63n - 2n]];
    withColumns([DataTypes.Long], data, (cols) => {
      expect(runArgsort(cols, [{ index: 0, ascending: true, nullsFirst: true }], 7)).toEqual([1, 5, 3, 2, 4, 6, 0]);
      expect(runArgsort(cols, [{ index: 0, ascending: false, nullsFirst: true }], 7)).toEqual([0, 6, 4, 2, 3, 5, 1]);
    });
    for (const type of [DataTypes.Integer, DataTypes.Long, DataTypes.String, DataTypes.Double]) {
      const v = type.kind === 'int64' ? 5n : type.kind === 'utf8' ? 'é'.repeat(40) : 5;
      const n = 300;
      withColumns([type], [new Array(n).fill(v)], (cols) => {
        expect(runArgsort(cols, [{ index: 0, ascending: false, nullsFirst: true }], n)).toEqual([...Array(n).keys()]);
      });
    }
  });

  it('sorts large inputs through every radix path (packed, rows, long-string ties)', () => {
    const rnd = mulberry32(99);
    const n = 20000;
    for (const [type, card, nullRate] of [
      [DataTypes.Long, 1e9, 0], // packed u64, every digit used
      [DataTypes.Long, 1e9, 0.05], // 9-byte rows: MSD radix
      [DataTypes.Integer, 50, 0.1], // packed, large equal ranges
      [DataTypes.String, 3, 0.05], // big groups tied on the prefix: merge sort of long strings
      [DataTypes.String, 1000, 0],
    ] as const) {
      const data = [gen(type, rnd, n, card, nullRate)];
      check([type], data, [{ index: 0, ascending: true, nullsFirst: true }], n);
      check([type], data, [{ index: 0, ascending: false, nullsFirst: false }], n);
    }
  });

  it('compares strings longer than the prefix by all their UTF-8 bytes', () => {
    const p = 'ü'.repeat(STRING_PREFIX_BYTES); // 2 * prefix bytes, shared
    const data = [[p + 'b', p, p + '\u0000', p + 'a', 'ü'.repeat(STRING_PREFIX_BYTES / 2), p + '😀', p + 'a', p + 'aa', '', null]];
    check([DataTypes.String], data, [{ index: 0, ascending: true, nullsFirst: true }], 10);
    check([DataTypes.String], data, [{ index: 0, ascending: false, nullsFirst: true }], 10);
    check([DataTypes.String], data, [{ index: 0, ascending: false, nullsFirst: false }], 10);
  });
});

describe('argsort, several keys', () => {
  it('matches the reference on random key combinations', () => {
    const start = mem().liveBytes;
    const rnd = mulberry32(7);
    for (let trial = 0; trial < 60; trial++) {
      const ncols = 1 + Math.floor(rnd() * 4);
      const types = Array.from({ length: ncols }, () => ALL_TYPES[Math.floor(rnd() * ALL_TYPES.length)]!);
      const n = [0, 1, 7, 17, 500, 2000][trial % 6]!;
      const data = types.map((t) => gen(t, rnd, n, 1 + Math.floor(rnd() * 4), rnd() < 0.5 ? 0 : 0.2));
      const nkeys = 1 + Math.floor(rnd() * ncols);
      const keys: SortKey[] = Array.from({ length: nkeys }, (_, i) => ({
        index: (i + trial) % ncols,
        ascending: rnd() < 0.5,
        nullsFirst: rnd() < 0.5,
      }));
      check(types, data, keys, n);
    }
    expect(mem().liveBytes).toBe(start);
  });

  it('packs small keys (int8 + nullable int16 + boolean) and widens past 8 bytes (int32 + nullable int32)', () => {
    const rnd = mulberry32(3);
    const n = 3000;
    const small = [DataTypes.Byte, DataTypes.Short, DataTypes.Boolean];
    const data = [gen(small[0]!, rnd, n, 3, 0), gen(small[1]!, rnd, n, 2, 0.3), gen(small[2]!, rnd, n, 1, 0.1)];
    for (const [a, b] of DIRECTIONS) {
      check(small, data, [{ index: 0, ascending: a, nullsFirst: b }, { index: 1, ascending: b, nullsFirst: a }, { index: 2, ascending: !a, nullsFirst: b }], n);
    }
    const wide = [DataTypes.Integer, DataTypes.Integer];
    const wdata = [gen(wide[0]!, rnd, n, 5, 0), gen(wide[1]!, rnd, n, 5, 0.2)];
    check(wide, wdata, [{ index: 0, ascending: true, nullsFirst: true }, { index: 1, ascending: false, nullsFirst: true }], n);
    check(wide, wdata, [{ index: 1, ascending: true, nullsFirst: false }, { index: 0, ascending: false, nullsFirst: false }], n);
  });

  it('breaks ties between long strings by full comparison, then by later keys', () => {
    const rnd = mulberry32(11);
    const n = 1500;
    const types = [DataTypes.String, DataTypes.Integer, DataTypes.String];
    const data = [gen(types[0]!, rnd, n, 2, 0.05), gen(types[1]!, rnd, n, 2, 0.1), gen(types[2]!, rnd, n, 2, 0.1)];
    for (const [a, b] of DIRECTIONS) {
      check(types, data, [{ index: 0, ascending: a, nullsFirst: b }, { index: 1, ascending: b, nullsFirst: a }, { index: 2, ascending: a, nullsFirst: a }], n);
    }
  });

  it('ignores null-typed keys and accepts no keys (identity)', () => {
    withColumns([DataTypes.Null, DataTypes.Integer], [[null, null, null], [3, 1, 2]], (cols) => {
      expect(runArgsort(cols, [], 3)).toEqual([0, 1, 2]);
      expect(runArgsort(cols, [{ index: 0, ascending: true, nullsFirst: true }, { index: 1, ascending: true, nullsFirst: true }], 3)).toEqual([1, 2, 0]);
    });
  });
});

describe('topK', () => {
  it('returns the full sort’s first k rows for k = 0, 1, 5, n, > n', () => {
    const start = mem().liveBytes;
    const rnd = mulberry32(5);
    for (const n of [0, 1, 7, 40, 3000]) {
      for (const types of [[DataTypes.Long], [DataTypes.Double, DataTypes.Integer], [DataTypes.String, DataTypes.Long], [DataTypes.Integer]]) {
        const data = types.map((t) => gen(t, rnd, n, 4, 0.15));
        const keys: SortKey[] = types.map((_, i) => ({ index: i, ascending: rnd() < 0.5, nullsFirst: rnd() < 0.5 }));
        withColumns(types, data, (cols) => {
          const full = runArgsort(cols, keys, n);
          for (const k of [0, 1, 5, 10, Math.floor(n / 4), n, n + 3]) {
            expect(runTopK(cols, keys, n, k)).toEqual(full.slice(0, k));
          }
        });
      }
    }
    expect(mem().liveBytes).toBe(start);
  });

  it('rejects a negative k', () => {
    withColumns([DataTypes.Integer], [[1, 2]], (cols) => {
      expect(() => topK(cols, [{ index: 0, ascending: true, nullsFirst: true }], 2, -1)).toThrow(/non-negative/);
    });
  });
});

describe('gatherColumn', () => {
  it('applies a permutation to every type, with nulls', () => {
    const start = mem().liveBytes;
    const rnd = mulberry32(23);
    for (const type of [...ALL_TYPES, DataTypes.Null]) {
      for (const n of [0, 1, 17, 200]) {
        const data = gen(type, rnd, n, 100, 0.2);
        withColumns([type], [data], (cols) => {
          const order = runArgsort(cols, [{ index: 0, ascending: false, nullsFirst: false }], n);
          const p = argsort(cols, [{ index: 0, ascending: false, nullsFirst: false }], n);
          const expected = columnToJs(cols[0]!);
          const half = Math.floor(n / 2);
          for (const [from, count] of [[0, n], [half, n - half]] as const) {
            const g = gatherColumn(cols[0]!, p, from, count);
            expect(g.length).toBe(count);
            expect(columnToJs(g)).toEqual(order.slice(from, from + count).map((i) => expected[i]));
            g.release();
          }
          p.release();
        });
      }
    }
    const id = identityIndices(5);
    expect(Array.from(mem().i32(id.ptr, 5))).toEqual([0, 1, 2, 3, 4]);
    id.release();
    expect(mem().liveBytes).toBe(start);
  });
});

describe('compiled kernels (build/sort.wat)', () => {
  const body = watFunctions('sort');

  it('encodes 64-bit keys and writes indices with SIMD', () => {
    for (const f of ['encode_i64', 'encode_f64']) {
      const b = body(f);
      expect(b).toMatch(/v128\.load/);
      expect(b).toMatch(/v128\.xor/);
      expect(b).toMatch(/v128\.store/);
    }
    expect(body('encode_f64')).toMatch(/f64x2\.ne/);
    expect(body('encode_f64')).toMatch(/i64x2\.shr_s/);
    expect(body('iota')).toMatch(/i32x4\.add/);
  });

  it('bumps the eight digit counters of a key in one unrolled histogram loop', () => {
    const b = body('radix_histogram_u64');
    expect(b.match(/^\s*loop /gm)?.length).toBe(1);
    expect(b.match(/i32\.store/g)?.length ?? 0).toBeGreaterThanOrEqual(8);
  });
});
