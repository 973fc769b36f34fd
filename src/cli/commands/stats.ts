/**
 * `kindling stats FILE...`: the physical layout of Parquet files: size, row groups, and per column
 * the codec, encodings, sizes, null count and min/max (from the footers; no data pages are read).
 */
import { openAsBlob } from 'node:fs';
import { Command } from 'commander';
import * as pw from 'parquet-wasm';
import { readParquetSchema, type ParquetFileInfo } from '../../io/parquet-reader.js';
import { typeToString } from '../../types/data-type.js';
import type { CellValue } from '../../types/values.js';
import { cellText } from '../../api/show.js';
import { formatBytes } from '../../errors.js';
import { print } from '../context.js';
import { alignTable, formatCount } from '../table.js';

/** Per-column summary over all row groups of one file. */
interface ColumnSummary {
  name: string;
  type: string;
  codecs: string[];
  encodings: string[];
  compressedBytes: number;
  uncompressedBytes: number;
  nullCount: number | null;
  min: CellValue | undefined;
  max: CellValue | undefined;
}

/** The `stats` command. */
export function statsCommand(): Command {
  return new Command('stats')
    .description('print row groups, sizes, compression, encodings and per-column min/max/null counts')
    .argument('<paths...>', 'Parquet files, directories or globs')
    .option('--json', 'print JSON')
    .option('--row-groups', 'also list every row group')
    .addHelpText(
      'after',
      `
Min/max and null counts come from the footer statistics (absent when the writer did not store them).

Examples:
  $ kindling stats data/events.parquet
  $ kindling stats data/events/ --row-groups
  $ kindling stats data/events.parquet --json | jq '.[0].columns'`,
    )
    .action(async (paths: string[], opts: { json?: boolean; rowGroups?: boolean }) => {
      const all: Awaited<ReturnType<typeof describeFile>>[] = [];
      for (const p of paths) {
        const { files } = await readParquetSchema(p);
        for (const f of files) all.push(await describeFile(f));
      }
      if (opts.json) {
        await print(JSON.stringify(all, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Date ? v.toISOString() : v), 2) + '\n');
        return;
      }
      let out = '';
      for (const d of all) {
        out += `${out ? '\n' : ''}${d.path}\n`;
        out += `  ${formatBytes(d.bytes)}, ${formatCount(d.rows)} rows, ${d.rowGroups.length} row group${d.rowGroups.length === 1 ? '' : 's'}`;
        out += d.createdBy ? `, created by ${d.createdBy}\n` : '\n';
        if (opts.rowGroups) {
          out += indent(
            alignTable(
              [['row group', 'rows', 'compressed', 'uncompressed'], ...d.rowGroups.map((r) => [String(r.index), formatCount(r.rows), formatBytes(r.compressedBytes), formatBytes(r.uncompressedBytes)])],
              [false, true, true, true],
            ),
          );
        }
        out += indent(
          alignTable([
            ['column', 'type', 'codec', 'encodings', 'compressed', 'uncompressed', 'nulls', 'min', 'max'],
            ...d.columns.map((c) => [
              c.name,
              c.type,
              c.codecs.join(',') || '-',
              c.encodings.join(',') || '-',
              formatBytes(c.compressedBytes),
              formatBytes(c.uncompressedBytes),
              c.nullCount === null ? '-' : formatCount(c.nullCount),
              c.min === undefined ? '-' : clip(cellText(c.min)),
              c.max === undefined ? '-' : clip(cellText(c.max)),
            ]),
          ]),
        );
      }
      await print(out);
    });
}

function indent(s: string): string {
  return s.replace(/^(?=.)/gm, '  ');
}

function clip(s: string): string {
  return s.length > 30 ? s.slice(0, 27) + '...' : s;
}

async function describeFile(f: ParquetFileInfo) {
  const columns: ColumnSummary[] = f.schema.fields.map((fl) => ({
    name: fl.name,
    type: typeToString(fl.type),
    codecs: [],
    encodings: [],
    compressedBytes: 0,
    uncompressedBytes: 0,
    nullCount: 0,
    min: undefined,
    max: undefined,
  }));
  const byName = new Map(columns.map((c) => [c.name, c]));
  for (const rg of f.rowGroups) {
    for (const c of columns) {
      const st = rg.columns[c.name];
      if (!st || st.nullCount === undefined) c.nullCount = null;
      else if (c.nullCount !== null) c.nullCount += st.nullCount;
      if (st?.min !== undefined && st.min !== null && (c.min === undefined || compare(st.min, c.min) < 0)) c.min = st.min;
      if (st?.max !== undefined && st.max !== null && (c.max === undefined || compare(st.max, c.max) > 0)) c.max = st.max;
    }
  }
  // Codecs, encodings and per-chunk sizes are in parquet-wasm's metadata view of the footer.
  const file = await pw.ParquetFile.fromFile(await openAsBlob(f.path));
  let createdBy: string | undefined;
  try {
    const meta = file.metadata();
    const fm = meta.fileMetadata();
    createdBy = fm.createdBy();
    fm.free();
    for (const rg of meta.rowGroups()) {
      for (const chunk of rg.columns()) {
        const c = byName.get(chunk.columnPath().join('.'));
        if (c) {
          const codec = (pw.Compression[chunk.compression()] ?? String(chunk.compression())).toLowerCase();
          if (!c.codecs.includes(codec)) c.codecs.push(codec);
          for (const e of chunk.encodings()) {
            const name = pw.Encoding[e] ?? String(e);
            if (!c.encodings.includes(name)) c.encodings.push(name);
          }
          c.compressedBytes += chunk.compressedSize();
          c.uncompressedBytes += chunk.uncompressedSize();
        }
        chunk.free();
      }
      rg.free();
    }
    meta.free();
  } finally {
    file.free();
  }
  return {
    path: f.path,
    bytes: f.byteSize,
    rows: f.numRows,
    createdBy,
    rowGroups: f.rowGroups.map((r) => ({ index: r.index, rows: r.numRows, compressedBytes: r.compressedBytes, uncompressedBytes: r.uncompressedBytes })),
    columns,
  };
}

function compare(a: CellValue, b: CellValue): number {
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') {
    const na = Number(a);
    const nb = Number(b);
    if (/^-?\d+(\.\d+)?$/.test(a) && /^-?\d+(\.\d+)?$/.test(b)) return na - nb; // decimals
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return Number(a) - Number(b);
}
