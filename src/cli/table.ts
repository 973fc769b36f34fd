/** Plain aligned text tables for the CLI's metadata commands (schema, stats). */

/** Formats rows (first row = header) as left-aligned columns separated by two spaces. */
export function alignTable(rows: readonly (readonly string[])[], rightAlign: readonly boolean[] = []): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, c) => {
            const pad = ' '.repeat(widths[c]! - [...cell].length);
            return rightAlign[c] ? pad + cell : c === r.length - 1 ? cell : cell + pad;
          })
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** Thousands separators: 1234567 -> "1,234,567". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
