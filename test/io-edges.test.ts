/**
 * The I/O edges without per-row JavaScript: hive partition splitting (hash + verify + take) and the
 * Arrow import of dictionary-encoded and LargeUtf8 data (kernels in assembly/convert.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KindlingIOError } from '../src/errors.js';
import type { ExecContext } from '../src/exec/operator.js';
import { ParquetScanExec } from '../src/exec/parquet-scan-exec.js';
import { splitByPartition } from '../src/io/hive-partitions.js';
import { readParquetSchema } from '../src/io/parquet-reader.js';
import { writeParquet } from '../src/io/parquet-writer.js';
import { batchFromArrow, columnFromArrow } from '../src/types/arrow-interop.js';
import { Batch } from '../src/types/batch.js';
import { type DataType, DataTypes } from '../src/types/data-type.js';
import { Schema, field } from '../src/types/schema.js';
import { type CellValue, batchFromRows, batchToRows, columnToJs } from '../src/types/values.js';
import { runtime } from '../src/wasm/runtime.js';
import { mulberry32 } from './helpers/random.js';

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

let startBytes = 0;
beforeEach(() => {
  startBytes = runtime().memory.liveBytes;
});
afterEach(() => {
  expect(runtime().memory.liveBytes).toBe(startBytes);
});

// ------------------------------------------------------------------------------------------------
// splitByPartition against the previous JavaScript algorithm (group by a value key, first appearance)

type Slice = { values: CellValue[]; rows: Record<string, CellValue>[] };

/** The former per-row implementation of splitByPartition, as the oracle. */
function referenceSplit(rows: readonly Record<string, CellValue>[], keys: readonly string[], dataNames: readonly string[]): Slice[] {
  const groups = new Map<string, Slice>();
  for (const r of rows) {
    let key = '';
    for (const k of keys) {
      const v = r[k]!;
      key += v === null ? '\u0000N|' : `${typeof v}:${v instanceof Date ? v.getTime() : String(v)}|`;
    }
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { values: keys.map((k) => r[k]!), rows: [] }));
    g.rows.push(Object.fromEntries(dataNames.map((d) => [d, r[d]!])));
  }
  return [...groups.values()];
}

const STRINGS = ['', 'a', 'é', '日本', '😀x', 'Ω/=?', 'a somewhat longer partition value ü'];
const KEY_POOLS: Record<string, readonly unknown[]> = {
  int32: [null, 0, 1, -1, 7, 2_000_000_000],
  int64: [null, 0n, -5n, 1n << 40n],
  utf8: [null, ...STRINGS],
  float64: [null, 0, -0, Number.NaN, 1.5, -2.25],
  float32: [null, 0, -0, Number.NaN, 0.5],
  boolean: [null, true, false],
  int8: [null, -128, 0, 127],
  int16: [null, -300, 300],
  date32: [null, '2020-01-01', '1969-12-31'],
  decimal: [null, '1.50', '-0.25', '3.00'],
};
const KEY_TYPES: Record<string, DataType> = {
  int32: DataTypes.Integer,
  int64: DataTypes.Long,
  utf8: DataTypes.String,
  float64: DataTypes.Double,
  float32: DataTypes.Float,
  boolean: DataTypes.Boolean,
  int8: DataTypes.Byte,
  int16: DataTypes.Short,
  date32: DataTypes.Date,
  decimal: DataTypes.decimal(10, 2),
};

function splitCase(keyKinds: readonly string[], n: number, seed: number, hashBits: number | undefined, poolLimit = Infinity): void {
  const rnd = mulberry32(seed);
  const keyNames = keyKinds.map((k, i) => `k${i}_${k}`);
  // Data columns interleaved with the key columns: id, a string and a double.
  const fields = [field('id', DataTypes.Integer), ...keyNames.map((nm, i) => field(nm, KEY_TYPES[keyKinds[i]!]!)), field('s', DataTypes.String)];
  fields.splice(2, 0, field('x', DataTypes.Double));
  const schema = new Schema(fields);
  const rows = Array.from({ length: n }, (_, id) => {
    const r: Record<string, unknown> = { id, s: rnd() < 0.2 ? null : pick(rnd, STRINGS) + id, x: rnd() < 0.2 ? null : rnd() * 100 };
    keyNames.forEach((nm, i) => {
      const pool = KEY_POOLS[keyKinds[i]!]!;
      r[nm] = pool[Math.floor(rnd() * Math.min(pool.length, poolLimit))];
    });
    return r;
  });
  const batch = batchFromRows(schema, rows);
  const partitionIdx = keyNames.map((nm) => schema.indexOf(nm));
  const dataSchema = new Schema(schema.fields.filter((_, i) => !partitionIdx.includes(i)));
  try {
    const slices = splitByPartition(batch, partitionIdx, dataSchema, hashBits === undefined ? {} : { hashBits });
    const got = slices.map((s) => ({ values: s.values, rows: batchToRows(s.batch) }));
    try {
      if (slices.length === 1 && n > 0) {
        // Zero-copy pass-through: the very same data columns.
        dataSchema.names.forEach((nm, i) => expect(slices[0]!.batch.columns[i]).toBe(batch.column(schema.indexOf(nm))));
      }
    } finally {
      for (const s of slices) s.batch.release();
    }
    expect(got).toEqual(referenceSplit(batchToRows(batch), keyNames, dataSchema.names));
  } finally {
    batch.release();
  }
}

describe('splitByPartition', () => {
  const combos: string[][] = [
    ['int32'],
    ['utf8'],
    ['int32', 'utf8'],
    ['utf8', 'int64', 'float64'],
    ['boolean', 'int8', 'int16', 'date32'],
    ['float32', 'decimal', 'utf8'],
  ];
  for (const bits of [undefined, 1, 2, 5]) {
    it(`matches the reference, many partition values per batch (hashBits ${bits ?? 64})`, () => {
      let seed = 1;
      for (const combo of combos) for (const n of [1, 7, 17, 300]) splitCase(combo, n, seed++ * 7919 + (bits ?? 0), bits);
    });
  }

  it('passes a batch with one partition value through without copying', () => {
    for (const combo of combos) for (const n of [1, 15, 1000]) splitCase(combo, n, n, undefined, 1);
    for (const n of [16, 100]) splitCase(['utf8', 'int32'], n, n, 1, 1);
  });

  it('keeps distinct values apart when every hash collides', () => {
    // hashBits 1: at most two hash values for ~200 distinct key combinations.
    splitCase(['int32', 'utf8', 'int64'], 1000, 42, 1);
    splitCase(['float64', 'float32'], 500, 43, 1); // NaN = NaN and -0.0 = 0.0 through the verification
  });

  it('handles an empty batch and high-cardinality keys', () => {
    splitCase(['int32'], 0, 3, undefined);
    const schema = new Schema([field('k', DataTypes.Integer), field('v', DataTypes.String)]);
    const rows = Array.from({ length: 257 }, (_, i) => ({ k: (i * 37) % 257, v: `v${i}` }));
    const batch = batchFromRows(schema, rows);
    try {
      for (const bits of [64, 3]) {
        const slices = splitByPartition(batch, [0], new Schema([schema.fields[1]!]), { hashBits: bits });
        expect(slices.map((s) => s.values[0])).toEqual(rows.map((r) => r.k));
        expect(slices.map((s) => batchToRows(s.batch))).toEqual(rows.map((r) => [{ v: r.v }]));
        for (const s of slices) s.batch.release();
      }
    } finally {
      batch.release();
    }
  });
});

// ------------------------------------------------------------------------------------------------
// Partitioned Parquet writes read back

describe('partitioned writes', () => {
  let root: string;
  let counter = 0;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'kindling-io-edges-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const ctx: ExecContext = { runtime: runtime(), batchSize: 1024, operatorMemoryBudget: 1 << 30 };
  const schema = new Schema([
    field('year', DataTypes.Integer),
    field('id', DataTypes.Long),
    field('cat', DataTypes.String),
    field('s', DataTypes.String),
    field('q', DataTypes.Integer),
  ]);
  const CATS = [null, '', 'plain', 'é', '日本語', 'a/b=c', '😀'];

  async function roundTrip(batches: () => AsyncGenerator<Batch>, expected: Record<string, CellValue>[]): Promise<void> {
    const dir = join(root, `t${counter++}`);
    const summary = await writeParquet(batches(), schema, dir, { mode: 'error', partitionBy: ['year', 'cat', 'q'] });
    expect(summary.numRows).toBe(expected.length);
    const source = await readParquetSchema(dir);
    const scan = new ParquetScanExec(source, { columns: ['id', 's', 'year', 'cat', 'q'] });
    const back: Record<string, CellValue>[] = [];
    for await (const b of scan.execute(ctx)) {
      back.push(...batchToRows(b));
      b.release();
    }
    const byId = (a: Record<string, CellValue>, b: Record<string, CellValue>) => Number(a.id) - Number(b.id);
    // Spark writes '' as the default partition, so it reads back as null.
    const want = expected.map((r) => ({ id: r.id, s: r.s, year: r.year, cat: r.cat === '' ? null : r.cat, q: r.q }));
    expect(back.sort(byId)).toEqual(want.sort(byId));
  }

  function randomRows(n: number, seed: number): Record<string, CellValue>[] {
    const rnd = mulberry32(seed);
    return Array.from({ length: n }, (_, i) => ({
      year: rnd() < 0.1 ? null : 2020 + Math.floor(rnd() * 4),
      id: BigInt(i),
      cat: pick(rnd, CATS),
      s: rnd() < 0.1 ? null : `s${i}-${pick(rnd, CATS) ?? 'n'}`,
      q: rnd() < 0.1 ? null : Math.floor(rnd() * 3) - 1,
    }));
  }

  it('writes random data with many partition values per batch and reads it back', async () => {
    const rows = randomRows(600, 11);
    await roundTrip(async function* () {
      for (let i = 0; i < rows.length; i += 97) yield batchFromRows(schema, rows.slice(i, i + 97));
    }, rows);
  });

  it('writes batches that each hold one partition value and reads them back', async () => {
    const rows = randomRows(400, 12);
    const groups = new Map<string, Record<string, CellValue>[]>();
    for (const r of rows) {
      const key = JSON.stringify([r.year, r.cat, r.q]);
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    expect(groups.size).toBeGreaterThan(20);
    await roundTrip(async function* () {
      for (const g of groups.values()) for (let i = 0; i < g.length; i += 5) yield batchFromRows(schema, g.slice(i, i + 5));
    }, rows);
  });
});

// ------------------------------------------------------------------------------------------------
// Arrow import: dictionary-encoded data and LargeUtf8

const INDEX_TYPES: Array<[string, () => arrow.Int]> = [
  ['int8', () => new arrow.Int8()],
  ['int16', () => new arrow.Int16()],
  ['int32', () => new arrow.Int32()],
  ['int64', () => new arrow.Int64()],
  ['uint8', () => new arrow.Uint8()],
  ['uint16', () => new arrow.Uint16()],
  ['uint32', () => new arrow.Uint32()],
];

/** Dictionary-encoded Arrow data; null indices hold a garbage (out-of-range) index underneath. */
function dictData(indexType: arrow.Int, valueType: arrow.DataType, dictValues: readonly unknown[], idx: readonly (number | null)[]): arrow.Data {
  const dictionary = arrow.vectorFromArray(dictValues as unknown[], valueType);
  const n = idx.length;
  const data = new (indexType.ArrayType as unknown as new (n: number) => ArrayLike<number | bigint> & Record<number, number | bigint>)(n);
  const nullBitmap = new Uint8Array(Math.ceil(n / 8) + 1);
  let nullCount = 0;
  const big = indexType.bitWidth === 64;
  idx.forEach((v, i) => {
    const raw = v === null ? (indexType.isSigned ? -1 : 2 ** Math.min(indexType.bitWidth, 32) - 1) : v;
    data[i] = big ? BigInt(raw) : raw;
    if (v === null) nullCount++;
    else nullBitmap[i >> 3]! |= 1 << (i & 7);
  });
  return arrow.makeData({
    type: new arrow.Dictionary(valueType, indexType as arrow.Int32),
    length: n,
    nullCount,
    nullBitmap: nullCount > 0 ? nullBitmap : undefined,
    data: data as unknown as Int32Array,
    dictionary,
  } as unknown as Parameters<typeof arrow.makeData>[0]) as arrow.Data;
}

function expectedDecode(dictValues: readonly unknown[], idx: readonly (number | null)[]): unknown[] {
  return idx.map((i) => (i === null ? null : (dictValues[i] ?? null)));
}

function batchOf(vector: arrow.Vector): arrow.RecordBatch {
  return new arrow.Table({ d: vector }).batches[0]!;
}

describe('Arrow dictionary import', () => {
  const VALUES: Array<[arrow.DataType, unknown[]]> = [
    [new arrow.Utf8(), ['a', null, 'ü', '日本語', '', '😀 emoji', 'plain']],
    [new arrow.Int32(), [5, -7, null, 2_000_000_000, 0]],
    [new arrow.Float64(), [1.5, Number.NaN, null, -0, 3]],
    [new arrow.Bool(), [true, null, false]],
  ];

  it('decodes every index type, with null indices and null dictionary entries', () => {
    const rnd = mulberry32(5);
    for (const [name, makeIndex] of INDEX_TYPES) {
      for (const [valueType, dict] of VALUES) {
        for (const n of [0, 1, 3, 4, 7, 17, 1000]) {
          const idx = Array.from({ length: n }, () => (rnd() < 0.2 ? null : Math.floor(rnd() * dict.length)));
          const rb = batchOf(new arrow.Vector([dictData(makeIndex(), valueType, dict, idx)]));
          const batch = batchFromArrow(rb);
          try {
            expect(batch.schema.fields[0]!.type.kind, name).not.toBe('null');
            const got = columnToJs(batch.column(0));
            expect(got, `${name} -> ${String(valueType)}, n=${n}`).toEqual(expectedDecode(dict, idx));
            expect(batch.column(0).nullCount).toBe(got.filter((v) => v === null).length);
            if (batch.column(0).nullCount === 0) expect(batch.column(0).validity).toBeNull();
          } finally {
            batch.release();
          }
        }
      }
    }
  });

  it('decodes slices (bit offsets), chunked vectors and arrow-built dictionaries', () => {
    const rt = runtime();
    const dict = ['x', null, 'yé', '日'];
    const idx = Array.from({ length: 50 }, (_, i) => (i % 7 === 3 ? null : i % 4));
    const vec = new arrow.Vector([dictData(new arrow.Int16(), new arrow.Utf8(), dict, idx)]);
    const f = field('d', DataTypes.String);
    for (const [a, b] of [
      [3, 50],
      [5, 22],
      [9, 10],
    ] as const) {
      const col = columnFromArrow(rt, f, vec.slice(a, b));
      expect(columnToJs(col)).toEqual(expectedDecode(dict, idx.slice(a, b)));
      col.release();
    }
    const other = ['p', 'q'];
    const idx2 = [1, null, 0, 1];
    const chunked = new arrow.Vector([dictData(new arrow.Int8(), new arrow.Utf8(), dict, idx), dictData(new arrow.Int8(), new arrow.Utf8(), other, idx2)]);
    const col = columnFromArrow(rt, f, chunked);
    expect(columnToJs(col)).toEqual([...expectedDecode(dict, idx), ...expectedDecode(other, idx2)]);
    col.release();

    const strings = ['b', 'a', null, 'b', 'ü', 'a'];
    const built = arrow.vectorFromArray(strings, new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()));
    const batch = batchFromArrow(batchOf(built));
    expect(columnToJs(batch.column(0))).toEqual(strings);
    batch.release();
  });

  it('handles an empty dictionary with all-null indices and rejects out-of-range indices', () => {
    const rt = runtime();
    const f = field('d', DataTypes.Integer);
    const allNull = columnFromArrow(rt, f, new arrow.Vector([dictData(new arrow.Int32(), new arrow.Int32(), [], [null, null, null])]));
    expect(columnToJs(allNull)).toEqual([null, null, null]);
    allNull.release();
    for (const [name, makeIndex] of INDEX_TYPES) {
      for (const bad of [5, 200]) {
        const idx = [0, 1, null, 2, 1, 0, 1, bad, 0];
        const data = dictData(makeIndex(), new arrow.Int32(), [10, 20, 30], idx);
        expect(() => columnFromArrow(rt, f, new arrow.Vector([data])), name).toThrow(KindlingIOError);
        expect(() => columnFromArrow(rt, f, new arrow.Vector([data])), name).toThrow(/row 7 has a dictionary index outside/);
      }
    }
    // Negative signed indices.
    const neg = dictData(new arrow.Int8(), new arrow.Int32(), [10, 20], [0, 1, 0, 1, 0]);
    (neg.values as Int8Array)[4] = -3;
    expect(() => columnFromArrow(rt, f, new arrow.Vector([neg]))).toThrow(/row 4/);
  });
});

describe('Arrow LargeUtf8 import', () => {
  function largeUtf8(values: readonly (string | null)[], junk: number): arrow.Data {
    const enc = new TextEncoder();
    const parts = values.map((v) => enc.encode(v ?? ''));
    const total = junk + parts.reduce((s, p) => s + p.length, 0);
    const bytes = new Uint8Array(Math.max(1, total)).fill(0x41);
    const offsets = new BigInt64Array(values.length + 1);
    let at = junk;
    offsets[0] = BigInt(at);
    parts.forEach((p, i) => {
      bytes.set(p, at);
      at += p.length;
      offsets[i + 1] = BigInt(at);
    });
    const nullBitmap = new Uint8Array(Math.ceil(values.length / 8) + 1);
    let nullCount = 0;
    values.forEach((v, i) => {
      if (v === null) nullCount++;
      else nullBitmap[i >> 3]! |= 1 << (i & 7);
    });
    return arrow.makeData({ type: new arrow.LargeUtf8(), length: values.length, nullCount, nullBitmap, valueOffsets: offsets, data: bytes });
  }

  it('narrows int64 offsets (rebased to the first) for every length', () => {
    const rnd = mulberry32(9);
    for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 17, 1000]) {
      const values = Array.from({ length: n }, (_, i) => (rnd() < 0.15 ? null : `${pick(rnd, STRINGS)}${i}`));
      for (const junk of [0, 13]) {
        const batch = batchFromArrow(batchOf(new arrow.Vector([largeUtf8(values, junk)])));
        try {
          expect(batch.schema.fields[0]!.type).toEqual(DataTypes.String);
          expect(columnToJs(batch.column(0))).toEqual(values);
        } finally {
          batch.release();
        }
      }
      if (n >= 5) {
        const col = columnFromArrow(runtime(), field('s', DataTypes.String), new arrow.Vector([largeUtf8(values, 3)]).slice(2, n - 1));
        expect(columnToJs(col)).toEqual(values.slice(2, n - 1));
        const offsets = runtime().memory.i32(col.offsetsPtr, col.length + 1);
        expect(offsets[0]).toBe(0);
        col.release();
      }
    }
  });
});

describe('convert kernels', () => {
  it('compile to SIMD in their hot functions', () => {
    const wat = readFileSync(new URL('../build/convert.wat', import.meta.url), 'utf8');
    const body = (name: string) => {
      const start = wat.indexOf(`(func $assembly/convert/${name} `);
      expect(start, name).toBeGreaterThanOrEqual(0);
      const end = wat.indexOf('\n (func ', start + 1);
      return wat.slice(start, end < 0 ? undefined : end);
    };
    expect(body('dict_indices_to_i32')).toMatch(/i32x4\.lt_u|v128\.andnot/);
    expect(body('dict_indices_to_i32')).toMatch(/extend_low_i8x16_s|load16x4_s|v128\.load8x8_s/);
    expect(body('narrow_offsets_i64')).toMatch(/i64x2\.sub/);
    expect(body('and_validity')).toMatch(/v128\.and/);
    expect(body('group_commit')).toMatch(/i8x16\.bitmask/);
  });
});
