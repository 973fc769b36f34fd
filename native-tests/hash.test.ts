import { describe, expect, it } from 'vitest';
import { hashColumns } from '../src/kernels/hash.js';
import { Column } from '../src/types/column.js';
import { type DataType, DataTypes } from '../src/types/data-type.js';
import { columnFromJs, parseDate, parseDecimal } from '../src/types/values.js';
import { WasmBuffer } from '../src/wasm/memory.js';
import { runtime } from '../src/wasm/runtime.js';
import { expectNoLeaksPerTest, mulberry32, watFunctions } from './support.js';

// ---- a plain BigInt reference of assembly/lib/hash.ts -------------------------------------------
const M = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;
const SEED = 0x2545f4914f6cdd1dn;
const NULL_HASH = 0x9ae16a3b2f90404fn;

const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & M;
function avalanche(h: bigint): bigint {
  h ^= h >> 33n;
  h = (h * P2) & M;
  h ^= h >> 29n;
  h = (h * P3) & M;
  return h ^ (h >> 32n);
}
function hashU64(v: bigint): bigint {
  let h = (SEED + P5 + 8n) & M;
  const k = (rotl((BigInt.asUintN(64, v) * P2) & M, 31n) * P1) & M;
  h ^= k;
  h = (rotl(h, 27n) * P1 + P4) & M;
  return avalanche(h);
}
function hashF64(v: number): bigint {
  if (Number.isNaN(v)) return hashU64(0x7ff8000000000000n);
  if (v === 0) return hashU64(0n);
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, v, true);
  return hashU64(dv.getBigUint64(0, true));
}
function hashCombine(acc: bigint, h: bigint): bigint {
  return avalanche((((rotl(acc, 23n) ^ h) * P1) + P4) & M);
}
function mergeRound(acc: bigint, v: bigint): bigint {
  v = (rotl((v * P2) & M, 31n) * P1) & M;
  acc ^= v;
  return (acc * P1 + P4) & M;
}
function hashBytes(b: Uint8Array): bigint {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const len = b.length;
  let p = 0;
  let h: bigint;
  if (len >= 32) {
    let v1 = (SEED + P1 + P2) & M;
    let v2 = (SEED + P2) & M;
    let v3 = SEED;
    let v4 = (SEED - P1 + (1n << 64n)) & M;
    const limit = len - 32;
    do {
      v1 = (rotl((v1 + dv.getBigUint64(p, true) * P2) & M, 31n) * P1) & M;
      v2 = (rotl((v2 + dv.getBigUint64(p + 8, true) * P2) & M, 31n) * P1) & M;
      v3 = (rotl((v3 + dv.getBigUint64(p + 16, true) * P2) & M, 31n) * P1) & M;
      v4 = (rotl((v4 + dv.getBigUint64(p + 24, true) * P2) & M, 31n) * P1) & M;
      p += 32;
    } while (p <= limit);
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M;
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    h = mergeRound(h, v4);
  } else h = (SEED + P5) & M;
  h = (h + BigInt(len)) & M;
  while (p + 8 <= len) {
    h ^= (rotl((dv.getBigUint64(p, true) * P2) & M, 31n) * P1) & M;
    h = (rotl(h, 27n) * P1 + P4) & M;
    p += 8;
  }
  if (p + 4 <= len) {
    h ^= (BigInt(dv.getUint32(p, true)) * P1) & M;
    h = (rotl(h, 23n) * P2 + P3) & M;
    p += 4;
  }
  while (p < len) {
    h ^= (BigInt(b[p]!) * P5) & M;
    h = (rotl(h, 11n) * P1) & M;
    p++;
  }
  return avalanche(h);
}

/** Reference hash of one JS value of `type` (as columnFromJs accepts it). */
function refHash(type: DataType, v: unknown): bigint {
  if (v === null) return NULL_HASH;
  switch (type.kind) {
    case 'boolean':
      return hashU64(v ? 1n : 0n);
    case 'int8':
    case 'int16':
    case 'int32':
      return hashU64(BigInt(v as number));
    case 'int64':
      return hashU64(v as bigint);
    case 'decimal':
      return hashU64(parseDecimal(v as string, type.scale));
    case 'timestamp':
      return hashU64(v as bigint);
    case 'date32':
      return hashU64(BigInt(parseDate(v as string)));
    case 'float32':
      return hashF64(Math.fround(v as number));
    case 'float64':
      return hashF64(v as number);
    case 'utf8':
      return hashBytes(new TextEncoder().encode(v as string));
    default:
      return NULL_HASH;
  }
}

// ---- data ------------------------------------------------------------------------------------------
const PIECES = ['a', 'é', '日本', '😀', 'xyz', ' ', 'Ω', 'long-ish piece of text '];
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
    case 'decimal':
      return `${int(30)}.${String(Math.floor(rnd() * 100)).padStart(2, '0')}`;
    case 'timestamp':
      return BigInt(int(52));
    case 'date32':
      return new Date(int(24) * 86_400_000).toISOString().slice(0, 10);
    case 'float32':
    case 'float64': {
      const r = rnd();
      if (r < 0.05) return Number.NaN;
      if (r < 0.1) return -0;
      if (r < 0.15) return 0;
      return (rnd() - 0.5) * 1e6;
    }
    case 'utf8': {
      const parts = Math.floor(rnd() * 8);
      let s = '';
      for (let i = 0; i < parts; i++) s += PIECES[Math.floor(rnd() * PIECES.length)];
      return s;
    }
    default:
      return null;
  }
}

const TYPES: DataType[] = [
  DataTypes.Boolean,
  DataTypes.Byte,
  DataTypes.Short,
  DataTypes.Integer,
  DataTypes.Long,
  DataTypes.Float,
  DataTypes.Double,
  DataTypes.decimal(15, 2),
  DataTypes.String,
  DataTypes.Date,
  DataTypes.Timestamp,
];
const LENGTHS = [0, 1, 3, 4, 7, 15, 16, 17, 1000];

const mem = () => runtime().memory;
const readHashes = (buf: WasmBuffer, n: number): bigint[] => [...new BigUint64Array(mem().memory.buffer, buf.ptr, n)];

function hashOf(cols: Column[], n: number): bigint[] {
  const buf = hashColumns(cols, n);
  try {
    return readHashes(buf, n);
  } finally {
    buf.release();
  }
}

expectNoLeaksPerTest();

describe('hashColumns', () => {
  for (const type of TYPES) {
    it(`${type.kind}: matches the reference (with and without nulls, all lengths)`, () => {
      const rnd = mulberry32(42);
      for (const n of LENGTHS) {
        for (const nullFrac of [0, 0.3]) {
          const values = Array.from({ length: n }, () => (rnd() < nullFrac ? null : randomValue(type, rnd)));
          const col = columnFromJs(type, values);
          try {
            expect(hashOf([col], n)).toEqual(values.map((v) => refHash(type, v)));
          } finally {
            col.release();
          }
        }
      }
    });
  }

  it('combines columns left to right with hash_combine, including nulls', () => {
    const rnd = mulberry32(7);
    for (const n of LENGTHS) {
      for (const [ta, tb] of [
        [DataTypes.Integer, DataTypes.String],
        [DataTypes.Double, DataTypes.Long],
        [DataTypes.Boolean, DataTypes.Short],
        [DataTypes.String, DataTypes.Float],
      ] as const) {
        const a = Array.from({ length: n }, () => (rnd() < 0.2 ? null : randomValue(ta, rnd)));
        const b = Array.from({ length: n }, () => (rnd() < 0.2 ? null : randomValue(tb, rnd)));
        const ca = columnFromJs(ta, a);
        const cb = columnFromJs(tb, b);
        try {
          const want = a.map((v, i) => hashCombine(refHash(ta, v), refHash(tb, b[i])));
          expect(hashOf([ca, cb], n)).toEqual(want);
        } finally {
          ca.release();
          cb.release();
        }
      }
    }
  });

  it('is order sensitive when combining', () => {
    const a = columnFromJs(DataTypes.Integer, Array.from({ length: 100 }, (_, i) => i));
    const b = columnFromJs(DataTypes.Integer, Array.from({ length: 100 }, (_, i) => 1000 - i));
    try {
      const ab = hashOf([a, b], 100);
      const ba = hashOf([b, a], 100);
      expect(ab.filter((h, i) => h === ba[i]).length).toBe(0);
      // and (x, y) differs from (y, x) within one column order
      expect(new Set(ab).size).toBe(100);
    } finally {
      a.release();
      b.release();
    }
  });

  it('hashes equal integer values equally across widths, decimal, date and timestamp', () => {
    const ints = [0, 1, -1, 127, -128, 42, -7, 100, 5, 6, 9, 11, 13, 17, 19, -100, 3];
    const n = ints.length;
    const cols = [
      columnFromJs(DataTypes.Byte, ints),
      columnFromJs(DataTypes.Short, ints),
      columnFromJs(DataTypes.Integer, ints),
      columnFromJs(DataTypes.Long, ints.map(BigInt)),
      columnFromJs(DataTypes.decimal(10, 0), ints.map(String)),
      columnFromJs(DataTypes.Timestamp, ints.map(BigInt)),
      columnFromJs(DataTypes.Date, ints.map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10))),
    ];
    try {
      const want = ints.map((v) => hashU64(BigInt(v)));
      for (const c of cols) expect(hashOf([c], n)).toEqual(want);
      // wide int64 values do not collide with their truncations
      const big = columnFromJs(DataTypes.Long, ints.map((v) => BigInt(v) + (1n << 40n)));
      try {
        expect(hashOf([big], n).some((h, i) => h === want[i])).toBe(false);
      } finally {
        big.release();
      }
    } finally {
      for (const c of cols) c.release();
    }
  });

  it('hashes every NaN alike and -0.0 like 0.0, float32 like its float64 widening', () => {
    const bits = [0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff0000000000001n, 0x7ff4000000000abcn, 0x8000000000000000n, 0n];
    const rows = 17; // exercise both the SIMD body and the scalar tail
    const f64 = new BigUint64Array(rows).map((_, i) => bits[i % bits.length]!);
    const col = new Column(DataTypes.Double, rows, WasmBuffer.fromBytes(mem(), f64), null, null, 0);
    const f32bits = new Uint32Array(rows).map((_, i) => [0x7fc00000, 0xffc00000, 0x7f800001, 0x7fa00abc, 0x80000000, 0][i % 6]!);
    const col32 = new Column(DataTypes.Float, rows, WasmBuffer.fromBytes(mem(), f32bits), null, null, 0);
    try {
      const h = hashOf([col], rows);
      const nan = hashF64(Number.NaN);
      const zero = hashF64(0);
      expect(h).toEqual([...f64].map((_, i) => (i % 6 < 4 ? nan : zero)));
      expect(nan).not.toBe(zero);
      expect(hashOf([col32], rows)).toEqual(h);
    } finally {
      col.release();
      col32.release();
    }
    const vals = [1.5, -2.25, 0.1, 3e38, -0, Number.NaN, 1e-3, 7, 8, 9, 10];
    const a = columnFromJs(DataTypes.Float, vals);
    const b = columnFromJs(DataTypes.Double, vals.map(Math.fround));
    try {
      expect(hashOf([a], vals.length)).toEqual(hashOf([b], vals.length));
    } finally {
      a.release();
      b.release();
    }
  });

  it('hashes a null-type column and all-null columns to NULL_HASH', () => {
    const nulls = new Column(DataTypes.Null, 5, null, null, null, 5);
    const allNull = columnFromJs(DataTypes.Integer, [null, null, null, null, null]);
    try {
      expect(hashOf([nulls], 5)).toEqual(new Array(5).fill(NULL_HASH));
      expect(hashOf([allNull], 5)).toEqual(new Array(5).fill(NULL_HASH));
    } finally {
      allNull.release();
    }
  });

  it('gives all-zero hashes without key columns and rejects mismatched lengths', () => {
    expect(hashOf([], 3)).toEqual([0n, 0n, 0n]);
    const c = columnFromJs(DataTypes.Integer, [1, 2]);
    try {
      expect(() => hashColumns([c], 3)).toThrow(/key column 0 has 2 rows/);
    } finally {
      c.release();
    }
  });

  it('distinguishes strings by content and length (all-equal and high-cardinality keys)', () => {
    const same = columnFromJs(DataTypes.String, new Array(40).fill('日本語 text that is longer than thirty-two bytes'));
    const distinct = columnFromJs(DataTypes.String, Array.from({ length: 1000 }, (_, i) => `k${i}`));
    try {
      expect(new Set(hashOf([same], 40)).size).toBe(1);
      expect(new Set(hashOf([distinct], 1000)).size).toBe(1000);
    } finally {
      same.release();
      distinct.release();
    }
  });
});

describe('hash.wat', () => {
  const body = watFunctions('hash');
  for (const name of ['hash_i8', 'hash_i16', 'hash_i32', 'hash_i64', 'hash_f32', 'hash_f64', 'hash_bool']) {
    it(`${name} hashes on i64x2 lanes`, () => {
      const b = body(name);
      expect(b).toContain('i64x2.mul');
      expect(b).toContain('v128.store');
      expect(b).toContain('v128.bitselect'); // nulls folded in with a lane mask
    });
  }
});
