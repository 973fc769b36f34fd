import { type StorageLevel, parseStorageLevel } from '../cache/storage-level.js';
import * as arrow from 'apache-arrow';
import { AnalysisError, InvalidArgumentError } from '../errors.js';
import type { Schema } from '../types/schema.js';
import type { Batch } from '../types/batch.js';
import { batchToArrow, toArrowSchema } from '../types/arrow-interop.js';
import { type CellValue, batchToRows, columnToJs } from '../types/values.js';
import { typeEquals, typeToString } from '../types/data-type.js';
import { type AttributeRef, type Expr, type SortOrder, exprExists, exprName, newExprId as newId, transformUp } from '../plan/expression.js';
import { type LogicalPlan, type JoinType, outputOf, schemaOf, planToString } from '../plan/logical-plan.js';
import { resolveExpr, resolveNamedList, resolveColumn, castTo, toNamed } from '../plan/analyzer.js';
import { projectWithWindows } from '../plan/analyzer.js'; // window functions: ExtractWindowExpressions
import { optimizeWithTrace } from '../optimizer/optimizer.js';
import { createPhysicalPlan } from '../plan/physical-planner.js';
import type { SparkSession } from './session.js';
import { Column, toColumn } from './column.js';
import { GroupedData } from './grouped-data.js';
import { DataFrameWriter } from './writer.js';
import { formatShow } from './show.js';
import { commonType } from '../types/type-coercion.js';
import { count as countFn } from './functions.js';
import { exprColumn, selectExprColumn } from '../sql/expr.js';

/** Join types accepted by `join`, with Spark's aliases. */
const JOIN_TYPES: Record<string, JoinType> = {
  inner: 'inner',
  cross: 'cross',
  outer: 'full',
  full: 'full',
  fullouter: 'full',
  full_outer: 'full',
  left: 'left',
  leftouter: 'left',
  left_outer: 'left',
  right: 'right',
  rightouter: 'right',
  right_outer: 'right',
  semi: 'left_semi',
  leftsemi: 'left_semi',
  left_semi: 'left_semi',
  anti: 'left_anti',
  leftanti: 'left_anti',
  left_anti: 'left_anti',
};

/** A row of `collect()`: column name -> value (see src/types/values.ts for the JavaScript types). */
export type Row = Record<string, CellValue>;

/**
 * A distributed-style collection of rows with a schema (PySpark's DataFrame). Transformations are
 * lazy and return new DataFrames; each is analyzed at once, so unknown columns and type mismatches
 * fail here, before data is read. Actions (`collect`, `count`, `show`, `toArrow`, `write`) run the
 * optimized plan on the WebAssembly kernels.
 */
export class DataFrame {
  /** Identity of this DataFrame, carried by the columns `col()` returns. */
  readonly uid = nextUid++;

  /** @internal */
  constructor(
    readonly sparkSession: SparkSession,
    /** The analyzed logical plan. */
    readonly plan: LogicalPlan,
    /**
     * @internal Columns taken with `other.col(...)` before `other` became the right side of a
     * self-join map to the renamed attributes of that side: key `${origin}:${id}`.
     */
    readonly attrRemap: ReadonlyMap<string, AttributeRef> = new Map(),
  ) {}

  /** @internal Replaces references to a self-join's renamed right side by their new attributes. */
  remapAttributes(e: Expr): Expr {
    if (this.attrRemap.size === 0) return e;
    return transformUp(e, (x) => (x.kind === 'attr' && x.origin !== undefined ? (this.attrRemap.get(`${x.origin}:${x.id}`) ?? x) : x));
  }

  /** The schema of the rows. */
  get schema(): Schema {
    return schemaOf(this.plan);
  }

  /** Column names in order. */
  get columns(): string[] {
    return outputOf(this.plan).map((a) => a.name);
  }

  /** Prints the schema tree. */
  printSchema(): void {
    console.log(this.schema.treeString());
  }

  /** A Column of this DataFrame by name (resolved now, so a typo fails here). */
  col(name: string): Column {
    return new Column({ ...resolveColumn(name, undefined, outputOf(this.plan)), origin: this.uid });
  }

  // ---- transformations ------------------------------------------------------------------------

  /** Projects columns or expressions (`'*'` keeps every column). */
  select(...cols: (Column | string | readonly (Column | string)[])[]): DataFrame {
    const list = cols.flat().map(toColumn);
    if (list.length === 0) throw new InvalidArgumentError('select() needs at least one column');
    const exprs = list.map((c) => c.expr);
    if (exprs.some((x) => exprExists(x, (y) => y.kind === 'agg'))) {
      return this.groupBy().agg(...list);
    }
    return this.derive(projectWithWindows(this.plan, resolveNamedList(exprs.map((x) => this.remapAttributes(x)), outputOf(this.plan))));
  }

  /** Projects SQL expressions: `df.selectExpr('a + 1 AS b', 'upper(s)')`. */
  selectExpr(...exprs: string[]): DataFrame {
    return this.select(exprs.map(selectExprColumn));
  }

  /** Keeps rows where the condition (a Column or SQL text such as `"a > 3 AND b LIKE 'x%'"`) is true. */
  filter(condition: Column | string): DataFrame {
    if (typeof condition === 'string') return this.filter(exprColumn(condition));
    const cond = resolveExpr(this.remapAttributes(condition.expr), outputOf(this.plan));
    if (exprExists(cond, (x) => x.kind === 'agg')) throw new AnalysisError(`aggregate functions are not allowed in filter(): ${exprName(cond)}`);
    if (exprExists(cond, (x) => x.kind === 'window')) throw new AnalysisError(`window functions are not allowed in filter(): compute them with withColumn() first (${exprName(cond)})`);
    const typed = castTo(cond, { kind: 'boolean' });
    if (typed.kind === 'cast' && typed.child === cond) {
      throw new AnalysisError(`filter condition ${exprName(cond)} must be boolean`);
    }
    return this.derive({ kind: 'filter', child: this.plan, condition: cond });
  }

  /** Alias of `filter`. */
  where(condition: Column | string): DataFrame {
    return this.filter(condition);
  }

  /** Adds or replaces a column. */
  withColumn(name: string, c: Column): DataFrame {
    const out = outputOf(this.plan);
    const expr = resolveExpr(this.remapAttributes(c.expr), out);
    if (exprExists(expr, (x) => x.kind === 'agg')) throw new AnalysisError(`withColumn('${name}'): aggregate functions need groupBy().agg()`);
    const named: Expr = { kind: 'alias', child: expr, name, id: newId() };
    const i = out.findIndex((a) => a.name.toLowerCase() === name.toLowerCase());
    const exprs: Expr[] = i >= 0 ? out.map((a, j) => (j === i ? named : a)) : [...out, named];
    return this.derive(projectWithWindows(this.plan, exprs));
  }

  /** Renames a column (no-op if it does not exist, like Spark). */
  withColumnRenamed(existing: string, renamed: string): DataFrame {
    const out = outputOf(this.plan);
    if (!out.some((a) => a.name.toLowerCase() === existing.toLowerCase())) return this;
    const exprs: Expr[] = out.map((a) =>
      a.name.toLowerCase() === existing.toLowerCase() ? { kind: 'alias', child: a, name: renamed, id: newId() } : a,
    );
    return this.derive({ kind: 'project', child: this.plan, exprs });
  }

  /** Removes columns (names that do not exist are ignored, like Spark). */
  drop(...cols: (string | Column)[]): DataFrame {
    const out = outputOf(this.plan);
    const dropIds = new Set<number>();
    for (const c of cols) {
      if (typeof c === 'string') out.filter((a) => a.name.toLowerCase() === c.toLowerCase()).forEach((a) => dropIds.add(a.id));
      else {
        const r = resolveExpr(this.remapAttributes(c.expr), out);
        if (r.kind === 'attr') dropIds.add(r.id);
      }
    }
    return this.derive({ kind: 'project', child: this.plan, exprs: out.filter((a) => !dropIds.has(a.id)) });
  }

  /** Groups rows by columns for aggregation. */
  groupBy(...cols: (Column | string | readonly (Column | string)[])[]): GroupedData {
    return new GroupedData(this, cols.flat().map(toColumn));
  }

  /** Alias of `groupBy`. */
  groupby(...cols: (Column | string)[]): GroupedData {
    return this.groupBy(...cols);
  }

  /** Aggregates over all rows: `df.agg(sum('x'))`. */
  agg(...exprs: Column[]): DataFrame {
    return this.groupBy().agg(...exprs);
  }

  /**
   * Joins with another DataFrame. `on` is a column name, a list of names (equi-join on same-named
   * columns, each appearing once in the output, like Spark's USING), or a boolean Column.
   * `how`: inner, cross, outer/full, left, right, left_semi/semi, left_anti/anti.
   */
  join(other: DataFrame, on?: string | readonly string[] | Column, how = 'inner'): DataFrame {
    const joinType = JOIN_TYPES[how.toLowerCase().replace(/\s+/g, '_')];
    if (!joinType) throw new InvalidArgumentError(`unsupported join type '${how}'; expected one of ${Object.keys(JOIN_TYPES).join(', ')}`);
    const left = this.plan;
    const lout = outputOf(left);
    const { plan: right, renamed } = dedupRight(other.plan, new Set(lout.map((a) => a.id)));
    const rout = outputOf(right);
    const remap = new Map([...this.attrRemap, ...other.attrRemap]);
    for (const [oldId, attr] of renamed) remap.set(`${other.uid}:${oldId}`, attr);
    const derive = (plan: LogicalPlan) => new DataFrame(this.sparkSession, plan, remap);
    if (on === undefined) {
      return derive({ kind: 'join', left, right, joinType: joinType === 'inner' ? 'cross' : joinType });
    }
    if (on instanceof Column) {
      // Columns taken with other.col(...) name the right side's renamed attributes.
      let cond = resolveExpr(derive(left).remapAttributes(on.expr), [...lout, ...rout]);
      if (renamed.size > 0) {
        // A self-join condition such as `df.col('x') == df.col('x')` names one attribute twice (trivially
        // true). Like Spark's Dataset.join, resolve such equalities by name: left side = right side.
        cond = transformUp(cond, (x) =>
          x.kind === 'binary' && (x.op === '=' || x.op === '<=>') && x.left.kind === 'attr' && x.right.kind === 'attr' && x.left.id === x.right.id
            ? { ...x, left: resolveColumn(x.left.name, undefined, lout), right: resolveColumn(x.right.name, undefined, rout) }
            : x,
        );
      }
      return derive({ kind: 'join', left, right, joinType, condition: cond });
    }
    const names = typeof on === 'string' ? [on] : [...on];
    const parts: Expr[] = names.map((n) => {
      const l = resolveColumn(n, undefined, lout);
      const r = resolveColumn(n, undefined, rout);
      return resolveExpr({ kind: 'binary', op: '=', left: l, right: r }, [...lout, ...rout]);
    });
    const condition = parts.reduce((a, b) => ({ kind: 'binary', op: 'and', left: a, right: b }));
    const joined: LogicalPlan = { kind: 'join', left, right, joinType, condition };
    // USING semantics: join columns once (coalesced for full joins), then the rest of each side.
    const lKeys = names.map((n) => resolveColumn(n, undefined, lout));
    const rKeys = names.map((n) => resolveColumn(n, undefined, rout));
    const keyExprs: Expr[] = lKeys.map((l, i) => {
      const r = rKeys[i]!;
      if (joinType === 'right') return { ...r };
      if (joinType === 'full') {
        const t = typeEquals(l.type, r.type) ? l.type : commonType(l.type, r.type);
        return { kind: 'alias', child: { kind: 'call', name: 'coalesce', args: [castTo(l, t), castTo(r, t)] }, name: l.name, id: newId() };
      }
      return l;
    });
    const joinedOut = outputOf(joined);
    const keyIds = new Set([...lKeys, ...rKeys].map((a) => a.id));
    const rest = joinedOut.filter((a) => !keyIds.has(a.id));
    const exprs = joinType === 'left_semi' || joinType === 'left_anti' ? outputOf(joined) : [...keyExprs.map(toNamed), ...rest];
    return derive({ kind: 'project', child: joined, exprs });
  }

  /** Cartesian product. */
  crossJoin(other: DataFrame): DataFrame {
    return this.join(other, undefined, 'cross');
  }

  /** Sorts rows (ascending, nulls first, unless a Column says otherwise). */
  orderBy(...cols: (Column | string | readonly (Column | string)[])[]): DataFrame {
    const list = cols.flat().map(toColumn);
    if (list.length === 0) throw new InvalidArgumentError('orderBy() needs at least one column');
    const out = outputOf(this.plan);
    if (list.some((c) => exprExists(c.expr, (x) => x.kind === 'window'))) {
      throw new AnalysisError('window functions are not allowed in orderBy(); compute them with withColumn() first, then order by that column');
    }
    const orders: SortOrder[] = list.map((c) => ({
      expr: resolveExpr(this.remapAttributes(c.expr), out),
      ascending: c.sortOrder?.ascending ?? true,
      nullsFirst: c.sortOrder?.nullsFirst ?? (c.sortOrder?.ascending ?? true),
    }));
    return this.derive({ kind: 'sort', child: this.plan, orders });
  }

  /** Alias of `orderBy`. */
  sort(...cols: (Column | string | readonly (Column | string)[])[]): DataFrame {
    return this.orderBy(...cols);
  }

  /** The first `n` rows. */
  limit(n: number): DataFrame {
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`limit must be a non-negative integer, got ${n}`);
    return this.derive({ kind: 'limit', child: this.plan, n });
  }

  /** Every row after the first `n` (Spark's Dataset.offset; after orderBy, the rows past the first n in order). */
  offset(n: number): DataFrame {
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`offset must be a non-negative integer, got ${n}`);
    return this.derive({ kind: 'limit', child: this.plan, n: Infinity, offset: n });
  }

  /** Distinct rows. */
  distinct(): DataFrame {
    return this.derive({ kind: 'distinct', child: this.plan });
  }

  /** Distinct rows, or rows distinct on a subset of columns (keeping the first row of each). */
  dropDuplicates(subset?: readonly string[]): DataFrame {
    if (!subset || subset.length === 0) return this.distinct();
    const out = outputOf(this.plan);
    const keys = subset.map((n) => resolveColumn(n, undefined, out));
    const keyIds = new Set(keys.map((k) => k.id));
    const aggregates: Expr[] = out.map((a) =>
      keyIds.has(a.id) ? a : { kind: 'alias', child: { kind: 'agg', fn: 'first', arg: a, ignoreNulls: false }, name: a.name, id: newId() },
    );
    return this.derive({ kind: 'aggregate', child: this.plan, groupBy: keys, aggregates });
  }

  /** Alias of `dropDuplicates`. */
  drop_duplicates(subset?: readonly string[]): DataFrame {
    return this.dropDuplicates(subset);
  }

  /** Rows of both DataFrames by column position (UNION ALL); types are widened to a common type. */
  union(other: DataFrame): DataFrame {
    const l = outputOf(this.plan);
    const r = outputOf(other.plan);
    if (l.length !== r.length) {
      throw new AnalysisError(`union needs the same number of columns: the left has ${l.length} (${l.map((a) => a.name).join(', ')}), the right ${r.length} (${r.map((a) => a.name).join(', ')})`);
    }
    const types = l.map((a, i) => {
      const b = r[i]!;
      try {
        return typeEquals(a.type, b.type) ? a.type : commonType(a.type, b.type, 'union');
      } catch {
        throw new AnalysisError(`union: column ${i + 1} is ${typeToString(a.type)} ('${a.name}') on the left but ${typeToString(b.type)} ('${b.name}') on the right`);
      }
    });
    const widen = (plan: LogicalPlan, attrs: typeof l): LogicalPlan =>
      attrs.every((a, i) => typeEquals(a.type, types[i]!))
        ? plan
        : { kind: 'project', child: plan, exprs: attrs.map((a, i) => (typeEquals(a.type, types[i]!) ? a : { kind: 'alias', child: castTo(a, types[i]!), name: a.name, id: newId() })) };
    return this.derive({ kind: 'union', children: [widen(this.plan, l), widen(other.plan, r)] });
  }

  /** Alias of `union` (Spark's old name). */
  unionAll(other: DataFrame): DataFrame {
    return this.union(other);
  }

  /** Union by column name; with allowMissingColumns, absent columns are filled with nulls. */
  unionByName(other: DataFrame, allowMissingColumns = false): DataFrame {
    const l = outputOf(this.plan);
    const r = outputOf(other.plan);
    const exprs: Expr[] = l.map((a) => {
      const match = r.find((b) => b.name.toLowerCase() === a.name.toLowerCase());
      if (match) return match;
      if (!allowMissingColumns) {
        throw new AnalysisError(`unionByName: column '${a.name}' is missing on the right (right columns: ${r.map((b) => b.name).join(', ')}); pass allowMissingColumns=true to fill it with nulls`);
      }
      return { kind: 'alias', child: { kind: 'literal', value: null, type: a.type }, name: a.name, id: newId() };
    });
    let left: DataFrame = this;
    if (allowMissingColumns) {
      const extra = r.filter((b) => !l.some((a) => a.name.toLowerCase() === b.name.toLowerCase()));
      if (extra.length) {
        left = this.derive({
          kind: 'project',
          child: this.plan,
          exprs: [...l, ...extra.map((b): Expr => ({ kind: 'alias', child: { kind: 'literal', value: null, type: b.type }, name: b.name, id: newId() }))],
        });
        exprs.push(...extra);
      }
    }
    const right = new DataFrame(this.sparkSession, { kind: 'project', child: other.plan, exprs });
    return left.union(right);
  }

  /** Gives the DataFrame a name for qualified references (`col('t.x')`). */
  alias(name: string): DataFrame {
    return this.derive({ kind: 'subqueryAlias', child: this.plan, alias: name });
  }

  /** Registers this DataFrame as a temporary view for `spark.sql`, replacing one of that name. */
  createOrReplaceTempView(name: string): void {
    this.sparkSession.catalog.createTempView(name, this.plan, true);
  }

  /** Registers this DataFrame as a temporary view; an AnalysisError if the name exists. */
  createTempView(name: string): void {
    this.sparkSession.catalog.createTempView(name, this.plan, false);
  }

  // ---- actions ----------------------------------------------------------------------------------

  /** Runs the query and streams result batches (wasm-resident; release each). */
  async *executeBatches(): AsyncGenerator<Batch> {
    await this.sparkSession.cacheManager.materialize(this.plan, this.sparkSession.cacheComputer());
    yield* this.sparkSession.executePlan(this.optimizedPlan());
  }

  /**
   * All rows as plain objects. int64 values come back as `bigint`, decimals as exact strings with
   * the column's scale (`'12.50'`), dates as `'YYYY-MM-DD'`, timestamps as JS Dates (see values.ts).
   */
  async collect(): Promise<Row[]> {
    const rows: Row[] = [];
    for await (const batch of this.executeBatches()) {
      try {
        rows.push(...batchToRows(batch));
      } finally {
        batch.release();
      }
    }
    return rows;
  }

  /** Number of rows. */
  async count(): Promise<number> {
    const rows = await this.agg(countFn('*').alias('count')).collect();
    return Number(rows[0]!['count']);
  }

  /** The first `n` rows. */
  async take(n: number): Promise<Row[]> {
    return this.limit(n).collect();
  }

  /** Alias of `take`. */
  async head(n = 1): Promise<Row[]> {
    return this.take(n);
  }

  /** The first row, or undefined for an empty DataFrame. */
  async first(): Promise<Row | undefined> {
    return (await this.take(1))[0];
  }

  /** True if there are no rows. */
  async isEmpty(): Promise<boolean> {
    return (await this.take(1)).length === 0;
  }

  /** The result as an Arrow table (copied out of wasm memory; full precision for every type). */
  async toArrow(): Promise<arrow.Table> {
    const batches: arrow.RecordBatch[] = [];
    for await (const batch of this.executeBatches()) {
      try {
        batches.push(batchToArrow(batch));
      } finally {
        batch.release();
      }
    }
    return batches.length ? new arrow.Table(batches) : new arrow.Table(toArrowSchema(this.schema));
  }

  /** Prints the first `n` rows in Spark's table layout (strings truncated to 20 characters unless `truncate` is false). */
  async show(n = 20, truncate: boolean | number = true): Promise<void> {
    console.log(await this.showString(n, truncate));
  }

  /** The text `show()` prints. */
  async showString(n = 20, truncate: boolean | number = true): Promise<string> {
    // Like Spark (ToPrettyString), every cell is rendered by a cast to string, so doubles print as
    // Java does ('2.0', '1.0E10') and timestamps keep their microseconds. Rows are read by position
    // so that repeated column names (joins) keep all their values.
    const pretty = this.derive({
      kind: 'project',
      child: this.plan,
      exprs: outputOf(this.plan).map((a): Expr => (a.type.kind === 'utf8' ? a : { kind: 'alias', child: castTo(a, { kind: 'utf8' }), name: a.name, id: newId() })),
    }).limit(n + 1);
    const rows: CellValue[][] = [];
    for await (const batch of pretty.executeBatches()) {
      try {
        const cols = batch.columns.map(columnToJs);
        for (let r = 0; r < batch.numRows; r++) rows.push(cols.map((c) => c[r]!));
      } finally {
        batch.release();
      }
    }
    return formatShow(this.schema, rows.slice(0, n), rows.length > n, truncate === true ? 20 : truncate === false ? 0 : truncate);
  }

  /** Prints the physical plan; with `extended`, also the analyzed and optimized logical plans. */
  explain(extended = false): void {
    console.log(this.explainString(extended));
  }

  /** The text `explain()` prints. */
  explainString(extended = false): string {
    const { plan: optimized, rulesApplied } = optimizeWithTrace(this.sparkSession.cacheManager.substitute(this.plan), {
      joinReorder: this.sparkSession.conf.joinReorderEnabled,
    });
    let physical = createPhysicalPlan(optimized, { fuseFilterIntoAggregate: this.sparkSession.conf.fuseFilterIntoAggregate }).treeString();
    const stages = this.sparkSession.describeStages(optimized);
    if (stages) physical += `\n\n== Stages (${this.sparkSession.master}) ==\n${stages}`;
    if (!extended) return `== Physical Plan ==\n${physical}`;
    return [
      '== Analyzed Logical Plan ==',
      outputOf(this.plan).map((a) => `${a.name}: ${typeToString(a.type)}`).join(', '),
      planToString(this.plan),
      '',
      '== Optimized Logical Plan ==',
      planToString(optimized),
      `(rules applied: ${rulesApplied.length ? rulesApplied.join(', ') : 'none'})`,
      '',
      '== Physical Plan ==',
      physical,
    ].join('\n');
  }

  // ---- persistence ------------------------------------------------------------------------------

  /**
   * Keeps this DataFrame's rows once an action has computed them (Spark's persist; lazy like
   * Spark's): later queries over it or over DataFrames derived from it read the kept partitions.
   * `MEMORY_AND_DISK` (the default) spills to `spark.local.dir` past `spark.kindling.cache.memory`.
   */
  persist(level: StorageLevel | string = 'MEMORY_AND_DISK'): this {
    this.sparkSession.cacheManager.persist(this.plan, parseStorageLevel(level));
    return this;
  }

  /** `persist()` at the default level. */
  cache(): this {
    return this.persist();
  }

  /** Drops the kept partitions; later queries compute the rows again. */
  unpersist(): this {
    this.sparkSession.cacheManager.unpersist(this.plan);
    return this;
  }

  /** The level this DataFrame is persisted at, or undefined. */
  get storageLevel(): StorageLevel | undefined {
    return this.sparkSession.cacheManager.storageLevel(this.plan);
  }

  /** The writer for saving this DataFrame. */
  get write(): DataFrameWriter {
    return new DataFrameWriter(this);
  }

  /** The optimized logical plan (persisted parts that were computed already read their kept partitions). */
  optimizedPlan(): LogicalPlan {
    return optimizeWithTrace(this.sparkSession.cacheManager.substitute(this.plan), { joinReorder: this.sparkSession.conf.joinReorderEnabled }).plan;
  }

  private derive(plan: LogicalPlan): DataFrame {
    return new DataFrame(this.sparkSession, plan, this.attrRemap);
  }
}


let nextUid = 1;

/**
 * A self-join (or a join of two DataFrames derived from one) would see the same attribute ids on
 * both sides; like Spark's dedupRight, the right side's clashing columns get new ids through a
 * projection. Returns the new plan and the renamed attributes by their old id.
 */
function dedupRight(right: LogicalPlan, leftIds: ReadonlySet<number>): { plan: LogicalPlan; renamed: Map<number, AttributeRef> } {
  const out = outputOf(right);
  const renamed = new Map<number, AttributeRef>();
  if (!out.some((a) => leftIds.has(a.id))) return { plan: right, renamed };
  const exprs = out.map((a): Expr => {
    if (!leftIds.has(a.id)) return a;
    const id = newId();
    renamed.set(a.id, { kind: 'attr', id, name: a.name, type: a.type, nullable: a.nullable });
    return { kind: 'alias', child: a, name: a.name, id };
  });
  const project: LogicalPlan = { kind: 'project', child: right, exprs };
  // Keep the right side's alias so `col('r.x')` still resolves.
  const plan: LogicalPlan = right.kind === 'subqueryAlias' ? { kind: 'subqueryAlias', child: project, alias: right.alias } : project;
  return { plan, renamed };
}
