/**
 * Runs the 22 TPC-H queries on Kindling (`local[N]`, from Parquet) and on DuckDB over views of the
 * same Parquet files, each engine in its own process (so a large scale factor is not held by both
 * at once), and compares every answer with the benchmark's checker. Prints per-query times, the
 * peak RSS of Kindling's process, and `same` or the first difference.
 *
 *   npx tsx bench/verify-tpch.ts --sf 10 [--master local[2]] [--data bench/.data] [--queries 1,3]
 *
 * The data must exist (`npx tsx bench/tpch/generate.ts --sf 10 --out bench/.data/tpch-sf10`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { SparkSession } from '../src/index.js';
import { RuntimeConfig } from '../src/api/config.js';
import { TABLE_NAMES } from './tpch/generate.js';
import { arrowRows } from './engines/arrow-load.js';
import { compareAnswers } from './check.js';
import type { Row } from './engines/engine.js';

const { values: args } = parseArgs({
  options: {
    sf: { type: 'string', default: '1' },
    master: { type: 'string', default: 'local[2]' },
    data: { type: 'string', default: join('bench', '.data') },
    queries: { type: 'string' },
    engine: { type: 'string' }, // internal: the child process's engine
    out: { type: 'string' }, // internal: where the child writes its answers
  },
});

const dir = join(args.data, `tpch-sf${args.sf}`);
const queries = Array.from({ length: 22 }, (_, i) => String(i + 1).padStart(2, '0')).filter(
  (q) => !args.queries || args.queries.split(',').map((x) => x.trim().padStart(2, '0')).includes(q),
);
const sqlOf = (q: string) => readFileSync(join('..', 'shared', 'tpch', 'queries', `q${q}.sql`), 'utf8');
const toJson = (_k: string, v: unknown) => (typeof v === 'bigint' ? { $big: String(v) } : v);
const fromJson = (_k: string, v: unknown) => (v !== null && typeof v === 'object' && '$big' in v ? BigInt((v as { $big: string }).$big) : v);

interface Answers {
  readonly rows: Record<string, Row[]>;
  readonly ms: Record<string, number>;
  readonly peakRss: number;
}

async function runKindling(): Promise<Answers> {
  const spark = new SparkSession(new RuntimeConfig(), 'verify-tpch', args.master);
  spark.conf.set('spark.ui.showConsoleProgress', false);
  for (const t of TABLE_NAMES) (await spark.read.parquet(join(dir, `${t}.parquet`))).createOrReplaceTempView(t);
  let peakRss = 0;
  const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const rows: Record<string, Row[]> = {};
  const ms: Record<string, number> = {};
  try {
    for (const q of queries) {
      const start = performance.now();
      rows[q] = arrowRows(await (await spark.sql(sqlOf(q))).toArrow()) as Row[];
      ms[q] = performance.now() - start;
    }
  } finally {
    clearInterval(sample);
    spark.stop();
  }
  return { rows, ms, peakRss };
}

async function runDuckDb(): Promise<Answers> {
  const db = await DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await db.connect();
  for (const t of TABLE_NAMES) await conn.run(`CREATE VIEW ${t} AS SELECT * FROM read_parquet('${join(dir, `${t}.parquet`).replaceAll("'", "''")}')`);
  const rows: Record<string, Row[]> = {};
  const ms: Record<string, number> = {};
  for (const q of queries) {
    const start = performance.now();
    rows[q] = (await conn.runAndReadAll(sqlOf(q))).getRowsJson() as Row[];
    ms[q] = performance.now() - start;
  }
  return { rows, ms, peakRss: process.memoryUsage().rss };
}

if (args.engine) {
  const answers = args.engine === 'kindling' ? await runKindling() : await runDuckDb();
  writeFileSync(args.out!, JSON.stringify(answers, toJson));
  process.exit(0);
}

const tmp = mkdtempSync(join(tmpdir(), 'verify-tpch-'));
const self = fileURLToPath(import.meta.url);
const results: Record<string, Answers> = {};
try {
  for (const engine of ['duckdb', 'kindling']) {
    const out = join(tmp, `${engine}.json`);
    const forwarded = ['--sf', args.sf, '--master', args.master, '--data', args.data, ...(args.queries ? ['--queries', args.queries] : [])];
    const r = spawnSync(process.execPath, [...process.execArgv, self, ...forwarded, '--engine', engine, '--out', out], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`${engine} run failed (exit ${r.status})`);
    results[engine] = JSON.parse(readFileSync(out, 'utf8'), fromJson) as Answers;
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
const k = results['kindling']!;
const d = results['duckdb']!;
console.log(`| query | Kindling ${args.master} ms | DuckDB ms | answer |`);
console.log('|---|---:|---:|---|');
let same = 0;
for (const q of queries) {
  const diff = compareAnswers(d.rows[q]!, k.rows[q]!, false);
  if (diff === null) same++;
  console.log(`| q${q} | ${k.ms[q]!.toFixed(0)} | ${d.ms[q]!.toFixed(0)} | ${diff ?? 'same'} |`);
}
const total = (a: Answers) => Object.values(a.ms).reduce((s, x) => s + x, 0).toFixed(0);
console.log(`| total | ${total(k)} | ${total(d)} | ${same}/${queries.length} same |`);
console.log(`Kindling peak RSS ${(k.peakRss / 2 ** 20).toFixed(0)} MiB (SF ${args.sf}, ${args.master})`);
process.exit(same === queries.length ? 0 : 1);
