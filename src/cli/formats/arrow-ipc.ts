/**
 * Arrow IPC input and output: the file format (`.arrow`, `.feather`) and the stream format
 * (`.arrows`, `.ipc`). Reading streams record batches from the file (either format is detected);
 * writing emits each batch as it comes.
 */
import { open } from 'node:fs/promises';
import * as arrow from 'apache-arrow';
import type { Batch } from '../../types/batch.js';
import type { Schema } from '../../types/schema.js';
import { batchFromArrow, batchToArrow, fromArrowSchema, toArrowSchema } from '../../types/arrow-interop.js';
import { CliError, ExitCode } from '../exit-codes.js';
import type { BatchSource, Sink } from './source.js';

/** Opens an Arrow IPC file (file or stream format) as a batch source. */
export async function readArrowIpc(path: string): Promise<BatchSource> {
  const fh = await open(path, 'r');
  let reader: arrow.AsyncRecordBatchFileReader | arrow.AsyncRecordBatchStreamReader;
  try {
    // A FileHandle gives random access: the file format is read through its footer, the stream format in order.
    reader = await arrow.RecordBatchReader.from(fh);
    await reader.open();
  } catch (e) {
    await fh.close();
    throw new CliError(`${path} is not an Arrow IPC file: ${(e as Error).message}`, ExitCode.InvalidInput, { cause: e });
  }
  const schema = fromArrowSchema(reader.schema);
  async function* batches(): AsyncGenerator<Batch> {
    try {
      for await (const rb of reader) if (rb.numRows > 0) yield batchFromArrow(rb, schema);
    } finally {
      await fh.close();
    }
  }
  return { schema, batches: batches() };
}

/** Writes batches (consumed) as Arrow IPC to `sink`: the file format, or the stream format when `stream`. */
export async function writeArrowIpc(batches: AsyncIterable<Batch>, schema: Schema, sink: Sink, stream: boolean): Promise<number> {
  const arrowSchema = toArrowSchema(schema);
  const writer: arrow.RecordBatchWriter = stream ? new arrow.RecordBatchStreamWriter() : new arrow.RecordBatchFileWriter();
  writer.reset(undefined, arrowSchema);
  const drained = (async () => {
    for await (const chunk of writer) await sink.write(chunk);
  })();
  let rows = 0;
  try {
    for await (const batch of batches) {
      try {
        writer.write(batchToArrow(batch));
        rows += batch.numRows;
      } finally {
        batch.release();
      }
      await new Promise<void>((r) => setImmediate(r)); // let the sink catch up
    }
  } finally {
    writer.finish();
    await drained;
  }
  return rows;
}
