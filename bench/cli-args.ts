/**
 * Command line of `npm run bench -- ...` for the multi-engine suites (tpch, groupby, join):
 *
 *   --suite tpch|groupby|join  --engines kindling,duckdb,duckdb-wasm,polars,arquero,spark,kindling-df,kindling-parquet
 *   --sf N (tpch)  --rows 1e7 --k 100 --nas 0 --sorted (groupby/join)  --queries 1,3,6  --runs N  --warmup N
 *   --threads N  --seed S  --data-dir DIR  --out DIR  --no-json  --no-progress
 *
 * (`--suite kernels` keeps the kernel microbenchmarks' own arguments: see bench/run.ts.)
 */
import { Command, InvalidArgumentError } from 'commander';
import type { RunOptions, SuiteName } from './runner.js';

function positive(flag: string) {
  return (v: string): number => {
    const n = Number(v.replace(/_/g, ''));
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${flag} needs a positive number, got '${v}'`);
    return n;
  };
}

function nonNegative(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${flag} needs a number >= 0, got '${v}'`);
    return n;
  };
}

function list(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The suite named by `--suite` (default kernels) without parsing the rest. */
export function suiteOf(argv: readonly string[]): string {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--suite') return argv[i + 1] ?? 'kernels';
    if (a.startsWith('--suite=')) return a.slice('--suite='.length);
  }
  return 'kernels';
}

/** Parses the arguments of a multi-engine suite run into runSuite's options. Throws on bad input. */
export function parseCliArgs(argv: readonly string[]): RunOptions {
  const cmd = new Command('bench')
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} })
    .requiredOption('--suite <name>', 'tpch | groupby | join | kernels')
    .option('--engines <list>', 'engines to run, comma-separated', list)
    .option('--queries <list>', 'query numbers or ids, comma-separated', list)
    .option('--runs <n>', 'timed runs per query', positive('--runs'))
    .option('--warmup <n>', 'warm-up runs per query', positive('--warmup'))
    .option('--threads <n>', 'threads for DuckDB / Spark / Polars', positive('--threads'))
    .option('--sf <n>', 'TPC-H scale factor', positive('--sf'))
    .option('--rows <n>', 'db-benchmark rows (e.g. 1e7)', positive('--rows'))
    .option('--k <n>', 'db-benchmark K (groups)', positive('--k'))
    .option('--nas <pct>', 'db-benchmark NA percent', nonNegative('--nas'))
    .option('--sorted', 'db-benchmark data sorted by id1..id6')
    .option('--seed <n>', 'data seed', nonNegative('--seed'))
    .option('--data-dir <dir>', 'where generated Parquet files are kept')
    .option('--out <dir>', 'where JSON/SVG/markdown results go')
    .option('--no-json', 'do not write result files')
    .option('--no-progress', 'no progress bar');
  try {
    cmd.parse(['node', 'bench', ...argv]);
  } catch (e) {
    throw new RangeError(`${e instanceof Error ? e.message : String(e)}\n${cmd.helpInformation()}`);
  }
  const o = cmd.opts<{
    suite: string;
    engines?: string[];
    queries?: string[];
    runs?: number;
    warmup?: number;
    threads?: number;
    sf?: number;
    rows?: number;
    k?: number;
    nas?: number;
    sorted?: boolean;
    seed?: number;
    dataDir?: string;
    out?: string;
    json: boolean;
    progress: boolean;
  }>();
  if (!['tpch', 'groupby', 'join'].includes(o.suite)) throw new RangeError(`unknown suite '${o.suite}'; available: kernels, tpch, groupby, join`);
  if (o.nas !== undefined && o.nas > 100) throw new RangeError('--nas is a percentage (0..100)');
  return {
    suite: o.suite as SuiteName,
    ...(o.engines ? { engines: o.engines } : {}),
    ...(o.queries ? { queries: o.queries } : {}),
    ...(o.runs !== undefined ? { runs: o.runs } : {}),
    ...(o.warmup !== undefined ? { warmup: o.warmup } : {}),
    ...(o.threads !== undefined ? { threads: o.threads } : {}),
    ...(o.sf !== undefined ? { sf: o.sf } : {}),
    ...(o.rows !== undefined ? { rows: Math.round(o.rows) } : {}),
    ...(o.k !== undefined ? { k: Math.round(o.k) } : {}),
    ...(o.nas !== undefined ? { nas: o.nas } : {}),
    ...(o.sorted ? { sorted: true } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.dataDir ? { dataDir: o.dataDir } : {}),
    ...(!o.json ? { outDir: null } : o.out ? { outDir: o.out } : {}),
    ...(!o.progress ? { progress: false } : {}),
  };
}
