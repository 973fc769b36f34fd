/**
 * `spark.sql(text)`: parses a statement, reads the footers of any ``parquet.`path` `` it names (the
 * only I/O before execution), binds it, and returns a DataFrame, like Spark: a query's rows, or for
 * CREATE VIEW an empty result, for SHOW TABLES / DESCRIBE / EXPLAIN a small table of text.
 */
import { AnalysisError, NotImplementedError } from '../errors.js';
import { typeToString } from '../types/data-type.js';
import { Schema, field } from '../types/schema.js';
import { DataTypes } from '../types/data-type.js';
import { type LogicalPlan, outputOf } from '../plan/logical-plan.js';
import type { SparkSession } from '../api/session.js';
import { DataFrame } from '../api/dataframe.js';
import type { Catalog } from './catalog.js';
import type { Relation, SelectItem, Statement } from './ast.js';
import { parseStatement } from './parser.js';
import { Binder, renameColumns } from './binder.js';

/** Runs one SQL statement (see the module doc). */
export async function runSql(session: SparkSession, catalog: Catalog, text: string): Promise<DataFrame> {
  const stmt = parseStatement(text, { legacySetOpsPrecedence: session.conf.get('spark.sql.legacy.setopsPrecedence.enabled')?.toLowerCase() === 'true' });
  const files = new Map<string, LogicalPlan>();
  for (const r of fileRelations(stmt)) {
    const key = `${r.format}:${r.path}`;
    if (files.has(key)) continue;
    if (r.format !== 'parquet') throw new NotImplementedError(`reading ${r.format} files in SQL (only parquet.\`path\` is supported)`);
    files.set(key, (await session.read.parquet(r.path)).plan);
  }
  return execute(session, catalog, stmt, files);
}

function execute(session: SparkSession, catalog: Catalog, stmt: Statement, files: ReadonlyMap<string, LogicalPlan>): DataFrame {
  const binder = () => new Binder({ session, catalog, files });
  const df = (plan: LogicalPlan) => new DataFrame(session, plan);
  switch (stmt.kind) {
    case 'query':
      return df(binder().bindQuery(stmt.query));
    case 'createView': {
      if (stmt.ifNotExists && catalog.tableExists(stmt.name)) return emptyResult(session);
      let plan = binder().bindQuery(stmt.query);
      if (stmt.columns) plan = renameColumns(plan, stmt.columns, `view ${stmt.name}`);
      checkUniqueNames(plan, stmt.name);
      catalog.createTempView(stmt.name, plan, stmt.replace);
      return emptyResult(session);
    }
    case 'showTables': {
      const re = stmt.pattern === undefined ? undefined : showTablesPattern(stmt.pattern);
      const names = catalog.listTables().filter((n) => !re || re.test(n));
      return session.createDataFrame(
        names.map((n) => ({ namespace: '', tableName: n, isTemporary: true })),
        new Schema([field('namespace', DataTypes.String, false), field('tableName', DataTypes.String, false), field('isTemporary', DataTypes.Boolean, false)]),
      );
    }
    case 'describe': {
      const target = stmt.target;
      const plan = 'kind' in target && (target.kind === 'table' || target.kind === 'file' || target.kind === 'subquery' || target.kind === 'join')
        ? binder().bindQuery({ with: [], body: { kind: 'select', distinct: false, items: [starItem()], from: [target as Relation] }, orderBy: [] })
        : binder().bindQuery(target as Exclude<typeof target, Relation>);
      return session.createDataFrame(
        outputOf(plan).map((a) => ({ col_name: a.name, data_type: typeToString(a.type), comment: null })),
        new Schema([field('col_name', DataTypes.String, false), field('data_type', DataTypes.String, false), field('comment', DataTypes.String, true)]),
      );
    }
    case 'set': {
      if (stmt.value !== undefined) session.conf.set(stmt.key, stmt.value);
      const value = session.conf.get(stmt.key) ?? '<undefined>';
      return session.createDataFrame([{ key: stmt.key, value }], new Schema([field('key', DataTypes.String, false), field('value', DataTypes.String, false)]));
    }
    case 'explain': {
      const inner = stmt.statement;
      if (inner.kind !== 'query') throw new NotImplementedError(`EXPLAIN of ${inner.kind} statements (only queries can be explained)`);
      const text = df(binder().bindQuery(inner.query)).explainString(stmt.extended);
      return session.createDataFrame([{ plan: text }], new Schema([field('plan', DataTypes.String, false)]));
    }
  }
}

/** Spark's SHOW TABLES LIKE pattern: `*` any characters, `|` alternatives, case-insensitive. */
function showTablesPattern(p: string): RegExp {
  const alts = p.split('|').map((a) => a.trim().replace(/[.+?^${}()[\]\\]/g, '\\$&').replace(/\*/g, '.*'));
  return new RegExp(`^(?:${alts.join('|')})$`, 'i');
}

function starItem(): SelectItem {
  const pos = { line: 1, column: 1 };
  return { expr: { kind: 'star', pos }, pos };
}

function checkUniqueNames(plan: LogicalPlan, view: string): void {
  const seen = new Set<string>();
  for (const a of outputOf(plan)) {
    const k = a.name.toLowerCase();
    if (seen.has(k)) throw new AnalysisError(`view '${view}' would have the column '${a.name}' twice; alias one of them`);
    seen.add(k);
  }
}

function emptyResult(session: SparkSession): DataFrame {
  return session.createDataFrame([], new Schema([]));
}

/** Every ``format.`path` `` relation of a statement. */
function fileRelations(node: unknown, out: Extract<Relation, { kind: 'file' }>[] = []): Extract<Relation, { kind: 'file' }>[] {
  if (Array.isArray(node)) for (const x of node) fileRelations(x, out);
  else if (node && typeof node === 'object' && !(node instanceof Date)) {
    const o = node as Record<string, unknown>;
    if (o['kind'] === 'file' && typeof o['path'] === 'string') out.push(o as Extract<Relation, { kind: 'file' }>);
    for (const v of Object.values(o)) fileRelations(v, out);
  }
  return out;
}
