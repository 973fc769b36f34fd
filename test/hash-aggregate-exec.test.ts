import { DuckDBDecimalValue, DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBudgetExceededError } from '../src/errors.js';
import { type AggregateSpec, HashAggregateExec } from '../src/exec/hash-aggregate-exec.js';
import { MemoryScanExec } from '../src/exec/memory-scan-exec.js';
import type { ExecContext, PhysicalOperator } from '../src/exec/operator.js';
import type { Batch } from '../src/types/batch.js';
import { type DataType, DataTypes } from '../src/types/data-type.js';
import { Schema, field } from '../src/types/schema.js';
import { type CellValue, batchFromRows, batchToRows, formatDecimal } from '../src/types/values.js';
import { runtime } from '../src/wasm/runtime.js';
import { mulberry32 } from './helpers/random.js';

const KEYS = ['hot', 'a', 'b', 'é', '日本語', '🔥', '', 'a longer key with spaces', 'Z'];
const COLUMNS: [string, DataType, string][] = [
  ['k', DataTypes.String, 'VARCHAR'],
  ['g', DataTypes.Integer, 'INTEGER'],
  ['i', DataTypes.Integer, 'INTEGER'],
  ['l', DataTypes.Long, 'BIGINT'],
  ['d', DataTypes.Double, 'DOUBLE'],
  ['m', DataTypes.decimal(12, 2), 'DECIMAL(12,2)'],
  ['dt', DataTypes.Date, 'DATE'],
  ['b', DataTypes.Boolean, 'BOOLEAN'],
];
const SCHEMA = new Schema(COLUMNS.map(([n, t]) => field(n, t, true)));
const ROWS = 3000;

function makeRows(seed: number, n: number): Record<string, unknown>[] {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const maybe = <T>(p: number, v: () => T) => (rnd() < p ? null : v());
  return Array.from({ length: n }, () => ({
    k: maybe(0.05, () => (rnd() < 0.5 ? 'hot' : pick(KEYS))),
    g: maybe(0.05, () => Math.floor(rnd() * 10)),
    i: maybe(0.1, () => Math.floor(rnd() * 2001) - 1000),
    l: maybe(0.1, () => BigInt(Math.floor(rnd() * 2e9)) * 1000003n - 1000000000n),
    d: maybe(0.05, () => pick([Number.NaN, -0, 0, 1.5, Math.round((rnd() - 0.5) * 2e6) / 1000])),
    m: maybe(0.1, () => (Math.floor(rnd() * 2e6) / 100 - 1e4).toFixed(2)),
    dt: maybe(0.05, () => new Date(Math.floor(rnd() * 20000) * 86_400_000).toISOString().slice(0, 10)),
    b: maybe(0.1, () => rnd() < 0.5),
  }));
}

const rows = makeRows(42, ROWS);

function sqlLiteral(v: unknown, type: string): string {
  if (v === null) return `NULL::${type}`;
  if (type === 'VARCHAR') return `'${String(v).replace(/'/g, "''")}'`;
  if (type === 'DOUBLE') {
    const x = v as number;
    return Number.isNaN(x) ? `'NaN'::DOUBLE` : Object.is(x, -0) ? `'-0.0'::DOUBLE` : `${x}::DOUBLE`;
  }
  if (type === 'DATE' || type.startsWith('DECIMAL')) return `'${String(v)}'::${type}`;
  return `${String(v)}::${type}`;
}

let instance: DuckDBInstance;
let db: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
  await db.run(`CREATE TABLE t (${COLUMNS.map(([n, , t]) => `"${n}" ${t}`).join(', ')})`);
  for (let i = 0; i < rows.length; i += 500) {
    const values = rows.slice(i, i + 500).map((r) => `(${COLUMNS.map(([n, , t]) => sqlLiteral(r[n], t)).join(', ')})`);
    await db.run(`INSERT INTO t VALUES ${values.join(',\n')}`);
  }
});

afterAll(() => {
  db?.closeSync();
});

/** A scan over `rows` cut into batches of `chunk` rows. */
function scan(schema: Schema, data: readonly Record<string, unknown>[], chunk: number): { op: MemoryScanExec; release: () => void } {
  const batches: Batch[] = [];
  for (let i = 0; i < data.length; i += chunk) batches.push(batchFromRows(schema, data.slice(i, i + chunk)));
  return { op: new MemoryScanExec(schema, batches), release: () => batches.forEach((b) => b.release()) };
}

function context(batchSize: number, budget = 1 << 30): ExecContext {
  return { runtime: runtime(), batchSize, operatorMemoryBudget: budget };
}

/** Runs an operator to completion; returns its rows and checks batch sizes. */
async function run(op: PhysicalOperator, ctx: ExecContext): Promise<Record<string, CellValue>[]> {
  const out: Record<string, CellValue>[] = [];
  for await (const b of op.execute(ctx)) {
    try {
      expect(b.numRows).toBeLessThanOrEqual(ctx.batchSize);
      expect(b.schema.names).toEqual(op.schema.names);
      out.push(...batchToRows(b));
    } finally {
      b.release();
    }
  }
  return out;
}

function normCell(v: unknown): unknown {
  if (typeof v === 'number' && v === 0) return 0;
  if (v instanceof DuckDBDecimalValue) return formatDecimal(v.value, v.scale);
  if (v instanceof Date) return v.getTime();
  if (v !== null && typeof v === 'object' && 'days' in v) return new Date(Number((v as { days: number }).days) * 86_400_000).toISOString().slice(0, 10);
  return v;
}

function sortKey(row: readonly unknown[]): string {
  return JSON.stringify(row.map((v) => {
    const x = normCell(v);
    return typeof x === 'bigint' ? `${x}n` : typeof x === 'number' ? (Number.isNaN(x) ? 'NaN' : Number(x.toPrecision(10))) : x;
  }));
}

function expectSameRows(actual: unknown[][], expected: unknown[][]): void {
  expect(actual.length).toBe(expected.length);
  const a = [...actual].sort((x, y) => (sortKey(x) < sortKey(y) ? -1 : 1));
  const e = [...expected].sort((x, y) => (sortKey(x) < sortKey(y) ? -1 : 1));
  for (let r = 0; r < a.length; r++) {
    for (let c = 0; c < a[r]!.length; c++) {
      const x = normCell(a[r]![c]);
      const y = normCell(e[r]![c]);
      if (typeof x === 'number' && typeof y === 'number' && Number.isFinite(y)) {
        expect(Math.abs(x - y), `row ${r} col ${c}: ${x} vs ${y}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(y)));
      } else {
        expect(x, `row ${r} col ${c}`).toEqual(y);
      }
    }
  }
}

const col = (name: string) => SCHEMA.indexOf(name);
const spec = (fn: AggregateSpec['fn'], input: string | null, resultType: DataType, name: string): AggregateSpec => ({
  fn,
  input: input === null ? null : col(input),
  name,
  resultType,
});

interface Query {
  keys: string[];
  aggs: AggregateSpec[];
  sql: string;
}

const QUERIES: Query[] = [
  {
    keys: ['g'],
    aggs: [
      spec('sum', 'i', DataTypes.Long, 'sum_i'),
      spec('count', 'i', DataTypes.Long, 'count_i'),
      spec('count_star', null, DataTypes.Long, 'n'),
      spec('min', 'k', DataTypes.String, 'min_k'),
      spec('max', 'k', DataTypes.String, 'max_k'),
      spec('avg', 'i', DataTypes.Double, 'avg_i'),
      spec('sum', 'm', DataTypes.decimal(18, 2), 'sum_m'),
      spec('min', 'd', DataTypes.Double, 'min_d'),
      spec('max', 'd', DataTypes.Double, 'max_d'),
      spec('count_distinct', 'i', DataTypes.Long, 'cd_i'),
      spec('count_distinct', 'k', DataTypes.Long, 'cd_k'),
    ],
    sql: `SELECT g, sum(i)::BIGINT, count(i), count(*), min(k), max(k), avg(i), sum(m), min(d), max(d), count(DISTINCT i), count(DISTINCT k) FROM t GROUP BY g`,
  },
  {
    keys: ['k', 'b'],
    aggs: [
      spec('sum', 'l', DataTypes.Long, 'sum_l'),
      spec('max', 'dt', DataTypes.Date, 'max_dt'),
      spec('min', 'm', DataTypes.decimal(12, 2), 'min_m'),
      spec('max', 'b', DataTypes.Boolean, 'max_b'),
      spec('count_star', null, DataTypes.Long, 'n'),
      spec('avg', 'd', DataTypes.Double, 'avg_d'),
    ],
    sql: `SELECT k, b, sum(l)::BIGINT, max(dt), min(m), max(b), count(*), avg(d) FROM t GROUP BY k, b`,
  },
  {
    keys: ['d'],
    aggs: [spec('count_star', null, DataTypes.Long, 'n'), spec('sum', 'g', DataTypes.Long, 'sum_g')],
    sql: `SELECT d, count(*), sum(g)::BIGINT FROM t GROUP BY d`,
  },
  {
    keys: ['l', 'dt', 'm'],
    aggs: [spec('count_star', null, DataTypes.Long, 'n')],
    sql: `SELECT l, dt, m, count(*) FROM t GROUP BY l, dt, m`,
  },
  {
    keys: [],
    aggs: [
      spec('sum', 'i', DataTypes.Long, 's'),
      spec('count_star', null, DataTypes.Long, 'n'),
      spec('min', 'k', DataTypes.String, 'mk'),
      spec('avg', 'l', DataTypes.Double, 'al'),
      spec('sum', 'd', DataTypes.Double, 'sd'),
      spec('count', 'm', DataTypes.Long, 'cm'),
    ],
    sql: `SELECT sum(i)::BIGINT, count(*), min(k), avg(l), sum(d), count(m) FROM t`,
  },
];

describe('HashAggregateExec', () => {
  for (const [qi, q] of QUERIES.entries()) {
    it(`matches DuckDB and gives the same result at every batch size: query ${qi} (group by ${q.keys.join(', ') || 'nothing'})`, async () => {
      const mem = runtime().memory;
      const start = mem.liveBytes;
      const expected = (await db.runAndReadAll(q.sql)).getRows() as unknown[][];
      const runAt = async (data: readonly Record<string, unknown>[], size: number) => {
        const s = scan(SCHEMA, data, size);
        try {
          return await run(new HashAggregateExec(s.op, q.keys.map(col), q.aggs), context(size));
        } finally {
          s.release();
        }
      };
      const out = await runAt(rows, 1024);
      expectSameRows(out.map((r) => Object.values(r)), expected);
      // Groups come out in order of first appearance whatever the batch sizes (batch size 1 on a prefix: fast).
      expect(await runAt(rows, 7)).toEqual(out);
      const prefix = rows.slice(0, 300);
      expect(await runAt(prefix, 1)).toEqual(await runAt(prefix, 1024));
      expect(mem.liveBytes).toBe(start);
    });
  }

  it('emits one row for an ungrouped aggregate of an empty input, none for a grouped one', async () => {
    const s = scan(SCHEMA, [], 10);
    const aggs = [spec('count_star', null, DataTypes.Long, 'n'), spec('sum', 'i', DataTypes.Long, 's'), spec('max', 'k', DataTypes.String, 'mk')];
    expect(await run(new HashAggregateExec(s.op, [], aggs), context(16))).toEqual([{ n: 0n, s: null, mk: null }]);
    expect(await run(new HashAggregateExec(s.op, [col('k')], aggs), context(16))).toEqual([]);
    s.release();
  });

  it('supports distinct (group keys, no aggregates) and first()', async () => {
    const data = [{ k: 'x', i: null }, { k: 'y', i: 2 }, { k: 'x', i: 3 }, { k: null, i: 4 }, { k: 'y', i: 5 }];
    const schema = new Schema([field('k', DataTypes.String), field('i', DataTypes.Integer)]);
    const s = scan(schema, data, 2);
    expect(await run(new HashAggregateExec(s.op, [0], []), context(2))).toEqual([{ k: 'x' }, { k: 'y' }, { k: null }]);
    const firsts = new HashAggregateExec(s.op, [0], [
      { fn: 'first', input: 1, name: 'f', resultType: DataTypes.Integer },
      { fn: 'first', input: 1, name: 'fi', resultType: DataTypes.Integer, ignoreNulls: true },
    ]);
    expect(await run(firsts, context(10))).toEqual([{ k: 'x', f: null, fi: 3 }, { k: 'y', f: 2, fi: 2 }, { k: null, f: 4, fi: 4 }]);
    expect(firsts.schema.fields.map((f) => f.nullable)).toEqual([true, true, true]);
    expect(firsts.treeString()).toContain('HashAggregate keys=[k], functions=[first(i) AS f, first(i) AS fi]');
    s.release();
  });

  it('throws MemoryBudgetExceededError naming HashAggregate and frees everything', async () => {
    const mem = runtime().memory;
    const start = mem.liveBytes;
    const many = Array.from({ length: 20_000 }, (_, i) => ({ k: `key ${i}`, l: BigInt(i) * 7919n }));
    const schema = new Schema([field('k', DataTypes.String), field('l', DataTypes.Long)]);
    const s = scan(schema, many, 1000);
    const op = new HashAggregateExec(s.op, [0, 1], [{ fn: 'count_star', input: null, name: 'n', resultType: DataTypes.Long }]);
    await expect(run(op, context(1024, 200_000))).rejects.toThrow(MemoryBudgetExceededError);
    await expect(run(op, context(1024, 200_000))).rejects.toThrow(/HashAggregate needs/);
    expect((await run(op, context(1024))).length).toBe(20_000);
    s.release();
    expect(mem.liveBytes).toBe(start);
  });

  it('releases its state when the consumer stops early', async () => {
    const mem = runtime().memory;
    const start = mem.liveBytes;
    const s = scan(SCHEMA, rows, 100);
    const op = new HashAggregateExec(s.op, [col('i')], [spec('count_star', null, DataTypes.Long, 'n')]);
    for await (const b of op.execute(context(5))) {
      b.release();
      break;
    }
    s.release();
    expect(mem.liveBytes).toBe(start);
  });
});
