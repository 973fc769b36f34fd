/**
 * `kindling transform IN... -o OUT`: filter, derive, project, deduplicate, sort and limit Parquet
 * data and write the result (a single file or a partitioned directory). Plans without a sort or
 * deduplication stream batch by batch from the input row groups to the output row groups.
 */
import { Command, Option } from 'commander';
import type { DataFrame } from '../../api/dataframe.js';
import { col, expr } from '../../api/functions.js';
import type { Column } from '../../api/column.js';
import { createSession, dataFrameSource, parseList, parseCount, status, type GlobalOptions } from '../context.js';
import { outputOptions, writeOutput } from '../output.js';
import { usageError } from '../exit-codes.js';
import { formatBytes } from '../../errors.js';
import { formatCount } from '../table.js';
import { runtime } from '../../wasm/runtime.js';

/** Flags of transform. */
interface TransformOptions {
  output: string;
  select?: string;
  filter: string[];
  with: string[];
  sort?: string;
  limit?: string;
  dedup?: string | boolean;
  partitionBy?: string;
  compression?: string;
  rowGroupSize?: string;
  format?: string;
  overwrite?: boolean;
  append?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

/** The `transform` command. */
export function transformCommand(): Command {
  return new Command('transform')
    .description('filter, derive, select, deduplicate, sort and limit Parquet data, and write the result')
    .argument('<inputs...>', 'Parquet files, directories or globs (read as one dataset)')
    .requiredOption('-o, --output <path>', "output: a file (.parquet, .csv, .jsonl, .arrow) or a directory ('out/', or with --partition-by)")
    .option('-f, --filter <expr>', 'keep rows where this SQL expression is true (repeatable: all must hold)', collect, [])
    .option('-w, --with <name=expr>', 'add or replace a column computed by a SQL expression (repeatable, applied in order)', collect, [])
    .option('-s, --select <cols>', 'keep these columns, in this order (comma-separated)')
    .option('--dedup [cols]', 'drop duplicate rows (on these columns, keeping the first row of each; all columns when no list)')
    .option('--sort <cols>', "sort by these columns; '-name' sorts descending (e.g. 'a,-b')")
    .option('--limit <n>', 'keep at most n rows')
    .option('--partition-by <cols>', 'write a hive-partitioned directory (col=value/) by these columns')
    .addOption(new Option('--compression <codec>', 'Parquet codec').choices(['snappy', 'zstd', 'gzip', 'lz4', 'brotli', 'none']).default('snappy'))
    .option('--row-group-size <n>', 'maximum rows per Parquet row group')
    .option('--format <fmt>', 'output format when the extension does not say: parquet, csv, json, arrow, arrows')
    .option('--overwrite', 'replace the output if it exists')
    .option('--append', 'add part files to an existing Parquet directory (created if missing)')
    .addHelpText(
      'after',
      `
Steps run in this order: --with, --filter, --select, --dedup, --sort, --limit. Expressions are
Spark SQL (the same as df.filter("...") and selectExpr). Filters on input columns are pushed into
the Parquet scan (row groups whose statistics exclude them are skipped).

Examples:
  $ kindling transform data/events/ -o out/big.parquet --filter "amount > 100" --select id,amount
  $ kindling transform 'data/*.parquet' -o out/by_day/ --with "day=to_date(ts)" --partition-by day
  $ kindling transform in.parquet -o top.csv --sort -amount,id --limit 10
  $ kindling transform in.parquet -o clean.parquet --dedup user_id --compression zstd --overwrite
  $ kindling transform new/*.parquet -o warehouse/events/ --append --partition-by day`,
    )
    .action(async (inputs: string[], opts: TransformOptions, cmd: Command) => {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      const spark = createSession(g);
      const input = await spark.read.parquet(...inputs);
      const totalRows = input.plan.kind === 'parquet' ? input.plan.source.files.reduce((s, f) => s + f.numRows, 0) : undefined;
      const df = applyTransforms(input, opts);
      const oneToOne = opts.filter.length === 0 && opts.dedup === undefined && opts.limit === undefined;
      runtime().memory.resetPeak();
      const { source } = dataFrameSource(df, g, oneToOne ? totalRows : undefined);
      const summary = await writeOutput(source, opts.output, outputOptions(opts, opts.format));
      status(g, `wrote ${formatCount(summary.rows)} rows (${formatBytes(summary.bytes)}, ${summary.files} file${summary.files === 1 ? '' : 's'}) to ${opts.output}`);
      if (g.verbose) status(g, `peak engine memory: ${runtime().memory.peakBytes} bytes`);
    });
}

/** Applies the transform flags to a DataFrame, in the documented order. */
export function applyTransforms(input: DataFrame, opts: Omit<TransformOptions, 'output'>): DataFrame {
  let df = input;
  for (const w of opts.with) {
    const eq = w.indexOf('=');
    if (eq <= 0) throw usageError(`--with expects name=expression, got '${w}'`);
    const name = w.slice(0, eq).trim().replace(/^`(.*)`$/, '$1');
    df = df.withColumn(name, expr(w.slice(eq + 1)));
  }
  for (const f of opts.filter) df = df.filter(f);
  if (opts.select !== undefined) {
    const cols = parseList(opts.select);
    if (cols.length === 0) throw usageError('--select needs at least one column');
    df = df.select(cols);
  }
  if (opts.dedup !== undefined) df = opts.dedup === true ? df.dropDuplicates() : df.dropDuplicates(parseList(String(opts.dedup)));
  if (opts.sort !== undefined) {
    const keys = parseList(opts.sort);
    if (keys.length === 0) throw usageError('--sort needs at least one column');
    df = df.orderBy(keys.map((k): Column => (k.startsWith('-') ? col(k.slice(1)).desc() : col(k.replace(/^\+/, '')).asc())));
  }
  if (opts.limit !== undefined) df = df.limit(parseCount(opts.limit, '--limit'));
  return df;
}
