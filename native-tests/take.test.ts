import { describe, expect, it } from 'vitest';
import {
  concatBatches,
  filterBatch,
  selectionFromMask,
  sliceBatch,
  sliceColumn,
  takeBatch,
  takeColumn,
} from '../src/kernels/take.js';
import { Batch } from '../src/types/batch.js';
import { Column } from '../src/types/column.js';
import { type DataType, DataTypes } from '../src/types/data-type.js';
import { Schema, field } from '../src/types/schema.js';
import { columnFromJs, columnToJs } from '../src/types/values.js';
import { WasmBuffer } from '../src/wasm/memory.js';
import { runtime } from '../src/wasm/runtime.js';
import { expectNoLeaksPerTest, expectNullCountInvariant, mulberry32, watFunctions } from './support.js';

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
    case 'decimal':
      return `${int(30)}.${String(Math.floor(rnd() * 100)).padStart(2, '0')}`;
    case 'timestamp':
      return new Date(int(40));
    case 'date32':
      return new Date(int(24) * 86_400_000).toISOString().slice(0, 10);
    case 'float32':
      return rnd() < 0.1 ? Number.NaN : Math.fround((rnd() - 0.5) * 1e6);
    case 'float64':
      return rnd() < 0.1 ? Number.NaN : rnd() < 0.1 ? -0 : (rnd() - 0.5) * 1e6;
    case 'utf8': {
      let s = '';
      for (let i = Math.floor(rnd() * 6); i > 0; i--) s += PIECES[Math.floor(rnd() * PIECES.length)];
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
  DataTypes.decimal(12, 2),
  DataTypes.String,
  DataTypes.Date,
  DataTypes.Timestamp,
];
const LENGTHS = [0, 1, 7, 15, 16, 17, 1000];
const mem = () => runtime().memory;

function randomValues(type: DataType, n: number, nullFrac: number, rnd: () => number): unknown[] {
  return Array.from({ length: n }, () => (rnd() < nullFrac ? null : randomValue(type, rnd)));
}
/** columnToJs values compared with columnFromJs inputs (normalised through a round trip). */
const roundTrip = (type: DataType, values: unknown[]): unknown[] => {
  const c = columnFromJs(type, values);
  try {
    return columnToJs(c);
  } finally {
    c.release();
  }
};
function indexBuffer(indices: readonly number[]): WasmBuffer {
  return WasmBuffer.fromBytes(mem(), Int32Array.from(indices.length ? indices : [0]));
}

expectNoLeaksPerTest();

describe('takeColumn', () => {
  for (const type of TYPES) {
    it(`${type.kind}: gathers like the reference`, () => {
      const rnd = mulberry32(17);
      for (const n of LENGTHS) {
        for (const nullFrac of [0, 0.3, 1]) {
          const values = roundTrip(type, randomValues(type, n, nullFrac, rnd));
          const col = columnFromJs(type, values);
          try {
            for (const count of n === 0 ? [0] : [0, 1, 7, 15, 17, n, 2 * n]) {
              const idx = Array.from({ length: count }, () => Math.floor(rnd() * n));
              const buf = indexBuffer(idx);
              const out = takeColumn(col, buf, count);
              try {
                expect(out.length).toBe(count);
                expect(out.type).toBe(type);
                expect(columnToJs(out)).toEqual(idx.map((i) => values[i]));
                expectNullCountInvariant(out);
              } finally {
                out.release();
                buf.release();
              }
            }
          } finally {
            col.release();
          }
        }
      }
    });
  }

  it('drops validity when the gathered rows are all valid', () => {
    const col = columnFromJs(DataTypes.String, ['x', null, 'ü', null, '😀']);
    const buf = indexBuffer([4, 0, 2, 2]);
    const out = takeColumn(col, buf, 4);
    try {
      expect(out.nullCount).toBe(0);
      expect(out.validity).toBeNull();
      expect(columnToJs(out)).toEqual(['😀', 'x', 'ü', 'ü']);
    } finally {
      out.release();
      buf.release();
      col.release();
    }
  });

  it('rejects a count beyond the index buffer', () => {
    const col = columnFromJs(DataTypes.Integer, [1, 2, 3]);
    const buf = indexBuffer([0, 1]);
    try {
      expect(() => takeColumn(col, buf, 100)).toThrow(/100 indices/);
    } finally {
      buf.release();
      col.release();
    }
  });
});

describe('selectionFromMask', () => {
  /** Masks with runs (all-true / all-false 16-row blocks) and random stretches. */
  function randomMask(n: number, rnd: () => number): (boolean | null)[] {
    const out: (boolean | null)[] = [];
    while (out.length < n) {
      const mode = Math.floor(rnd() * 4);
      const run = 1 + Math.floor(rnd() * 40);
      for (let i = 0; i < run && out.length < n; i++) {
        out.push(mode === 0 ? true : mode === 1 ? false : mode === 2 ? rnd() < 0.5 : rnd() < 0.2 ? null : rnd() < 0.7);
      }
    }
    return out;
  }

  it('selects TRUE rows (null is false) for all lengths and patterns', () => {
    const rnd = mulberry32(23);
    for (const n of [...LENGTHS, 32, 33, 100, 4096]) {
      for (let rep = 0; rep < 5; rep++) {
        const mask = rep === 0 ? new Array<boolean>(n).fill(true) : rep === 1 ? new Array<boolean>(n).fill(false) : randomMask(n, rnd);
        const col = columnFromJs(DataTypes.Boolean, mask);
        const { indices, count } = selectionFromMask(col);
        try {
          const want = mask.flatMap((v, i) => (v === true ? [i] : []));
          expect(count).toBe(want.length);
          expect([...mem().i32(indices.ptr, count)]).toEqual(want);
        } finally {
          indices.release();
          col.release();
        }
      }
    }
  });

  it('treats any non-zero mask byte as true and honours validity over the value', () => {
    const n = 40;
    const maskBytes = Uint8Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : i % 3 === 1 ? 1 : 255));
    const validBytes = Uint8Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : 1));
    const validity = WasmBuffer.fromBytes(mem(), validBytes);
    const col = new Column(DataTypes.Boolean, n, WasmBuffer.fromBytes(mem(), maskBytes), validity, null, 8);
    const { indices, count } = selectionFromMask(col);
    try {
      const want = [...maskBytes.keys()].filter((i) => maskBytes[i] !== 0 && validBytes[i] !== 0);
      expect([...mem().i32(indices.ptr, count)]).toEqual(want);
    } finally {
      indices.release();
      col.release();
    }
  });

  it('rejects a non-boolean mask', () => {
    const col = columnFromJs(DataTypes.Integer, [1]);
    try {
      expect(() => selectionFromMask(col)).toThrow(/must be boolean, got int/);
    } finally {
      col.release();
    }
  });
});

const schema = new Schema([
  field('i', DataTypes.Integer),
  field('s', DataTypes.String),
  field('d', DataTypes.Double),
  field('b', DataTypes.Boolean),
  field('n', DataTypes.Null),
]);
function randomBatch(n: number, rnd: () => number): { batch: Batch; cols: unknown[][] } {
  const cols = schema.fields.map((f) => (f.type.kind === 'null' ? new Array(n).fill(null) : roundTrip(f.type, randomValues(f.type, n, 0.2, rnd))));
  const columns = schema.fields.map((f, i) => (f.type.kind === 'null' ? new Column(f.type, n, null, null, null, n) : columnFromJs(f.type, cols[i]!)));
  return { batch: new Batch(schema, columns, n), cols };
}
const batchValues = (b: Batch): unknown[][] => b.columns.map((c) => columnToJs(c));

describe('filterBatch / takeBatch', () => {
  it('filters like the reference and passes the batch through when every row passes', () => {
    const rnd = mulberry32(31);
    for (const n of LENGTHS) {
      const { batch, cols } = randomBatch(n, rnd);
      try {
        for (const kind of ['all', 'none', 'random', 'nulls'] as const) {
          const mask = Array.from({ length: n }, () =>
            kind === 'all' ? true : kind === 'none' ? false : kind === 'nulls' ? (rnd() < 0.5 ? null : true) : rnd() < 0.5,
          );
          const m = columnFromJs(DataTypes.Boolean, mask);
          const out = filterBatch(batch, m);
          try {
            const keep = mask.flatMap((v, i) => (v === true ? [i] : []));
            if (keep.length === n) expect(out).toBe(batch);
            expect(out.numRows).toBe(keep.length);
            expect(out.schema).toBe(schema);
            expect(batchValues(out)).toEqual(cols.map((c) => keep.map((i) => c[i])));
            for (const c of out.columns) expectNullCountInvariant(c);
          } finally {
            out.release();
            m.release();
          }
        }
      } finally {
        batch.release();
      }
    }
  });

  it('takeBatch gathers every column', () => {
    const rnd = mulberry32(37);
    const { batch, cols } = randomBatch(100, rnd);
    const idx = Array.from({ length: 250 }, () => Math.floor(rnd() * 100));
    const buf = indexBuffer(idx);
    const out = takeBatch(batch, buf, idx.length);
    try {
      expect(batchValues(out)).toEqual(cols.map((c) => idx.map((i) => c[i])));
    } finally {
      out.release();
      buf.release();
      batch.release();
    }
  });

  it('rejects a mask of the wrong length', () => {
    const { batch } = randomBatch(3, mulberry32(1));
    const m = columnFromJs(DataTypes.Boolean, [true]);
    try {
      expect(() => filterBatch(batch, m)).toThrow(/predicate has 1 rows/);
    } finally {
      m.release();
      batch.release();
    }
  });
});

describe('slice and concat', () => {
  it('sliceColumn copies any range of every type', () => {
    const rnd = mulberry32(41);
    for (const type of TYPES) {
      for (const n of [0, 1, 17, 100]) {
        const values = roundTrip(type, randomValues(type, n, 0.3, rnd));
        const col = columnFromJs(type, values);
        try {
          for (let rep = 0; rep < 6; rep++) {
            const offset = Math.floor(rnd() * (n + 1));
            const length = Math.floor(rnd() * (n - offset + 1));
            const out = sliceColumn(col, offset, length);
            try {
              expect(columnToJs(out)).toEqual(values.slice(offset, offset + length));
              expectNullCountInvariant(out);
            } finally {
              out.release();
            }
          }
        } finally {
          col.release();
        }
      }
    }
  });

  it('sliceBatch + concatBatches round-trip, full slice is zero-copy', () => {
    const rnd = mulberry32(43);
    const { batch, cols } = randomBatch(1000, rnd);
    const cuts = [0, 1, 8, 15, 17, 500, 999, 1000];
    const pieces = cuts.slice(1).map((end, i) => sliceBatch(batch, cuts[i]!, end - cuts[i]!));
    const whole = sliceBatch(batch, 0, 1000);
    const joined = concatBatches(schema, pieces);
    const none = concatBatches(schema, []);
    const lone = concatBatches(schema, [batch]);
    try {
      expect(whole).toBe(batch);
      expect(lone).toBe(batch);
      expect(pieces.map((p) => p.numRows)).toEqual([1, 7, 7, 2, 483, 499, 1]);
      expect(batchValues(pieces[4]!)).toEqual(cols.map((c) => c.slice(17, 500)));
      expect(joined.numRows).toBe(1000);
      expect(batchValues(joined)).toEqual(cols);
      for (const c of joined.columns) expectNullCountInvariant(c);
      expect(none.numRows).toBe(0);
      expect(batchValues(none)).toEqual(cols.map(() => []));
      expect(() => sliceBatch(batch, 990, 20)).toThrow(/outside a batch of 1000 rows/);
    } finally {
      for (const b of [...pieces, whole, joined, none, lone]) b.release();
      batch.release();
    }
  });
});

describe('take.wat', () => {
  const body = watFunctions('take');
  it('mask_to_selection scans 16 rows per i8x16.bitmask and stores all-true blocks as i32x4', () => {
    const b = body('mask_to_selection');
    expect(b).toContain('i8x16.bitmask');
    expect(b).toContain('v128.store');
  });
  it('take kernels load four indices per v128 and count nulls with SIMD', () => {
    for (const name of ['take_8', 'take_16', 'take_32', 'take_64']) expect(body(name)).toContain('i32x4.extract_lane');
    expect(body('count_zeros')).toContain('i8x16.bitmask');
    expect(body('slice_offsets')).toContain('i32x4.sub');
  });
});
