/** `kindling explain "SQL"`: the optimized logical plan and the physical plan of a query. */
import { Command } from 'commander';
import { createSession, print, type GlobalOptions } from '../context.js';
import { registerTables, runCliSql } from './sql.js';

const collect = (v: string, prev: string[]) => [...prev, v];

/** The `explain` command. */
export function explainCommand(): Command {
  return new Command('explain')
    .description('print the optimized plan of a SQL query (nothing is executed)')
    .argument('<query>', "the SQL text (files as FROM 'path' or parquet.`path`)")
    .option('-t, --table <name=path>', 'register Parquet data as a named view (repeatable)', collect, [])
    .option('--extended', 'also print the analyzed plan and the optimizer rules applied')
    .addHelpText(
      'after',
      `
Examples:
  $ kindling explain "SELECT id FROM 'data/events/' WHERE amount > 10"
  $ kindling explain --extended "SELECT country, sum(amount) FROM 'data/*.parquet' GROUP BY 1"`,
    )
    .action(async (query: string, opts: { table: string[]; extended?: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      const spark = createSession(g);
      await registerTables(spark, opts.table);
      const text = /^\s*explain\b/i.test(query) ? query.replace(/^\s*explain\s+(extended\s+)?/i, '') : query;
      const df = await runCliSql(spark, text);
      const full = df.explainString(true);
      if (opts.extended) {
        await print(full + '\n');
        return;
      }
      const at = full.indexOf('== Optimized Logical Plan ==');
      const optimized = full.slice(at).replace(/\n\(rules applied:[^\n]*\)/, '');
      await print(optimized + '\n');
    });
}
