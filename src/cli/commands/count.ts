/** `kindling count FILE... [--filter EXPR]`: row counts from the footers (or by scanning, with a filter). */
import { Command } from 'commander';
import { readParquetSchema } from '../../io/parquet-reader.js';
import { createSession, print, type GlobalOptions } from '../context.js';

/** The `count` command. */
export function countCommand(): Command {
  return new Command('count')
    .description('count rows of Parquet files (from footers; with --filter, by scanning)')
    .argument('<paths...>', 'Parquet files, directories or globs')
    .option('-f, --filter <expr>', 'count only rows where this SQL expression is true')
    .addHelpText(
      'after',
      `
With one path, prints the number; with several, one "count<TAB>path" line each and a total.

Examples:
  $ kindling count data/events/
  $ kindling count data/a.parquet data/b.parquet
  $ kindling count data/events/ --filter "country = 'NZ' AND amount > 10"`,
    )
    .action(async (paths: string[], opts: { filter?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      const counts: number[] = [];
      for (const p of paths) {
        if (opts.filter === undefined) {
          const { files } = await readParquetSchema(p);
          counts.push(files.reduce((s, f) => s + f.numRows, 0));
        } else {
          const spark = createSession(g);
          counts.push(await (await spark.read.parquet(p)).filter(opts.filter).count());
        }
      }
      if (paths.length === 1) await print(`${counts[0]}\n`);
      else await print(paths.map((p, i) => `${counts[i]}\t${p}\n`).join('') + `${counts.reduce((a, b) => a + b, 0)}\ttotal\n`);
    });
}
