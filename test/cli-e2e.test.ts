/**
 * End-to-end tests of the `kindling` command: the real launcher (bin/kindling.mjs) runs as a child
 * process on files generated here, and the tests check stdout, stderr, exit codes, and what the
 * written files contain (read back with the engine).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as arrow from 'apache-arrow';
import { SparkSession } from '../src/api/session.js';
import type { Row } from '../src/api/dataframe.js';

// Each test starts several child processes (a second or two each on an idle machine; much more
// on a loaded one), so the per-test limit is generous.
vi.setConfig({ testTimeout: 300_000 });

const BIN = resolve(fileURLToPath(import.meta.url), '..', '..', 'bin', 'kindling.mjs');

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

let dir: string;
let spark: SparkSession;

/** Runs `kindling args...` in the test directory (stderr is not a TTY, so no progress bar). */
function run(args: readonly string[]): Promise<RunResult> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, maxBuffer: 64 << 20, timeout: 170_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

async function readBack(path: string): Promise<Row[]> {
  return (await spark.read.parquet(join(dir, path))).collect();
}

/** The rows of the generated multi-file dataset, as the test knows them. */
interface Event {
  id: number;
  name: string | null;
  amount: number;
  country: string;
}
const events: Event[] = Array.from({ length: 900 }, (_, i) => ({
  id: i,
  name: i % 10 === 0 ? null : ['Zoë', '東京', 'Ωmega', 'plain'][i % 4]!,
  amount: (i * 7) % 1000,
  country: ['NZ', 'AU', 'JP'][i % 3]!,
}));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kindling-cli-'));
  spark = SparkSession.builder.master('local[*]').getOrCreate();
  const df = spark.createDataFrame(
    events.map((e) => ({ ...e, id: BigInt(e.id) })),
    'id bigint, name string, amount int, country string',
  );
  // three part files of 300 rows each, 100-row row groups
  await df.write.option('maxRecordsPerFile', 300).option('rowGroupSize', 100).parquet(join(dir, 'multi'));
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('help and usage', () => {
  it('documents commands, exit codes and examples; bad flags exit 2', async () => {
    const [top, sub, bad, none] = await Promise.all([run(['--help']), run(['transform', '--help']), run(['head', 'multi', '--bogus']), run([])]);
    expect(top.code).toBe(0);
    for (const c of ['schema', 'head', 'count', 'stats', 'transform', 'sql', 'convert', 'explain']) expect(top.stdout).toContain(c);
    expect(top.stdout).toContain('Exit codes:');
    expect(top.stdout).toMatch(/7\s+output exists/);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('Examples:');
    expect(sub.stdout).toContain('--partition-by');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown option '--bogus'");
    expect(none.code).toBe(2);
  });
});

describe('inspecting a multi-file directory', () => {
  it('schema, count, head and stats', async () => {
    const [schema, count, counts, head, stats, json] = await Promise.all([
      run(['schema', 'multi']),
      run(['count', 'multi']),
      run(['count', 'multi', 'multi/*.parquet', '--filter', "country = 'NZ'"]),
      run(['head', 'multi', '-n', '4', '--select', 'id,name']),
      run(['stats', 'multi', '--row-groups']),
      run(['schema', 'multi', '--json']),
    ]);
    expect(schema.code).toBe(0);
    expect(schema.stdout).toMatch(/^column\s+type\s+nullable$/m);
    expect(schema.stdout).toMatch(/^id\s+bigint\s+yes$/m);
    expect(schema.stdout).toMatch(/^amount\s+int\s+yes$/m);
    expect(schema.stdout).toContain('900 rows in 3 files');
    expect(count).toEqual({ code: 0, stdout: '900\n', stderr: '' });
    expect(counts.code).toBe(0);
    expect(counts.stdout).toBe('300\tmulti\n300\tmulti/*.parquet\n600\ttotal\n');
    expect(head.code).toBe(0);
    expect(head.stdout).toBe(
      ['+---+-----+', '| id| name|', '+---+-----+', '|  0| NULL|', '|  1|東京|', '|  2|Ωmega|', '|  3|plain|', '+---+-----+', 'only showing top 4 rows', ''].join('\n').replace('|東京|', '| 東京|'),
    );
    expect(stats.code).toBe(0);
    expect(stats.stdout.match(/\.parquet\n/g)?.length).toBe(3);
    expect(stats.stdout).toContain('300 rows, 3 row groups, created by kindling');
    expect(stats.stdout).toMatch(/^ {2}id\s+bigint\s+snappy\s+\S+.*\s0\s+0\s+299$/m);
    expect(stats.stdout).toMatch(/^ {2}name\s+string\s+snappy.*\s30\s+Zoë\s+東京$/m);
    const parsed = JSON.parse(json.stdout) as { rows: number; files: number; columns: { name: string; type: string }[] };
    expect(parsed.rows).toBe(900);
    expect(parsed.files).toBe(3);
    expect(parsed.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['id:bigint', 'name:string', 'amount:int', 'country:string']);
  });
});

describe('transform', () => {
  it('filter, with, select, sort and limit into one Parquet file', async () => {
    const r = await run([
      'transform', 'multi', '-o', 'out/top.parquet',
      '--filter', 'amount >= 500', '--filter', "name IS NOT NULL",
      '--with', 'double_amount=amount * 2', '--with', 'label=upper(country)',
      '--select', 'id,name,double_amount,label',
      '--sort', '-double_amount,id', '--limit', '7', '--compression', 'zstd',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('wrote 7 rows');
    expect(readdirSync(join(dir, 'out'))).toEqual(['top.parquet']); // one file, no temporaries left
    const expected = events
      .filter((e) => e.amount >= 500 && e.name !== null)
      .map((e) => ({ id: BigInt(e.id), name: e.name, double_amount: e.amount * 2, label: e.country.toUpperCase() }))
      .sort((a, b) => b.double_amount - a.double_amount || Number(a.id - b.id))
      .slice(0, 7);
    expect(await readBack('out/top.parquet')).toEqual(expected);
    const stats = await run(['stats', 'out/top.parquet']);
    expect(stats.stdout).toMatch(/^ {2}id\s+bigint\s+zstd/m);
  });

  it('dedup and partition-by into a directory that reads back', async () => {
    const r = await run(['transform', 'multi', '-o', 'out/by_country', '--dedup', 'country,amount', '--partition-by', 'country', '--select', 'country,amount']);
    expect(r.code, r.stderr).toBe(0);
    const parts = readdirSync(join(dir, 'out/by_country')).sort();
    expect(parts).toEqual(['_SUCCESS', 'country=AU', 'country=JP', 'country=NZ']);
    const rows = await readBack('out/by_country');
    const key = (c: string, a: number) => `${c}/${a}`;
    const expected = new Set(events.map((e) => key(e.country, e.amount)));
    expect(rows.length).toBe(expected.size);
    expect(new Set(rows.map((x) => key(String(x['country']), Number(x['amount']))))).toEqual(expected);
    // the partition column comes back from the directory names
    const schema = await run(['schema', 'out/by_country']);
    expect(schema.stdout).toMatch(/^country\s+string \(partition\)\s+yes$/m);
  });
});

describe('append', () => {
  it('adds part files to a Parquet directory with --append', async () => {
    const first = await run(['transform', 'multi', '-o', 'out/appended/', '--filter', "country = 'NZ'", '--append', '-q']);
    expect(first.code, first.stderr).toBe(0);
    const [second, wrongTarget] = await Promise.all([
      run(['transform', 'multi', '-o', 'out/appended/', '--filter', "country = 'AU'", '--append', '-q']),
      run(['transform', 'multi', '-o', 'out/x.csv', '--append']),
    ]);
    expect(second.code, second.stderr).toBe(0);
    expect(wrongTarget.code).toBe(2);
    const rows = await readBack('out/appended');
    expect(rows.length).toBe(600);
    expect(new Set(rows.map((r) => r['country']))).toEqual(new Set(['NZ', 'AU']));
  });
});

describe('sql and explain', () => {
  it('runs SQL over quoted paths and parquet.`path`, printing csv, json and tables', async () => {
    const [csv, json, table, toFile, explain] = await Promise.all([
      run(['sql', "SELECT country, count(*) AS n, sum(amount) AS total FROM 'multi/*.parquet' GROUP BY country ORDER BY country", '--format', 'csv']),
      run(['sql', 'SELECT id, name FROM parquet.`multi` WHERE id IN (0, 1, 2) ORDER BY id', '--format', 'json']),
      run(['sql', "SELECT a.id, b.country FROM 'multi' a JOIN 'multi' b ON a.id = b.id WHERE a.id < 2 ORDER BY a.id"]),
      run(['sql', "SELECT * FROM 'multi' WHERE country = 'JP'", '-o', 'out/jp.jsonl']),
      run(['explain', "SELECT id FROM 'multi' WHERE amount > 990"]),
    ]);
    const totals = (c: string) => events.filter((e) => e.country === c).reduce((s, e) => s + e.amount, 0);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout).toBe(`country,n,total\nAU,300,${totals('AU')}\nJP,300,${totals('JP')}\nNZ,300,${totals('NZ')}\n`);
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).toBe('{"id":0,"name":null}\n{"id":1,"name":"東京"}\n{"id":2,"name":"Ωmega"}\n');
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('| id|country|');
    expect(table.stdout).toContain('|  1|     AU|');
    expect(toFile.code, toFile.stderr).toBe(0);
    const lines = readFileSync(join(dir, 'out/jp.jsonl'), 'utf8').trim().split('\n');
    expect(lines.length).toBe(300);
    expect(JSON.parse(lines[0]!)).toEqual({ id: 2, name: 'Ωmega', amount: 14, country: 'JP' });
    expect(explain.code, explain.stderr).toBe(0);
    expect(explain.stdout).toContain('== Optimized Logical Plan ==');
    expect(explain.stdout).toContain('== Physical Plan ==');
    expect(explain.stdout).toMatch(/amount/);
  });
});

describe('convert', () => {
  it('CSV -> Parquet -> JSON lines -> Arrow -> CSV round trip with nulls and multi-byte text', async () => {
    const csv = [
      'id,name,score,ok,day,ts',
      '1,Zoë,1.5,true,2024-01-02,2024-01-02T03:04:05.123456Z',
      '2,,2,false,,',
      '3,"",-3e2,TRUE,2024-02-29,2024-02-29 10:00:00',
      '4,"東京, ""quoted""",,false,2023-12-31,2023-12-31T23:59:59Z',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'in.csv'), csv);
    const toParquet = await run(['convert', 'in.csv', 'conv/a.parquet']);
    expect(toParquet.code, toParquet.stderr).toBe(0);
    const schema = await run(['schema', 'conv/a.parquet']);
    expect(schema.stdout.split('\n').slice(1, 7).map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'id int', 'name string', 'score double', 'ok boolean', 'day date', 'ts timestamp',
    ]);
    const rows = await readBack('conv/a.parquet');
    expect(rows.map((r) => [r['id'], r['name'], r['score'], r['ok'], r['day']])).toEqual([
      [1, 'Zoë', 1.5, true, '2024-01-02'],
      [2, null, 2, false, null],
      [3, '', -300, true, '2024-02-29'],
      [4, '東京, "quoted"', null, false, '2023-12-31'],
    ]);
    const toJsonl = await run(['convert', 'conv/a.parquet', 'conv/b.jsonl']);
    expect(toJsonl.code, toJsonl.stderr).toBe(0);
    expect(readFileSync(join(dir, 'conv/b.jsonl'), 'utf8')).toBe(
      [
        '{"id":1,"name":"Zoë","score":1.5,"ok":true,"day":"2024-01-02","ts":"2024-01-02T03:04:05.123456Z"}',
        '{"id":2,"name":null,"score":2,"ok":false,"day":null,"ts":null}',
        '{"id":3,"name":"","score":-300,"ok":true,"day":"2024-02-29","ts":"2024-02-29T10:00:00Z"}',
        '{"id":4,"name":"東京, \\"quoted\\"","score":null,"ok":false,"day":"2023-12-31","ts":"2023-12-31T23:59:59Z"}',
        '',
      ].join('\n'),
    );
    const toArrow = await run(['convert', 'conv/b.jsonl', 'conv/c.arrow']);
    expect(toArrow.code, toArrow.stderr).toBe(0);
    const table = arrow.tableFromIPC(readFileSync(join(dir, 'conv/c.arrow')));
    expect(table.numRows).toBe(4);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['id', 'name', 'score', 'ok', 'day', 'ts']);
    const back = await run(['convert', 'conv/c.arrow', 'conv/d.csv']);
    expect(back.code, back.stderr).toBe(0);
    expect(readFileSync(join(dir, 'conv/d.csv'), 'utf8')).toBe(
      [
        'id,name,score,ok,day,ts',
        '1,Zoë,1.5,true,2024-01-02,2024-01-02T03:04:05.123456Z',
        '2,,2,false,,',
        '3,"",-300,true,2024-02-29,2024-02-29T10:00:00Z',
        '4,"東京, ""quoted""",,false,2023-12-31,2023-12-31T23:59:59Z',
        '',
      ].join('\n'),
    );
  });

  it('takes an explicit --schema and reports bad CSV values with exit 4', async () => {
    writeFileSync(join(dir, 'typed.csv'), 'a,b\n1,x\n2,y\n');
    writeFileSync(join(dir, 'late.csv'), 'a\n' + '1\n'.repeat(20) + 'oops\n');
    const [typed, late, badSchema] = await Promise.all([
      run(['convert', 'typed.csv', 'conv/typed.parquet', '--schema', 'a BIGINT, b STRING']),
      run(['convert', 'late.csv', 'conv/late.parquet', '--sample-rows', '5']),
      run(['convert', 'typed.csv', 'conv/x.parquet', '--schema', 'a WIDGET, b STRING']),
    ]);
    expect(typed.code, typed.stderr).toBe(0);
    expect(await readBack('conv/typed.parquet')).toEqual([
      { a: 1n, b: 'x' },
      { a: 2n, b: 'y' },
    ]);
    expect(late.code).toBe(4);
    expect(late.stderr.trim()).toBe(
      "kindling: error: late.csv: row 22, column 'a': 'oops' is not a int value (the type was inferred from a sample; pass --schema to set it)",
    );
    expect(existsSync(join(dir, 'conv/late.parquet'))).toBe(false);
    expect(readdirSync(join(dir, 'conv')).filter((n) => n.includes('kindling-tmp'))).toEqual([]);
    expect(badSchema.code).toBe(2);
    expect(badSchema.stderr).toContain("unknown type name 'WIDGET'");
  });
});

describe('errors: one line on stderr and a documented exit code', () => {
  it('maps missing, invalid and corrupt input, unknown columns, bad expressions and existing output', async () => {
    writeFileSync(join(dir, 'not.parquet'), 'this is not parquet at all');
    const part = readdirSync(join(dir, 'multi')).find((n) => n.endsWith('.parquet'))!;
    const good = readFileSync(join(dir, 'multi', part));
    // truncated: the last bytes (footer length + magic) cut off, then a fake tail
    writeFileSync(join(dir, 'truncated.parquet'), Buffer.concat([good.subarray(0, good.length - 40), Buffer.from('zzzzPAR1')]));
    // corrupt footer: the footer bytes overwritten with garbage
    const corrupt = Buffer.from(good);
    const footerLen = corrupt.readUInt32LE(corrupt.length - 8);
    corrupt.fill(0xff, corrupt.length - 8 - footerLen, corrupt.length - 8 - footerLen + 32);
    writeFileSync(join(dir, 'corrupt.parquet'), corrupt);
    copyFileSync(join(dir, 'multi', part), join(dir, 'existing.parquet'));
    const before = statSync(join(dir, 'existing.parquet'));

    const [missing, notParquet, truncated, badFooter, unknown, badExpr, badSql, exists, typeErr, budget] = await Promise.all([
      run(['schema', 'does-not-exist.parquet']),
      run(['head', 'not.parquet']),
      run(['count', 'truncated.parquet']),
      run(['stats', 'corrupt.parquet']),
      run(['transform', 'multi', '-o', 'out/u.parquet', '--select', 'id,amout']),
      run(['transform', 'multi', '-o', 'out/e.parquet', '--filter', 'amount >> 3']),
      run(['sql', "SELECT id,\n  FROM 'multi'"]),
      run(['transform', 'multi', '-o', 'existing.parquet', '--limit', '1']),
      run(['transform', 'multi', '-o', 'out/t.parquet', '--filter', 'amount AND true']), // ('name + 1' is legal Spark: the string becomes a double)
      run(['--memory', '1k', 'transform', 'multi', '-o', 'out/sorted.parquet', '--sort', 'name']),
    ]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe('kindling: error: path does not exist: does-not-exist.parquet\n');
    expect(notParquet.code).toBe(4);
    expect(notParquet.stderr).toMatch(/^kindling: error: \S+not\.parquet is not a Parquet file: .*\n$/);
    expect(truncated.code).toBe(4);
    expect(truncated.stderr).toMatch(/^kindling: error: \S+truncated\.parquet has a corrupt Parquet footer: .*\n$/);
    expect(badFooter.code).toBe(4);
    expect(badFooter.stderr).toMatch(/^kindling: error: \S+corrupt\.parquet has a corrupt Parquet footer: .*\n$/);
    expect(unknown.code).toBe(5);
    expect(unknown.stderr).toBe(
      "kindling: error: column 'amout' does not exist; did you mean 'amount'? Available columns: id, name, amount, country\n",
    );
    expect(badExpr.code).toBe(6);
    expect(badExpr.stderr).toBe("kindling: error: syntax error at line 1, column 9: expected an expression, found '>'\n  amount >> 3\n          ^\n");
    expect(badSql.code).toBe(6);
    expect(badSql.stderr).toBe("kindling: error: syntax error at line 2, column 3: expected an expression, found 'FROM'\n    FROM 'multi'\n    ^\n");
    expect(exists.code).toBe(7);
    expect(exists.stderr).toBe('kindling: error: output existing.parquet already exists; pass --overwrite to replace it\n');
    const after = statSync(join(dir, 'existing.parquet'));
    expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs]);
    expect(typeErr.code).toBe(5);
    expect(typeErr.stderr).toMatch(/^kindling: error: type mismatch: .*amount.*\n$/);
    expect(budget.code).toBe(1);
    expect(budget.stderr).toMatch(/^kindling: error: .*memory budget is 1\.0 KiB.*\n$/);
    for (const r of [missing, notParquet, truncated, badFooter, unknown, exists, typeErr, budget]) expect(r.stderr).not.toMatch(/\n\s+at /); // no stack traces
    // failed runs leave nothing behind
    expect(readdirSync(join(dir, 'out')).filter((n) => /^(u|e|t|sorted)\.parquet$|kindling-tmp/.test(n))).toEqual([]);

    const verbose = await run(['--verbose', 'schema', 'does-not-exist.parquet']);
    expect(verbose.code).toBe(3);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });

  it('replaces existing output with --overwrite', async () => {
    const r = await run(['transform', 'multi', '-o', 'existing.parquet', '--limit', '3', '--overwrite', '--quiet']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await readBack('existing.parquet')).length).toBe(3);
  });
});

describe('streaming larger than the memory budget', () => {
  it('filters and projects a file several times larger than the engine memory budget', async () => {
    // ~1M rows of uncompressed data (about 30 MB), in 64k-row row groups.
    const n = 1_000_000;
    const ids = new BigInt64Array(n);
    const vals = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      ids[i] = BigInt(i);
      vals[i] = (i * 7919) % 10_007;
    }
    const text = arrow.vectorFromArray(Array.from({ length: n }, (_, i) => `row-${i}-padding`), new arrow.Utf8());
    const table = new arrow.Table({ id: arrow.makeVector(ids), v: arrow.makeVector(vals), s: text });
    await spark.createDataFrame(table).write.option('compression', 'none').option('rowGroupSize', 65_536).parquet(join(dir, 'big'));
    const bigFile = readdirSync(join(dir, 'big')).find((f) => f.endsWith('.parquet'))!;
    const size = statSync(join(dir, 'big', bigFile)).size;
    expect(size).toBeGreaterThan(20 << 20);

    const budget = 1 << 20; // 1 MiB per blocking operator
    const r = await run([
      '--memory', String(budget), '--verbose',
      'transform', `big/${bigFile}`, '-o', 'out/big-filtered.parquet', '--filter', 'v < 5000', '--select', 'id,s',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const peak = Number(/peak engine memory: (\d+) bytes/.exec(r.stderr)?.[1]);
    // the engine held a few batches at a time, never the file
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(size / 2);
    const expected = Array.from({ length: n }, (_, i) => i).filter((i) => (i * 7919) % 10_007 < 5000).length;
    const count = await run(['count', 'out/big-filtered.parquet']);
    expect(count.stdout).toBe(`${expected}\n`);
    const head = await run(['head', 'out/big-filtered.parquet', '-n', '2', '--format', 'csv']);
    const firstTwo = Array.from({ length: 10 }, (_, i) => i).filter((i) => (i * 7919) % 10_007 < 5000).slice(0, 2);
    expect(head.stdout).toBe(`id,s\n${firstTwo.map((i) => `${i},row-${i}-padding`).join('\n')}\n`);
    // A blocking operator under the same budget either spills (engines with an external sort) and
    // gives the right order, or fails cleanly with exit code 1 naming the budget; never a partial file.
    const sort = await run(['--memory', String(budget), 'transform', `big/${bigFile}`, '-o', 'out/big-sorted.parquet', '--sort', '-v', '--select', 'v']);
    if (sort.code === 0) {
      const top = await run(['head', 'out/big-sorted.parquet', '-n', '3', '--format', 'csv']);
      expect(top.stdout).toBe('v\n10006\n10006\n10006\n');
    } else {
      expect(sort.code).toBe(1);
      expect(sort.stderr).toContain('memory budget is 1.0 MiB');
      expect(existsSync(join(dir, 'out/big-sorted.parquet'))).toBe(false);
    }
    expect(readdirSync(join(dir, 'out')).filter((n) => n.includes('kindling-tmp'))).toEqual([]);
  });
});
