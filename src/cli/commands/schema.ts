/** `kindling schema FILE...`: columns, types, nullability and row counts, from the footers only. */
import { Command } from 'commander';
import { readParquetSchema } from '../../io/parquet-reader.js';
import { typeToString } from '../../types/data-type.js';
import { print } from '../context.js';
import { alignTable, formatCount } from '../table.js';

/** The `schema` command. */
export function schemaCommand(): Command {
  return new Command('schema')
    .description('print columns, types, nullability and row count of Parquet files (reads footers only)')
    .argument('<paths...>', 'Parquet files, directories (hive partitions discovered) or globs')
    .option('--json', 'print JSON instead of a table')
    .addHelpText(
      'after',
      `
Each argument is described separately (a directory or glob as one dataset).

Examples:
  $ kindling schema data/events.parquet
  $ kindling schema 'data/events/*.parquet' --json
  $ kindling schema data/events/            # partition columns are listed too`,
    )
    .action(async (paths: string[], opts: { json?: boolean }) => {
      const results = [];
      for (const p of paths) {
        const { schema, files } = await readParquetSchema(p);
        const partitionCols = new Set(Object.keys(files[0]?.partitionValues ?? {}));
        const rows = files.reduce((s, f) => s + f.numRows, 0);
        results.push({
          path: p,
          files: files.length,
          rows,
          columns: schema.fields.map((f) => ({ name: f.name, type: typeToString(f.type), nullable: f.nullable, partition: partitionCols.has(f.name) })),
        });
      }
      if (opts.json) {
        await print(JSON.stringify(results.length === 1 ? results[0] : results, null, 2) + '\n');
        return;
      }
      let out = '';
      for (const r of results) {
        if (results.length > 1) out += `${out ? '\n' : ''}${r.path}\n`;
        out += alignTable([
          ['column', 'type', 'nullable'],
          ...r.columns.map((c) => [c.name, c.type + (c.partition ? ' (partition)' : ''), c.nullable ? 'yes' : 'no']),
        ]);
        out += `${formatCount(r.rows)} rows in ${r.files} file${r.files === 1 ? '' : 's'}\n`;
      }
      await print(out);
    });
}
