/** `kindling head FILE [-n 20]`: the first rows as a table, CSV or JSON lines. */
import { Command } from 'commander';
import { createSession, parseCount, parseList, print, type GlobalOptions } from '../context.js';
import { parseFormatName, writeToStdout } from '../output.js';
import { usageError } from '../exit-codes.js';

/** The `head` command. */
export function headCommand(): Command {
  return new Command('head')
    .description('print the first rows of Parquet files')
    .argument('<paths...>', 'Parquet files, directories or globs (read as one dataset)')
    .option('-n, --rows <n>', 'number of rows', '20')
    .option('-s, --select <cols>', 'only these columns (comma-separated)')
    .option('--format <fmt>', 'table, csv or json (JSON lines)', 'table')
    .option('--no-truncate', 'do not cut long strings in the table')
    .addHelpText(
      'after',
      `
Examples:
  $ kindling head data/events.parquet
  $ kindling head data/events/ -n 5 --select id,name
  $ kindling head data/events/ -n 100 --format csv > sample.csv`,
    )
    .action(async (paths: string[], opts: { rows: string; select?: string; format: string; truncate: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      const n = parseCount(opts.rows, '--rows');
      const spark = createSession(g);
      let df = await spark.read.parquet(...paths);
      if (opts.select) df = df.select(parseList(opts.select));
      if (opts.format === 'table') {
        await print(await df.showString(n, opts.truncate ? 20 : 0));
        return;
      }
      const format = parseFormatName(opts.format);
      if (format !== 'csv' && format !== 'jsonl') throw usageError(`head prints table, csv or json, not ${opts.format}`);
      const limited = df.limit(n);
      await writeToStdout(limited.executeBatches(), limited.schema, format);
    });
}
