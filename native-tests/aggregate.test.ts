import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AccumulatorSpec, type AggregateFunction, aggregateKernels, groupBy } from '../src/kernels/aggregate.js';
import { KeyTable } from '../src/kernels/key-table.js';
import { MemoryBudgetExceededError } from '../src/errors.js';
import type { Column } from '../src/types/column.js';
import { type DataType, DataTypes, isIntegral } from '../src/types/data-type.js';
import { type CellValue, columnFromJs, columnToJs, formatDecimal, parseDecimal } from '../src/types/values.js';
import { MemoryReservation, WasmBuffer } from '../src/wasm/memory.js';
import { runtime } from '../src/wasm/runtime.js';
import { mulberry32 } from '../test/helpers/random.js';
import { sparkCompare } from './support.js';

// ------------------------------------------------------------------------------------------------
// Random data
// ------------------------------------------------------------------------------------------------

const PIECES = ['a', 'é', '日本', '😀', 'xyz', ' ', 'Ω', 'a somewhat longer piece of text '];

function randomValue(type: DataType, rnd: () => number): unknown {
  const int = (bits: number) => Math.floor(rnd() * 2 ** bits) - 2 ** (bits - 1);
  switch (type.kind) {
    case 'boolean':
      return rnd() < 0.5;
    case 'int8':
      return int(8);
    case 'int16':
      return int(16);
    case 'int32':
      return int(32);
    case 'int64':
      return (BigInt(int(32)) << 32n) ^ BigInt(Math.floor(rnd() * 2 ** 32));
    case 'decimal': {
      const digits = type.precision - type.scale;
      const whole = Math.floor(rnd() * 10 ** Math.min(digits, 9)) * (rnd() < 0.5 ? -1 : 1);
      const frac = String(Math.floor(rnd() * 10 ** type.scale)).padStart(type.scale, '0');
      return type.scale > 0 ? `${whole}.${frac}` : `${whole}`;
    }
    case 'timestamp':
      return BigInt(int(40)) * 1000n;
    case 'date32':
      return new Date(int(16) * 86_400_000).toISOString().slice(0, 10);
    case 'float32':
      return rnd() < 0.1 ? Number.NaN : rnd() < 0.1 ? -0 : Math.fround((rnd() - 0.5) * 1e6);
    case 'float64':
      return rnd() < 0.1 ? Number.NaN : rnd() < 0.1 ? -0 : rnd() < 0.1 ? 0 : (rnd() - 0.5) * 1e6;
    case 'utf8': {
      let s = '';
      for (let i = Math.floor(rnd() * 4); i > 0; i--) s += PIECES[Math.floor(rnd() * PIECES.length)];
      return s;
    }
    default:
      return null;
  }
}

/** `n` values drawn from a pool of `distinct` random values (Infinity: fresh values), `nullRate` of them null. */
function randomColumn(type: DataType, n: number, rnd: () => number, distinct: number, nullRate: number): unknown[] {
  const pool = Number.isFinite(distinct) ? Array.from({ length: distinct }, () => randomValue(type, rnd)) : null;
  return Array.from({ length: n }, () =>
    rnd() < nullRate ? null : pool ? pool[Math.floor(rnd() * pool.length)] : randomValue(type, rnd),
  );
}

// ------------------------------------------------------------------------------------------------
// Reference (plain TypeScript, Spark semantics)
// ------------------------------------------------------------------------------------------------

/** A grouping key for one value: null, NaN and -0.0 normalised like Spark's grouping. */
function keyOf(v: unknown): string {
  if (v === null || v === undefined) return '∅';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : `n${v === 0 ? 0 : v}`;
  if (typeof v === 'bigint') return `b${v}`;
  if (typeof v === 'string') return `s${v}`;
  if (v instanceof Date) return `d${v.getTime()}`;
  return `x${String(v)}`;
}

/** Values as columnToJs returns them, normalised for comparison (-0 -> 0, Date -> ms). */
function norm(v: unknown): unknown {
  if (typeof v === 'number' && v === 0) return 0;
  if (v instanceof Date) return v.getTime();
  return v;
}

/** The JS value columnToJs returns for an input value given to columnFromJs. */
function asOutput(type: DataType, v: unknown): unknown {
  if (v === null) return null;
  switch (type.kind) {
    case 'int64':
      return BigInt(v as bigint);
    case 'timestamp':
      return Number((v as bigint) / 1000n);
    case 'decimal':
      return formatDecimal(parseDecimal(v as string, type.scale), type.scale);
    default:
      return v;
  }
}

function groupIdsRef(keyCols: readonly unknown[][], n: number): { ids: number[]; firstRow: number[] } {
  const map = new Map<string, number>();
  const ids: number[] = [];
  const firstRow: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = JSON.stringify(keyCols.map((c) => keyOf(c[i])));
    let g = map.get(k);
    if (g === undefined) {
      g = map.size;
      map.set(k, g);
      firstRow.push(i);
    }
    ids.push(g);
  }
  return { ids, firstRow };
}

function resultTypeOf(fn: AggregateFunction, input: DataType | null): DataType {
  if (fn === 'count' || fn === 'count_star' || fn === 'count_distinct') return DataTypes.Long;
  const t = input!;
  if (fn === 'sum') {
    if (t.kind === 'decimal') return DataTypes.decimal(Math.min(18, t.precision + 10), t.scale);
    return isIntegral(t) ? DataTypes.Long : DataTypes.Double;
  }
  if (fn === 'avg') {
    if (t.kind === 'decimal') return DataTypes.decimal(Math.min(18, t.precision + 4), Math.min(18, t.scale + 4));
    return DataTypes.Double;
  }
  return t;
}

function aggregateRef(fn: AggregateFunction, type: DataType | null, values: unknown[] | null, ids: number[], groups: number, ignoreNulls: boolean): unknown[] {
  const out: unknown[] = [];
  const byGroup: unknown[][] = Array.from({ length: groups }, () => []);
  ids.forEach((id, i) => byGroup[id]!.push(values ? values[i] : 1));
  for (let g = 0; g < groups; g++) {
    const rows = byGroup[g]!;
    const nonNull = rows.filter((v) => v !== null);
    const t = type!;
    switch (fn) {
      case 'count_star':
        out.push(BigInt(rows.length));
        break;
      case 'count':
        out.push(BigInt(nonNull.length));
        break;
      case 'count_distinct':
        out.push(BigInt(new Set(nonNull.map(keyOf)).size));
        break;
      case 'first': {
        const v = ignoreNulls ? (nonNull.length ? nonNull[0] : null) : rows.length ? rows[0] : null;
        out.push(asOutput(t, v ?? null));
        break;
      }
      case 'min':
      case 'max': {
        let best: unknown = null;
        for (const v of nonNull) {
          if (best === null) best = v;
          else {
            const c = sparkCompare(t, v, best);
            if (fn === 'min' ? c < 0 : c > 0) best = v;
          }
        }
        out.push(asOutput(t, best));
        break;
      }
      case 'sum':
      case 'avg': {
        if (nonNull.length === 0) {
          out.push(null);
          break;
        }
        if (t.kind === 'decimal') {
          const rt = resultTypeOf(fn, t) as { precision: number; scale: number };
          const p = fn === 'sum' ? rt.precision : Math.min(18, t.precision + 10);
          const lim = 10n ** BigInt(p) - 1n;
          let s = 0n;
          let overflow = false;
          for (const v of nonNull) {
            s += parseDecimal(v as string, t.scale);
            if (s !== BigInt.asIntN(64, s)) {
              overflow = true; // Spark: past 38 digits; Kindling: past int64
              break;
            }
          }
          if (s > lim || s < -lim) overflow = true;
          if (overflow) out.push(null);
          else if (fn === 'sum') out.push(formatDecimal(s, t.scale));
          else {
            const c = BigInt(nonNull.length);
            const num = s * 10n ** BigInt(rt.scale - t.scale);
            let q = num / c;
            const r = num % c;
            if ((r < 0n ? -r : r) * 2n >= c) q += num < 0n ? -1n : 1n;
            const rlim = 10n ** BigInt(rt.precision) - 1n;
            out.push(q > rlim || q < -rlim ? null : formatDecimal(q, rt.scale));
          }
        } else if (fn === 'sum' && isIntegral(t)) {
          out.push(BigInt.asIntN(64, nonNull.reduce((a: bigint, v) => a + BigInt(v as number | bigint), 0n)));
        } else {
          const s = nonNull.reduce((a: number, v) => a + Number(v), 0);
          out.push(fn === 'sum' ? s : s / nonNull.length);
        }
        break;
      }
    }
  }
  return out;
}

function sameCell(a: unknown, e: unknown, approx: boolean): boolean {
  if (approx && typeof a === 'number' && typeof e === 'number' && Number.isFinite(e)) {
    return Math.abs(a - e) <= 1e-9 * Math.max(1, Math.abs(e));
  }
  if (typeof a === 'number' && typeof e === 'number') return Object.is(a, e) || a === e;
  return a === e;
}

function expectCells(actual: CellValue[], expected: unknown[], approx: boolean): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const a = norm(actual[i]);
    const e = norm(expected[i]);
    // Plain comparison first (fast); expect() only to report the first difference.
    if (!sameCell(a, e, approx)) expect(a, `row ${i}: ${String(a)} vs ${String(e)}`).toEqual(e);
  }
}

// ------------------------------------------------------------------------------------------------
// Harness
// ------------------------------------------------------------------------------------------------

const mem = runtime().memory;
let live = 0;
beforeEach(() => {
  live = mem.liveBytes;
});
afterEach(() => {
  expect(mem.liveBytes).toBe(live);
});

function reservation(budget = 1 << 30): MemoryReservation {
  return new MemoryReservation('HashAggregate', budget);
}

interface AggCase {
  fn: AggregateFunction;
  type: DataType | null;
  values: unknown[] | null;
  ignoreNulls?: boolean;
}

/** Runs groupBy over the given key and value columns and checks keys and results against the reference. */
function check(keys: { type: DataType; values: unknown[] }[], aggs: AggCase[], n: number, chunkRows?: number): void {
  const keyCols = keys.map((k) => columnFromJs(k.type, k.values));
  const inputs = aggs.map((a) => (a.values ? columnFromJs(a.type!, a.values) : null));
  try {
    const specs: { spec: AccumulatorSpec; input: Column | null }[] = aggs.map((a, i) => ({
      spec: { fn: a.fn, inputType: a.type, resultType: resultTypeOf(a.fn, a.type), ignoreNulls: a.ignoreNulls, name: `a${i}` },
      input: inputs[i]!,
    }));
    const res = reservation();
    const out = groupBy(keyCols, specs, res, chunkRows);
    try {
      const { ids, firstRow } = keys.length ? groupIdsRef(keys.map((k) => k.values), n) : { ids: new Array<number>(n).fill(0), firstRow: [0] };
      const groups = keys.length ? firstRow.length : 1;
      keys.forEach((k, c) => {
        expectCells(columnToJs(out.keys[c]!), firstRow.map((r) => asOutput(k.type, k.values[r] ?? null)), false);
      });
      aggs.forEach((a, i) => {
        const expected = aggregateRef(a.fn, a.type, a.values, ids, groups, a.ignoreNulls ?? false);
        expectCells(columnToJs(out.results[i]!), expected, true);
      });
    } finally {
      for (const c of [...out.keys, ...out.results]) c.release();
    }
    expect(res.bytes).toBe(0);
  } finally {
    for (const c of [...keyCols, ...inputs]) c?.release();
  }
}

const KEY_TYPES: DataType[] = [
  DataTypes.Boolean, DataTypes.Byte, DataTypes.Short, DataTypes.Integer, DataTypes.Long, DataTypes.Float,
  DataTypes.Double, DataTypes.decimal(12, 2), DataTypes.Date, DataTypes.Timestamp, DataTypes.String,
];
const SIZES = [0, 1, 7, 17, 1000];

// ------------------------------------------------------------------------------------------------
// Tests
// ------------------------------------------------------------------------------------------------

describe('KeyTable', () => {
  for (const type of KEY_TYPES) {
    it(`assigns dense ids in order of first appearance: ${type.kind}`, () => {
      const rnd = mulberry32(7);
      for (const n of SIZES) {
        for (const [distinct, nulls] of [[5, 0.2], [Infinity, 0.1], [1, 0], [3, 1]] as const) {
          const values = randomColumn(type, n, rnd, distinct, nulls);
          check([{ type, values }], [{ fn: 'count_star', type: null, values: null }], n);
        }
      }
    });
  }

  it('moves from direct mapping to hashing when keys spread, across batches, and looks up', () => {
    const k = aggregateKernels();
    const res = reservation();
    const table = new KeyTable(k, mem, [DataTypes.Integer], res, { nullsFormGroups: true, initialGroups: 16 });
    const all: unknown[] = [];
    const gids = WasmBuffer.allocate(mem, 4000 * 4);
    try {
      const batches: unknown[][] = [
        [5, 6, 7, null, 5],
        Array.from({ length: 300 }, (_, i) => 1000 + i), // widens the window, grows groups
        [-3000, 4000, 6, null],
        [2_000_000_000, -2_000_000_000, 7, 0], // too wide: hash mode
        Array.from({ length: 3000 }, (_, i) => (i * 7919) % 5000 - 2500),
      ];
      const seen: number[] = [];
      for (const b of batches) {
        const col = columnFromJs(DataTypes.Integer, b);
        table.insert([col], b.length, gids.ptr);
        seen.push(...mem.i32(gids.ptr, b.length));
        col.release();
        all.push(...b);
      }
      expect(table.strategy).toBe('hash');
      expect(seen).toEqual(groupIdsRef([all], all.length).ids);
      // Lookup: present keys get their id, absent ones -1, null the null group.
      const probe = [5, 999_999, null, 2_000_000_000, -2500];
      const col = columnFromJs(DataTypes.Integer, probe);
      table.lookup([col], probe.length, gids.ptr);
      const ids = [...mem.i32(gids.ptr, probe.length)];
      col.release();
      const ref = groupIdsRef([all], all.length);
      const idOf = (v: unknown) => ref.ids[all.findIndex((x) => keyOf(x) === keyOf(v))] ?? -1;
      expect(ids).toEqual(probe.map(idOf));
    } finally {
      gids.release();
      table.release();
    }
    expect(res.bytes).toBe(0);
  });

  it('never matches null keys in join mode (fixed, direct and encoded layouts)', () => {
    const k = aggregateKernels();
    const rows: [number | null, string | null][] = [[1, 'a'], [null, 'a'], [1, null], [2, 'b'], [1, 'a']];
    const cases: { types: DataType[]; pick: (r: [number | null, string | null]) => unknown[] }[] = [
      { types: [DataTypes.Integer], pick: (r) => [r[0]] },
      { types: [DataTypes.Double], pick: (r) => [r[0]] },
      { types: [DataTypes.String], pick: (r) => [r[1]] },
      { types: [DataTypes.Integer, DataTypes.String], pick: (r) => [r[0], r[1]] },
    ];
    for (const { types, pick } of cases) {
      const res = reservation();
      const table = new KeyTable(k, mem, types, res, { nullsFormGroups: false });
      const cols = types.map((t, c) => columnFromJs(t, rows.map((r) => pick(r)[c])));
      const nulls = rows.map((r) => pick(r).some((v) => v === null));
      const gids = WasmBuffer.allocate(mem, rows.length * 4);
      try {
        table.insert(cols, rows.length, gids.ptr);
        const ids = [...mem.i32(gids.ptr, rows.length)];
        ids.forEach((id, i) => (nulls[i] ? expect(id).toBe(-1) : expect(id).toBeGreaterThanOrEqual(0)));
        table.lookup(cols, rows.length, gids.ptr);
        expect([...mem.i32(gids.ptr, rows.length)]).toEqual(ids);
      } finally {
        gids.release();
        for (const c of cols) c.release();
        table.release();
      }
    }
  });

  it('groups multi-column keys of mixed types (NaN, -0.0, nulls, multi-byte strings)', () => {
    const rnd = mulberry32(11);
    const types = [DataTypes.String, DataTypes.Double, DataTypes.Integer, DataTypes.Boolean, DataTypes.decimal(10, 3), DataTypes.Float, DataTypes.Short];
    for (const n of SIZES) {
      const keys = types.map((type) => ({ type, values: randomColumn(type, n, rnd, 3, 0.2) }));
      const value = randomColumn(DataTypes.Integer, n, rnd, Infinity, 0.1);
      check(keys, [{ fn: 'sum', type: DataTypes.Integer, values: value }, { fn: 'count_star', type: null, values: null }], n);
    }
  });

  it('fuses key mapping and sum for int32 keys without nulls (growth, window widening, then hashing)', () => {
    const rnd = mulberry32(77);
    const n = 70_000;
    const keys = Array.from({ length: n }, (_, i) => {
      if (i < 1000) return i % 10; // first window
      if (i < 30_000) return Math.floor(rnd() * 5000) - 2500; // widens it, groups grow past the initial capacity
      if (i < 50_000) return Math.floor(rnd() * 800_000) - 400_000; // widens it to the largest window
      return (rnd() < 0.5 ? 2_000_000_000 : -2_000_000_000) + Math.floor(rnd() * 100); // too wide: hashing from here
    });
    for (const type of [DataTypes.Double, DataTypes.Integer, DataTypes.Long]) {
      const values = randomColumn(type, n, rnd, Infinity, 0).map((v) => (typeof v === 'number' && !Number.isFinite(v) ? 1.5 : v));
      const aggs: AggCase[] = [
        { fn: 'sum', type, values },
        { fn: 'max', type, values },
        { fn: 'count_star', type: null, values: null },
      ];
      // In chunks of 997 rows (like batches: the window widens, then hashing takes over at a chunk
      // start) and in one piece (the keys' spread decides hashing at once).
      check([{ type: DataTypes.Integer, values: keys }], aggs, n, 997);
      check([{ type: DataTypes.Integer, values: keys }], aggs, n);
    }
    // Dates take the same path.
    const days = Array.from({ length: 5000 }, (_, i) => new Date((i % 37) * 86_400_000).toISOString().slice(0, 10));
    const v = randomColumn(DataTypes.Double, 5000, rnd, Infinity, 0);
    check([{ type: DataTypes.Date, values: days }], [{ fn: 'sum', type: DataTypes.Double, values: v }], 5000);
  });

  it('handles high-cardinality keys (rehash and accumulator growth) and skew', () => {
    const rnd = mulberry32(3);
    const n = 20_000;
    const skewed = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? Math.floor(rnd() * 1e9) : 42));
    const strings = Array.from({ length: n }, (_, i) => `key-${i % 7000}-é`);
    const v = randomColumn(DataTypes.Long, n, rnd, Infinity, 0.05);
    check([{ type: DataTypes.Integer, values: skewed }], [{ fn: 'sum', type: DataTypes.Long, values: v }, { fn: 'max', type: DataTypes.Long, values: v }], n);
    check([{ type: DataTypes.String, values: strings }], [{ fn: 'min', type: DataTypes.Long, values: v }, { fn: 'count', type: DataTypes.Long, values: v }], n);
  });
});

const VALUE_TYPES: DataType[] = [...KEY_TYPES];
const NUMERIC: DataType[] = [DataTypes.Byte, DataTypes.Short, DataTypes.Integer, DataTypes.Long, DataTypes.Float, DataTypes.Double, DataTypes.decimal(10, 2)];

describe('accumulators', () => {
  for (const type of VALUE_TYPES) {
    it(`min / max / first / count / count_distinct of ${type.kind}`, () => {
      const rnd = mulberry32(21);
      for (const n of SIZES) {
        for (const distinct of [4, Infinity]) {
          const keys = randomColumn(DataTypes.Short, n, rnd, 6, 0.1);
          const values = randomColumn(type, n, rnd, distinct, 0.25);
          const aggs: AggCase[] = (['min', 'max', 'first', 'count', 'count_distinct'] as const).map((fn) => ({ fn, type, values }));
          aggs.push({ fn: 'first', type, values, ignoreNulls: true });
          check([{ type: DataTypes.Short, values: keys }], aggs, n);
          check([], aggs, n);
        }
      }
    });
  }

  for (const type of NUMERIC) {
    it(`sum / avg of ${type.kind}`, () => {
      const rnd = mulberry32(5);
      for (const n of SIZES) {
        for (const nulls of [0, 0.3, 1]) {
          const keys = randomColumn(DataTypes.Integer, n, rnd, 8, 0.1);
          const values = randomColumn(type, n, rnd, Infinity, nulls);
          const aggs: AggCase[] = [{ fn: 'sum', type, values }, { fn: 'avg', type, values }];
          check([{ type: DataTypes.Integer, values: keys }], aggs, n);
          check([], aggs, n);
        }
      }
    });
  }

  it('sum of integers wraps in int64; decimal sums beyond the result precision are null', () => {
    check([], [{ fn: 'sum', type: DataTypes.Long, values: [9223372036854775807n, 1n, 5n] }], 3);
    const dec = DataTypes.decimal(18, 0); // sum: decimal(18, 0)
    const values = ['999999999999999999', '1', '-5', '999999999999999999', '999999999999999999', '9', '999999999999999999', '1'];
    const keys = [1, 1, 1, 2, 2, 2, 3, 4];
    check([{ type: DataTypes.Integer, values: keys }], [{ fn: 'sum', type: dec, values }, { fn: 'avg', type: dec, values }], values.length);
    const kc = columnFromJs(DataTypes.Integer, keys);
    const vc = columnFromJs(dec, values);
    const res = reservation();
    const out = groupBy([kc], [{ spec: { fn: 'sum', inputType: dec, resultType: dec, name: 's' }, input: vc }], res);
    // Group 1 passes 10^18 - 1 on the way but ends inside the precision (Spark checks the final sum);
    // group 2 leaves int64 (null for good); group 3 is exactly the largest value; 4 is small.
    expect(columnToJs(out.results[0]!)).toEqual(['999999999999999995', null, '999999999999999999', '1']);
    for (const c of [kc, vc, ...out.keys, ...out.results]) c.release();
  });

  it('decimal avg rounds HALF_UP at the result scale', () => {
    const t = DataTypes.decimal(4, 0);
    const values = ['1', '2', '2', '-1', '-2', '-2', '1', '0', '0'];
    const keys = [1, 1, 1, 2, 2, 2, 3, 3, 3]; // 5/3 = 1.6667, -5/3, 1/3
    check([{ type: DataTypes.Integer, values: keys }], [{ fn: 'avg', type: t, values }], values.length);
  });

  it('min/max follow Spark ordering for NaN and keep strings by UTF-8 bytes', () => {
    const values = [1.5, Number.NaN, -0, 0, Number.NEGATIVE_INFINITY, null];
    check([], [{ fn: 'max', type: DataTypes.Double, values }, { fn: 'min', type: DataTypes.Double, values }], values.length);
    const strs = ['b', 'é', 'z', '😀', 'A', ''];
    check([], [{ fn: 'max', type: DataTypes.String, values: strs }, { fn: 'min', type: DataTypes.String, values: strs }], strs.length);
  });

  it('string states survive arena growth (long strings, many replacements)', () => {
    const rnd = mulberry32(99);
    const n = 3000;
    const values = Array.from({ length: n }, (_, i) => 'x'.repeat(Math.floor(rnd() * 300)) + String(i));
    const keys = Array.from({ length: n }, () => Math.floor(rnd() * 50));
    check([{ type: DataTypes.Integer, values: keys }], (['min', 'max', 'first'] as const).map((fn) => ({ fn, type: DataTypes.String, values })), n);
  });

  it('ungrouped aggregation of an empty input gives one row (count 0, sum null)', () => {
    const aggs: AggCase[] = [
      { fn: 'count_star', type: null, values: null },
      { fn: 'sum', type: DataTypes.Integer, values: [] },
      { fn: 'min', type: DataTypes.String, values: [] },
      { fn: 'count', type: DataTypes.Double, values: [] },
    ];
    check([], aggs, 0);
  });

  it('throws MemoryBudgetExceededError naming the operator when over budget', () => {
    const n = 50_000;
    const keys = columnFromJs(DataTypes.Long, Array.from({ length: n }, (_, i) => BigInt(i) * 1_000_003n));
    try {
      const res = reservation(256 * 1024);
      expect(() => groupBy([keys], [{ spec: { fn: 'count_star', inputType: null, resultType: DataTypes.Long, name: 'c' }, input: null }], res)).toThrow(MemoryBudgetExceededError);
      expect(() => groupBy([keys], [], reservation(256 * 1024))).toThrow(/HashAggregate/);
    } finally {
      keys.release();
    }
  });
});

describe('compiled kernels', () => {
  it('use SIMD in the ungrouped reductions and finishers', () => {
    const wat = readFileSync(new URL('../build/aggregate.wat', import.meta.url), 'utf8');
    const body = (name: string) => {
      const start = wat.indexOf(`(func $assembly/aggregate/${name} `);
      expect(start, name).toBeGreaterThan(0);
      const end = wat.indexOf('\n (func ', start + 1);
      return wat.slice(start, end);
    };
    expect(body('agg_sum_all_i32')).toMatch(/i64x2\.add/);
    expect(body('agg_sum_all_f64')).toMatch(/f64x2\.add/);
    expect(body('agg_count_all')).toMatch(/i8x16\.eq/);
    expect(body('fin_validity')).toMatch(/i8x16\.eq/);
  });
});
