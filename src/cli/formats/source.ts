/**
 * What the CLI's readers and writers exchange: a schema and a stream of wasm-resident batches
 * (each received batch is owned by the consumer, who releases it), plus byte sinks for output.
 */
import type { FileHandle } from 'node:fs/promises';
import type { Batch } from '../../types/batch.js';
import { columnCells } from './cells.js';
import type { Schema } from '../../types/schema.js';

/** A stream of batches with its schema. `totalRows` when known up front (Parquet footers). */
export interface BatchSource {
  readonly schema: Schema;
  readonly batches: AsyncIterable<Batch>;
  readonly totalRows?: number;
}

/** Where formatted output goes: a file being written or stdout. */
export interface Sink {
  write(chunk: string | Uint8Array): Promise<void>;
}

/** A sink appending to an open file. */
export function fileSink(fh: FileHandle): Sink {
  return {
    async write(chunk) {
      if (typeof chunk === 'string') await fh.write(chunk);
      else await fh.write(chunk);
    },
  };
}

/** A sink writing to stdout, waiting for 'drain' when the pipe is full. */
export function stdoutSink(): Sink {
  return {
    write(chunk) {
      return new Promise<void>((resolve, reject) => {
        const onError = (e: Error) => reject(e);
        process.stdout.once('error', onError);
        const ok = process.stdout.write(chunk, () => process.stdout.off('error', onError));
        if (ok) resolve();
        else process.stdout.once('drain', () => resolve());
      });
    },
  };
}

/** Chunks of text are collected to about this many characters before a write. */
export const TEXT_CHUNK = 1 << 20;

/**
 * Writes batches (consumed: each is released) as text to `sink`: `head` first, then `line(cells, r)`
 * plus a newline per row, where `cells` are the batch's columns as JS values (columnCells); the text
 * goes out in chunks of about TEXT_CHUNK characters. Returns the rows written.
 */
export async function writeTextLines(
  batches: AsyncIterable<Batch>,
  sink: Sink,
  head: string,
  line: (cells: readonly unknown[][], r: number) => string,
): Promise<number> {
  let buf = head;
  let rows = 0;
  for await (const batch of batches) {
    try {
      const cols = batch.columns.map(columnCells);
      for (let r = 0; r < batch.numRows; r++) {
        buf += line(cols, r) + '\n';
        if (buf.length >= TEXT_CHUNK) {
          await sink.write(buf);
          buf = '';
        }
      }
      rows += batch.numRows;
    } finally {
      batch.release();
    }
  }
  if (buf) await sink.write(buf);
  return rows;
}
