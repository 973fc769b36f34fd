/**
 * Arquero (columnar JavaScript dataframes). Load = parquet-wasm -> Arrow JS -> plain columns (decimals
 * and 64-bit integers as float64, dates as epoch milliseconds) -> `aq.table`. Queries are the suites'
 * Arquero implementations; single-threaded.
 */
import type { ColumnTable } from 'arquero';
import { parquetToArrow, plainColumns } from './arrow-load.js';
import { type BenchQuery, type Engine, NotApplicableError, type Row, type TablePaths, timedLoad } from './engine.js';

type Arquero = typeof import('arquero');

/** The Arquero engine. */
export class ArqueroEngine implements Engine {
  readonly name = 'arquero' as const;
  readonly note = 'Arquero, 1 thread; load = parquet-wasm -> Arrow -> plain columns (decimals and int64 as float64, dates as epoch ms)';
  private aq: Arquero | null = null;
  private tables: Record<string, ColumnTable> = {};
  private ver = 'unknown';

  async available(): Promise<string | null> {
    try {
      this.aq = await import('arquero');
      const { createRequire } = await import('node:module');
      const req = createRequire(import.meta.url);
      try {
        this.ver = String((req('arquero/package.json') as { version?: string }).version ?? 'unknown');
      } catch {
        // version unknown
      }
      return null;
    } catch (e) {
      return `arquero not installed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
    }
  }

  version(): string {
    return this.ver;
  }

  async load(paths: TablePaths): Promise<number> {
    const aq = this.arquero();
    return timedLoad(paths, async (name, path) => {
      this.tables[name] = aq.table(plainColumns(await parquetToArrow(path)) as Record<string, ArrayLike<unknown>>);
    });
  }

  async run(q: BenchQuery): Promise<Row[]> {
    if (!q.arquero) throw new NotApplicableError('no Arquero implementation');
    const res = q.arquero(this.tables);
    if (q.summary) {
      const aq = this.arquero();
      const s = res.rollup(Object.fromEntries(q.summary.map((c) => [c, aq.op.sum(c)])));
      return [[res.numRows(), ...q.summary.map((c) => s.get(c, 0) as unknown)]];
    }
    const cols = res.columnNames().map((c) => res.array(c) as ArrayLike<unknown>);
    return Array.from({ length: res.numRows() }, (_, i) => cols.map((c) => c[i]));
  }

  async close(): Promise<void> {
    this.tables = {};
  }

  private arquero(): Arquero {
    if (!this.aq) throw new Error('arquero engine: available() was not called or failed');
    return this.aq;
  }
}
