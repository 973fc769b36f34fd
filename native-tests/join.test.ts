import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ExpandCursor,
  JoinBuildTable,
  filterPairs,
  joinPairs,
  markGroups,
  markRows,
  selectByGid,
  selectByGroupMark,
  selectMarked,
} from '../src/kernels/join.js';
import { MemoryBudgetExceededError } from '../src/errors.js';
import { Column } from '../src/types/column.js';
import { type DataType, DataTypes } from '../src/types/data-type.js';
import { columnFromJs } from '../src/types/values.js';
import { MemoryReservation, WasmBuffer } from '../src/wasm/memory.js';
import { runtime } from '../src/wasm/runtime.js';
import { mulberry32 } from '../test/helpers/random.js';

const PIECES = ['a', 'é', '日本', '😀', 'xyz', ' ', 'Ω'];

function randomValue(type: DataType, rnd: () => number): unknown {
  switch (type.kind) {
    case 'boolean':
      return rnd() < 0.5;
    case 'int8':
      return Math.floor(rnd() * 256) - 128;
    case 'int16':
      return Math.floor(rnd() * 65536) - 32768;
    case 'int32':
      return rnd() < 0.5 ? Math.floor(rnd() * 100) : Math.floor(rnd() * 2 ** 32) - 2 ** 31;
    case 'int64':
      return BigInt(Math.floor(rnd() * 2 ** 32)) * 4294967311n - 2n ** 62n;
    case 'float32':
      return rnd() < 0.1 ? Number.NaN : rnd() < 0.2 ? (rnd() < 0.5 ? -0 : 0) : Math.fround(rnd() * 100);
    case 'float64':
      return rnd() < 0.1 ? Number.NaN : rnd() < 0.2 ? (rnd() < 0.5 ? -0 : 0) : Math.floor(rnd() * 100) / 4;
    case 'decimal':
      return (Math.floor(rnd() * 2000) / 100 - 10).toFixed(2);
    case 'date32':
      return new Date(Math.floor(rnd() * 20000) * 86_400_000).toISOString().slice(0, 10);
    case 'timestamp':
      return BigInt(Math.floor(rnd() * 1e9)) * 1000n;
    case 'utf8': {
      let s = '';
      for (let i = Math.floor(rnd() * 3); i > 0; i--) s += PIECES[Math.floor(rnd() * PIECES.length)];
      return s;
    }
    default:
      return null;
  }
}

function column(type: DataType, n: number, rnd: () => number, pool: unknown[], nullRate: number): unknown[] {
  return Array.from({ length: n }, () => (rnd() < nullRate ? null : pool[Math.floor(rnd() * pool.length)]));
}

/** Join-key equality in Spark's sense: null never matches; NaN = NaN; -0.0 = 0.0. */
function keyOf(v: unknown): string | null {
  if (v === null) return null;
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : `n${v === 0 ? 0 : v}`;
  return `${typeof v}:${String(v)}`;
}

function rowKey(cols: unknown[][], i: number): string | null {
  const parts = cols.map((c) => keyOf(c[i]));
  return parts.includes(null) ? null : JSON.stringify(parts);
}

/** Reference: pairs in probe (left) order, build (right) rows ascending. */
function pairsRef(left: unknown[][], right: unknown[][], nl: number, nr: number): [number[], number[]] {
  const byKey = new Map<string, number[]>();
  for (let j = 0; j < nr; j++) {
    const k = rowKey(right, j);
    if (k === null) continue;
    const list = byKey.get(k) ?? [];
    list.push(j);
    byKey.set(k, list);
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < nl; i++) {
    const k = rowKey(left, i);
    for (const j of k === null ? [] : byKey.get(k) ?? []) {
      a.push(i);
      b.push(j);
    }
  }
  return [a, b];
}

const mem = runtime().memory;
let live = 0;
beforeEach(() => {
  live = mem.liveBytes;
});
afterEach(() => {
  expect(mem.liveBytes).toBe(live);
});

const TYPES: DataType[] = [
  DataTypes.Boolean, DataTypes.Byte, DataTypes.Short, DataTypes.Integer, DataTypes.Long, DataTypes.Float, DataTypes.Double,
  DataTypes.decimal(10, 2), DataTypes.Date, DataTypes.Timestamp, DataTypes.String,
];

function checkPairs(types: DataType[], nl: number, nr: number, rnd: () => number, distinct: number, nullRate: number): void {
  const pools = types.map((t) => Array.from({ length: distinct }, () => randomValue(t, rnd)));
  const lv = types.map((t, c) => column(t, nl, rnd, pools[c]!, nullRate));
  const rv = types.map((t, c) => column(t, nr, rnd, pools[c]!, nullRate));
  const lc = types.map((t, c) => columnFromJs(t, lv[c]!));
  const rc = types.map((t, c) => columnFromJs(t, rv[c]!));
  try {
    const res = new MemoryReservation('HashJoin build side', 1 << 30);
    const got = joinPairs(lc, rc, res);
    const [ea, eb] = pairsRef(lv, rv, nl, nr);
    expect([...got.left]).toEqual(ea);
    expect([...got.right]).toEqual(eb);
    expect(res.bytes).toBe(0);
  } finally {
    for (const c of [...lc, ...rc]) c.release();
  }
}

describe('join build and probe', () => {
  for (const type of TYPES) {
    it(`finds every matching pair, null keys never matching: ${type.kind}`, () => {
      const rnd = mulberry32(17);
      for (const [nl, nr] of [[0, 0], [0, 5], [5, 0], [1, 1], [7, 17], [17, 7], [300, 200]]) {
        for (const [distinct, nulls] of [[4, 0.2], [50, 0.1], [1, 0], [1000, 0]]) {
          checkPairs([type], nl!, nr!, rnd, distinct!, nulls!);
        }
      }
    });
  }

  it('joins multi-column keys of mixed types (NaN = NaN, -0.0 = 0.0, multi-byte strings)', () => {
    const rnd = mulberry32(5);
    for (const [nl, nr] of [[1, 1], [15, 17], [400, 300]]) {
      checkPairs([DataTypes.String, DataTypes.Double, DataTypes.Integer], nl!, nr!, rnd, 3, 0.15);
      checkPairs([DataTypes.Long, DataTypes.Boolean], nl!, nr!, rnd, 5, 0.05);
    }
  });

  it('handles skew: every row with one key (a cross product) and high cardinality', () => {
    const rnd = mulberry32(9);
    checkPairs([DataTypes.Integer], 60, 70, rnd, 1, 0);
    checkPairs([DataTypes.Long], 3000, 3000, rnd, 100_000, 0);
    checkPairs([DataTypes.String], 2000, 2000, rnd, 100_000, 0.01);
  });

  it('builds a large, dense int32 key set (a direct-mapping window beyond a million values)', () => {
    const n = 300_000;
    const rnd = mulberry32(23);
    const buildVals = WasmBuffer.allocate(mem, n * 4);
    const probeVals = WasmBuffer.allocate(mem, 2000 * 4);
    const b = mem.i32(buildVals.ptr, n);
    for (let i = 0; i < n; i++) b[i] = (n - i) * 8 - 1_000_000; // unique, span 2.4 million
    const p = Array.from({ length: 2000 }, () => Math.floor(rnd() * n * 8) - 1_000_000);
    mem.i32(probeVals.ptr, 2000).set(p);
    const build = new Column(DataTypes.Integer, n, buildVals, null, null, 0);
    const probe = new Column(DataTypes.Integer, 2000, probeVals, null, null, 0);
    try {
      const res = new MemoryReservation('HashJoin build side', 1 << 30);
      const got = joinPairs([probe], [build], res);
      const where = new Map<number, number>();
      for (let i = 0; i < n; i++) where.set(b[i]!, i);
      const ea: number[] = [];
      const eb: number[] = [];
      p.forEach((k, i) => {
        const j = where.get(k);
        if (j !== undefined) {
          ea.push(i);
          eb.push(j);
        }
      });
      expect(ea.length).toBeGreaterThan(100);
      expect([...got.left]).toEqual(ea);
      expect([...got.right]).toEqual(eb);
    } finally {
      build.release();
      probe.release();
    }
  });

  it('expands in chunks of any size, resuming from the cursor', () => {
    const keys = columnFromJs(DataTypes.Integer, [1, 2, 1, 3, null, 1]);
    const probe = columnFromJs(DataTypes.Integer, [1, 4, 3, null, 1, 2]);
    const res = new MemoryReservation('HashJoin build side', 1 << 30);
    const table = new JoinBuildTable([keys], 6, res);
    const gids = WasmBuffer.allocate(mem, 6 * 4);
    const a = WasmBuffer.allocate(mem, 16);
    const b = WasmBuffer.allocate(mem, 16);
    const cursor = new ExpandCursor(mem);
    try {
      expect(table.numGroups).toBe(3);
      table.probe([probe], 6, gids.ptr);
      expect(mem.i32(gids.ptr, 6)[1]).toBe(-1);
      expect(mem.i32(gids.ptr, 6)[3]).toBe(-1);
      for (const cap of [1, 2, 3, 4]) {
        cursor.reset();
        const got: [number, number][] = [];
        for (;;) {
          const cnt = table.expand(gids.ptr, 6, cursor, cap, a.ptr, b.ptr);
          if (cnt === 0) break;
          expect(cnt).toBeLessThanOrEqual(cap);
          for (let j = 0; j < cnt; j++) got.push([mem.i32(a.ptr, cnt)[j]!, mem.i32(b.ptr, cnt)[j]!]);
        }
        expect(got).toEqual([[0, 0], [0, 2], [0, 5], [2, 3], [4, 0], [4, 2], [4, 5], [5, 1]]);
      }
    } finally {
      for (const x of [gids, a, b]) x.release();
      cursor.release();
      table.release();
      keys.release();
      probe.release();
    }
  });

  it('throws MemoryBudgetExceededError for a build side over budget', () => {
    const keys = columnFromJs(DataTypes.String, Array.from({ length: 20_000 }, (_, i) => `k${i}`));
    try {
      expect(() => new JoinBuildTable([keys], 20_000, new MemoryReservation('HashJoin build side', 100_000))).toThrow(MemoryBudgetExceededError);
      expect(() => new JoinBuildTable([keys], 20_000, new MemoryReservation('HashJoin build side', 100_000))).toThrow(/HashJoin build side/);
    } finally {
      keys.release();
    }
  });
});

describe('marks and selections', () => {
  for (const n of [0, 1, 15, 16, 17, 100, 1000]) {
    it(`select, mark and filter agree with the reference: n = ${n}`, () => {
      const rnd = mulberry32(n + 1);
      const marks = WasmBuffer.allocate(mem, Math.max(1, n));
      const gids = WasmBuffer.allocate(mem, Math.max(1, n) * 4);
      const out = WasmBuffer.allocate(mem, Math.max(1, n) * 4);
      const groupMarks = WasmBuffer.allocate(mem, 8);
      const ids = Array.from({ length: n }, () => Math.floor(rnd() * 9) - 1); // -1..7
      const m = Array.from({ length: n }, () => (rnd() < 0.4 ? 1 : 0));
      try {
        mem.u8(marks.ptr, n).set(m);
        mem.i32(gids.ptr, n).set(ids);
        for (const want of [true, false]) {
          const cnt = selectMarked(marks.ptr, n, want, out.ptr);
          expect([...mem.i32(out.ptr, cnt)]).toEqual(m.flatMap((x, i) => ((x === 1) === want ? [i] : [])));
          const cg = selectByGid(gids.ptr, n, want, out.ptr);
          expect([...mem.i32(out.ptr, cg)]).toEqual(ids.flatMap((g, i) => ((g >= 0) === want ? [i] : [])));
        }
        // Group marks: ids of the first half mark their groups.
        mem.u8(groupMarks.ptr, 8).fill(0);
        const half = n >> 1;
        markGroups(gids.ptr, half, groupMarks.ptr);
        const marked = new Set(ids.slice(0, half).filter((g) => g >= 0));
        for (const want of [true, false]) {
          const c = selectByGroupMark(gids.ptr, n, groupMarks.ptr, want, out.ptr);
          expect([...mem.i32(out.ptr, c)]).toEqual(ids.flatMap((g, i) => ((g >= 0 && marked.has(g)) === want ? [i] : [])));
        }
        // Row marks from an index list.
        mem.u8(marks.ptr, n).fill(0);
        const idx = ids.map((g, i) => (g >= 3 ? i : -1)).filter((i) => i >= 0);
        mem.i32(out.ptr, idx.length).set(idx);
        markRows(out.ptr, idx.length, marks.ptr);
        expect([...mem.u8(marks.ptr, n)]).toEqual(ids.map((g) => (g >= 3 ? 1 : 0)));
      } finally {
        for (const x of [marks, gids, out, groupMarks]) x.release();
      }
    });
  }

  it('filterPairs keeps the pairs whose residual is true (null = false)', () => {
    const verdict = columnFromJs(DataTypes.Boolean, [true, null, false, true, true, null]);
    const a = WasmBuffer.allocate(mem, 24);
    const b = WasmBuffer.allocate(mem, 24);
    try {
      mem.i32(a.ptr, 6).set([0, 1, 2, 3, 4, 5]);
      mem.i32(b.ptr, 6).set([10, 11, 12, 13, 14, 15]);
      const m = filterPairs(a.ptr, b.ptr, 6, verdict);
      expect(m).toBe(3);
      expect([...mem.i32(a.ptr, m)]).toEqual([0, 3, 4]);
      expect([...mem.i32(b.ptr, m)]).toEqual([10, 13, 14]);
    } finally {
      a.release();
      b.release();
      verdict.release();
    }
  });
});

describe('compiled kernels', () => {
  it('use SIMD in the selection kernels', () => {
    const wat = readFileSync(new URL('../build/join.wat', import.meta.url), 'utf8');
    const body = (name: string) => {
      const start = wat.indexOf(`(func $assembly/join/${name} `);
      expect(start, name).toBeGreaterThan(0);
      return wat.slice(start, wat.indexOf('\n (func ', start + 1));
    };
    expect(body('join_select')).toMatch(/i8x16\.bitmask/);
    expect(body('join_select_gids')).toMatch(/i32x4\.lt_s/);
  });
});
