/**
 * Multi-core scaling of Kindling's local mode: the same queries on `local[1]` (the calling thread)
 * and `local[N]` (N executor threads), in one process, on the same Parquet files. Reports the
 * median (and min/max) of the timed runs per query and master, the speed-up, and checks that both
 * masters return the same rows (doubles within 1e-9 relative) before a time counts.
 *
 *   npx tsx bench/scaling.ts --suite tpch --sf 1 --runs 3 [--cores 2] [--queries 1,6] [--data bench/data]
 *   npx tsx bench/scaling.ts --suite groupby --rows 1e7 --runs 3
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SparkSession } from '../src/index.js';
import { RuntimeConfig } from '../src/api/config.js';
import { generateTpch, TABLE_NAMES } from './tpch/generate.js';
import { generateGroupby, groupbyFileName, type GroupbyParams } from './h2o/generate-groupby.js';

const { values: args } = parseArgs({
  options: {
    suite: { type: 'string', default: 'tpch' },
    sf: { type: 'string', default: '1' },
    rows: { type: 'string', default: '1e7' },
    runs: { type: 'string', default: '3' },
    cores: { type: 'string', default: '2' },
    queries: { type: 'string' },
    data: { type: 'string', default: join('bench', 'data') },
  },
});

const runs = Number(args.runs);
const cores = Number(args.cores);

interface Query {
  readonly name: string;
  readonly sql: string;
}

/** Registers the suite's tables as views of `spark` and returns its queries. */
async function prepare(): Promise<{ register: (s: SparkSession) => Promise<void>; queries: Query[] }> {
  const only = args.queries?.split(',').map((q) => q.trim());
  if (args.suite === 'tpch') {
    const dir = join(args.data, `tpch-sf${args.sf}`);
    if (!existsSync(join(dir, 'lineitem.parquet'))) {
      mkdirSync(dir, { recursive: true });
      console.error(`generating TPC-H SF ${args.sf} into ${dir} ...`);
      await generateTpch(dir, { sf: Number(args.sf) });
    }
    const queries = Array.from({ length: 22 }, (_, i) => String(i + 1).padStart(2, '0'))
      .filter((q) => !only || only.includes(String(Number(q))))
      .map((q) => ({ name: `q${q}`, sql: readFileSync(join('..', 'shared', 'tpch', 'queries', `q${q}.sql`), 'utf8') }));
    return {
      register: async (s) => {
        for (const t of TABLE_NAMES) (await s.read.parquet(join(dir, `${t}.parquet`))).createOrReplaceTempView(t);
      },
      queries,
    };
  }
  if (args.suite === 'groupby') {
    const p: GroupbyParams = { rows: Number(args.rows), k: 100, nas: 0, sorted: false, seed: 1 };
    const file = join(args.data, groupbyFileName(p));
    if (!existsSync(file)) {
      console.error(`generating ${file} ...`);
      await generateGroupby(args.data, p);
    }
    const queries: Query[] = [
      { name: 'q1', sql: 'SELECT id1, sum(v1) AS v1 FROM x GROUP BY id1' },
      { name: 'q2', sql: 'SELECT id1, id2, sum(v1) AS v1 FROM x GROUP BY id1, id2' },
      { name: 'q3', sql: 'SELECT id3, sum(v1) AS v1, avg(v3) AS v3 FROM x GROUP BY id3' },
      { name: 'q4', sql: 'SELECT id4, avg(v1) AS v1, avg(v2) AS v2, avg(v3) AS v3 FROM x GROUP BY id4' },
      { name: 'q5', sql: 'SELECT id6, sum(v1) AS v1, sum(v2) AS v2, sum(v3) AS v3 FROM x GROUP BY id6' },
      { name: 'q7', sql: 'SELECT id3, max(v1) - min(v2) AS range_v1_v2 FROM x GROUP BY id3' },
      { name: 'q10', sql: 'SELECT id1, id2, id3, id4, id5, id6, sum(v3) AS v3, count(*) AS cnt FROM x GROUP BY id1, id2, id3, id4, id5, id6' },
    ].filter((q) => !only || only.includes(q.name.slice(1)));
    return { register: async (s) => (await s.read.parquet(file)).createOrReplaceTempView('x'), queries };
  }
  throw new Error(`unknown suite '${args.suite}': expected tpch or groupby`);
}

/** Rows as arrays sorted by their printed form with doubles rounded (so float noise does not reorder them). */
function canonical(rows: readonly Record<string, unknown>[]): unknown[][] {
  const key = (v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(6) : String(v));
  return rows.map((r) => Object.values(r)).sort((a, b) => (a.map(key).join('|') < b.map(key).join('|') ? -1 : 1));
}

/** Same rows, doubles within 1e-9 relative (partial aggregation adds them up in another order). */
function sameAnswer(a: unknown[][], b: unknown[][]): boolean {
  const close = (x: unknown, y: unknown) =>
    typeof x === 'number' && typeof y === 'number' ? x === y || Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y)) : x === y;
  return a.length === b.length && a.every((r, i) => r.length === b[i]!.length && r.every((v, j) => close(v, b[i]![j])));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const { register, queries } = await prepare();
const masters = ['local[1]', `local[${cores}]`];
const sessions = masters.map((m) => new SparkSession(new RuntimeConfig(), `scaling ${m}`, m));
for (const s of sessions) {
  s.conf.set('spark.ui.showConsoleProgress', false);
  await register(s);
}

console.log(`| query | ${masters.map((m) => `${m} median ms (min-max)`).join(' | ')} | speed-up |`);
console.log(`|---|${masters.map(() => '---:').join('|')}|---:|`);
const totals = masters.map(() => 0);
for (const q of queries) {
  const times: number[][] = [];
  const answers: unknown[][][] = [];
  let failed = '';
  for (const s of sessions) {
    const t: number[] = [];
    try {
      answers.push(canonical(await (await s.sql(q.sql)).collect())); // warm-up, and the answer
      for (let r = 0; r < runs; r++) {
        const start = performance.now();
        await (await s.sql(q.sql)).collect();
        t.push(performance.now() - start);
      }
    } catch (e) {
      failed = `${s.master}: ${(e as Error).message.split('\n')[0]}`;
    }
    times.push(t);
  }
  if (failed || !sameAnswer(answers[0]!, answers[1]!)) {
    console.log(`| ${q.name} | ${failed || 'answers differ between masters'} |`);
    continue;
  }
  const med = times.map(median);
  med.forEach((m, i) => (totals[i]! += m));
  const cells = times.map((t, i) => `${med[i]!.toFixed(0)} (${Math.min(...t).toFixed(0)}-${Math.max(...t).toFixed(0)})`);
  console.log(`| ${q.name} | ${cells.join(' | ')} | ${(med[0]! / med[1]!).toFixed(2)}x |`);
}
console.log(`| total | ${totals.map((t) => t.toFixed(0)).join(' | ')} | ${(totals[0]! / totals[1]!).toFixed(2)}x |`);
for (const s of sessions) s.stop();
