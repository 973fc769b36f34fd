import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { AnalysisError, KindlingIOError } from '../src/errors.js';
import { DataTypes, type DataType } from '../src/types/data-type.js';
import { Schema, field } from '../src/types/schema.js';
import type { Batch } from '../src/types/batch.js';
import { type CellValue, batchFromRows, batchToRows, formatDate, formatDecimal } from '../src/types/values.js';
import { runtime } from '../src/wasm/runtime.js';
import type { ExecContext } from '../src/exec/operator.js';
import { ParquetScanExec } from '../src/exec/parquet-scan-exec.js';
import { ParquetFileReader, readParquetSchema } from '../src/io/parquet-reader.js';
import { writeParquet, type ParquetCompression, type WriteParquetOptions } from '../src/io/parquet-writer.js';
import { type ScanPredicate, canSkipRowGroup } from '../src/io/scan-predicate.js';
import { expandGlob, matchGlob, resolveInputFiles } from '../src/io/paths.js';
import { escapePathName, inferPartitionType, unescapePathName } from '../src/io/hive-partitions.js';
import { mulberry32 } from './helpers/random.js';

let root: string;
let duck: DuckDBConnection;
let dirCounter = 0;
const newDir = (name = 'd') => join(root, `${name}-${dirCounter++}`);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kindling-parquet-'));
  duck = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const ctx = (batchSize = 1024): ExecContext => ({ runtime: runtime(), batchSize, operatorMemoryBudget: 1 << 30 });

async function* batchesOf(schema: Schema, rows: readonly Record<string, unknown>[], chunk: number): AsyncGenerator<Batch> {
  for (let i = 0; i < rows.length; i += chunk) yield batchFromRows(schema, rows.slice(i, i + chunk));
}

async function scanAll(
  path: string | string[],
  options: { columns?: string[]; predicates?: ScanPredicate[]; batchSize?: number } = {},
): Promise<{ rows: Record<string, CellValue>[]; batchSizes: number[]; scan: ParquetScanExec }> {
  const source = await readParquetSchema(path);
  const scan = new ParquetScanExec(source, options);
  const rows: Record<string, CellValue>[] = [];
  const batchSizes: number[] = [];
  for await (const b of scan.execute(ctx(options.batchSize))) {
    expect(b.schema.names).toEqual(scan.schema.names);
    batchSizes.push(b.numRows);
    rows.push(...batchToRows(b));
    b.release();
  }
  return { rows, batchSizes, scan };
}

async function duckRows(sql: string): Promise<Record<string, unknown>[]> {
  return (await duck.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}

const write = (rows: Record<string, unknown>[], schema: Schema, path: string, options: Partial<WriteParquetOptions> = {}, chunk = 100) =>
  writeParquet(batchesOf(schema, rows, chunk), schema, path, { mode: 'error', ...options });

// ------------------------------------------------------------------------------------------------

const ALL = new Schema([
  field('id', DataTypes.Integer, false),
  field('i8', DataTypes.Byte),
  field('i16', DataTypes.Short),
  field('i32', DataTypes.Integer),
  field('i64', DataTypes.Long),
  field('f32', DataTypes.Float),
  field('f64', DataTypes.Double),
  field('dec', DataTypes.decimal(15, 2)),
  field('s', DataTypes.String),
  field('d', DataTypes.Date),
  field('ts', DataTypes.Timestamp),
  field('b', DataTypes.Boolean),
]);
const STRINGS = ['', 'a', 'héllo', '日本語テキスト', '😀 emoji', 'x'.repeat(40), 'Ω≈ç√'];

function allTypesRows(n: number, seed: number): Record<string, CellValue>[] {
  const r = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const maybe = <T,>(v: T): T | null => (r() < 0.15 ? null : v);
  const f64s = [NaN, Infinity, -Infinity, 0, 1.5, -2.25, 1e300];
  return Array.from({ length: n }, (_, id) => ({
    id,
    i8: maybe(int(-128, 127)),
    i16: maybe(int(-32768, 32767)),
    i32: maybe(int(-2147483648, 2147483647)),
    i64: maybe(BigInt(int(-1e9, 1e9)) * 1_000_000_007n),
    f32: maybe(int(-4000, 4000) / 4),
    f64: maybe(r() < 0.3 ? f64s[int(0, f64s.length - 1)]! : (r() - 0.5) * 1e6),
    dec: maybe(formatDecimal(BigInt(int(-1e9, 1e9)) * (r() < 0.2 ? 999_999n : 1n), 2)),
    s: maybe(`${STRINGS[int(0, STRINGS.length - 1)]}${id % 7}`),
    d: maybe(formatDate(int(-20000, 40000))),
    ts: maybe(new Date(int(-1e12, 4e12))),
    b: maybe(r() < 0.5),
  }));
}

describe('round trip of every type', () => {
  it('writes and reads back every type with nulls, agreeing with DuckDB', async () => {
    const rows = allTypesRows(700, 1);
    const dir = newDir('all');
    const summary = await write(rows, ALL, dir, { rowGroupSize: 128 }, 97);
    expect(summary.numRows).toBe(700);
    expect(summary.files).toHaveLength(1);
    expect(summary.files[0]).toMatch(/part-00000-[0-9a-f-]{36}\.snappy\.parquet$/);
    expect(existsSync(join(dir, '_SUCCESS'))).toBe(true);

    const source = await readParquetSchema(dir);
    expect(source.schema.toString()).toBe(ALL.toString());
    expect(source.schema.get('dec').type).toEqual({ kind: 'decimal', precision: 15, scale: 2 });
    expect(source.files[0]!.rowGroups).toHaveLength(6);
    expect(source.files[0]!.numRows).toBe(700);

    const live = runtime().memory.liveBytes;
    const { rows: back, batchSizes } = await scanAll(dir, { batchSize: 50 });
    expect(runtime().memory.liveBytes).toBe(live);
    expect(back).toEqual(rows);
    // Streamed row group by row group, each split into batches of at most the batch size.
    expect(batchSizes).toEqual([...Array(5).fill([50, 50, 28]).flat(), 50, 10]);

    const fromDuck = await duckRows(
      `SELECT id, i8, i16, i32, i64, f32, f64, dec::VARCHAR AS dec, s, d::VARCHAR AS d, epoch_us(ts) AS ts, b
       FROM read_parquet('${dir}/**/*.parquet') ORDER BY id`,
    );
    const expected = rows.map((row) => ({ ...row, ts: row.ts === null ? null : BigInt((row.ts as Date).getTime()) * 1000n }));
    expect(fromDuck).toEqual(expected);
    const types = await duckRows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${dir}/*.parquet'))`);
    expect(Object.fromEntries(types.map((t) => [t.column_name, t.column_type]))).toMatchObject({
      dec: 'DECIMAL(15,2)',
      d: 'DATE',
      s: 'VARCHAR',
      i8: 'TINYINT',
      ts: 'TIMESTAMP WITH TIME ZONE',
    });
  });

  it('reads files written by DuckDB (types, decimals, unsigned widening)', async () => {
    const file = join(newDir('duckw'), 'x.parquet');
    mkdirSync(join(file, '..'), { recursive: true });
    await duck.run(
      `COPY (SELECT (i % 100)::TINYINT a, i::BIGINT c, (i / 3)::DECIMAL(15,2) g, (i * 1.5)::DECIMAL(7,1) g2, 'é' || i h,
                    DATE '2020-01-01' + i::INT k, TIMESTAMP '2020-01-01' + INTERVAL (i) SECOND l, i % 2 = 0 m, (200 + i % 56)::UTINYINT u
             FROM range(5000) t(i)) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 1000)`,
    );
    const { schema, files } = await readParquetSchema(file);
    expect(schema.toString()).toBe('struct<a:tinyint,c:bigint,g:decimal(15,2),g2:decimal(7,1),h:string,k:date,l:timestamp,m:boolean,u:smallint>');
    expect(files[0]!.rowGroups.length).toBeGreaterThan(1);
    const { rows, scan } = await scanAll(file, { predicates: [{ column: 'c', op: '>=', value: 4990n }] });
    expect(scan.rowGroupsSkipped).toBeGreaterThan(0);
    const last = rows.find((r) => r.c === 4999n)!;
    expect(last).toEqual({
      a: 99,
      c: 4999n,
      g: '1666.33',
      g2: '7498.5',
      h: 'é4999',
      k: formatDate(Date.UTC(2020, 0, 1) / 86_400_000 + 4999),
      l: new Date(Date.UTC(2020, 0, 1) + 4999_000),
      m: false,
      u: 200 + (4999 % 56),
    });
  });

  it('writes with every codec, readable by Kindling and DuckDB', async () => {
    const schema = new Schema([field('k', DataTypes.Integer), field('s', DataTypes.String)]);
    const rows = Array.from({ length: 300 }, (_, i) => ({ k: i, s: `v${i % 13}` }));
    const exts: Record<ParquetCompression, string> = {
      snappy: '.snappy.parquet',
      zstd: '.zstd.parquet',
      gzip: '.gz.parquet',
      lz4: '.lz4.parquet',
      brotli: '.br.parquet',
      none: '-[0-9a-f]{12}.parquet',
      uncompressed: '-[0-9a-f]{12}.parquet',
    };
    for (const compression of Object.keys(exts) as ParquetCompression[]) {
      const dir = newDir(`codec-${compression}`);
      const s = await write(rows, schema, dir, { compression });
      expect(s.files[0]).toMatch(new RegExp(`${exts[compression]}$`));
      expect((await scanAll(dir)).rows).toEqual(rows);
      const [count] = await duckRows(`SELECT count(*)::INT n, sum(k)::INT t FROM read_parquet('${dir}/*.parquet')`);
      expect(count).toEqual({ n: 300, t: (299 * 300) / 2 });
    }
  });

  it('writes one empty file for empty input, and maxRecordsPerFile rolls files', async () => {
    const schema = new Schema([field('k', DataTypes.Integer), field('s', DataTypes.String)]);
    const empty = newDir('empty');
    const s = await write([], schema, empty);
    expect(s.files).toHaveLength(1);
    const { schema: back } = await readParquetSchema(empty);
    expect(back.toString()).toBe(schema.toString());
    expect((await scanAll(empty)).rows).toEqual([]);

    const rows = Array.from({ length: 250 }, (_, i) => ({ k: i, s: `${i}` }));
    const rolled = newDir('rolled');
    const r = await write(rows, schema, rolled, { maxRecordsPerFile: 60 }, 45);
    expect(r.files).toHaveLength(5);
    const source = await readParquetSchema(rolled);
    expect(source.files.map((f) => f.numRows)).toEqual([60, 60, 60, 60, 10]);
    expect((await scanAll(rolled)).rows).toEqual(rows);
  });
});

// ------------------------------------------------------------------------------------------------

describe('projection and pruning', () => {
  const schema = new Schema([field('id', DataTypes.Integer, false), field('payload', DataTypes.String), field('x', DataTypes.Double)]);
  const rows = Array.from({ length: 1000 }, (_, i) => ({ id: i, payload: `row-${i}-${'z'.repeat(i % 17)}`, x: i / 8 }));
  let dir: string;
  beforeAll(async () => {
    dir = newDir('sorted');
    await write(rows, schema, dir, { rowGroupSize: 100 }, 250);
  });

  it('returns the requested columns in the requested order', async () => {
    const { rows: back } = await scanAll(dir, { columns: ['x', 'id'] });
    expect(back).toEqual(rows.map((r) => ({ x: r.x, id: r.id })));
  });

  it('fetches and decodes only the requested columns (a corrupted other column is never touched)', async () => {
    const clean = (await readParquetSchema(dir)).files[0]!;
    const broken = join(newDir('corrupt-col'), 'data.parquet');
    mkdirSync(join(broken, '..'), { recursive: true });
    copyFileSync(clean.path, broken);
    const bytes = readFileSync(broken);
    for (const rg of clean.rowGroups) {
      const [start, end] = rg.chunkRanges.payload!;
      bytes.fill(0xff, start, end);
    }
    writeFileSync(broken, bytes);
    const { rows: ids, scan } = await scanAll(broken, { columns: ['id', 'x'] });
    expect(ids).toEqual(rows.map((r) => ({ id: r.id, x: r.x })));
    // The byte ranges fetched never overlap a payload chunk.
    const reader = await ParquetFileReader.open(broken);
    try {
      for await (const b of reader.readRowGroup(3, [field('id', DataTypes.Integer, false)], 1000)) b.release();
      const payload = clean.rowGroups.map((rg) => rg.chunkRanges.payload!);
      const overlaps = reader.fetchedRanges.filter(([a, b]) => payload.some(([s, e]) => a < e && s < b));
      expect(overlaps).toEqual([]);
      expect(reader.bytesFetched).toBeLessThan(clean.byteSize / 4);
    } finally {
      reader.close();
    }
    expect(scan.bytesRead).toBeLessThan(clean.byteSize);
  });

  it('skips row groups by statistics and counts them', async () => {
    const cases: Array<[ScanPredicate[], number, number]> = [
      [[{ column: 'id', op: '>=', value: 950 }], 1, 50],
      [[{ column: 'id', op: '=', value: 123 }], 1, 1],
      [[{ column: 'id', op: 'in', values: [5, 905, null] }], 2, 2],
      [[{ column: 'id', op: '<', value: 0 }], 0, 0],
      [[{ column: 'id', op: 'isNull' }], 0, 0],
      [[{ column: 'x', op: '<=', value: 20.5 }, { column: 'id', op: '!=', value: 3 }], 2, 164],
      [[{ column: 'payload', op: '>=', value: 'row-999' }], 1, 1],
    ];
    for (const [predicates, groups, matching] of cases) {
      const { rows: back, scan } = await scanAll(dir, { predicates, columns: ['id', 'x', 'payload'] });
      expect(scan.rowGroupsRead).toBe(groups);
      expect(scan.rowGroupsSkipped).toBe(10 - groups);
      expect(back.filter((r) => predicates.every((p) => evalPredicate(r, p, schema.get(p.column).type))).length).toBe(matching);
      expect(scan.describe()).toContain(`rowGroups read=${groups} skipped=${10 - groups}`);
    }
  });

  it('never drops a matching row (property test against the unfiltered read)', async () => {
    const pschema = new Schema([
      field('k', DataTypes.Integer),
      field('g', DataTypes.Long),
      field('x', DataTypes.Double),
      field('s', DataTypes.String),
      field('dt', DataTypes.Date),
      field('dec', DataTypes.decimal(9, 2)),
    ]);
    const r = mulberry32(7);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
    const prows = Array.from({ length: 240 }, (_, i) => ({
      k: r() < 0.1 ? null : Math.floor(i / 3) + (r() < 0.1 ? 50 : 0),
      g: r() < 0.1 ? null : BigInt(i * 1000 - 5000),
      x: r() < 0.1 ? null : r() < 0.1 ? NaN : Math.floor(i / 4) - 10.5,
      s: r() < 0.1 ? null : pick(['a', 'b', 'é', '\uFF61', '😀', 'zz']) + String(Math.floor(i / 40)),
      dt: r() < 0.1 ? null : formatDate(18000 + Math.floor(i / 2)),
      dec: r() < 0.1 ? null : formatDecimal(BigInt(i * 37 - 2000), 2),
    }));
    const pdir = newDir('prop');
    await write(prows, pschema, pdir, { rowGroupSize: 16 }, 50);
    const { rows: all } = await scanAll(pdir);
    expect(all).toEqual(prows);
    const ops = ['=', '!=', '<', '<=', '>', '>='] as const;
    const valueFor: Record<string, fc.Arbitrary<CellValue>> = {
      k: fc.oneof(fc.integer({ min: -5, max: 140 }), fc.constant(10.5), fc.constant(null)),
      g: fc.oneof(fc.bigInt({ min: -10000n, max: 250000n }), fc.constant(null)),
      x: fc.oneof(fc.double({ min: -20, max: 60, noNaN: true }), fc.constant(NaN), fc.constant(4.5)),
      s: fc.oneof(fc.constantFrom('a', 'a1', 'b3', 'é2', '\uFF61', '😀', '😀5', 'zz5', 'zzz', '')),
      dt: fc.integer({ min: 17990, max: 18130 }).map(formatDate),
      dec: fc.oneof(fc.integer({ min: -2500, max: 7000 }).map((v) => formatDecimal(BigInt(v), 2)), fc.constant('12.345')),
    };
    const predicate: fc.Arbitrary<ScanPredicate> = fc.constantFrom(...pschema.names).chain((column) =>
      fc.oneof(
        fc.record({ column: fc.constant(column), op: fc.constantFrom(...ops), value: valueFor[column]! }),
        fc.record({ column: fc.constant(column), op: fc.constantFrom('isNull' as const, 'isNotNull' as const) }),
        fc.record({ column: fc.constant(column), op: fc.constant('in' as const), values: fc.array(valueFor[column]!, { maxLength: 3 }) }),
      ),
    );
    let skippedSome = false;
    await fc.assert(
      fc.asyncProperty(fc.array(predicate, { minLength: 1, maxLength: 2 }), async (predicates) => {
        const { rows: pruned, scan } = await scanAll(pdir, { predicates });
        if (scan.rowGroupsSkipped > 0) skippedSome = true;
        const match = (row: Record<string, CellValue>) => predicates.every((p) => evalPredicate(row, p, pschema.get(p.column).type));
        expect(pruned.filter(match)).toEqual(all.filter(match));
      }),
      {
        numRuns: 120,
        seed: 42,
        // Edge cases first: NaN rows above the max bound, UTF-8 vs UTF-16 order, exact decimals.
        examples: [
          [[{ column: 'x', op: '>', value: 45 }]],
          [[{ column: 'x', op: '>=', value: 30.5 }]],
          [[{ column: 'x', op: '!=', value: 4.5 }]],
          [[{ column: 's', op: '>', value: '\uFF61' }]],
          [[{ column: 's', op: '<', value: '😀' }]],
          [[{ column: 'dec', op: '>', value: '12.345' }]],
          [[{ column: 'k', op: 'in', values: [10.5, 3, null] }]],
        ],
      },
    );
    expect(skippedSome).toBe(true);
  });

  it('canSkipRowGroup is conservative at the edges', () => {
    const int = { type: DataTypes.Integer, min: 10, max: 20, nullCount: 0 };
    const st = (c: object, numRows = 10) => ({ numRows, columns: { c: c as never } });
    expect(canSkipRowGroup(st(int), [{ column: 'c', op: '=', value: 9 }])).toBe(true);
    expect(canSkipRowGroup(st(int), [{ column: 'C', op: '=', value: 10 }])).toBe(false);
    expect(canSkipRowGroup(st(int), [{ column: 'c', op: '>', value: 19.5 }])).toBe(false);
    expect(canSkipRowGroup(st(int), [{ column: 'c', op: '>', value: 20 }])).toBe(true);
    expect(canSkipRowGroup(st(int), [{ column: 'c', op: '=', value: 'abc' }])).toBe(false);
    expect(canSkipRowGroup(st(int), [{ column: 'c', op: '=', value: null }])).toBe(true);
    expect(canSkipRowGroup(st(int), [{ column: 'other', op: '=', value: 1 }])).toBe(false);
    expect(canSkipRowGroup(st({ type: DataTypes.Integer }), [{ column: 'c', op: '=', value: 1 }])).toBe(false);
    expect(canSkipRowGroup(st({ type: DataTypes.Integer, nullCount: 10 }), [{ column: 'c', op: '>', value: 1 }])).toBe(true);
    expect(canSkipRowGroup(st({ type: DataTypes.Integer, nullCount: 10 }), [{ column: 'c', op: 'isNull' }])).toBe(false);
    // Doubles: statistics exclude NaN, which is greater than everything and != everything.
    const dbl = { type: DataTypes.Double, min: 1, max: 2, nullCount: 0 };
    expect(canSkipRowGroup(st(dbl), [{ column: 'c', op: '>', value: 5 }])).toBe(false);
    expect(canSkipRowGroup(st(dbl), [{ column: 'c', op: '<', value: 1 }])).toBe(true);
    expect(canSkipRowGroup(st(dbl), [{ column: 'c', op: '=', value: NaN }])).toBe(false);
    expect(canSkipRowGroup(st({ ...dbl, min: NaN }), [{ column: 'c', op: '<', value: 0 }])).toBe(false);
    // Decimals compare exactly at any scale; strings by UTF-8 bytes (U+FF61 < U+1F600 there, not in UTF-16).
    const dec = { type: DataTypes.decimal(15, 2), min: '1.00', max: '1.50', nullCount: 0 };
    expect(canSkipRowGroup(st(dec), [{ column: 'c', op: '>', value: '1.499' }])).toBe(false);
    expect(canSkipRowGroup(st(dec), [{ column: 'c', op: '>', value: '1.5' }])).toBe(true);
    const str = { type: DataTypes.String, min: '\uFF61', max: '\uFF61', nullCount: 0 };
    expect(canSkipRowGroup(st(str), [{ column: 'c', op: '>', value: '😀' }])).toBe(true);
    expect(canSkipRowGroup(st(str), [{ column: 'c', op: '<', value: '😀' }])).toBe(false);
    expect(canSkipRowGroup(st(int), [{ column: 'c', op: 'in', values: [] }])).toBe(true);
    expect(canSkipRowGroup(st(int), [{ column: 'c', op: 'in', values: [1, 15] }])).toBe(false);
  });
});

/** Spark semantics of one predicate on a row (reference for the property test). */
function evalPredicate(row: Record<string, CellValue>, p: ScanPredicate, type: DataType): boolean {
  const v = row[p.column]!;
  if (!('value' in p) && !('values' in p)) return p.op === 'isNull' ? v === null : v !== null;
  if (v === null) return false;
  if ('values' in p) return p.values.some((x) => x !== null && cmp(v, x, type) === 0);
  if (p.value === null) return false;
  const c = cmp(v, p.value, type);
  switch (p.op) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}

function cmp(a: CellValue, b: CellValue, type: DataType): number {
  if (type.kind === 'float64' || type.kind === 'float32') {
    const x = a as number;
    const y = b as number;
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y) ? 0 : Number.isNaN(x) ? 1 : -1;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (type.kind === 'utf8') return Buffer.compare(Buffer.from(a as string), Buffer.from(b as string));
  if (type.kind === 'decimal') {
    const scaled = (s: string) => {
      const [w, f = ''] = s.split('.');
      const neg = w!.startsWith('-');
      const v = BigInt(w!.replace('-', '') + f.padEnd(6, '0'));
      return neg ? -v : v;
    };
    const x = scaled(a as string);
    const y = scaled(b as string);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = a as number | bigint | string;
  const y = b as number | bigint | string;
  return x < y ? -1 : x > y ? 1 : 0;
}

// ------------------------------------------------------------------------------------------------

describe('input paths', () => {
  it('matches globs', () => {
    expect(matchGlob('data/*.parquet', 'data/a.parquet')).toBe(true);
    expect(matchGlob('data/*.parquet', 'data/x/a.parquet')).toBe(false);
    expect(matchGlob('data/**/*.parquet', 'data/a.parquet')).toBe(true);
    expect(matchGlob('data/**/*.parquet', 'data/k=1/j=2/a.parquet')).toBe(true);
    expect(matchGlob('data/**', 'data/k=1/a.txt')).toBe(true);
    expect(matchGlob('data/part-?.parquet', 'data/part-1.parquet')).toBe(true);
    expect(matchGlob('data/part-?.parquet', 'data/part-12.parquet')).toBe(false);
    expect(matchGlob('data/[ab].parquet', 'data/b.parquet')).toBe(true);
    expect(matchGlob('data/[!ab].parquet', 'data/b.parquet')).toBe(false);
    expect(matchGlob('data/{x,y}.parquet', 'data/y.parquet')).toBe(true);
    expect(matchGlob('data/{x,y}.parquet', 'data/z.parquet')).toBe(false);
    expect(matchGlob('data/a+b(1).parquet', 'data/a+b(1).parquet')).toBe(true);
  });

  it('reads a file, a list, a directory (skipping hidden files), and globs', async () => {
    const schema = new Schema([field('v', DataTypes.Integer)]);
    const base = newDir('inputs');
    await write([{ v: 1 }, { v: 2 }], schema, join(base, 'a'));
    await write([{ v: 3 }], schema, join(base, 'b'));
    await write([{ v: 4 }], schema, join(base, 'nested', 'c'));
    // Hidden entries that must be skipped in directory listings.
    await write([{ v: 99 }], schema, join(base, '_tmp'));
    await write([{ v: 98 }], schema, join(base, '.hidden'));
    writeFileSync(join(base, 'notes.txt'), 'not parquet');
    const fileOf = (d: string) => readdirSync(join(base, d)).find((f) => f.endsWith('.parquet'))!;
    const values = async (p: string | string[]) => (await scanAll(p)).rows.map((r) => r.v);

    expect(await values(join(base, 'a', fileOf('a')))).toEqual([1, 2]);
    expect(await values([join(base, 'b', fileOf('b')), join(base, 'a', fileOf('a'))])).toEqual([3, 1, 2]);
    expect(await values(base)).toEqual([1, 2, 3, 4]);
    expect(await values(join(base, '*', '*.parquet'))).toEqual([1, 2, 3]);
    expect(await values(join(base, '**', '*.parquet'))).toEqual([1, 2, 3, 4]);
    expect(await values(join(base, '{a,nested}'))).toEqual([1, 2, 4]);
    expect(await values(join(base, '_tmp'))).toEqual([99]); // named explicitly: read
    const resolved = await resolveInputFiles(base);
    expect(resolved.every((f) => !relative(base, f.path).split('/').some((s) => s.startsWith('_') || s.startsWith('.')))).toBe(true);
    expect((await expandGlob(join(base, '?'))).matches.map((m) => relative(base, m))).toEqual(['a', 'b']);
  });
});

// ------------------------------------------------------------------------------------------------

describe('hive partitions', () => {
  it('escapes and unescapes path names like Spark, and infers partition types', () => {
    expect(escapePathName('a/b=c%d:e')).toBe('a%2Fb%3Dc%25d%3Ae');
    expect(unescapePathName(escapePathName('x/y?z*#[]{}^\'"\\'))).toBe('x/y?z*#[]{}^\'"\\');
    expect(escapePathName('héllo wörld')).toBe('héllo wörld');
    expect(inferPartitionType(['1', '-2', null])).toEqual(DataTypes.Integer);
    expect(inferPartitionType(['1', '99999999999'])).toEqual(DataTypes.Long);
    expect(inferPartitionType(['1', '1.5'])).toEqual(DataTypes.String);
    expect(inferPartitionType([null])).toEqual(DataTypes.String);
  });

  it('writes partition directories and reads them back (Kindling and DuckDB), pruning files by partition', async () => {
    const schema = new Schema([field('year', DataTypes.Integer), field('v', DataTypes.Long), field('cat', DataTypes.String)]);
    const cats = ['a/b', 'plain', null, 'x=y', 'ü'];
    const rows = Array.from({ length: 200 }, (_, i) => ({ year: 2020 + (i % 3), v: BigInt(i), cat: cats[i % 5] ?? null }));
    const dir = newDir('hive');
    const summary = await write(rows, schema, dir, { partitionBy: ['year', 'cat'] }, 37);
    expect(summary.numRows).toBe(200);
    const dirs = summary.files.map((f) => relative(dir, f).split('/').slice(0, 2).join('/'));
    expect(new Set(dirs).size).toBe(15);
    expect(dirs).toContain('year=2020/cat=a%2Fb');
    expect(dirs).toContain('year=2021/cat=__HIVE_DEFAULT_PARTITION__');
    expect(dirs).toContain('year=2022/cat=x%3Dy');

    const source = await readParquetSchema(dir);
    expect(source.schema.toString()).toBe('struct<v:bigint,year:int,cat:string>');
    expect(source.files[0]!.schema.names).toEqual(['v']); // partition columns are not stored in the files
    const { rows: back } = await scanAll(dir, { columns: ['year', 'cat', 'v'] });
    const byV = (a: Record<string, CellValue>, b: Record<string, CellValue>) => Number(a.v) - Number(b.v);
    expect(back.sort(byV)).toEqual(rows);

    const { rows: pruned, scan } = await scanAll(dir, {
      columns: ['v', 'cat'],
      predicates: [
        { column: 'year', op: '=', value: 2021 },
        { column: 'cat', op: 'isNotNull' },
      ],
    });
    expect(scan.filesSkipped).toBe(11);
    expect(scan.describe()).toContain('PushedFilters: [year = 2021, cat IS NOT NULL], PartitionColumns: [year, cat]');
    expect(pruned.sort(byV)).toEqual(rows.filter((r) => r.year === 2021 && r.cat !== null).map((r) => ({ v: r.v, cat: r.cat })));

    // Only partition columns: answered from footers, no data read.
    const { rows: onlyYear } = await scanAll(dir, { columns: ['year'], predicates: [{ column: 'year', op: '>=', value: 2022 }] });
    expect(onlyYear.length).toBe(rows.filter((r) => r.year === 2022).length);

    const fromDuck = await duckRows(
      `SELECT v, year::INT AS year, cat FROM read_parquet('${dir}/**/*.parquet', hive_partitioning = true) ORDER BY v`,
    );
    expect(fromDuck).toEqual(rows.map((r) => ({ v: r.v, year: r.year, cat: r.cat })));
  });

  it('rejects bad partitionBy columns', async () => {
    const schema = new Schema([field('k', DataTypes.Integer)]);
    await expect(write([{ k: 1 }], schema, newDir('bad'), { partitionBy: ['k'] })).rejects.toThrow(AnalysisError);
    await expect(write([{ k: 1 }], schema, newDir('bad'), { partitionBy: ['nope'] })).rejects.toThrow(/column 'nope' does not exist/);
  });
});

// ------------------------------------------------------------------------------------------------

describe('save modes and atomicity', () => {
  const schema = new Schema([field('k', DataTypes.Integer), field('s', DataTypes.String)]);
  const rowsA = Array.from({ length: 30 }, (_, i) => ({ k: i, s: `a${i}` }));
  const rowsB = Array.from({ length: 20 }, (_, i) => ({ k: 100 + i, s: `b${i}` }));
  const ks = async (dir: string) => (await scanAll(dir)).rows.map((r) => r.k);
  const leftovers = (dir: string) => readdirSync(join(dir, '..')).filter((n) => n.includes('.kindling-'));

  /** An input that yields some batches and then fails, like a query that errors midway. */
  async function* failing(rows: Record<string, unknown>[]): AsyncGenerator<Batch> {
    yield* batchesOf(schema, rows, 5);
    throw new Error('simulated failure');
  }
  /** An input that records whether anyone read it. */
  function tracked(rows: Record<string, unknown>[]) {
    const state = { touched: false };
    const iterable: AsyncIterable<Batch> = {
      [Symbol.asyncIterator]() {
        state.touched = true;
        return batchesOf(schema, rows, 10);
      },
    };
    return { state, iterable };
  }

  it('error / errorifexists fail before reading input; ignore leaves the output alone', async () => {
    const dir = newDir('modes');
    await write(rowsA, schema, dir);
    for (const mode of ['error', 'errorifexists'] as const) {
      const t = tracked(rowsB);
      await expect(writeParquet(t.iterable, schema, dir, { mode })).rejects.toThrow(KindlingIOError);
      await expect(writeParquet(t.iterable, schema, dir, { mode })).rejects.toThrow(/already exists/);
      expect(t.state.touched).toBe(false);
    }
    const t = tracked(rowsB);
    const s = await writeParquet(t.iterable, schema, dir, { mode: 'ignore' });
    expect(s.skipped).toBe(true);
    expect(t.state.touched).toBe(false);
    expect(await ks(dir)).toEqual(rowsA.map((r) => r.k));
    // ignore on a new path writes.
    const fresh = newDir('ignore-new');
    expect((await writeParquet(tracked(rowsB).iterable, schema, fresh, { mode: 'ignore' })).skipped).toBe(false);
    expect(await ks(fresh)).toEqual(rowsB.map((r) => r.k));
  });

  it('overwrite replaces, append adds part files', async () => {
    const dir = newDir('ow');
    await write(rowsA, schema, dir);
    const before = readdirSync(dir).filter((f) => f.endsWith('.parquet'));
    await write(rowsB, schema, dir, { mode: 'overwrite' });
    const after = readdirSync(dir).filter((f) => f.endsWith('.parquet'));
    expect(after.some((f) => before.includes(f))).toBe(false);
    expect(await ks(dir)).toEqual(rowsB.map((r) => r.k));
    await write(rowsA, schema, dir, { mode: 'append' });
    expect(readdirSync(dir).filter((f) => f.endsWith('.parquet'))).toHaveLength(2);
    expect((await ks(dir)).sort((a, b) => Number(a) - Number(b))).toEqual([...rowsA, ...rowsB].map((r) => r.k));
    expect(existsSync(join(dir, '_SUCCESS'))).toBe(true);
    // append to a new path creates it; partitioned append adds into existing partition dirs.
    const pdir = newDir('append-part');
    const pschema = new Schema([field('p', DataTypes.Integer), field('k', DataTypes.Integer)]);
    await write([{ p: 1, k: 1 }], pschema, pdir, { mode: 'append', partitionBy: ['p'] });
    await write([{ p: 1, k: 2 }, { p: 2, k: 3 }], pschema, pdir, { mode: 'append', partitionBy: ['p'] });
    expect(readdirSync(join(pdir, 'p=1'))).toHaveLength(2);
    const appended = (await scanAll(pdir, { columns: ['k', 'p'] })).rows;
    expect(appended.sort((a, b) => Number(a.k) - Number(b.k))).toEqual([
      { k: 1, p: 1 },
      { k: 2, p: 1 },
      { k: 3, p: 2 },
    ]);
    expect(leftovers(dir)).toEqual([]);
  });

  it('a failure mid-write leaves the previous output untouched and no temporary directory', async () => {
    const dir = newDir('fail');
    await write(rowsA, schema, dir, { partitionBy: [] });
    const snapshot = readdirSync(dir).sort();
    for (const mode of ['overwrite', 'append'] as const) {
      await expect(writeParquet(failing(rowsB), schema, dir, { mode, maxRecordsPerFile: 7 })).rejects.toThrow('simulated failure');
      expect(readdirSync(dir).sort()).toEqual(snapshot);
      expect(await ks(dir)).toEqual(rowsA.map((r) => r.k));
      expect(leftovers(dir)).toEqual([]);
    }
    // Partitioned writers are aborted too; a new path is never created.
    const fresh = newDir('fail-new');
    const pschema = new Schema([field('k', DataTypes.Integer), field('s', DataTypes.String)]);
    await expect(writeParquet(failing(rowsB), pschema, fresh, { mode: 'error', partitionBy: ['s'] })).rejects.toThrow('simulated failure');
    expect(existsSync(fresh)).toBe(false);
    expect(leftovers(fresh)).toEqual([]);
  });

  it('validates options', async () => {
    const dir = newDir('opts');
    await expect(write(rowsA, schema, dir, { mode: 'sideways' as never })).rejects.toThrow(/unknown save mode/);
    await expect(write(rowsA, schema, dir, { compression: 'lzo' as never })).rejects.toThrow(/unknown Parquet compression/);
    await expect(write(rowsA, schema, dir, { rowGroupSize: 0 })).rejects.toThrow(/rowGroupSize/);
    expect(existsSync(dir)).toBe(false);
  });
});

// ------------------------------------------------------------------------------------------------

describe('errors', () => {
  it('names a missing path', async () => {
    const missing = join(root, 'no-such-dir', 'x.parquet');
    await expect(readParquetSchema(missing)).rejects.toThrow(KindlingIOError);
    await expect(readParquetSchema(missing)).rejects.toThrow(`path does not exist: ${missing}`);
    await expect(readParquetSchema(join(root, 'no-such-*', '*.parquet'))).rejects.toThrow(/no file matches the glob/);
  });

  it('names a file that is not Parquet and a corrupt footer', async () => {
    const d = newDir('bad');
    mkdirSync(d);
    const text = join(d, 'text.parquet');
    writeFileSync(text, 'hello, this is a CSV file\n1,2,3\n');
    await expect(readParquetSchema(text)).rejects.toThrow(KindlingIOError);
    await expect(readParquetSchema(text)).rejects.toThrow(`${text} is not a Parquet file`);
    await expect(readParquetSchema(text)).rejects.toThrow(/expected the magic bytes 'PAR1'/);

    const tiny = join(d, 'tiny.parquet');
    writeFileSync(tiny, 'PAR1');
    await expect(readParquetSchema(tiny)).rejects.toThrow(/only 4 bytes/);

    const garbage = join(d, 'garbage.parquet');
    const footer = Buffer.from([0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88]);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(footer.length);
    writeFileSync(garbage, Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(20), footer, len, Buffer.from('PAR1')]));
    await expect(readParquetSchema(garbage)).rejects.toThrow(`${garbage} has a corrupt Parquet footer`);

    const longLen = join(d, 'long.parquet');
    len.writeUInt32LE(1_000_000);
    writeFileSync(longLen, Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(20), len, Buffer.from('PAR1')]));
    await expect(readParquetSchema(longLen)).rejects.toThrow(/corrupt Parquet footer: its length field says 1000000 bytes/);

    // A real file whose footer was truncated in the middle.
    const good = newDir('good');
    await write([{ k: 1 }], new Schema([field('k', DataTypes.Integer)]), good);
    const part = join(good, readdirSync(good).find((f) => f.endsWith('.parquet'))!);
    const bytes = readFileSync(part);
    const flen = bytes.readUInt32LE(bytes.length - 8);
    const cut = Buffer.from(bytes);
    cut.fill(0, bytes.length - 8 - flen, bytes.length - 8 - Math.floor(flen / 2));
    writeFileSync(join(d, 'cut.parquet'), cut);
    await expect(readParquetSchema(join(d, 'cut.parquet'))).rejects.toThrow(/corrupt Parquet footer/);
  });

  it('names both files and the column when schemas differ', async () => {
    const d = newDir('mismatch');
    await write([{ v: 1, w: 'x' }], new Schema([field('v', DataTypes.Integer), field('w', DataTypes.String)]), join(d, 'a'));
    await write([{ w: 'y', v: 2n }], new Schema([field('w', DataTypes.String), field('v', DataTypes.Long)]), join(d, 'b'));
    await write([{ w: 'z', v: 3 }], new Schema([field('w', DataTypes.String), field('v', DataTypes.Integer)]), join(d, 'c'));
    const err = await readParquetSchema([join(d, 'a'), join(d, 'b')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AnalysisError);
    expect((err as Error).message).toMatch(/column 'v' is int in .*\/a\/part-.* but bigint in .*\/b\/part-/);
    // Same columns in another order are fine.
    expect((await scanAll([join(d, 'a'), join(d, 'c')])).rows).toEqual([
      { v: 1, w: 'x' },
      { v: 3, w: 'z' },
    ]);
    await write([{ v: 4 }], new Schema([field('v', DataTypes.Integer)]), join(d, 'e'));
    await expect(readParquetSchema([join(d, 'a'), join(d, 'e')])).rejects.toThrow(/column 'w' is in .*\/a\/.* but not in .*\/e\//);
  });

  it('reports a directory without Parquet files', async () => {
    const d = newDir('nofiles');
    mkdirSync(d);
    writeFileSync(join(d, '_SUCCESS'), '');
    await expect(readParquetSchema(d)).rejects.toThrow(AnalysisError);
  });
});
