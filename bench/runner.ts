/**
 * The multi-engine benchmark runner: `runSuite(options)` prepares a suite's Parquet files, computes
 * DuckDB's answer to every query (the oracle), then for each engine in turn: checks it is available
 * (else skips it with the reason), loads the tables (timed: load time), and for each query runs one
 * warm-up whose answer is checked against the oracle — a wrong or failed answer is reported as such
 * and never timed — then `runs` timed runs (median, min, max). The process's peak RSS is sampled
 * during each engine's phase. Output: a markdown report, JSON and an SVG chart under bench/results/.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareAnswers } from './check.js';
import { ratioChartSvg, type RatioCell } from './chart-svg.js';
import { ENGINE_NAMES, type BenchQuery, type Engine, type EngineName, NotApplicableError, type Row, firstLine } from './engines/engine.js';
import { DuckDbEngine } from './engines/duckdb.js';
import { createProgress } from './progress.js';
import { machineFacts, median, type MachineFacts } from './report.js';
import type { SuiteData } from './suites/suite.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The suites of the multi-engine runner. */
export type SuiteName = 'tpch' | 'groupby' | 'join';

/** Options of runSuite. */
export interface RunOptions {
  readonly suite: SuiteName;
  /** Engines to run, in order (default: all known). Unknown names are an error; uninstalled ones are skipped. */
  readonly engines?: readonly string[];
  /** Query ids or numbers to run (e.g. [1, 3, 6] or ['q1']); default all. */
  readonly queries?: readonly (number | string)[];
  /** Timed runs per query after the warm-up (default 3). */
  readonly runs?: number;
  /** Untimed warm-up runs per query (default 1; the first one's answer is checked). */
  readonly warmup?: number;
  /** Threads for DuckDB, Spark and Polars (default: logical cores). */
  readonly threads?: number;
  /** TPC-H scale factor (default 1). */
  readonly sf?: number;
  /** db-benchmark rows (default 1e7). */
  readonly rows?: number;
  /** db-benchmark K: groups of the id1/id2/id4/id5 columns (default 100). */
  readonly k?: number;
  /** db-benchmark NA share in percent (default 0). */
  readonly nas?: number;
  /** db-benchmark sorted data (default false). */
  readonly sorted?: boolean;
  /** Seed of the generated data (default 1). */
  readonly seed?: number;
  /** Where generated Parquet files are kept between runs (default bench/.data). */
  readonly dataDir?: string;
  /** Where JSON and SVG go; null: not written (default bench/results). */
  readonly outDir?: string | null;
  /** Progress bar (default: stderr is a TTY). */
  readonly progress?: boolean;
  /** Log lines and the markdown report (default console.log). */
  readonly log?: (line: string) => void;
  /** Extra engine objects run after the named ones (custom adapters; tests use it to inject a liar). */
  readonly extraEngines?: readonly Engine[];
}

/** What happened to one engine on one query. */
export type QueryStatus = 'ok' | 'wrong' | 'failed' | 'unsupported' | 'n/a' | 'skipped';

/** One engine's outcome on one query. Times only when status is 'ok'. */
export interface QueryResult {
  readonly engine: EngineName;
  readonly query: string;
  readonly status: QueryStatus;
  /** Why there is no time (diff hint for 'wrong', error for 'failed', ...). */
  readonly reason?: string;
  readonly runsMs?: readonly number[];
  readonly medianMs?: number;
  readonly minMs?: number;
  readonly maxMs?: number;
  /** This engine's median / Kindling's (engine 'kindling') median on the same query. */
  readonly ratioToKindling?: number;
}

/** One engine's summary. */
export interface EngineSummary {
  readonly engine: EngineName;
  readonly available: boolean;
  readonly skipReason?: string;
  readonly version?: string;
  readonly note?: string;
  readonly loadMs?: number;
  readonly loadError?: string;
  /** Peak RSS of the (shared) process in MiB while this engine loaded and ran. */
  readonly peakRssMiB?: number;
  /** Sum of the medians of the queries it answered correctly. */
  readonly totalMedianMs?: number;
  readonly okQueries?: number;
}

/** The record of a run (also the JSON file). */
export interface RunResult {
  readonly suite: SuiteName;
  readonly date: string;
  readonly data: string;
  readonly params: Readonly<Record<string, number | boolean | string>>;
  readonly runs: number;
  readonly warmup: number;
  readonly threads: number;
  readonly machine: MachineFacts;
  readonly notes: readonly string[];
  readonly queries: readonly { id: string; title: string }[];
  readonly engines: readonly EngineSummary[];
  readonly results: readonly QueryResult[];
  /** Files written (absent when outDir is null). */
  readonly files?: { json: string; svg: string; markdown: string };
  /** The markdown report. */
  readonly markdown: string;
}

/** General method notes printed under every report. */
export const RUNNER_NOTES = [
  "Every answer is checked against DuckDB (@duckdb/node-api), the oracle, before any time is taken: values normalised (bigint/decimal -> number, dates -> ISO), numbers within 1e-6 relative or 1e-6 absolute (Spark rounds decimal averages to 6 digits), rows as multisets, and where the ORDER BY fixes the order the sort-key columns in DuckDB's order; 'WRONG' and 'failed' are never timed.",
  'Per query: warm-up run(s) (the first one is the checked answer), then N timed runs; median and min-max shown. Load time (reading the Parquet files into the engine) is reported separately and excluded from query times.',
  'Peak RSS is the whole Node process sampled every ~50 ms (and after each run) during the engine\'s load and runs: all engines share the process, so it is cumulative (memory not returned by earlier engines stays counted); Spark runs in its own JVM, not counted.',
  "ratio = engine median / Kindling (SQL, in memory) median on the same query: above 1, Kindling is faster.",
];

/** Creates the engine objects for the names asked for (dynamic imports: a missing package only skips its engine). */
async function createEngine(name: EngineName, threads: number): Promise<Engine | string> {
  try {
    switch (name) {
      case 'duckdb':
        return new DuckDbEngine({ threads });
      case 'duckdb-wasm':
        return new (await import('./engines/duckdb-wasm.js')).DuckDbWasmEngine();
      case 'polars':
        return new (await import('./engines/polars.js')).PolarsEngine({ threads });
      case 'arquero':
        return new (await import('./engines/arquero.js')).ArqueroEngine();
      case 'spark':
        return new (await import('./engines/spark.js')).SparkEngine({ threads });
      case 'kindling':
        return new (await import('./engines/kindling.js')).KindlingEngine('sql');
      case 'kindling-df':
        return new (await import('./engines/kindling.js')).KindlingEngine('df');
      case 'kindling-parquet':
        return new (await import('./engines/kindling.js')).KindlingEngine('parquet');
    }
  } catch (e) {
    return `could not load the adapter: ${firstLine(e)}`;
  }
}

/** Loads a suite's data and queries (dynamic imports keep each suite's dependencies optional). */
async function loadSuite(o: Required<Pick<RunOptions, 'suite' | 'dataDir' | 'seed'>> & RunOptions, log: (l: string) => void): Promise<{
  data: SuiteData;
  queries: BenchQuery[];
  params: Record<string, number | boolean | string>;
}> {
  if (o.suite === 'tpch') {
    const { prepareTpch, tpchQueries } = await import('./suites/tpch.js');
    const sf = o.sf ?? 1;
    const nums = (o.queries ?? []).map((q) => Number(String(q).replace(/^q/i, '')));
    const queries = tpchQueries(nums);
    const data = await prepareTpch(o.dataDir, sf, log);
    // Load only the tables the selected queries read.
    const used = Object.fromEntries(Object.entries(data.tables).filter(([t]) => queries.some((q) => new RegExp(`\\b${t}\\b`, 'i').test(q.sql ?? ''))));
    return { data: { ...data, tables: used }, queries, params: { sf } };
  }
  const h2o = { rows: o.rows ?? 1e7, k: o.k ?? 100, nas: o.nas ?? 0, sorted: o.sorted ?? false, seed: o.seed };
  const ids = (o.queries ?? []).map((q) => `q${String(q).replace(/^q/i, '')}`);
  if (o.suite === 'groupby') {
    const { prepareGroupby, groupbyQueries } = await import('./suites/groupby.js');
    return { data: await prepareGroupby(o.dataDir, h2o, log), queries: groupbyQueries(ids), params: { ...h2o } };
  }
  if (o.suite === 'join') {
    const { prepareJoin, joinQueries } = await import('./suites/join.js');
    return { data: await prepareJoin(o.dataDir, h2o, log), queries: joinQueries(ids), params: { ...h2o } };
  }
  throw new RangeError(`unknown suite '${String(o.suite)}'; available: kernels, tpch, groupby, join`);
}

/** Errors that mean "Kindling does not have this function/construct yet" (other engines' errors are failures). */
function isUnsupported(engine: EngineName, e: unknown): boolean {
  if (!(e instanceof Error) || !engine.startsWith('kindling')) return false;
  return e.name === 'NotImplementedError' || /undefined function|not (yet )?implemented/i.test(e.message);
}

/** Samples the process RSS every ~50 ms; `peak()` returns the highest since `reset()`. */
class RssSampler {
  private max = 0;
  private timer: NodeJS.Timeout | null = null;
  start(): void {
    this.reset();
    this.timer = setInterval(() => this.sample(), 50);
    this.timer.unref();
  }
  sample(): void {
    const r = process.memoryUsage().rss;
    if (r > this.max) this.max = r;
  }
  reset(): void {
    this.max = process.memoryUsage().rss;
  }
  peakMiB(): number {
    this.sample();
    return Math.round(this.max / 2 ** 20);
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** Runs one suite on the requested engines and returns (and by default prints and writes) its report. */
export async function runSuite(options: RunOptions): Promise<RunResult> {
  const log = options.log ?? ((l: string) => console.log(l));
  const runs = Math.max(1, Math.round(options.runs ?? 3));
  const warmup = Math.max(1, Math.round(options.warmup ?? 1));
  const threads = Math.max(1, Math.round(options.threads ?? (await import('node:os')).availableParallelism()));
  const seed = options.seed ?? 1;
  const dataDir = resolve(options.dataDir ?? join(HERE, '.data'));
  const requested = (options.engines && options.engines.length > 0 ? options.engines : ENGINE_NAMES.filter((e) => e !== 'kindling-parquet')).map((e) =>
    e.trim().toLowerCase(),
  );
  for (const e of requested) {
    if (!(ENGINE_NAMES as readonly string[]).includes(e)) throw new RangeError(`unknown engine '${e}'; known: ${ENGINE_NAMES.join(', ')}`);
  }
  const engineNames = [...new Set(requested)] as EngineName[];
  const extra = new Map((options.extraEngines ?? []).map((e) => [e.name, e] as const));
  for (const e of extra.keys()) if (!engineNames.includes(e)) engineNames.push(e);
  const { data, queries, params } = await loadSuite({ ...options, dataDir, seed }, log);

  // 3. Ratios to Kindling, report and files (also written after each engine, marked partial, so an
  // interrupted run keeps what it measured).
  const report = (partial: boolean) => {
    const kindlingMs = new Map(results.filter((r) => r.engine === 'kindling' && r.status === 'ok').map((r) => [r.query, r.medianMs!]));
    const withRatios = results.map((r) =>
      r.status === 'ok' && kindlingMs.has(r.query) ? { ...r, ratioToKindling: r.medianMs! / kindlingMs.get(r.query)! } : r,
    );
    const oracleFailures = [...expected.entries()].filter(([, v]) => v instanceof Error).map(([k, v]) => `${k}: ${(v as Error).message.split('\n')[0]}`);
    const notes = [
      ...RUNNER_NOTES,
      ...(options.suite !== 'tpch'
        ? ['db-benchmark answers are checksums, as in the db-benchmark: each engine materialises the result and returns count(*) and the sums of its value columns; the timed work includes that checksum.']
        : []),
      ...(oracleFailures.length ? [`DuckDB (oracle) failed on: ${oracleFailures.join('; ')} (those queries cannot be checked and are reported failed).`] : []),
    ];
    const base = {
      suite: options.suite,
      date: startedAt,
      data: data.description,
      params,
      runs,
      warmup,
      threads,
      machine: machineFacts(Object.fromEntries(summaries.filter((s) => s.version).map((s) => [s.engine, s.version!]))),
      notes: partial ? [...notes, `PARTIAL: written after engine ${summaries.at(-1)?.engine ?? '(none)'}; the run was still going.`] : notes,
      queries: queries.map((q) => ({ id: q.id, title: q.title })),
      engines: summaries,
      results: withRatios,
    };
    const markdown = formatRunMarkdown(base);
    let files: RunResult['files'];
    const outDir = options.outDir === undefined ? join(HERE, 'results') : options.outDir;
    if (outDir !== null) {
      mkdirSync(outDir, { recursive: true });
      const stamp = base.date.replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');
      const stem = join(resolve(outDir), `${options.suite}-${stamp}`);
      files = { json: `${stem}.json`, svg: `${stem}.svg`, markdown: `${stem}.md` };
      const cells: RatioCell[] = withRatios
        .filter((r) => r.engine !== 'kindling')
        .map((r) => ({ query: r.query, engine: r.engine, ratio: r.ratioToKindling ?? null, mark: r.status === 'ok' ? 'no Kindling time' : r.status }));
      const chartEngines = engineNames.filter((e) => e !== 'kindling' && summaries.find((s) => s.engine === e)?.available);
      atomicWrite(files.svg, ratioChartSvg(`${options.suite} ${JSON.stringify(params)}: time relative to Kindling`, base.queries.map((q) => q.id), chartEngines, cells));
      atomicWrite(files.markdown, markdown);
      atomicWrite(files.json, JSON.stringify({ ...base, files, markdown }, null, 2) + '\n');
    }
    return { base, markdown, files };
  };
  const progressOn = options.progress ?? process.stderr.isTTY === true;
  const progress = createProgress(progressOn);
  const results: QueryResult[] = [];
  const summaries: EngineSummary[] = [];
  const sampler = new RssSampler();
  const startedAt = new Date().toISOString();
  sampler.start();
  // 1. The oracle: DuckDB's answers (also the 'duckdb' engine when it is requested).
  const oracle = new DuckDbEngine({ threads });
  const oracleSkip = await oracle.available();
  if (oracleSkip !== null) throw new Error(`DuckDB (the oracle) is required: ${oracleSkip}`);
  const expected = new Map<string, Row[] | Error>();
  try {
    progress.start(queries.length * (engineNames.length + 1));
    progress.status('oracle: loading');
    const oracleLoadMs = await oracle.load(data.tables);
    for (const q of queries) {
      progress.tick(`oracle ${q.id}`);
      try {
        expected.set(q.id, await oracle.run(q));
      } catch (e) {
        expected.set(q.id, e instanceof Error ? e : new Error(String(e)));
      }
    }
    // 2. Each engine in turn.
    for (const name of engineNames) {
      sampler.reset();
      const engine = extra.get(name) ?? (name === 'duckdb' ? oracle : await createEngine(name, threads));
      if (typeof engine === 'string') {
        summaries.push({ engine: name, available: false, skipReason: engine });
        for (const q of queries) results.push({ engine: name, query: q.id, status: 'skipped', reason: engine });
        progress.tick(`${name} skipped`);
        continue;
      }
      try {
        const skip = engine === oracle ? null : await engine.available();
        if (skip !== null) {
          log(`${name}: skipped (${skip})`);
          summaries.push({ engine: name, available: false, skipReason: skip, note: engine.note });
          for (const q of queries) results.push({ engine: name, query: q.id, status: 'skipped', reason: skip });
          for (let i = 0; i < queries.length; i++) progress.tick(`${name} skipped`);
          continue;
        }
        progress.status(`${name}: loading`);
        if (!progressOn) log(`${name}: loading ...`);
        let loadMs: number | undefined;
        let loadError: string | undefined;
        try {
          loadMs = engine === oracle ? oracleLoadMs : await engine.load(data.tables);
        } catch (e) {
          loadError = firstLine(e);
          log(`${name}: load failed (${loadError})`);
        }
        for (const q of queries) {
          progress.status(`${name} ${q.id}`);
          if (!progressOn) log(`${name}: ${q.id} ...`);
          if (loadError !== undefined) results.push({ engine: name, query: q.id, status: 'failed', reason: `load failed: ${loadError}` });
          else results.push(await runQuery(engine, q, expected.get(q.id)!, warmup, runs, sampler));
          progress.tick(`${name} ${q.id}`);
        }
        const mine = results.filter((r) => r.engine === name && r.status === 'ok');
        summaries.push({
          engine: name,
          available: true,
          version: engine.version(),
          note: engine.note,
          ...(loadMs !== undefined ? { loadMs } : {}),
          ...(loadError !== undefined ? { loadError } : {}),
          peakRssMiB: sampler.peakMiB(),
          totalMedianMs: mine.reduce((s, r) => s + (r.medianMs ?? 0), 0),
          okQueries: mine.length,
        });
        report(true);
      } finally {
        if (engine !== oracle) await engine.close().catch(() => undefined);
      }
    }
  } finally {
    progress.stop();
    sampler.stop();
    await oracle.close();
  }

  const { base, markdown, files } = report(false);
  log(markdown);
  if (files) log(`JSON: ${files.json}\nSVG chart: ${files.svg}`);
  return { ...base, ...(files ? { files } : {}), markdown };
}

/** Warm-up (checked), then timed runs of one query on one engine. */
async function runQuery(engine: Engine, q: BenchQuery, expected: Row[] | Error, warmup: number, runs: number, sampler: RssSampler): Promise<QueryResult> {
  const base = { engine: engine.name, query: q.id };
  let answer: Row[];
  try {
    answer = await engine.run(q);
    sampler.sample();
  } catch (e) {
    if (e instanceof NotApplicableError) return { ...base, status: 'n/a', reason: e.message };
    return { ...base, status: isUnsupported(engine.name, e) ? 'unsupported' : 'failed', reason: firstLine(e) };
  }
  if (expected instanceof Error) return { ...base, status: 'failed', reason: `no oracle answer: DuckDB failed (${firstLine(expected)})` };
  const diff = compareAnswers(expected, answer, q.ordered ? true : (q.orderKeys ?? false));
  if (diff !== null) return { ...base, status: 'wrong', reason: diff };
  try {
    for (let i = 1; i < warmup; i++) await engine.run(q);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await engine.run(q);
      times.push(performance.now() - t0);
      sampler.sample();
    }
    return { ...base, status: 'ok', runsMs: times, medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times) };
  } catch (e) {
    return { ...base, status: 'failed', reason: `while timing: ${firstLine(e)}` };
  }
}

function atomicWrite(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function fmtMs(x: number | undefined): string {
  if (x === undefined) return '';
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Renders a run as markdown: times per query and engine, ratios, per-engine summary, problems, notes. */
export function formatRunMarkdown(r: Omit<RunResult, 'markdown' | 'files'>): string {
  const engines = r.engines.map((e) => e.engine);
  const get = (q: string, e: string) => r.results.find((x) => x.query === q && x.engine === e);
  const show = (x: QueryResult | undefined): string => {
    if (!x) return '';
    if (x.status === 'ok') return `${fmtMs(x.medianMs)} (${fmtMs(x.minMs)}–${fmtMs(x.maxMs)})`;
    return x.status === 'wrong' ? 'WRONG' : x.status;
  };
  const m = r.machine;
  const lines: string[] = [
    `## ${r.suite} benchmark (${r.date})`,
    '',
    `Data: ${r.data}. Params: ${Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(', ')}. ` +
      `${r.warmup} warm-up + ${r.runs} timed run(s) per query; threads = ${r.threads}.`,
    `Machine: ${m.cpuModel}, ${m.logicalCores} logical cores, ${m.totalMemoryGiB} GiB; Node ${m.node}.`,
    '',
    '### Query time, ms: median (min–max)',
    '',
    `| query | ${engines.join(' | ')} |`,
    `|---|${engines.map(() => '---:').join('|')}|`,
  ];
  for (const q of r.queries) lines.push(`| ${q.id} | ${engines.map((e) => show(get(q.id, e))).join(' | ')} |`);
  lines.push(
    `| **total (ok)** | ${r.engines.map((e) => (e.available ? `${fmtMs(e.totalMedianMs)} (${e.okQueries}/${r.queries.length} ok)` : 'skipped')).join(' | ')} |`,
    `| load ms | ${r.engines.map((e) => (e.loadMs !== undefined ? fmtMs(e.loadMs) : e.loadError ? 'failed' : '')).join(' | ')} |`,
    `| peak RSS MiB | ${r.engines.map((e) => (e.peakRssMiB !== undefined ? String(e.peakRssMiB) : '')).join(' | ')} |`,
    '',
    "### Time / Kindling's time (above 1: Kindling is faster)",
    '',
    `| query | ${engines.join(' | ')} |`,
    `|---|${engines.map(() => '---:').join('|')}|`,
  );
  for (const q of r.queries) {
    lines.push(`| ${q.id} | ${engines.map((e) => {
      const x = get(q.id, e);
      return x?.ratioToKindling !== undefined ? x.ratioToKindling.toFixed(2) : x?.status === 'ok' ? '–' : show(x);
    }).join(' | ')} |`);
  }
  const problems = r.results.filter((x) => x.status !== 'ok' && x.status !== 'skipped' && x.status !== 'n/a');
  const na = engines
    .map((e) => [e, r.results.filter((x) => x.engine === e && x.status === 'n/a').map((x) => x.query)] as const)
    .filter(([, qs]) => qs.length > 0);
  if (problems.length > 0 || na.length > 0) {
    lines.push('', '### Not timed', '');
    for (const p of problems) lines.push(`- ${p.engine} ${p.query}: **${p.status === 'wrong' ? 'WRONG' : p.status}** — ${cell(p.reason ?? '')}`);
    for (const [e, qs] of na) lines.push(`- ${e}: n/a (no implementation in this engine's API) for ${qs.join(', ')}`);
  }
  lines.push('', '### Engines', '');
  for (const e of r.engines) {
    lines.push(`- **${e.engine}**${e.version ? ` ${e.version}` : ''}: ${e.available ? cell(e.note ?? '') : `skipped — ${cell(e.skipReason ?? '')}`}`);
  }
  lines.push('', '### Method', '', ...r.notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}
