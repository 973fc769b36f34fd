/**
 * Arrow IPC blocks (src/shuffle/ipc-blocks.ts): an in-memory relation split into row ranges for
 * tasks keeps every row once and in order, whatever the batch boundaries and however few rows
 * there are for the splits (empty splits included); blocks round-trip through decode, from memory
 * or from the file a spilled block lives in.
 */
import { expect, it } from 'vitest';
import * as arrow from 'apache-arrow';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blockBytes, blockStream, decodeBlock, encodeBatches, encodeRowSplits } from '../src/shuffle/ipc-blocks.js';
import { batchFromRows, columnToJs } from '../src/types/values.js';
import { Schema, field } from '../src/types/schema.js';
import { DataTypes } from '../src/types/data-type.js';

const schema = new Schema([field('x', DataTypes.Integer), field('s', DataTypes.String)]);

function batchesOf(sizes: readonly number[]) {
  let at = 0;
  return sizes.map((size) => batchFromRows(schema, Array.from({ length: size }, () => ({ x: at, s: `é${at++}` }))));
}

it('row splits keep every row once, in order, in about equal parts', () => {
  const cases: [number[], number][] = [[[5], 4], [[2, 3], 4], [[1], 4], [[3, 3, 4], 3], [[1, 1, 1, 1, 1, 1, 1], 4], [[], 2], [[1000, 1, 999], 7]];
  for (const [sizes, n] of cases) {
    const total = sizes.reduce((a, b) => a + b, 0);
    const batches = batchesOf(sizes);
    const blocks = encodeRowSplits(schema, batches, n);
    expect(blocks).toHaveLength(n);
    const got = blocks.flatMap((b) => (b.numRows ? [...arrow.tableFromIPC(b.bytes).getChild('x')!.toArray()] : []));
    expect(got, `${sizes} into ${n}`).toEqual(Array.from({ length: total }, (_, i) => i));
    for (const b of blocks) expect(Math.abs(b.numRows - total / n)).toBeLessThanOrEqual(1);
    for (const b of batches) b.release();
  }
});

it('a block decodes to the rows it was encoded from (small batches merged)', () => {
  const batches = batchesOf([3, 1, 2]);
  const block = encodeBatches(schema, batches);
  expect(block.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
  const decoded = decodeBlock(block, schema);
  expect(decoded).toHaveLength(1);
  expect(columnToJs(decoded[0]!.column(1))).toEqual(['é0', 'é1', 'é2', 'é3', 'é4', 'é5']);
  for (const b of [...batches, ...decoded]) b.release();
});

it('a block held in a file decodes from the file, and counts its file size', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-ipc-'));
  const batches = batchesOf([5, 4]);
  try {
    const mem = encodeBatches(schema, batches);
    const file = join(dir, 'b.arrows');
    writeFileSync(file, mem.bytes);
    const spilled = { bytes: new Uint8Array(0), numRows: mem.numRows, file, fileBytes: mem.bytes.byteLength };
    expect(blockBytes([mem, spilled])).toBe(2 * mem.bytes.byteLength);
    expect(Buffer.from(blockStream(spilled)).equals(Buffer.from(mem.bytes))).toBe(true);
    const decoded = decodeBlock(spilled, schema);
    expect(decoded.flatMap((b) => columnToJs(b.column(0)))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    for (const b of decoded) b.release();
    rmSync(file);
    expect(() => decodeBlock(spilled, schema)).toThrow(/cannot read the spilled block .*b\.arrows/);
  } finally {
    for (const b of batches) b.release();
    rmSync(dir, { recursive: true, force: true });
  }
});
