/** In-process tests of the CLI's pure pieces: SQL path references, CSV inference, error mapping, argument normalisation. */
import { describe, expect, it } from 'vitest';
import { findPathReferences, translateSqlError } from '../src/cli/sql-paths.js';
import { formatTimestampMicros, inferTextType, parseTextCell, parseTimestampMicros } from '../src/cli/formats/cells.js';
import { classifyError, CliError, ExitCode } from '../src/cli/exit-codes.js';
import { normalizeArgs } from '../src/cli/main.js';
import { formatOfPath } from '../src/cli/output.js';
import { AnalysisError, KindlingIOError, MemoryBudgetExceededError, ParseError } from '../src/errors.js';
import { typeToString } from '../src/types/data-type.js';
import { parseStatement } from '../src/sql/parser.js';

describe('quoted paths in FROM', () => {
  it('finds relations, not string literals elsewhere', () => {
    const sql = "SELECT 'x' AS a FROM 'data/*.parquet' t JOIN \"u.parquet\" u ON t.id = u.id, 'b.parquet' WHERE s = 'FROM' AND x IN (SELECT y FROM 'c' )";
    expect(findPathReferences(sql).map((r) => [r.path, sql.slice(r.start, r.end)])).toEqual([
      ['data/*.parquet', "'data/*.parquet'"],
      ['u.parquet', '"u.parquet"'],
      ['b.parquet', "'b.parquet'"],
      ['c', "'c'"],
    ]);
    expect(findPathReferences("SELECT 'a', 'b' FROM t WHERE c = 'd'")).toEqual([]);
    expect(findPathReferences("SELECT 'unterminated")).toEqual([]);
  });

  it('re-renders syntax errors against the original text', () => {
    const original = "SELECT a,\n FROM 'some/long/path.parquet'";
    const rewritten = "SELECT a,\n FROM _k0                       ";
    let err: unknown;
    try {
      parseStatement(rewritten);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    const out = translateSqlError(err, original, { text: rewritten, views: new Map([['_k0', 'some/long/path.parquet']]) }) as ParseError;
    expect(out.message).toBe("syntax error at line 2, column 2: expected an expression, found 'FROM'\n   FROM 'some/long/path.parquet'\n   ^");
  });
});

describe('CSV type inference and parsing', () => {
  it('picks the narrowest type of a sample', () => {
    const t = (vals: (string | null)[]) => typeToString(inferTextType(vals));
    expect(t(['1', '-2', null])).toBe('int');
    expect(t(['1', '3000000000'])).toBe('bigint');
    expect(t(['1', '2.5', '1e3', 'NaN'])).toBe('double');
    expect(t(['true', 'FALSE'])).toBe('boolean');
    expect(t(['2024-01-01', '2024-02-29'])).toBe('date');
    expect(t(['2024-02-30'])).toBe('string');
    expect(t(['2024-01-01', '2024-01-01T10:00:00Z'])).toBe('timestamp');
    expect(t(['1', 'x'])).toBe('string');
    expect(t([null, null])).toBe('string');
    expect(t(['99999999999999999999'])).toBe('double');
  });

  it('parses timestamps to microseconds and formats them back', () => {
    expect(parseTimestampMicros('1970-01-01T00:00:01.5Z')).toBe(1_500_000n);
    expect(parseTimestampMicros('1970-01-01 01:00:00+01:00')).toBe(0n);
    expect(parseTimestampMicros('2024-01-02T03:04:05.123456789')).toBe(BigInt(Date.UTC(2024, 0, 2, 3, 4, 5)) * 1000n + 123456n);
    expect(parseTimestampMicros('2024-13-01T00:00:00')).toBeNull();
    expect(formatTimestampMicros(1_500_000n)).toBe('1970-01-01T00:00:01.5Z');
    expect(formatTimestampMicros(-1n)).toBe('1969-12-31T23:59:59.999999Z');
    expect(formatTimestampMicros(0n)).toBe('1970-01-01T00:00:00Z');
  });

  it('rejects values that do not fit with exit code 4', () => {
    expect(parseTextCell({ kind: 'int32' }, ' 42 ', 'a', 2, 'f.csv')).toBe(42);
    expect(parseTextCell({ kind: 'int64' }, '9223372036854775807', 'a', 2, 'f.csv')).toBe(9223372036854775807n);
    let err: unknown;
    try {
      parseTextCell({ kind: 'int32' }, '3000000000', 'a', 7, 'f.csv');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).code).toBe(ExitCode.InvalidInput);
    expect((err as CliError).message).toContain("f.csv: row 7, column 'a'");
  });
});

describe('error classification', () => {
  it('maps engine errors to exit codes', () => {
    expect(classifyError(new KindlingIOError('path does not exist: x')).code).toBe(3);
    expect(classifyError(new KindlingIOError('x is not a Parquet file: it has only 6 bytes')).code).toBe(4);
    expect(classifyError(new KindlingIOError('x has a corrupt Parquet footer: bad')).code).toBe(4);
    expect(classifyError(new AnalysisError("column 'a' does not exist")).code).toBe(5);
    expect(classifyError(new AnalysisError('unable to infer a schema: no .parquet files were found under d')).code).toBe(3);
    expect(classifyError(new ParseError('syntax error at line 1, column 1: x')).code).toBe(6);
    expect(classifyError(new MemoryBudgetExceededError('Sort', 1024, 4096)).code).toBe(1);
    expect(classifyError(new Error('boom'))).toEqual({ code: 1, message: 'boom' });
  });
});

describe('arguments', () => {
  it('keeps a descending --sort key as the value of --sort', () => {
    expect(normalizeArgs(['transform', 'x', '--sort', '-v', '-v'])).toEqual(['transform', 'x', '--sort=-v', '-v']);
    expect(normalizeArgs(['--sort', 'a,-b'])).toEqual(['--sort', 'a,-b']);
    expect(normalizeArgs(['--', '--sort', '-v'])).toEqual(['--', '--sort', '-v']);
  });

  it('tells formats from extensions', () => {
    expect(['a.parquet', 'b.CSV', 'c.jsonl', 'd.json', 'e.arrow', 'f.arrows', 'g/', 'h'].map(formatOfPath)).toEqual([
      'parquet', 'csv', 'jsonl', 'jsonl', 'arrow', 'arrows', undefined, undefined,
    ]);
  });
});
