import { describe, expect, it } from 'vitest';
import { Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { sliceColumn, takeColumn, concatBatches } from '../src/kernels/take.js';
import { explodePlan, groupRows, listElementAt, listSizes, makeArray, repeatRow } from '../src/kernels/nested.js';
import { Batch } from '../src/types/batch.js';
import type { Column } from '../src/types/column.js';
import { type DataType, DataTypes, parseTypeName, typeToString } from '../src/types/data-type.js';
import { arrayType, mapType, structType } from '../src/types/nested-type.js';
import { Schema, field } from '../src/types/schema.js';
import { batchFromArrow, batchToArrow } from '../src/types/arrow-interop.js';
import { columnFromJs, columnToJs } from '../src/types/values.js';
import { WasmBuffer } from '../src/wasm/memory.js';
import { decodeNestedKey, encodeNestedKey } from '../src/kernels/nested-keys.js';
import { runtime } from '../src/wasm/runtime.js';
import { expectNoLeaksPerTest, mulberry32, watFunctions } from './support.js';

expectNoLeaksPerTest();

const PIECES = ['a', 'é', '日本', '😀', 'xyz', '', 'Ω'];
const INT_ARR = arrayType(DataTypes.Integer);
const STR_ARR_ARR = arrayType(arrayType(DataTypes.String));
const MAP_T = mapType(DataTypes.String, DataTypes.Long);
const STRUCT_T = structType([
  { name: 'a', type: DataTypes.Integer },
  { name: 'b', type: arrayType(DataTypes.String) },
  { name: 'c', type: DataTypes.decimal(10, 2) },
]);

/** A random JS value of a (possibly nested) type, with nulls at every level. */
function randomValue(type: DataType, rnd: () => number, nullRate = 0.15): unknown {
  if (rnd() < nullRate) return null;
  switch (type.kind) {
    case 'int32':
      return Math.floor(rnd() * 2000) - 1000;
    case 'int64':
      return BigInt(Math.floor(rnd() * 1e6)) - 500000n;
    case 'utf8':
      return Array.from({ length: Math.floor(rnd() * 3) }, () => PIECES[Math.floor(rnd() * PIECES.length)]).join('');
    case 'decimal':
      return (Math.floor(rnd() * 100000) / 100).toFixed(2);
    case 'array':
      return Array.from({ length: Math.floor(rnd() * 5) }, () => randomValue(type.element, rnd));
    case 'map': {
      const m = new Map<unknown, unknown>();
      const k = Math.floor(rnd() * 4);
      for (let i = 0; i < k; i++) m.set(`k${i}${PIECES[i % PIECES.length]}`, randomValue(type.value, rnd));
      return m;
    }
    case 'struct': {
      const o: Record<string, unknown> = {};
      for (const f of type.fields) o[f.name] = randomValue(f.type, rnd);
      return o;
    }
    default:
      throw new Error(`no generator for ${type.kind}`);
  }
}

const TYPES: DataType[] = [INT_ARR, STR_ARR_ARR, MAP_T, STRUCT_T, arrayType(STRUCT_T)];

function withColumn<T>(type: DataType, values: unknown[], f: (c: Column) => T): T {
  const c = columnFromJs(type, values);
  try {
    return f(c);
  } finally {
    c.release();
  }
}

function indexBuffer(idx: number[]): WasmBuffer {
  const b = WasmBuffer.allocate(runtime().memory, Math.max(1, idx.length) * 4);
  runtime().memory.i32(b.ptr, idx.length).set(idx);
  return b;
}

describe('nested types', () => {
  it('type strings round-trip through parseTypeName', () => {
    for (const s of ['array<int>', 'map<string,int>', 'struct<a:int,b:string>', 'array<struct<x:decimal(10,2),y:double>>', 'map<int,array<map<string,bigint>>>']) {
      expect(typeToString(parseTypeName(s))).toBe(s);
    }
    expect(typeToString(parseTypeName('STRUCT<a: INT, `b c` STRING>'))).toBe('struct<a:int,b c:string>');
  });

  for (const type of TYPES) {
    const name = typeToString(type);
    it(`${name}: JS values round-trip, including empty input and one row`, () => {
      for (const n of [0, 1, 7, 17, 200]) {
        const rnd = mulberry32(n + 1);
        const values = Array.from({ length: n }, () => randomValue(type, rnd));
        expect(withColumn(type, values, columnToJs)).toEqual(values);
      }
    });

    it(`${name}: take, slice and concat recurse into children`, () => {
      const rnd = mulberry32(42);
      const values = Array.from({ length: 300 }, () => randomValue(type, rnd));
      withColumn(type, values, (c) => {
        for (const count of [0, 1, 5, 17, 300]) {
          const idx = Array.from({ length: count }, () => Math.floor(rnd() * values.length));
          const buf = indexBuffer(idx);
          const t = takeColumn(c, buf, count);
          buf.release();
          expect(columnToJs(t)).toEqual(idx.map((i) => values[i]));
          // a gather of a gather (offsets rebased, children compact)
          const s = sliceColumn(t, Math.floor(count / 3), count - Math.floor(count / 3));
          expect(columnToJs(s)).toEqual(idx.slice(Math.floor(count / 3)).map((i) => values[i]));
          t.release();
          s.release();
        }
        const schema = new Schema([field('x', type)]);
        const parts = [0, 10, 0, 150, 140].reduce<{ at: number; batches: Batch[] }>(
          (acc, len) => {
            acc.batches.push(new Batch(schema, [sliceColumn(c, acc.at, len)], len));
            acc.at += len;
            return acc;
          },
          { at: 0, batches: [] },
        ).batches;
        const all = concatBatches(schema, parts);
        expect(columnToJs(all.column(0))).toEqual(values);
        // Arrow and Arrow IPC round trip
        const back = batchFromArrow(tableFromIPC(tableToIPC(new Table(batchToArrow(all)))).batches[0]!);
        expect(back.schema.fields[0]!.type).toEqual(type);
        expect(columnToJs(back.column(0))).toEqual(values);
        back.release();
        all.release();
        for (const p of parts) p.release();
      });
    });
  }

  it('size, element_at, explode plan and repeat against references', () => {
    const rnd = mulberry32(7);
    for (const n of [0, 1, 7, 15, 17, 1000]) {
      const values = Array.from({ length: n }, () => randomValue(INT_ARR, rnd, 0.2)) as (number | null)[][];
      withColumn(INT_ARR, values, (c) => {
        const sizes = listSizes(c, -1);
        expect(columnToJs(sizes)).toEqual(values.map((v) => (v === null ? -1 : v.length)));
        sizes.release();
        const idx = values.map(() => Math.floor(rnd() * 9) - 4);
        const ic = columnFromJs(DataTypes.Integer, idx);
        const el = listElementAt(c, ic, true);
        const ref = (v: (number | null)[] | null, i: number) => (v === null || i === 0 ? null : i > 0 ? (v[i - 1] ?? null) : (v[v.length + i] ?? null));
        expect(columnToJs(el)).toEqual(values.map((v, r) => ref(v, idx[r]!)));
        el.release();
        const el0 = listElementAt(c, ic, false);
        expect(columnToJs(el0)).toEqual(values.map((v, r) => (v === null || idx[r]! < 0 ? null : (v[idx[r]!] ?? null))));
        el0.release();
        ic.release();
        for (const outer of [false, true]) {
          const plan = explodePlan(c, outer);
          const mem = runtime().memory;
          const rows = Array.from(mem.i32(plan.rows.ptr, plan.count));
          const pos = Array.from(mem.i32(plan.pos.ptr, plan.count));
          const valid = Array.from(mem.u8(plan.valid.ptr, plan.count));
          plan.release();
          const refRows: number[] = [];
          const refPos: number[] = [];
          const refValid: number[] = [];
          values.forEach((v, r) => {
            if (v === null || v.length === 0) {
              if (outer) (refRows.push(r), refPos.push(0), refValid.push(0));
            } else v.forEach((_, j) => (refRows.push(r), refPos.push(j), refValid.push(1)));
          });
          expect(rows).toEqual(refRows);
          expect(pos).toEqual(refPos);
          expect(valid).toEqual(refValid);
        }
        if (n > 0) {
          const one = sliceColumn(c, 0, 1);
          const rep = repeatRow(one, 33);
          expect(columnToJs(rep)).toEqual(Array.from({ length: 33 }, () => values[0]));
          rep.release();
          one.release();
        }
      });
    }
  });

  it('groupRows is a stable counting sort by group id; makeArray interleaves', () => {
    const rnd = mulberry32(3);
    const n = 1000;
    const groups = 37;
    const gids = Array.from({ length: n }, () => Math.floor(rnd() * groups));
    const keep = Array.from({ length: n }, () => (rnd() < 0.8 ? 1 : 0));
    const gbuf = indexBuffer(gids);
    const vbuf = WasmBuffer.allocate(runtime().memory, n);
    runtime().memory.u8(vbuf.ptr, n).set(keep);
    const { offsets, rows, count } = groupRows(gbuf.ptr, vbuf.ptr, n, groups);
    const off = Array.from(runtime().memory.i32(offsets.ptr, groups + 1));
    const got = Array.from(runtime().memory.i32(rows.ptr, count));
    const ref: number[] = [];
    const refOff = [0];
    for (let g = 0; g < groups; g++) {
      for (let i = 0; i < n; i++) if (gids[i] === g && keep[i]) ref.push(i);
      refOff.push(ref.length);
    }
    expect(got).toEqual(ref);
    expect(off).toEqual(refOff);
    for (const b of [gbuf, vbuf, offsets, rows]) b.release();
    const a = columnFromJs(DataTypes.Integer, [1, null, 3]);
    const b = columnFromJs(DataTypes.Integer, [4, 5, null]);
    const arr = makeArray(INT_ARR, [a, b], 3);
    expect(columnToJs(arr)).toEqual([[1, 4], [null, 5], [3, null]]);
    for (const x of [a, b, arr]) x.release();
  });

  it('key encoding: byte order is Spark order (floats: NaN greatest, -0.0 = 0.0), decoding round-trips', () => {
    const t = arrayType(structType([{ name: 'x', type: DataTypes.Double }, { name: 's', type: DataTypes.String }]));
    const vals = [null, [], [null], [{ x: -0, s: 'a' }], [{ x: 0, s: 'a' }], [{ x: NaN, s: '' }], [{ x: 1, s: 'a\u0000b' }], [{ x: 1, s: 'a' }, null], [{ x: -Infinity, s: '😀' }], [{ x: 1, s: 'é' }]];
    withColumn(t, vals, (c) => {
      const enc = encodeNestedKey(c);
      const bytes = columnToJs(enc);
      const mem = runtime().memory;
      const off = Array.from(mem.i32(enc.offsetsPtr, vals.length + 1));
      const raw = (i: number) => Buffer.from(mem.u8(enc.valuesPtr + off[i]!, off[i + 1]! - off[i]!));
      expect(bytes[0]).toBeNull();
      // -0.0 and 0.0 encode equally
      expect(raw(3).equals(raw(4))).toBe(true);
      const order = (a: number, b: number) => Buffer.compare(raw(a), raw(b));
      expect(order(1, 2)).toBeLessThan(0); // [] < [null]
      expect(order(2, 3)).toBeLessThan(0); // null element first
      expect(order(8, 3)).toBeLessThan(0); // -Infinity < 0
      expect(order(4, 5)).toBeLessThan(0); // 0 < NaN
      expect(order(9, 5)).toBeLessThan(0); // 1 < NaN
      expect(order(7, 6)).toBeLessThan(0); // [{1,'a'}, null] < [{1,'a\0b'}]: 'a' < 'a\0b'
      const dec = decodeNestedKey(t, enc);
      expect(columnToJs(dec)).toEqual(vals.map((v, i) => (i === 3 ? [{ x: 0, s: 'a' }] : v)));
      dec.release();
      enc.release();
    });
  });

  it('hot loops compile to SIMD', () => {
    const fns = watFunctions('nested');
    for (const f of ['expand_ranges', 'list_sizes', 'explode_plan', 'fill_i32']) expect(fns(f)).toMatch(/i32x4|v128/);
  });
});
