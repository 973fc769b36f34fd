/**
 * nodejs-polars (needs its platform package, e.g. nodejs-polars-linux-x64-gnu). Load = `pl.readParquet`
 * per table, with decimal columns cast to Float64 (nodejs-polars' decimal arithmetic is incomplete);
 * queries are lazy plans (the suites' implementations) run with `collect()`. `--threads` sets
 * POLARS_MAX_THREADS when the engine is the first to load nodejs-polars in the process.
 */
import type * as plTypes from 'nodejs-polars';
import { type BenchQuery, type Engine, type EngineOptions, NotApplicableError, type Row, type TablePaths, timedLoad } from './engine.js';

type Polars = typeof plTypes;

/** The nodejs-polars engine. */
export class PolarsEngine implements Engine {
  readonly name = 'polars' as const;
  readonly note: string;
  private pl: Polars | null = null;
  private tables: Record<string, plTypes.DataFrame> = {};

  constructor(opts: EngineOptions) {
    this.note = `nodejs-polars, POLARS_MAX_THREADS = ${opts.threads}; load = readParquet (decimals cast to Float64), lazy queries collected`;
    process.env.POLARS_MAX_THREADS ??= String(opts.threads);
  }

  async available(): Promise<string | null> {
    try {
      const mod = (await import('nodejs-polars')) as Polars & { default?: Polars };
      this.pl = mod.default ?? mod;
      this.pl.DataFrame({ a: [1] }).height;
      return null;
    } catch (e) {
      return `nodejs-polars not installed or its platform package missing (npm i -D nodejs-polars nodejs-polars-linux-x64-gnu): ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
    }
  }

  version(): string {
    const v = (this.pl as unknown as { version?: unknown } | null)?.version;
    return typeof v === 'function' ? String((v as () => unknown)()) : typeof v === 'string' ? v : 'unknown';
  }

  async load(paths: TablePaths): Promise<number> {
    const pl = this.polars();
    return timedLoad(paths, (name, path) => {
      let df = pl.readParquet(path);
      const casts = df.columns.filter((c) => String(df.getColumn(c).dtype).includes('Decimal'));
      if (casts.length > 0) df = df.withColumns(...casts.map((c) => pl.col(c).cast(pl.Float64)));
      this.tables[name] = df;
    });
  }

  async run(q: BenchQuery): Promise<Row[]> {
    if (!q.polars) throw new NotApplicableError('no nodejs-polars implementation');
    const res = await q.polars(this.tables).collect();
    if (q.summary) {
      const sums = q.summary.map((c) => res.getColumn(c).sum() as unknown);
      return [[res.height, ...sums]];
    }
    return res.rows() as Row[];
  }

  async close(): Promise<void> {
    this.tables = {};
  }

  private polars(): Polars {
    if (!this.pl) throw new Error('polars engine: available() was not called or failed');
    return this.pl;
  }
}
