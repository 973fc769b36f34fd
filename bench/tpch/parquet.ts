/**
 * Streaming Parquet output with parquet-wasm: record batches are pulled one at a time from a
 * (synchronous) generator by `transformParquetStream`, which encodes each as its own row group and
 * hands the bytes over as they are produced; they are appended to a temporary file that is renamed
 * into place at the end. At most one batch (plus parquet-wasm's row group in progress) is in memory.
 */
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm';

/** Options of writeParquetFile. */
export interface ParquetFileOptions {
  /** Maximum rows per row group (default 1Mi; the generator passes its batch size). */
  rowGroupSize?: number;
  /** Compression codec (default snappy). */
  compression?: 'snappy' | 'zstd' | 'uncompressed';
  /** Called after each batch has been handed to the encoder, with the rows so far. */
  onProgress?: (rows: number) => void;
}

/** What writeParquetFile wrote. */
export interface ParquetFileSummary {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
}

const CODECS = {
  snappy: pw.Compression.SNAPPY,
  zstd: pw.Compression.ZSTD,
  uncompressed: pw.Compression.UNCOMPRESSED,
} as const;

/**
 * Writes the batches (all with the same schema, at least one) to `path` atomically: a temporary
 * file in the same directory, renamed over `path` only after the last byte was written.
 */
export async function writeParquetFile(
  path: string,
  batches: Iterable<arrow.RecordBatch>,
  options: ParquetFileOptions = {},
): Promise<ParquetFileSummary> {
  let props = new pw.WriterPropertiesBuilder()
    .setCompression(CODECS[options.compression ?? 'snappy'])
    .setCreatedBy('kindling tpch generator');
  if (options.rowGroupSize) props = props.setMaxRowGroupSize(options.rowGroupSize);
  const it = batches[Symbol.iterator]();
  let rows = 0;
  let failure: unknown = null;
  const input = new ReadableStream<pw.RecordBatch>(
    {
      pull(controller) {
        try {
          const next = it.next();
          if (next.done) {
            controller.close();
            return;
          }
          rows += next.value.numRows;
          controller.enqueue(toWasmBatch(next.value));
          options.onProgress?.(rows);
        } catch (e) {
          failure = e;
          controller.error(e);
        }
      },
    },
    { highWaterMark: 0 },
  );
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fh = await open(tmp, 'wx');
  let bytes = 0;
  try {
    const out = (await pw.transformParquetStream(input, props.build())) as ReadableStream<Uint8Array>;
    const reader = out.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      await fh.write(value);
      bytes += value.byteLength;
    }
    await fh.close();
    await rename(tmp, path);
  } catch (e) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw failure ?? e;
  }
  return { path, rows, bytes };
}

/** Arrow JS record batch -> parquet-wasm record batch (through an Arrow IPC stream). */
function toWasmBatch(rb: arrow.RecordBatch): pw.RecordBatch {
  const table = pw.Table.fromIPCStream(arrow.tableToIPC(new arrow.Table([rb]), 'stream'));
  try {
    const b = table.recordBatch(0);
    if (!b) throw new Error('internal: parquet-wasm lost a record batch in the IPC bridge');
    return b;
  } finally {
    table.free();
  }
}
