/**
 * End-to-end DataFrame tests of I/O: Parquet written by Kindling is read back by Kindling and by
 * DuckDB; save modes (error, overwrite, append, ignore); compression codecs; partitionBy; failing
 * jobs leave earlier output untouched. Also the actions collect/first/take/toArrow.
 */
import { existsSync, readdirSync, rmSync, unlinkSync, copyFileSync, mkdirSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as arrow from 'apache-arrow';
import { functions as F, type DataFrame, MemoryBudgetExceededError, KindlingError } from '../src/index.js';
import { type Env, FACT_COLUMNS, FACT_ROWS, checkQuery, duckQuery, runKindling, setupTables, teardownEnv, compareResults } from './helpers/oracle.js';

const { col } = F;

let env: Env;
let facts: DataFrame;
let small: DataFrame;
let empty: DataFrame;

beforeAll(async () => {
  ({ env, facts, small, empty } = await setupTables());
});
afterAll(() => teardownEnv(env));

const out = (name: string) => join(env.dir, 'out', name);
const glob = (path: string) => `read_parquet('${path}/**/*.parquet', hive_partitioning = false)`;

/** Rows of `sql` minus rows of `other` and vice versa (multiset difference): 0 when equal. */
async function symmetricDifference(a: string, b: string): Promise<number> {
  const r = await duckQuery(env, `SELECT count(*) FROM ((FROM (${a}) EXCEPT ALL FROM (${b})) UNION ALL (FROM (${b}) EXCEPT ALL FROM (${a})))`);
  return Number(r.rows[0]![0]);
}

/** The contents of a written directory as DuckDB sees it, with timestamps as plain TIMESTAMP. */
function readBackSql(path: string): string {
  return `SELECT * REPLACE (ts::TIMESTAMP AS ts) FROM ${glob(path)}`;
}

describe('write.parquet round trips', () => {
  it('every type survives Kindling -> Parquet -> Kindling and -> DuckDB', async () => {
    const path = out('roundtrip');
    const summary = await facts.write.parquet(path);
    expect(summary.numRows).toBe(FACT_ROWS);
    expect(existsSync(join(path, '_SUCCESS'))).toBe(true);
    expect(readdirSync(path).filter((f) => f.endsWith('.parquet')).length).toBeGreaterThan(0);
    // Read back by Kindling: same rows and types as the DuckDB-written input.
    await checkQuery(env, await env.spark.read.parquet(path), 'SELECT * FROM facts');
    // Read by DuckDB: the same multiset of rows.
    expect(await symmetricDifference(readBackSql(path), 'SELECT * FROM facts')).toBe(0);
    const types = await duckQuery(env, `SELECT * FROM ${glob(path)} LIMIT 0`);
    expect(types.types).toEqual(['bigint', 'string', 'int', 'int', 'bigint', 'double', 'decimal(15,2)', 'date', 'timestamp', 'boolean', 'string']);
  });

  it('derived DataFrames (aggregate, join, expressions) and empty results round-trip', async () => {
    const agg = facts.groupBy('k').agg(F.sum('m').alias('sm'), F.count('*').alias('n'), F.max('ts').alias('mt'));
    await agg.write.parquet(out('agg'));
    await checkQuery(env, await env.spark.read.parquet(out('agg')), 'SELECT k, sum(m)::DECIMAL(25,2) AS sm, count(*) AS n, max(ts) AS mt FROM facts GROUP BY k');
    const derived = facts.select(col('id'), F.upper('k').alias('u'), col('i').divide(col('g')).alias('q'), F.date_add('dt', 1).alias('d1'));
    await derived.write.parquet(out('derived'));
    await checkQuery(
      env,
      await env.spark.read.parquet(out('derived')),
      'SELECT id, upper(k) AS u, CASE WHEN g = 0 THEN NULL ELSE i / g END AS q, dt + 1 AS d1 FROM facts',
    );
    await empty.write.parquet(out('empty'));
    const back = await env.spark.read.parquet(out('empty'));
    expect(back.columns).toEqual(FACT_COLUMNS.map(([n]) => n));
    await checkQuery(env, back, 'SELECT * FROM empty', { small: true });
  });

  it('rowGroupSize bounds the row groups', async () => {
    await facts.write.option('rowGroupSize', 500).parquet(out('rg'));
    const meta = await duckQuery(env, `SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata('${out('rg')}/*.parquet')`);
    expect(meta.rows.length).toBeGreaterThanOrEqual(5);
    for (const r of meta.rows) expect(Number(r[1])).toBeLessThanOrEqual(500);
    await checkQuery(env, await env.spark.read.parquet(out('rg')), 'SELECT * FROM facts');
  });
});

describe('save modes', () => {
  it('error (default), overwrite, append, ignore', async () => {
    const path = out('modes');
    await small.write.parquet(path);
    // error: the path exists.
    await expect(facts.write.parquet(path)).rejects.toThrow(/exist/i);
    await expect(facts.write.mode('errorifexists').parquet(path)).rejects.toThrow(/exist/i);
    expect(await symmetricDifference(readBackSql(path), 'SELECT * FROM small')).toBe(0);
    // overwrite replaces.
    await facts.filter(col('g').eq(1)).write.mode('overwrite').parquet(path);
    expect(await symmetricDifference(readBackSql(path), 'SELECT * FROM facts WHERE g = 1')).toBe(0);
    // append adds part files.
    await small.write.mode('append').parquet(path);
    expect(await symmetricDifference(readBackSql(path), 'SELECT * FROM facts WHERE g = 1 UNION ALL SELECT * FROM small')).toBe(0);
    await checkQuery(env, await env.spark.read.parquet(path), 'SELECT * FROM facts WHERE g = 1 UNION ALL SELECT * FROM small');
    // ignore leaves existing output alone.
    const ignored = await facts.write.mode('ignore').parquet(path);
    expect(ignored.skipped).toBe(true);
    expect(await symmetricDifference(readBackSql(path), 'SELECT * FROM facts WHERE g = 1 UNION ALL SELECT * FROM small')).toBe(0);
    // ignore on a new path writes.
    await small.write.mode('ignore').parquet(out('modes-new'));
    expect(await symmetricDifference(readBackSql(out('modes-new')), 'SELECT * FROM small')).toBe(0);
    // append to a new path creates it.
    await small.write.mode('append').parquet(out('modes-append-new'));
    expect(await symmetricDifference(readBackSql(out('modes-append-new')), 'SELECT * FROM small')).toBe(0);
    expect(() => facts.write.mode('sideways')).toThrow(/save mode/);
  });
});

describe('compression', () => {
  for (const codec of ['zstd', 'snappy'] as const) {
    it(`${codec}`, async () => {
      const path = out(`codec-${codec}`);
      await facts.write.option('compression', codec).parquet(path);
      const meta = await duckQuery(env, `SELECT DISTINCT compression FROM parquet_metadata('${path}/*.parquet')`);
      expect(meta.rows.map((r) => String(r[0]).toUpperCase())).toEqual([codec.toUpperCase()]);
      await checkQuery(env, await env.spark.read.parquet(path), 'SELECT * FROM facts');
      expect(await symmetricDifference(readBackSql(path), 'SELECT * FROM facts')).toBe(0);
    });
  }
  it('an unknown codec is rejected', () => {
    expect(() => facts.write.option('compression', 'lzma')).toThrow(/compression/);
  });
});

describe('partitionBy', () => {
  it('an int partition column (with nulls) reads back as a trailing int column', async () => {
    const path = out('part-g');
    await facts.write.partitionBy('g').parquet(path);
    const dirs = readdirSync(path).filter((d) => d.startsWith('g='));
    expect(dirs).toContain('g=__HIVE_DEFAULT_PARTITION__');
    expect(dirs).toContain('g=0');
    const back = await env.spark.read.parquet(path);
    expect(back.columns).toEqual([...FACT_COLUMNS.map(([n]) => n).filter((n) => n !== 'g'), 'g']);
    await checkQuery(env, back, 'SELECT * EXCLUDE (g), g FROM facts');
    // Partition pruning must not change results.
    await checkQuery(env, back.filter(col('g').eq(3)).select('id', 'g'), 'SELECT id, g FROM facts WHERE g = 3');
    await checkQuery(env, back.filter(col('g').isNull()).select('id'), 'SELECT id FROM facts WHERE g IS NULL');
    await checkQuery(env, back.filter(col('g').gt(6).and(col('i').gt(0))).groupBy('g').count(), 'SELECT g, count(*) AS count FROM facts WHERE g > 6 AND i > 0 GROUP BY g');
  });

  it('a string partition column with multi-byte and path-special characters; two levels', async () => {
    // Spark writes both NULL and '' as __HIVE_DEFAULT_PARTITION__, so '' reads back as NULL.
    const path = out('part-k');
    await facts.select('id', 'k', 'g', 'd').write.partitionBy('k', 'g').parquet(path);
    const back = await env.spark.read.parquet(path);
    expect(back.columns).toEqual(['id', 'd', 'k', 'g']);
    await checkQuery(env, back, "SELECT id, d, CASE WHEN k = '' THEN NULL ELSE k END AS k, g FROM facts");
    await checkQuery(env, back.filter(col('k').eq('日本語')).select('id'), "SELECT id FROM facts WHERE k = '日本語'");
    await checkQuery(env, back.filter(col('k').eq('k%2')).select('id'), "SELECT id FROM facts WHERE k = 'k%2'");
  });

  it('partitionBy an unknown column fails before writing', () => {
    expect(() => facts.write.partitionBy('nope')).toThrow(/nope/);
  });
});

describe('failing jobs leave earlier output untouched', () => {
  it('an input file deleted after planning', async () => {
    const target = out('fail-1');
    await small.write.parquet(target);
    const before = readdirSync(target).sort();
    // A private copy of `small` (3 files), planned, then one file removed.
    const src = join(env.dir, 'fail-src');
    mkdirSync(src, { recursive: true });
    for (const f of readdirSync(env.paths.small)) copyFileSync(join(env.paths.small, f), join(src, f));
    const df = (await env.spark.read.parquet(src)).select('id', 'k');
    unlinkSync(join(src, readdirSync(src).sort()[2]!));
    await expect(df.write.mode('overwrite').parquet(target)).rejects.toThrow();
    expect(readdirSync(target).sort()).toEqual(before);
    expect(await symmetricDifference(readBackSql(target), 'SELECT * FROM small')).toBe(0);
    // No temporary directory left next to the target.
    expect(readdirSync(dirname(target)).filter((f) => f.includes(basename(target)) && f !== basename(target))).toEqual([]);
    rmSync(src, { recursive: true, force: true });
  });

  it('an operator that exceeds its memory budget mid-way', async () => {
    const target = out('fail-2');
    await small.write.parquet(target);
    env.spark.conf.set('spark.kindling.operatorMemory', '8k');
    try {
      const df = facts.groupBy('id', 's').agg(F.count('*').alias('n'));
      await expect(df.write.mode('overwrite').parquet(target)).rejects.toThrow(MemoryBudgetExceededError);
      await expect(df.collect()).rejects.toThrow(/budget/);
    } finally {
      env.spark.conf.set('spark.kindling.operatorMemory', '2g');
    }
    expect(await symmetricDifference(readBackSql(target), 'SELECT * FROM small')).toBe(0);
    expect(readdirSync(dirname(target)).filter((f) => f.includes(basename(target)) && f !== basename(target))).toEqual([]);
  });
});

/** The raw 64-bit values of an Arrow vector (timestamps as stored: microseconds), null where invalid. */
function rawInt64(v: arrow.Vector): (bigint | null)[] {
  const out: (bigint | null)[] = [];
  for (const d of v.data) {
    const values = d.values as unknown as BigInt64Array;
    for (let j = 0; j < d.length; j++) out.push(d.getValid(j) ? values[d.offset + j]! : null);
  }
  return out;
}

describe('actions', () => {
  it('collect returns the documented JavaScript representation of each type', async () => {
    const rows = await facts.filter(col('id').isin(0, 1, 2, 3, 4, 5)).orderBy('id').collect();
    const expected = await duckQuery(env, 'SELECT * FROM facts WHERE id IN (0, 1, 2, 3, 4, 5) ORDER BY id');
    expect(rows.length).toBe(expected.rows.length);
    for (const r of rows) {
      for (const [name, t] of FACT_COLUMNS) {
        const v = r[name];
        if (v === null) continue;
        const want = { BIGINT: 'bigint', INTEGER: 'number', DOUBLE: 'number', VARCHAR: 'string', 'DECIMAL(15,2)': 'string', DATE: 'string', BOOLEAN: 'boolean', TIMESTAMP: 'object' }[t];
        expect(typeof v, `${name}`).toBe(want);
        if (t === 'DECIMAL(15,2)') expect(v).toMatch(/^-?\d+\.\d{2}$/);
        if (t === 'DATE') expect(v).toMatch(/^-?\d{4}-\d{2}-\d{2}$/);
        if (t === 'TIMESTAMP') expect(v).toBeInstanceOf(Date);
      }
    }
    compareResults(
      { names: Object.keys(rows[0]!), types: facts.schema.fields.map(() => ''), rows: rows.map((r) => Object.values(r)) },
      { ...expected, types: facts.schema.fields.map(() => '') },
      { ordered: true },
      'collect',
    );
  });

  it('first, take, head, isEmpty', async () => {
    const ordered = facts.orderBy(col('l').desc(), 'id').select('id', 'l');
    const top = await duckQuery(env, 'SELECT id, l FROM facts ORDER BY l DESC NULLS LAST, id LIMIT 3');
    expect(await ordered.first()).toEqual({ id: top.rows[0]![0], l: top.rows[0]![1] });
    expect((await ordered.take(3)).map((r) => [r['id'], r['l']])).toEqual(top.rows);
    expect((await ordered.head(2)).length).toBe(2);
    expect(await empty.first()).toBeUndefined();
    expect(await empty.take(5)).toEqual([]);
    expect(await empty.isEmpty()).toBe(true);
    expect(await facts.isEmpty()).toBe(false);
  });

  it('toArrow keeps full precision (timestamps in microseconds, decimals, bigints)', async () => {
    const table = await facts.orderBy('id', 'ts').toArrow();
    expect(table.numRows).toBe(FACT_ROWS);
    const expected = await duckQuery(env, 'SELECT id, epoch_us(ts) AS us, (m * 100)::BIGINT AS mu, l, dt FROM facts ORDER BY id, ts NULLS FIRST');
    const ts = table.getChild('ts')!;
    const m = table.getChild('m')!;
    const l = table.getChild('l')!;
    expect(ts.type).toBeInstanceOf(arrow.Timestamp);
    expect((ts.type as arrow.Timestamp).unit).toBe(arrow.TimeUnit.MICROSECOND);
    expect(m.type).toBeInstanceOf(arrow.Decimal);
    expect((m.type as arrow.Decimal).scale).toBe(2);
    const micros = rawInt64(ts);
    for (let i = 0; i < table.numRows; i++) {
      const [, us, mu, lv] = expected.rows[i]!;
      expect(micros[i], `ts row ${i}`).toBe(us);
      const dec = m.get(i) as Uint32Array | null;
      expect(dec === null ? null : new BigInt64Array(dec.buffer, dec.byteOffset, 1)[0], `m row ${i}`).toBe(mu);
      expect(l.get(i), `l row ${i}`).toBe(lv);
    }
    const emptyTable = await empty.toArrow();
    expect(emptyTable.numRows).toBe(0);
    expect(emptyTable.schema.fields.map((f) => f.name)).toEqual(FACT_COLUMNS.map(([n]) => n));
  });

  it('createDataFrame from JS rows agrees with the Parquet path', async () => {
    const rows = (await runKindling(small)).rows;
    const names = small.columns;
    const df = env.spark.createDataFrame(
      rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]]))),
      'id bigint, k string, g int, i int, l bigint, d double, m decimal(15,2), dt date, ts timestamp, b boolean, s string',
    );
    await checkQuery(env, df.groupBy('k').agg(F.sum('m').alias('sm'), F.max('ts').alias('mt')), 'SELECT k, sum(m)::DECIMAL(25,2) AS sm, max(ts) AS mt FROM small GROUP BY k', { small: true });
  });
});

// Errors raised by save modes are KindlingErrors (typed), not bare Errors.
describe('typed I/O errors', () => {
  it('writing to an existing path raises a KindlingError naming the path', async () => {
    const path = out('typed');
    await small.write.parquet(path);
    const err = await small.write.parquet(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KindlingError);
    expect(String((err as Error).message)).toContain('typed');
  });
});
