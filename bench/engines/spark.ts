/**
 * Apache Spark in local mode through PySpark: one long-lived `python bench/engines/spark_runner.py`
 * speaking JSON lines. Available only when the Python (bench/.venv/bin/python if bench/setup-spark.sh
 * made it, else $KINDLING_PYTHON or python3) can `import pyspark` and `java` is on PATH. Load = read
 * Parquet + cache + count per table; queries run with `spark.sql(text).collect()` (non-ANSI mode, like
 * Kindling); the time includes the JSON transfer of the (small) answer.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type BenchQuery, type Engine, type EngineOptions, NotApplicableError, type Row, type TablePaths, sqlOf, summarySql } from './engine.js';

const HERE = dirname(fileURLToPath(import.meta.url));

interface Reply {
  ok: boolean;
  error?: string;
  ms?: number;
  rows?: Row[];
  version?: string;
  ready?: boolean;
}

/** The Python interpreter the Spark engine uses. */
export function sparkPython(): string {
  if (process.env.KINDLING_PYTHON) return process.env.KINDLING_PYTHON;
  const venv = join(HERE, '..', '.venv', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}

/** The PySpark engine. */
export class SparkEngine implements Engine {
  readonly name = 'spark' as const;
  readonly note: string;
  private proc: ChildProcessWithoutNullStreams | null = null;
  private lines: Interface | null = null;
  private pending: ((r: Reply) => void)[] = [];
  private ver = 'unknown';
  private stderrTail = '';

  constructor(private readonly opts: EngineOptions) {
    this.note = `Apache Spark local[${opts.threads}] via PySpark (separate JVM process: its memory is not in the peak RSS); tables cached in Spark memory; spark.sql.ansi.enabled=false`;
  }

  async available(): Promise<string | null> {
    const py = sparkPython();
    const probe = spawnSync(py, ['-c', 'import pyspark; print(pyspark.__version__)'], { encoding: 'utf8' });
    if (probe.status !== 0) return `pyspark not importable by ${py} (run bash bench/setup-spark.sh)`;
    const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
    if (java.error || java.status !== 0) return 'java not on PATH (Spark needs a JDK 17)';
    // Own process group (detached), so that close() can end the JVM that PySpark starts along with Python.
    this.proc = spawn(py, [join(HERE, 'spark_runner.py'), String(this.opts.threads)], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    this.proc.stderr.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-2000);
    });
    this.lines = createInterface({ input: this.proc.stdout });
    this.lines.on('line', (l) => {
      const cb = this.pending.shift();
      if (!cb) return;
      try {
        cb(JSON.parse(l) as Reply);
      } catch {
        cb({ ok: false, error: `bad reply: ${l.slice(0, 200)}` });
      }
    });
    this.proc.on('exit', (code) => {
      for (const cb of this.pending.splice(0)) cb({ ok: false, error: `spark runner exited (${code}): ${this.stderrTail.split('\n').slice(-3).join(' ')}` });
    });
    const ready = await this.next();
    if (!ready.ok) return `Spark did not start: ${ready.error ?? ''}`;
    this.ver = ready.version ?? 'unknown';
    return null;
  }

  version(): string {
    return this.ver;
  }

  async load(tables: TablePaths): Promise<number> {
    const t0 = performance.now();
    await this.request({ op: 'load', tables });
    return performance.now() - t0;
  }

  async run(q: BenchQuery): Promise<Row[]> {
    const sql = sqlOf(q, 'spark');
    if (sql === null) throw new NotApplicableError('no SQL text');
    const r = await this.request({ op: 'sql', sql: summarySql(q, sql) });
    return r.rows ?? [];
  }

  async close(): Promise<void> {
    if (!this.proc) return;
    const p = this.proc;
    this.proc = null;
    if (p.exitCode === null) {
      p.stdin.write(JSON.stringify({ op: 'quit' }) + '\n');
      p.stdin.end();
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 30_000);
        p.on('exit', () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    // End whatever is left of the group we started (the JVM, if Python did not stop it).
    try {
      if (p.pid !== undefined) process.kill(-p.pid, 'SIGKILL');
    } catch {
      // the group is already gone
    }
    this.lines?.close();
    p.stdout.destroy();
    p.stderr.destroy();
    p.stdin.destroy();
    p.unref();
  }

  private next(): Promise<Reply> {
    return new Promise((resolve) => this.pending.push(resolve));
  }

  private async request(req: object): Promise<Reply> {
    if (!this.proc) throw new Error('spark engine: not started');
    const p = this.next();
    this.proc.stdin.write(JSON.stringify(req) + '\n');
    const r = await p;
    if (!r.ok) throw new Error(r.error ?? 'spark error');
    return r;
  }
}
