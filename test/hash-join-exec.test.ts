import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBudgetExceededError } from '../src/errors.js';
import { HashJoinExec, type JoinType } from '../src/exec/hash-join-exec.js';
import { MemoryScanExec } from '../src/exec/memory-scan-exec.js';
import type { ExecContext } from '../src/exec/operator.js';
import type { Batch } from '../src/types/batch.js';
import type { Column } from '../src/types/column.js';
import { DataTypes } from '../src/types/data-type.js';
import { Schema, field } from '../src/types/schema.js';
import { columnFromJs, columnToJs } from '../src/types/values.js';
import { runtime } from '../src/wasm/runtime.js';
import { collectValues as run, memoryScan as scan } from './helpers/exec.js';
import { mulberry32 } from './helpers/random.js';

type Row = Record<string, unknown>;

const KEYS = ['a', 'b', 'é', '日本', '🔥', ''];
const LEFT = new Schema([field('k', DataTypes.String), field('g', DataTypes.Integer), field('v', DataTypes.Integer), field('name', DataTypes.String)]);
const RIGHT = new Schema([field('k2', DataTypes.String), field('g2', DataTypes.Integer), field('w', DataTypes.Integer), field('label', DataTypes.String)]);

function makeRows(seed: number, n: number, names: [string, string, string, string]): Row[] {
  const rnd = mulberry32(seed);
  const maybe = <T>(p: number, v: () => T) => (rnd() < p ? null : v());
  return Array.from({ length: n }, (_, i) => ({
    [names[0]]: maybe(0.1, () => KEYS[Math.floor(rnd() * KEYS.length)]!),
    [names[1]]: maybe(0.1, () => Math.floor(rnd() * 12)),
    [names[2]]: maybe(0.1, () => Math.floor(rnd() * 100)),
    [names[3]]: maybe(0.2, () => `${names[3]}-${i}-ü`),
  }));
}

const leftRows = makeRows(1, 150, ['k', 'g', 'v', 'name']);
const rightRows = makeRows(2, 100, ['k2', 'g2', 'w', 'label']);

function context(batchSize: number, budget = 1 << 30): ExecContext {
  return { runtime: runtime(), batchSize, operatorMemoryBudget: budget };
}

/** Residual `left.v < right.w` over a candidate batch (columns: left then right); null -> null. */
function residual(candidates: Batch): Column {
  const v = columnToJs(candidates.column(2));
  const w = columnToJs(candidates.column(LEFT.length + 2));
  return columnFromJs(DataTypes.Boolean, v.map((x, i) => (x === null || w[i] === null ? null : (x as number) < (w[i] as number))));
}

const KEY_SETS: Record<string, [number[], number[]]> = {
  int: [[1], [1]],
  string: [[0], [0]],
  multi: [[0, 1], [0, 1]],
};

/** The reference join (nested loops). */
function joinRef(jt: JoinType, keys: [number[], number[]], withResidual: boolean, left: readonly Row[], right: readonly Row[]): unknown[][] {
  const lv = left.map((r) => Object.values(r));
  const rv = right.map((r) => Object.values(r));
  const match = (l: unknown[], r: unknown[]) =>
    keys[0].every((li, i) => l[li] !== null && r[keys[1][i]!] !== null && l[li] === r[keys[1][i]!]) &&
    (!withResidual || (l[2] !== null && r[2] !== null && (l[2] as number) < (r[2] as number)));
  const out: unknown[][] = [];
  const rightMatched = new Set<number>();
  const nullsL = lv[0]?.map(() => null) ?? [null, null, null, null];
  const nullsR = [null, null, null, null];
  for (const l of lv) {
    let any = false;
    rv.forEach((r, j) => {
      if (!match(l, r)) return;
      any = true;
      rightMatched.add(j);
      if (jt !== 'left_semi' && jt !== 'left_anti') out.push([...l, ...r]);
    });
    if (jt === 'left_semi' && any) out.push(l);
    if (jt === 'left_anti' && !any) out.push(l);
    if ((jt === 'left' || jt === 'full') && !any) out.push([...l, ...nullsR]);
  }
  if (jt === 'right' || jt === 'full') rv.forEach((r, j) => !rightMatched.has(j) && out.push([...nullsL, ...r]));
  return out;
}

const sortRows = (rows: unknown[][]) =>
  rows.map((r) => JSON.stringify(r, (_, x) => (typeof x === 'bigint' ? `${x}n` : x))).sort();

const JOIN_TYPES: JoinType[] = ['inner', 'left', 'right', 'full', 'left_semi', 'left_anti'];

async function runJoin(jt: JoinType, keys: [number[], number[]], buildSide: 'left' | 'right', withResidual: boolean, l: readonly Row[], r: readonly Row[], size: number): Promise<unknown[][]> {
  const ls = scan(LEFT, l, size);
  const rs = scan(RIGHT, r, size);
  try {
    const op = new HashJoinExec(ls.op, rs.op, keys[0], keys[1], jt, withResidual ? { buildSide, residual } : { buildSide });
    return await run(op, context(size));
  } finally {
    ls.release();
    rs.release();
  }
}

let instance: DuckDBInstance;
let db: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
  const lit = (v: unknown) => (v === null ? 'NULL' : typeof v === 'string' ? `'${v}'` : String(v));
  for (const [name, schema, rows] of [['L', LEFT, leftRows], ['R', RIGHT, rightRows]] as const) {
    await db.run(`CREATE TABLE ${name} (${schema.fields.map((f) => `${f.name} ${f.type.kind === 'utf8' ? 'VARCHAR' : 'INTEGER'}`).join(', ')})`);
    await db.run(`INSERT INTO ${name} VALUES ${rows.map((r) => `(${Object.values(r).map(lit).join(', ')})`).join(', ')}`);
  }
});

afterAll(() => {
  db?.closeSync();
});

describe('HashJoinExec', () => {
  for (const jt of JOIN_TYPES) {
    it(`${jt}: matches the reference for every key kind, build side and residual, at batch sizes 1024, 7 and 1`, async () => {
      const mem = runtime().memory;
      const start = mem.liveBytes;
      for (const [kname, keys] of Object.entries(KEY_SETS)) {
        for (const buildSide of ['right', 'left'] as const) {
          for (const withResidual of [false, true]) {
            const label = `${kname} keys, build ${buildSide}, residual ${withResidual}`;
            const expected = sortRows(joinRef(jt, keys, withResidual, leftRows, rightRows));
            expect(sortRows(await runJoin(jt, keys, buildSide, withResidual, leftRows, rightRows, 1024)), label).toEqual(expected);
            expect(sortRows(await runJoin(jt, keys, buildSide, withResidual, leftRows, rightRows, 7)), label).toEqual(expected);
            const l = leftRows.slice(0, 25);
            const r = rightRows.slice(0, 20);
            expect(sortRows(await runJoin(jt, keys, buildSide, withResidual, l, r, 1)), label).toEqual(sortRows(joinRef(jt, keys, withResidual, l, r)));
          }
        }
      }
      expect(mem.liveBytes).toBe(start);
    });
  }

  it('matches DuckDB for every join type (int and string keys with a residual)', async () => {
    const on = 'l.g = r.g2 AND l.k = r.k2 AND l.v < r.w';
    const sql: Record<JoinType, string> = {
      inner: `SELECT * FROM L l JOIN R r ON ${on}`,
      left: `SELECT * FROM L l LEFT JOIN R r ON ${on}`,
      right: `SELECT * FROM L l RIGHT JOIN R r ON ${on}`,
      full: `SELECT * FROM L l FULL OUTER JOIN R r ON ${on}`,
      left_semi: `SELECT * FROM L l WHERE EXISTS (SELECT 1 FROM R r WHERE ${on})`,
      left_anti: `SELECT * FROM L l WHERE NOT EXISTS (SELECT 1 FROM R r WHERE ${on})`,
    };
    for (const jt of JOIN_TYPES) {
      const expected = (await db.runAndReadAll(sql[jt])).getRows() as unknown[][];
      expect(expected.length).toBeGreaterThan(0);
      for (const buildSide of ['left', 'right'] as const) {
        const got = await runJoin(jt, [[1, 0], [1, 0]], buildSide, true, leftRows, rightRows, 100);
        expect(sortRows(got), `${jt}, build ${buildSide}`).toEqual(sortRows(expected));
      }
    }
  });

  it('makes the null-extended side nullable and describes itself', () => {
    const l = new MemoryScanExec(new Schema([field('a', DataTypes.Integer, false)]), []);
    const r = new MemoryScanExec(new Schema([field('b', DataTypes.Integer, false)]), []);
    const nullable = (jt: JoinType) => new HashJoinExec(l, r, [0], [0], jt).schema.fields.map((f) => f.nullable);
    expect(nullable('inner')).toEqual([false, false]);
    expect(nullable('left')).toEqual([false, true]);
    expect(nullable('right')).toEqual([true, false]);
    expect(nullable('full')).toEqual([true, true]);
    expect(nullable('left_semi')).toEqual([false]);
    expect(new HashJoinExec(l, r, [0], [0], 'left', { buildSide: 'left' }).treeString()).toContain('HashJoin left, [a = b], build=left');
    expect(() => new HashJoinExec(l, new MemoryScanExec(new Schema([field('b', DataTypes.Long)]), []), [0], [0], 'inner')).toThrow(/cast/);
  });

  it('joins empty sides', async () => {
    for (const jt of JOIN_TYPES) {
      for (const buildSide of ['left', 'right'] as const) {
        expect(sortRows(await runJoin(jt, KEY_SETS.int!, buildSide, false, [], rightRows, 64))).toEqual(sortRows(joinRef(jt, KEY_SETS.int!, false, [], rightRows)));
        expect(sortRows(await runJoin(jt, KEY_SETS.int!, buildSide, false, leftRows, [], 64))).toEqual(sortRows(joinRef(jt, KEY_SETS.int!, false, leftRows, [])));
      }
    }
  });

  it('streams a large cross product (one key) in batches of at most batchSize', async () => {
    const l = Array.from({ length: 400 }, (_, i) => ({ k: 'x', g: 1, v: i, name: null }));
    const r = Array.from({ length: 300 }, (_, i) => ({ k2: 'x', g2: 1, w: i, label: null }));
    const got = await runJoin('inner', KEY_SETS.int!, 'right', false, l, r, 1000);
    expect(got.length).toBe(120_000);
  });

  it('throws MemoryBudgetExceededError naming the build side and frees everything', async () => {
    const mem = runtime().memory;
    const start = mem.liveBytes;
    const big = Array.from({ length: 5000 }, (_, i) => ({ k2: `key ${i}`, g2: i, w: i, label: 'some label text' }));
    const ls = scan(LEFT, leftRows, 100);
    const rs = scan(RIGHT, big, 500);
    const op = new HashJoinExec(ls.op, rs.op, [1], [1], 'inner');
    await expect(run(op, context(100, 50_000))).rejects.toThrow(MemoryBudgetExceededError);
    await expect(run(op, context(100, 50_000))).rejects.toThrow(/HashJoin build side needs/);
    // The consumer stopping early also frees the state.
    for await (const b of op.execute(context(10))) {
      b.release();
      break;
    }
    ls.release();
    rs.release();
    expect(mem.liveBytes).toBe(start);
  });
});
