/**
 * `kindling sql "SELECT ..."`: runs Spark SQL over Parquet files named in the query (DuckDB-style
 * `FROM 'data/*.parquet'`, Spark's ``parquet.`path` ``, or `--table name=path`), printing a table,
 * CSV or JSON lines, or writing a file.
 */
import { Command, Option } from 'commander';
import type { SparkSession } from '../../api/session.js';
import type { DataFrame } from '../../api/dataframe.js';
import { createSession, dataFrameSource, parseCount, print, status, type GlobalOptions } from '../context.js';
import { parseFormatName, writeOutput, writeToStdout } from '../output.js';
import { usageError } from '../exit-codes.js';
import { prepareSql, translateSqlError } from '../sql-paths.js';
import { formatCount } from '../table.js';
import { formatBytes } from '../../errors.js';

const collect = (v: string, prev: string[]) => [...prev, v];

/** Registers `--table name=path` views. */
export async function registerTables(spark: SparkSession, tables: readonly string[]): Promise<void> {
  for (const t of tables) {
    const eq = t.indexOf('=');
    if (eq <= 0) throw usageError(`--table expects name=path, got '${t}'`);
    (await spark.read.parquet(t.slice(eq + 1))).createOrReplaceTempView(t.slice(0, eq).trim());
  }
}

/** Runs a statement with quoted-path views registered; errors are translated back to the user's text. */
export async function runCliSql(spark: SparkSession, text: string): Promise<DataFrame> {
  const prepared = await prepareSql(spark, text);
  try {
    return await spark.sql(prepared.text);
  } catch (e) {
    throw translateSqlError(e, text, prepared);
  }
}

/** The `sql` command. */
export function sqlCommand(): Command {
  return new Command('sql')
    .description('run a Spark SQL query over Parquet files')
    .argument('<query>', "the SQL text; name files as FROM 'path' (file, directory or glob) or parquet.`path`")
    .option('-o, --output <path>', 'write the result to a file or directory instead of stdout')
    .addOption(new Option('--format <fmt>', 'output format').choices(['table', 'csv', 'json', 'jsonl', 'parquet', 'arrow', 'arrows']))
    .option('-t, --table <name=path>', 'register Parquet data as a named view (repeatable)', collect, [])
    .option('--max-rows <n>', 'rows printed in table format', '100')
    .option('--no-truncate', 'do not cut long strings in table format')
    .option('--overwrite', 'replace the output if it exists')
    .addHelpText(
      'after',
      `
Without -o the result is printed (default format table; csv and json print to stdout too).
With -o the format comes from the extension (.parquet, .csv, .jsonl, .arrow) or --format;
a path ending in '/' writes a Parquet directory.

Examples:
  $ kindling sql "SELECT country, count(*) AS n FROM 'data/events/*.parquet' GROUP BY country ORDER BY n DESC"
  $ kindling sql "SELECT * FROM parquet.\\\`data/users.parquet\\\` WHERE age > 30" --format csv > adults.csv
  $ kindling sql -t e=data/events/ -t u=data/users.parquet "SELECT u.name, count(*) FROM e JOIN u USING (user_id) GROUP BY u.name"
  $ kindling sql "SELECT * FROM 'in.parquet' WHERE amount > 0" -o positive.parquet`,
    )
    .action(
      async (
        query: string,
        opts: { output?: string; format?: string; table: string[]; maxRows: string; truncate: boolean; overwrite?: boolean },
        cmd: Command,
      ) => {
        const g = cmd.optsWithGlobals() as GlobalOptions;
        const spark = createSession(g);
        await registerTables(spark, opts.table);
        const df = await runCliSql(spark, query);
        if (opts.output !== undefined) {
          if (opts.format === 'table') throw usageError('--format table prints to stdout; use csv, json, parquet or arrow with -o');
          const { source } = dataFrameSource(df, g);
          const summary = await writeOutput(source, opts.output, {
            overwrite: opts.overwrite ?? false,
            ...(opts.format ? { format: parseFormatName(opts.format) } : {}),
          });
          status(g, `wrote ${formatCount(summary.rows)} rows (${formatBytes(summary.bytes)}) to ${opts.output}`);
          return;
        }
        const format = opts.format ?? 'table';
        if (format === 'table') {
          await print(await df.showString(parseCount(opts.maxRows, '--max-rows'), opts.truncate ? 20 : 0));
          return;
        }
        if (format === 'parquet') throw usageError('--format parquet needs -o FILE');
        const { source } = dataFrameSource(df, g);
        await writeToStdout(source.batches, source.schema, parseFormatName(format));
      },
    );
}
