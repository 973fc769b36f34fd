/**
 * Kindling's own Parquet page decoder (src/io/parquet-chunk-decoder.ts) against parquet-wasm as the
 * reference: random tables of every flat type, written by parquet-wasm with each writer setting that
 * changes the page layout (codec, dictionary on/off, data page v1/v2, tiny pages, row group size),
 * read back both ways and compared value for value. Corrupt chunks give a KindlingIOError naming
 * the file, row group and column, never a crash.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { KindlingIOError, NotImplementedError } from '../src/errors.js';
import { ParquetFileReader, readParquetSchema, type PageDecoderChoice } from '../src/io/parquet-reader.js';
import { batchToArrow } from '../src/types/arrow-interop.js';
import { Batch } from '../src/types/batch.js';
import { type DataType, DataTypes } from '../src/types/data-type.js';
import { Schema, field } from '../src/types/schema.js';
import { type CellValue, columnFromJs, columnToJs, formatDate } from '../src/types/values.js';
import { mulberry32 } from './helpers/random.js';

const dir = mkdtempSync(join(tmpdir(), 'kindling-pages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WORDS = ['', 'a', 'é', '日本語', '😀', 'plain text', 'Ωmega', 'x'.repeat(40)];

const TYPES: Array<[string, DataType]> = [
  ['b', DataTypes.Boolean],
  ['i8', DataTypes.Byte],
  ['i16', DataTypes.Short],
  ['i32', DataTypes.Integer],
  ['i64', DataTypes.Long],
  ['f32', DataTypes.Float],
  ['f64', DataTypes.Double],
  ['d', DataTypes.decimal(12, 2)],
  ['d18', DataTypes.decimal(18, 4)],
  ['d38', DataTypes.decimal(38, 6)],
  ['d20', DataTypes.decimal(20, 0)],
  ['s', DataTypes.String],
  ['dt', DataTypes.Date],
  ['ts', DataTypes.Timestamp],
];

function randomValue(t: DataType, rnd: () => number, lowCardinality: boolean): unknown {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const r = lowCardinality ? Math.floor(rnd() * 5) : rnd();
  switch (t.kind) {
    case 'boolean':
      return rnd() < 0.5;
    case 'int8':
      return lowCardinality ? r : Math.floor(rnd() * 256) - 128;
    case 'int16':
      return lowCardinality ? r : Math.floor(rnd() * 65536) - 32768;
    case 'int32':
      return lowCardinality ? r : Math.floor(rnd() * 2 ** 32) - 2 ** 31;
    case 'int64':
      return lowCardinality ? BigInt(r) : BigInt(Math.floor(rnd() * 2 ** 53)) * (rnd() < 0.5 ? -1n : 1n) * 997n;
    case 'float32':
      return lowCardinality ? r : pick([NaN, -0, Infinity, Math.fround(rnd() * 1e6 - 5e5)]);
    case 'float64':
      return lowCardinality ? r / 4 : pick([NaN, -0, -Infinity, rnd() * 1e12 - 5e11, 1e-300]);
    case 'decimal':
      if (t.precision > 18) {
        const digits = (k: number) => Array.from({ length: k }, () => Math.floor(rnd() * 10)).join('');
        const sign = rnd() < 0.5 ? '-' : '';
        return lowCardinality ? `${sign}${r}${t.scale ? '.5' : ''}` : `${sign}${digits(1 + Math.floor(rnd() * (t.precision - t.scale - 1)))}${t.scale ? `.${digits(t.scale)}` : ''}`;
      }
      return lowCardinality ? `${r}.25` : `${Math.floor(rnd() * 1e8) - 5e7}.${String(Math.floor(rnd() * 100)).padStart(2, '0')}${t.scale === 4 ? '17' : ''}`;
    case 'utf8':
      return lowCardinality ? WORDS[r] : `${pick(WORDS)}${Math.floor(rnd() * 1e6)}`;
    case 'date32':
      return formatDate(lowCardinality ? r : Math.floor(rnd() * 40000) - 10000);
    case 'timestamp':
      return lowCardinality ? BigInt(r) * 1_000_000n : BigInt(Math.floor(rnd() * 2 ** 50)) - 2n ** 49n;
    default:
      throw new Error(t.kind);
  }
}

/** A random batch: nulls at `nullShare` (a column of all nulls for share 1), low or high cardinality. */
function randomBatch(rows: number, seed: number, nullShare: number, lowCardinality: boolean): Batch {
  const rnd = mulberry32(seed);
  const schema = new Schema(TYPES.map(([n, t]) => field(n, t, true)));
  const columns = TYPES.map(([n, t]) =>
    columnFromJs(
      t,
      Array.from({ length: rows }, () => (rnd() < nullShare ? null : randomValue(t, rnd, lowCardinality))),
      n,
    ),
  );
  return new Batch(schema, columns, rows);
}

interface WriteSettings {
  readonly compression: pw.Compression;
  readonly dictionary: boolean;
  readonly v2: boolean;
  readonly pageBytes?: number;
  readonly rowGroupRows?: number;
}

function writeWith(path: string, batch: Batch, s: WriteSettings, required = false): void {
  let rb = batchToArrow(batch);
  if (required) {
    // Non-nullable Arrow fields make parquet-wasm write REQUIRED columns (no definition levels).
    const schema = new arrow.Schema(rb.schema.fields.map((f) => f.clone({ nullable: false })));
    rb = new arrow.RecordBatch(schema, rb.data);
  }
  const table = pw.Table.fromIPCStream(arrow.tableToIPC(new arrow.Table([rb]), 'stream'));
  let b = new pw.WriterPropertiesBuilder()
    .setCompression(s.compression)
    .setDictionaryEnabled(s.dictionary)
    .setWriterVersion(s.v2 ? pw.WriterVersion.V2 : pw.WriterVersion.V1);
  if (s.pageBytes !== undefined) b = b.setDataPageSizeLimit(s.pageBytes).setWriteBatchSize(Math.max(1, Math.floor(s.pageBytes / 16)));
  if (s.rowGroupRows !== undefined) b = b.setMaxRowGroupSize(s.rowGroupRows);
  writeFileSync(path, pw.writeParquet(table, b.build()));
}

async function readAll(path: string, decoder: PageDecoderChoice, batchSize = 1 << 20, convert = true): Promise<{ rows: CellValue[][]; reader: ParquetFileReader }> {
  const { schema, files } = await readParquetSchema(path);
  const reader = await ParquetFileReader.open(path, files[0]!, { pageDecoder: decoder });
  const cols: CellValue[][] = schema.fields.map(() => []);
  try {
    for (const rg of files[0]!.rowGroups) {
      for await (const b of reader.readRowGroup(rg.index, schema.fields, batchSize)) {
        if (convert) b.columns.forEach((c, i) => cols[i]!.push(...columnToJs(c)));
        b.release();
      }
    }
  } finally {
    reader.close();
  }
  return { rows: cols, reader };
}

const SETTINGS: Array<[string, WriteSettings]> = [
  ['snappy, dictionary, v1', { compression: pw.Compression.SNAPPY, dictionary: true, v2: false }],
  ['snappy, plain, v1', { compression: pw.Compression.SNAPPY, dictionary: false, v2: false }],
  ['uncompressed, dictionary, v2', { compression: pw.Compression.UNCOMPRESSED, dictionary: true, v2: true }],
  ['snappy, plain, v2, tiny pages', { compression: pw.Compression.SNAPPY, dictionary: false, v2: true, pageBytes: 256 }],
  ['snappy, dictionary, v1, tiny pages, small row groups', { compression: pw.Compression.SNAPPY, dictionary: true, v2: false, pageBytes: 300, rowGroupRows: 333 }],
  ['uncompressed, plain, v1', { compression: pw.Compression.UNCOMPRESSED, dictionary: false, v2: false }],
];

describe("Kindling's Parquet page decoder agrees with parquet-wasm", () => {
  let seed = 100;
  for (const [name, settings] of SETTINGS) {
    for (const [nullShare, low] of [
      [0, false],
      [0.2, true],
      [0.3, false],
      [1, false],
    ] as const) {
      it(`${name}; nulls ${nullShare * 100}%, ${low ? 'low' : 'high'} cardinality`, async () => {
        const batch = randomBatch(1500, seed++, nullShare, low);
        const path = join(dir, `t${seed}.parquet`);
        try {
          writeWith(path, batch, settings);
        } finally {
          batch.release();
        }
        const ours = await readAll(path, 'kindling', 700);
        const ref = await readAll(path, 'parquet-wasm', 700);
        expect(ours.rows).toEqual(ref.rows);
        expect(ours.rows[0]!.length).toBe(1500);
        expect(ours.reader.chunksDecodedByParquetWasm).toBe(0);
        expect(ours.reader.chunksDecodedByKindling).toBeGreaterThanOrEqual(TYPES.length);
      });
    }
  }

  it('column encodings chosen explicitly: DELTA_LENGTH_BYTE_ARRAY strings, DELTA_BINARY_PACKED longs, BYTE_STREAM_SPLIT doubles (parquet-wasm)', async () => {
    const batch = randomBatch(1200, 77, 0.15, false);
    const path = join(dir, 'encodings.parquet');
    const rb = batchToArrow(batch);
    batch.release();
    const props = new pw.WriterPropertiesBuilder()
      .setCompression(pw.Compression.SNAPPY)
      .setDictionaryEnabled(false)
      .setColumnEncoding('s', pw.Encoding.DELTA_LENGTH_BYTE_ARRAY)
      .setColumnEncoding('i64', pw.Encoding.DELTA_BINARY_PACKED)
      .setColumnEncoding('f64', pw.Encoding.BYTE_STREAM_SPLIT)
      .build();
    writeFileSync(path, pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(new arrow.Table([rb]), 'stream')), props));
    const ours = await readAll(path, 'kindling', 500);
    expect(ours.rows).toEqual((await readAll(path, 'parquet-wasm', 500)).rows);
    expect(ours.reader.chunksDecodedByParquetWasm).toBe(1); // f64 only
    expect(ours.reader.chunksDecodedByKindling).toBe(TYPES.length - 1);
  });

  it('REQUIRED columns (no definition levels)', async () => {
    const batch = randomBatch(999, 7, 0, false);
    const path = join(dir, 'required.parquet');
    try {
      writeWith(path, batch, { compression: pw.Compression.SNAPPY, dictionary: true, v2: false }, true);
    } finally {
      batch.release();
    }
    const { files } = await readParquetSchema(path);
    expect(Object.values(files[0]!.rowGroups[0]!.chunks).every((c) => !c.optional)).toBe(true);
    expect((await readAll(path, 'kindling')).rows).toEqual((await readAll(path, 'parquet-wasm')).rows);
  });

  it('falls back to parquet-wasm per chunk for codecs it does not implement (zstd, gzip)', async () => {
    for (const compression of [pw.Compression.ZSTD, pw.Compression.GZIP]) {
      const batch = randomBatch(500, 9, 0.1, false);
      const path = join(dir, `codec${compression}.parquet`);
      try {
        writeWith(path, batch, { compression, dictionary: true, v2: false });
      } finally {
        batch.release();
      }
      const ours = await readAll(path, 'kindling');
      expect(ours.reader.chunksDecodedByKindling).toBe(0);
      expect(ours.reader.chunksDecodedByParquetWasm).toBe(TYPES.length);
      expect(ours.rows).toEqual((await readAll(path, 'parquet-wasm')).rows);
    }
  });

  it('reads unsigned and millisecond columns written by other tools', async () => {
    const n = 300;
    const rnd = mulberry32(21);
    const u8 = Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
    const u16 = Uint16Array.from({ length: n }, () => Math.floor(rnd() * 65536));
    const u32 = Uint32Array.from({ length: n }, () => Math.floor(rnd() * 2 ** 32));
    const ms = BigInt64Array.from({ length: n }, () => BigInt(Math.floor(rnd() * 2 ** 40)) - 2n ** 39n);
    const table = new arrow.Table({
      u8: arrow.makeVector(u8),
      u16: arrow.makeVector(u16),
      u32: arrow.makeVector(u32),
      ms: arrow.makeVector({ type: new arrow.TimestampMillisecond(), data: ms }),
    });
    const path = join(dir, 'foreign.parquet');
    writeFileSync(path, pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'))));
    const ours = await readAll(path, 'kindling');
    expect(ours.rows).toEqual((await readAll(path, 'parquet-wasm')).rows);
    expect(ours.rows[0]!.slice(0, 3)).toEqual(Array.from(u8.subarray(0, 3)));
    expect(ours.rows[2]!.slice(0, 3)).toEqual(Array.from(u32.subarray(0, 3), (x) => BigInt(x)));
  });

  it('a corrupt chunk raises a KindlingIOError naming file, row group and column, never a crash', async () => {
    const batch = randomBatch(2000, 33, 0.1, false);
    const clean = join(dir, 'clean.parquet');
    try {
      writeWith(clean, batch, { compression: pw.Compression.SNAPPY, dictionary: true, v2: false });
    } finally {
      batch.release();
    }
    const bytes = readFileSync(clean);
    const { files } = await readParquetSchema(clean);
    const rnd = mulberry32(44);
    let errors = 0;
    for (let t = 0; t < 60; t++) {
      const [name] = TYPES[t % TYPES.length]!;
      const chunk = files[0]!.rowGroups[0]!.chunks[name]!;
      const broken = Buffer.from(bytes);
      // Flip a few bytes near the start of the chunk (page header, levels, dictionary).
      for (let f = 0; f < 3; f++) broken[chunk.start + Math.floor(rnd() * Math.min(64, chunk.end - chunk.start))] ^= 1 + Math.floor(rnd() * 255);
      const path = join(dir, `broken${t}.parquet`);
      writeFileSync(path, broken);
      try {
        // Kindling's decoder only (parquet-wasm may panic on corrupt pages); corrupt values may
        // decode: only errors matter, and a flipped encoding id may name one it does not read.
        await readAll(path, 'kindling-only', 1 << 20, false);
      } catch (e) {
        if (e instanceof NotImplementedError) continue;
        expect(e, String(e)).toBeInstanceOf(KindlingIOError);
        const msg = (e as Error).message;
        expect(msg).toContain(path);
        if (msg.includes('is corrupt')) expect(msg).toMatch(new RegExp(`row group 0, column '${name}'`));
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(10);
  });
});
