/**
 * The db-benchmark (H2O) data generators at a small scale: row counts, cardinalities of the id
 * columns for K, NA share, value ranges and distributions, sortedness, determinism, and for the join
 * tables their sizes and key overlap (checked with DuckDB reading the Parquet files).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { generateGroupby, groupbyBatches, groupbyFileName } from '../bench/h2o/generate-groupby.js';
import { generateJoin, joinTableRows, keySetSizes, splitXlr } from '../bench/h2o/generate-join.js';
import { ColumnRandom, parseRows } from '../bench/h2o/common.js';

let dir: string;
let inst: DuckDBInstance;
let db: DuckDBConnection;

async function one(sql: string): Promise<(string | number | boolean | null)[]> {
  const r = await db.runAndReadAll(sql);
  return r.getRowsJson()[0]!.map((v) => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v)) as (string | number | boolean | null)[];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kindling-h2o-'));
  inst = await DuckDBInstance.create(':memory:');
  db = await inst.connect();
});
afterAll(() => {
  db?.closeSync();
  inst?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

describe('groupby generator', () => {
  it('has the db-benchmark columns, cardinalities and value ranges (K = 10, no NAs)', async () => {
    const r = await generateGroupby(dir, { rows: 20_000, k: 10, nas: 0, sorted: false, rowGroupSize: 7_000 });
    expect(r.rows).toBe(20_000);
    expect(r.path.endsWith(groupbyFileName({ rows: 20_000, k: 10, nas: 0, sorted: false }))).toBe(true);
    expect(groupbyFileName({ rows: 1e7, k: 100, nas: 0, sorted: false })).toBe('G1_1e7_1e2_0_0.parquet');
    const f = `read_parquet('${r.path}')`;
    const cols = await db.runAndReadAll(`DESCRIBE SELECT * FROM ${f}`);
    expect(cols.getRowsJson().map((x) => `${x[0]}:${x[1]}`)).toEqual([
      'id1:VARCHAR', 'id2:VARCHAR', 'id3:VARCHAR', 'id4:INTEGER', 'id5:INTEGER', 'id6:INTEGER', 'v1:INTEGER', 'v2:INTEGER', 'v3:DOUBLE',
    ]);
    const [n, d1, d2, d3, d4, d5, d6, nulls] = await one(
      `SELECT count(*), count(DISTINCT id1), count(DISTINCT id2), count(DISTINCT id3), count(DISTINCT id4), count(DISTINCT id5), count(DISTINCT id6),
              count(*) * 9 - count(id1) - count(id2) - count(id3) - count(id4) - count(id5) - count(id6) - count(v1) - count(v2) - count(v3) FROM ${f}`,
    );
    expect(n).toBe(20_000);
    expect([d1, d2, d4, d5]).toEqual([10, 10, 10, 10]);
    // N/K = 2000 possible values drawn 20,000 times: (1 - e^-10) of them appear.
    expect(d3).toBeGreaterThan(1990);
    expect(d3).toBeLessThanOrEqual(2000);
    expect(d6).toBeGreaterThan(1990);
    expect(nulls).toBe(0);
    const [min1, max1, min2, max2, min3, max3, lab1, lab3, bad3] = await one(
      `SELECT min(v1), max(v1), min(v2), max(v2), min(v3), max(v3), min(id1), max(id3), count(*) FILTER (WHERE round(v3, 6) <> v3) FROM ${f}`,
    );
    expect([min1, max1, min2, max2]).toEqual([1, 5, 1, 15]);
    expect(min3 as number).toBeGreaterThanOrEqual(0);
    expect(max3 as number).toBeLessThanOrEqual(100);
    expect(lab1).toBe('id001');
    expect(String(lab3)).toMatch(/^id\d{10}$/);
    expect(bad3).toBe(0);
    // Uniform: each of the K id4 values has about N/K rows; v1 mean near 3, v3 mean near 50.
    const [minG, maxG, m1, m3] = await one(`SELECT min(c), max(c), (SELECT avg(v1) FROM ${f}), (SELECT avg(v3) FROM ${f}) FROM (SELECT id4, count(*) c FROM ${f} GROUP BY id4)`);
    expect(minG as number).toBeGreaterThan(1700);
    expect(maxG as number).toBeLessThan(2300);
    expect(Math.abs((m1 as number) - 3)).toBeLessThan(0.05);
    expect(Math.abs((m3 as number) - 50)).toBeLessThan(1);
  });

  it('puts about nas% nulls in every column and sorts by id1..id6 when asked', async () => {
    const r = await generateGroupby(dir, { rows: 20_000, k: 5, nas: 10, sorted: true, rowGroupSize: 3_000 });
    const f = `read_parquet('${r.path}')`;
    const shares = await one(
      `SELECT ${['id1', 'id2', 'id3', 'id4', 'id5', 'id6', 'v1', 'v2', 'v3'].map((c) => `avg(CASE WHEN ${c} IS NULL THEN 1 ELSE 0 END)`).join(', ')} FROM ${f}`,
    );
    for (const s of shares) expect(Math.abs((s as number) - 0.1)).toBeLessThan(0.015);
    const [n] = await one(`SELECT count(*) FROM ${f}`);
    expect(n).toBe(20_000);
    // Sorted: every row is >= the previous one in (id1..id6) with nulls first.
    const [unsorted] = await one(
      `WITH t AS (SELECT row_number() OVER () AS rn, * FROM ${f}),
            s AS (SELECT rn, row_number() OVER (ORDER BY id1 NULLS FIRST, id2 NULLS FIRST, id3 NULLS FIRST, id4 NULLS FIRST, id5 NULLS FIRST, id6 NULLS FIRST, rn) AS srn FROM t)
       SELECT count(*) FILTER (WHERE rn <> srn) FROM s`,
    );
    expect(unsorted).toBe(0);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const take = (seed: number) => [...groupbyBatches({ rows: 3_000, k: 10, nas: 5, sorted: false, seed, rowGroupSize: 1_000 })].map((b) => b.getChild('v3')!.toArray()[7]);
    expect(take(3)).toEqual(take(3));
    expect(take(3)).not.toEqual(take(4));
    expect(() => [...groupbyBatches({ rows: 10, k: 0, nas: 0, sorted: false })]).toThrow(/K/);
    expect(() => [...groupbyBatches({ rows: 10, k: 2, nas: 101, sorted: false })]).toThrow(/nas/);
    expect(parseRows('1e7')).toBe(1e7);
    expect(() => parseRows('1.5')).toThrow(/rows/);
  });
});

describe('join generator', () => {
  it('splits keys 90/10/10 and writes x, small, medium, big with the db-benchmark sizes and overlap', async () => {
    const s = splitXlr(1000, new ColumnRandom(1, 't'));
    expect([s.x.length, s.l.length, s.r.length]).toEqual([900, 100, 100]);
    expect(new Set([...s.x, ...s.l, ...s.r]).size).toBe(1100);
    const N = 20_000;
    const [n1, n2, n3] = keySetSizes(N);
    expect([n1, n2, n3]).toEqual([10, 20, 20_000]);
    expect(joinTableRows(1e7)).toEqual({ x: 1e7, small: 10, medium: 10_000, big: 1e7 });
    const t = await generateJoin(join(dir, 'join'), { rows: N, nas: 0, rowGroupSize: 6_000 });
    const rp = (x: string) => `read_parquet('${x}')`;
    const [nx, ns, nm, nb] = await one(`SELECT (SELECT count(*) FROM ${rp(t.x)}), (SELECT count(*) FROM ${rp(t.small)}), (SELECT count(*) FROM ${rp(t.medium)}), (SELECT count(*) FROM ${rp(t.big)})`);
    expect([nx, ns, nm, nb]).toEqual([N, n1, n2, n3]);
    // x: id3 unique (a permutation of x ∪ l of key set 3); id1/id2 take every key of their x ∪ l set.
    const [d1, d2, d3, id4ok] = await one(`SELECT count(DISTINCT id1), count(DISTINCT id2), count(DISTINCT id3), bool_and(id4 = 'id' || id1 AND id6 = 'id' || id3) FROM ${rp(t.x)}`);
    expect([d1, d2, d3, id4ok]).toEqual([n1, n2, N, true]);
    // Right tables' own keys are unique; 90% of x's rows match on each key.
    const [su, mu, bu] = await one(`SELECT (SELECT count(DISTINCT id1) = count(*) FROM ${rp(t.small)}), (SELECT count(DISTINCT id2) = count(*) FROM ${rp(t.medium)}), (SELECT count(DISTINCT id3) = count(*) FROM ${rp(t.big)})`);
    expect([su, mu, bu]).toEqual([true, true, true]);
    const [m3] = await one(`SELECT count(*) FROM ${rp(t.x)} JOIN ${rp(t.big)} USING (id3)`);
    expect(m3).toBe(Math.round(N * 0.9));
    const [m1] = await one(`SELECT count(*) FROM ${rp(t.x)} JOIN ${rp(t.small)} USING (id1)`);
    expect(Math.abs((m1 as number) / N - 0.9)).toBeLessThan(0.05);
    const [vmin, vmax] = await one(`SELECT min(v2), max(v2) FROM ${rp(t.big)}`);
    expect(vmin as number).toBeGreaterThanOrEqual(0);
    expect(vmax as number).toBeLessThanOrEqual(100);
  });
});
