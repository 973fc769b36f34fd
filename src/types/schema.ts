import { AnalysisError } from '../errors.js';
import { type DataType, typeToString } from './data-type.js';

/** A named, typed column of a schema (Spark's StructField). */
export interface Field {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
}

/** Creates a Field. */
export function field(name: string, type: DataType, nullable = true): Field {
  return { name, type, nullable };
}

/** An ordered list of fields (Spark's StructType). Column names are matched case-insensitively, like Spark's default. */
export class Schema {
  constructor(readonly fields: readonly Field[]) {}

  /** Number of fields. */
  get length(): number {
    return this.fields.length;
  }

  /** Field names in order. */
  get names(): string[] {
    return this.fields.map((f) => f.name);
  }

  /** Index of the field called `name` (case-insensitive), or -1. */
  indexOf(name: string): number {
    const exact = this.fields.findIndex((f) => f.name === name);
    if (exact >= 0) return exact;
    const lower = name.toLowerCase();
    return this.fields.findIndex((f) => f.name.toLowerCase() === lower);
  }

  /** The field called `name`; throws an AnalysisError listing the available columns if absent. */
  get(name: string): Field {
    const i = this.indexOf(name);
    if (i < 0) throw unknownColumn(name, this.names);
    return this.fields[i]!;
  }

  /** Spark's `printSchema()` tree. */
  treeString(): string {
    const lines = ['root'];
    for (const f of this.fields) lines.push(` |-- ${f.name}: ${typeToString(f.type)} (nullable = ${f.nullable})`);
    return lines.join('\n');
  }

  /** `struct<a:int,b:string>` form. */
  toString(): string {
    return `struct<${this.fields.map((f) => `${f.name}:${typeToString(f.type)}`).join(',')}>`;
  }
}

/** The AnalysisError for a column that does not exist, naming those that do and the closest match. */
export function unknownColumn(name: string, available: readonly string[]): AnalysisError {
  // Candidates may be qualified (`t.name`): an unqualified name is also matched against their last part.
  const bare = available.map((a) => a.slice(a.lastIndexOf('.') + 1));
  const bareMatch = name.includes('.') ? undefined : closestMatch(name, bare);
  const suggestion = closestMatch(name, available) ?? (bareMatch !== undefined ? available[bare.indexOf(bareMatch)] : undefined);
  return new AnalysisError(
    `column '${name}' does not exist${suggestion ? `; did you mean '${suggestion}'?` : ''} ` +
      `Available columns: ${available.length ? available.join(', ') : '(none)'}`,
  );
}

/** The candidate nearest to `name` by edit distance, if any is reasonably close. */
export function closestMatch(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
