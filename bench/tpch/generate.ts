/**
 * TPC-H data generator (specification revision 3.0.x, clause 4.2), writing one Parquet file per
 * table: <out>/<table>.parquet.
 *
 *   npx tsx bench/tpch/generate.ts --sf 0.01 --out dir [--seed N] [--row-group ROWS] [--tables a,b]
 *
 * All eight tables with the specification's cardinalities, keys (sparse order keys, the partsupp
 * supplier formula, lines consistent with partsupp), value lists and ranges, derived columns
 * (o_totalprice, o_orderstatus, l_returnflag, l_linestatus, p_retailprice) and comments cut from a
 * pool of text made by the specification's grammar. Money is decimal(15,2), dates date32, keys
 * int64 (nation/region keys and small counts int32), text utf8 — as DuckDB's dbgen types them.
 * Deterministic for a seed (not dbgen's values: dbgen's RNG is not reproduced); independent of the
 * row group size. Each table is streamed in row groups, so memory stays flat at any scale factor.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeParquetFile } from './parquet.js';
import { TABLE_NAMES, type TableName, cardinalities } from './spec.js';
import { tableBatches } from './tables.js';
import { buildTextPool } from './text.js';

/** Table names, the TableName type and the row counts per scale factor, re-exported for callers. */
export { TABLE_NAMES, type TableName, cardinalities } from './spec.js';

/** Options of generateTpch. */
export interface TpchOptions {
  /** Scale factor (SF 1 is about 1 GB of raw data; 6M lineitem rows). */
  sf: number;
  /** Seed: the same seed and SF give the same rows (default 1). */
  seed?: number;
  /** Rows per batch / Parquet row group (default 100,000). */
  rowGroupSize?: number;
  /** Only these tables (default all eight). */
  tables?: readonly TableName[];
  /** Progress on stderr: default when stderr is a TTY. A function receives (table, rows so far, done). */
  progress?: boolean | ((table: TableName, rows: number, done: boolean) => void);
}

/** What generateTpch wrote. */
export interface TpchResult {
  /** Absolute file paths by table. */
  readonly files: Partial<Record<TableName, string>>;
  /** Row counts by table. */
  readonly rows: Partial<Record<TableName, number>>;
  /** File sizes in bytes by table. */
  readonly bytes: Partial<Record<TableName, number>>;
  /** Wall time per table in seconds. */
  readonly seconds: Partial<Record<TableName, number>>;
}

/** Generates the TPC-H tables at `opts.sf` into `outDir` (created if needed), each file atomically. */
export async function generateTpch(outDir: string, opts: TpchOptions): Promise<TpchResult> {
  const counts = cardinalities(opts.sf);
  const seed = opts.seed ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`TPC-H seed must be a non-negative integer, got ${seed}`);
  const batchRows = opts.rowGroupSize ?? 100_000;
  if (!Number.isInteger(batchRows) || batchRows < 1) throw new RangeError(`rowGroupSize must be a positive integer, got ${batchRows}`);
  const tables = opts.tables ?? TABLE_NAMES;
  for (const t of tables) if (!TABLE_NAMES.includes(t)) throw new RangeError(`unknown TPC-H table '${t}'; expected one of ${TABLE_NAMES.join(', ')}`);
  const report = progressReporter(opts.progress);
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const ctx = { seed, counts, pool: buildTextPool(seed), batchRows };
  const result = { files: {}, rows: {}, bytes: {}, seconds: {} } as {
    files: Record<TableName, string>;
    rows: Record<TableName, number>;
    bytes: Record<TableName, number>;
    seconds: Record<TableName, number>;
  };
  for (const table of TABLE_NAMES.filter((t) => tables.includes(t))) {
    const t0 = performance.now();
    const file = join(dir, `${table}.parquet`);
    const s = await writeParquetFile(file, tableBatches(table, ctx), {
      // parquet-wasm cuts row groups at exactly this many rows, carrying the rest of a batch over.
      rowGroupSize: batchRows,
      onProgress: report ? (rows) => report(table, rows, false) : undefined,
    });
    report?.(table, s.rows, true);
    result.files[table] = file;
    result.rows[table] = s.rows;
    result.bytes[table] = s.bytes;
    result.seconds[table] = (performance.now() - t0) / 1000;
  }
  return result;
}

function progressReporter(p: TpchOptions['progress']): ((table: TableName, rows: number, done: boolean) => void) | null {
  if (typeof p === 'function') return p;
  if (p === false || (p === undefined && !process.stderr.isTTY)) return null;
  return (table, rows, done) => {
    process.stderr.write(`\r${table.padEnd(9)} ${rows.toLocaleString('en-US').padStart(13)} rows${done ? '\n' : ''}`);
  };
}

/** Parses the command line of the CLI. */
export function parseArgs(argv: readonly string[]): { out: string; opts: TpchOptions } {
  const usage = 'usage: generate.ts --sf SF --out DIR [--seed N] [--row-group ROWS] [--tables t1,t2] [--quiet]';
  let out: string | null = null;
  const opts: TpchOptions = { sf: NaN };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new RangeError(`${a} needs a value; ${usage}`);
      return v;
    };
    if (a === '--sf') opts.sf = Number(value());
    else if (a === '--out') out = value();
    else if (a === '--seed') opts.seed = Number(value());
    else if (a === '--row-group') opts.rowGroupSize = Number(value());
    else if (a === '--tables') opts.tables = value().split(',').map((t) => t.trim()) as TableName[];
    else if (a === '--quiet') opts.progress = false;
    else throw new RangeError(`unknown argument '${a}'; ${usage}`);
  }
  if (out === null || Number.isNaN(opts.sf)) throw new RangeError(usage);
  return { out, opts };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const t0 = performance.now();
  Promise.resolve()
    .then(() => {
      const { out, opts } = parseArgs(process.argv.slice(2));
      return generateTpch(out, opts).then((r) => ({ out, r }));
    })
    .then(
      ({ out, r }) => {
        for (const t of TABLE_NAMES) {
          if (r.rows[t] === undefined) continue;
          const mb = (r.bytes[t]! / 1e6).toFixed(1);
          console.log(`${t.padEnd(9)} ${r.rows[t]!.toLocaleString('en-US').padStart(12)} rows ${mb.padStart(8)} MB ${r.seconds[t]!.toFixed(2).padStart(7)} s`);
        }
        console.log(`wrote ${resolve(out)} in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
      },
      (e: unknown) => {
        console.error(e instanceof Error ? e.message : String(e));
        process.exit(1);
      },
    );
}
