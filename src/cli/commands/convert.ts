/**
 * `kindling convert IN OUT`: between Parquet, CSV, JSON lines and Arrow IPC, streaming batch by
 * batch (input larger than memory is fine). CSV and JSON types are inferred from a sample of the
 * first rows unless `--schema` gives them.
 */
import { stat } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { parseSchemaDDL } from '../../api/session.js';
import { InvalidArgumentError, KindlingIOError, formatBytes } from '../../errors.js';
import type { Schema } from '../../types/schema.js';
import { createSession, parsePositiveInt, status, type GlobalOptions } from '../context.js';
import { formatOfPath, outputOptions, parseFormatName, writeOutput, type InputFormat } from '../output.js';
import { CliError, usageError } from '../exit-codes.js';
import { readCsv } from '../formats/csv.js';
import { readJsonl } from '../formats/jsonl.js';
import { readArrowIpc } from '../formats/arrow-ipc.js';
import type { BatchSource } from '../formats/source.js';
import { Progress, progressEnabled } from '../progress.js';
import { isGlob } from '../../io/paths.js';
import { formatCount } from '../table.js';
import { runtime } from '../../wasm/runtime.js';

interface ConvertOptions {
  from?: string;
  to?: string;
  schema?: string;
  delimiter?: string;
  header: boolean;
  sampleRows: string;
  compression?: string;
  rowGroupSize?: string;
  partitionBy?: string;
  overwrite?: boolean;
  append?: boolean;
}

/** The `convert` command. */
export function convertCommand(): Command {
  return new Command('convert')
    .description('convert between Parquet, CSV, JSON lines and Arrow IPC (streaming)')
    .argument('<input>', 'input file (Parquet also: directory or glob)')
    .argument('<output>', "output file, or a directory ('out/') for Parquet")
    .option('--from <fmt>', 'input format when the extension does not say: parquet, csv, json, arrow')
    .option('--to <fmt>', 'output format when the extension does not say: parquet, csv, json, arrow, arrows')
    .option('--schema <ddl>', "column names and types for CSV/JSON input, e.g. 'id BIGINT, name STRING, day DATE'")
    .option('--delimiter <char>', 'CSV field delimiter (input and output)')
    .option('--no-header', 'the CSV input has no header line (columns are named _c0, _c1, ...)')
    .option('--sample-rows <n>', 'rows sampled to infer CSV/JSON types', '10000')
    .addOption(new Option('--compression <codec>', 'Parquet codec').choices(['snappy', 'zstd', 'gzip', 'lz4', 'brotli', 'none']).default('snappy'))
    .option('--row-group-size <n>', 'maximum rows per Parquet row group')
    .option('--partition-by <cols>', 'write a hive-partitioned Parquet directory by these columns')
    .option('--overwrite', 'replace the output if it exists')
    .option('--append', 'add part files to an existing Parquet directory (created if missing)')
    .addHelpText(
      'after',
      `
Formats by extension: .parquet; .csv (.tsv: tab-delimited); .json, .jsonl, .ndjson (JSON lines);
.arrow, .feather (Arrow IPC file); .arrows, .ipc (Arrow IPC stream).
CSV: unquoted empty fields are NULL, "" is the empty string. Inferred types: int, bigint,
double, boolean, date, timestamp, string.

Examples:
  $ kindling convert events.csv events.parquet
  $ kindling convert events.csv events.parquet --schema 'id BIGINT, ts TIMESTAMP, amount DOUBLE, note STRING'
  $ kindling convert data/events/ events.jsonl
  $ kindling convert big.parquet big.arrow --overwrite`,
    )
    .action(async (input: string, output: string, opts: ConvertOptions, cmd: Command) => {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      const spark = createSession(g);
      const inFormat = inputFormat(input, opts.from);
      let schema: Schema | undefined;
      if (opts.schema !== undefined) {
        if (inFormat !== 'csv' && inFormat !== 'jsonl') throw usageError('--schema applies to CSV and JSON input only');
        try {
          schema = parseSchemaDDL(opts.schema);
        } catch (e) {
          if (e instanceof InvalidArgumentError) throw usageError(`--schema: ${e.message}`);
          throw e;
        }
      }
      const delimiter = opts.delimiter ?? (/\.tsv$/i.test(input) || /\.tsv$/i.test(output) ? '\t' : undefined);
      if (delimiter !== undefined && [...delimiter].length !== 1) throw usageError(`--delimiter must be one character, got '${delimiter}'`);
      const batchSize = spark.conf.batchSize;
      const sampleRows = parsePositiveInt(opts.sampleRows, '--sample-rows');
      runtime().memory.resetPeak();
      let source: BatchSource;
      if (inFormat === 'parquet') {
        const df = await spark.read.parquet(input);
        const totalRows = df.plan.kind === 'parquet' ? df.plan.source.files.reduce((s, f) => s + f.numRows, 0) : undefined;
        source = { schema: df.schema, batches: df.executeBatches(), ...(totalRows !== undefined ? { totalRows } : {}) };
      } else {
        await checkReadable(input);
        if (inFormat === 'csv') {
          source = await readCsv(input, { batchSize, sampleRows, header: opts.header, ...(delimiter ? { delimiter } : {}), ...(schema ? { schema } : {}) });
        } else if (inFormat === 'jsonl') source = await readJsonl(input, { batchSize, sampleRows, ...(schema ? { schema } : {}) });
        else source = await readArrowIpc(input);
      }
      const progress = new Progress(progressEnabled(g.quiet ?? false), source.totalRows);
      const summary = await writeOutput(
        { schema: source.schema, batches: progress.track(source.batches) },
        output,
        outputOptions(opts, opts.to, delimiter ? { delimiter } : {}),
      );
      status(g, `wrote ${formatCount(summary.rows)} rows (${formatBytes(summary.bytes)}) to ${output}`);
      if (g.verbose) status(g, `peak engine memory: ${runtime().memory.peakBytes} bytes`);
    });
}

function inputFormat(path: string, from: string | undefined): InputFormat {
  const f = from !== undefined ? parseFormatName(from) : isGlob(path) ? 'parquet' : formatOfPath(path);
  if (f === 'arrows') return 'arrow';
  if (f) return f;
  if (/[\\/]$/.test(path)) return 'parquet';
  return 'parquet'; // directories and extension-less names: Parquet (the reader reports non-Parquet files clearly)
}

async function checkReadable(path: string): Promise<void> {
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw usageError(`${path} is a directory; only Parquet input may be a directory (use --from parquet)`);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new KindlingIOError(`path does not exist: ${path}`, path, { cause: e });
  }
}
