/**
 * The session catalog of temporary views: name -> analyzed logical plan, case-insensitive (Spark's
 * default). Unknown names are AnalysisErrors naming the views that exist and the closest match.
 */
import { AnalysisError } from '../errors.js';
import { closestMatch } from '../types/schema.js';
import type { LogicalPlan } from '../plan/logical-plan.js';

/** A registered temporary view. */
export interface TempView {
  /** The name as registered (case kept for SHOW TABLES). */
  readonly name: string;
  readonly plan: LogicalPlan;
}

/** Temporary views of one session (`spark.catalog`). */
export class Catalog {
  private readonly views = new Map<string, TempView>();

  /** Registers `plan` as `name`; with `replace` false an existing view is an AnalysisError. */
  createTempView(name: string, plan: LogicalPlan, replace: boolean): void {
    const key = name.toLowerCase();
    if (!replace && this.views.has(key)) {
      throw new AnalysisError(`temporary view '${name}' already exists; use createOrReplaceTempView / CREATE OR REPLACE TEMP VIEW`);
    }
    this.views.set(key, { name, plan });
  }

  /** Drops a view; true if it existed. */
  dropTempView(name: string): boolean {
    return this.views.delete(name.toLowerCase());
  }

  /** True if a view called `name` exists. */
  tableExists(name: string): boolean {
    return this.views.has(name.toLowerCase());
  }

  /** The view called `name`, or undefined. */
  find(name: string): TempView | undefined {
    return this.views.get(name.toLowerCase());
  }

  /** The view called `name`; an AnalysisError naming the existing views and the closest match otherwise. */
  lookup(name: string, extraNames: readonly string[] = []): TempView {
    const v = this.find(name);
    if (v) return v;
    throw unknownTable(name, [...extraNames, ...this.listTables()]);
  }

  /** Names of all views, sorted. */
  listTables(): string[] {
    return [...this.views.values()].map((v) => v.name).sort((a, b) => a.localeCompare(b));
  }
}

/** The AnalysisError for an unknown table or view. */
export function unknownTable(name: string, existing: readonly string[]): AnalysisError {
  const suggestion = closestMatch(name, existing);
  return new AnalysisError(
    `table or view '${name}' not found${suggestion ? `; did you mean '${suggestion}'?` : ''} ` +
      `Existing tables and views: ${existing.length ? existing.join(', ') : '(none)'}`,
  );
}
