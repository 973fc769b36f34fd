/** SpillFile: batches of every type survive the Arrow IPC round trip exactly; files are removed. */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SpillFile, defaultSpillDirectory, liveSpillFiles } from '../src/spill/spill-file.js';
import { SpillMetrics } from '../src/spill/spill-metrics.js';
import { RuntimeConfig } from '../src/api/config.js';
import { DataTypes } from '../src/types/data-type.js';
import { Schema, field } from '../src/types/schema.js';
import { batchFromRows, batchToRows } from '../src/types/values.js';
import { runtime } from '../src/wasm/runtime.js';
import { mulberry32 } from './helpers/random.js';

const dir = mkdtempSync(join(tmpdir(), 'kindling-spill-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const schema = new Schema([
  field('b', DataTypes.Boolean),
  field('i8', DataTypes.Byte),
  field('i16', DataTypes.Short),
  field('i', DataTypes.Integer),
  field('l', DataTypes.Long),
  field('f', DataTypes.Float),
  field('d', DataTypes.Double),
  field('s', DataTypes.String),
  field('dt', DataTypes.Date),
  field('ts', DataTypes.Timestamp),
  field('m', DataTypes.decimal(12, 3)),
  field('n', DataTypes.Null),
  field('req', DataTypes.Integer, false),
]);

function rows(n: number, seed: number): Record<string, unknown>[] {
  const rnd = mulberry32(seed);
  const maybe = <T>(v: () => T) => (rnd() < 0.2 ? null : v());
  return Array.from({ length: n }, (_, i) => ({
    b: maybe(() => rnd() < 0.5),
    i8: maybe(() => Math.floor(rnd() * 256) - 128),
    i16: maybe(() => Math.floor(rnd() * 65536) - 32768),
    i: maybe(() => Math.floor(rnd() * 2 ** 32) - 2 ** 31),
    l: maybe(() => BigInt(Math.floor(rnd() * 2 ** 53)) * (rnd() < 0.5 ? -1n : 1n)),
    f: maybe(() => [NaN, -0, 1.5, -Infinity][Math.floor(rnd() * 4)]!),
    d: maybe(() => [NaN, -0, 0.1, Infinity, rnd()][Math.floor(rnd() * 5)]!),
    s: maybe(() => ['', 'a', 'é日本🔥', 'x'.repeat(40)][Math.floor(rnd() * 4)]!),
    dt: maybe(() => '2024-02-29'),
    ts: maybe(() => new Date(Date.UTC(2021, 2, 4, 5, 6, 7, 123))),
    m: maybe(() => '-12345.678'),
    n: null,
    req: i,
  }));
}

describe('SpillFile', () => {
  it('writes and reads back batches of every type, lazily and repeatedly, then deletes the file', () => {
    const start = runtime().memory.liveBytes;
    const metrics = new SpillMetrics();
    const file = new SpillFile(dir, schema, metrics, 'test');
    const inputs = [rows(1, 1), rows(0, 2), rows(17, 3), rows(1000, 4)];
    const expected = inputs.flatMap((r) => {
      const b = batchFromRows(schema, r);
      const out = batchToRows(b);
      file.write(b);
      b.release();
      return out;
    });
    file.finish();
    expect(file.batches).toBe(3); // the empty batch is skipped
    expect(file.numRows).toBe(1018);
    expect(metrics.files).toBe(1);
    expect(metrics.bytes).toBe(file.bytes);
    for (let pass = 0; pass < 2; pass++) {
      const got: Record<string, unknown>[] = [];
      for (const b of file.read()) {
        got.push(...batchToRows(b));
        b.release();
      }
      expect(got).toEqual(expected);
    }
    // Stopping a read early closes it.
    const it = file.read();
    it.next().value!.release();
    it.return(undefined);
    expect(existsSync(file.path)).toBe(true);
    expect(liveSpillFiles()).toContain(file.path);
    file.release();
    file.release();
    expect(existsSync(file.path)).toBe(false);
    expect(liveSpillFiles()).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
    expect(runtime().memory.liveBytes).toBe(start);
  });

  it('spark.local.dir configures the directory; the default is per process', () => {
    const conf = new RuntimeConfig();
    expect(conf.spillDirectory).toBe(defaultSpillDirectory());
    expect(defaultSpillDirectory()).toContain(`kindling-spill-${process.pid}`);
    conf.set('spark.local.dir', dir);
    expect(conf.spillDirectory).toBe(dir);
  });
});
