import { Batch } from '../types/batch.js';
import type { Column } from '../types/column.js';
import { Schema, type Field } from '../types/schema.js';
import { constantColumn } from '../io/hive-partitions.js';
import { type ParquetFileInfo, ParquetFileReader } from '../io/parquet-reader.js';
import { type ScanPredicate, canSkipRowGroup, constantFails, describePredicate } from '../io/scan-predicate.js';
import { type ExecContext, PhysicalOperator } from './operator.js';

/**
 * Scans Parquet files: reads files in order and their row groups in order, decoding only the
 * projected columns, skipping row groups whose statistics (and files whose hive partition values)
 * rule out the pushed predicates. Pushed predicates only prune; rows of the groups read are all
 * returned, so the plan keeps its Filter. Partition columns are materialised as constant columns.
 */
export class ParquetScanExec extends PhysicalOperator {
  readonly name = 'FileScan parquet';
  readonly children = [] as const;
  /** Output schema: the requested columns in the requested order. */
  readonly schema: Schema;
  /** Row groups decoded by the last execution. */
  rowGroupsRead = 0;
  /** Row groups skipped (by statistics or partition values) by the last execution. */
  rowGroupsSkipped = 0;
  /** Files skipped entirely by partition pruning in the last execution. */
  filesSkipped = 0;
  /** Bytes fetched from files (footers and column chunks) by the last execution. */
  bytesRead = 0;
  private readonly partitionNames: ReadonlySet<string>;
  private readonly predicates: readonly ScanPredicate[];
  private executed = false;

  constructor(
    private readonly source: { readonly schema: Schema; readonly files: readonly ParquetFileInfo[] },
    options: { columns?: readonly string[]; predicates?: readonly ScanPredicate[] } = {},
  ) {
    super();
    const fields = options.columns ? options.columns.map((c) => source.schema.get(c)) : source.schema.fields;
    this.schema = new Schema(fields);
    this.partitionNames = new Set(source.files[0] ? Object.keys(source.files[0].partitionValues) : []);
    this.predicates = options.predicates ?? [];
    for (const p of this.predicates) source.schema.get(p.column); // AnalysisError for unknown columns
  }

  async *execute(ctx: ExecContext): AsyncGenerator<Batch> {
    this.rowGroupsRead = 0;
    this.rowGroupsSkipped = 0;
    this.filesSkipped = 0;
    this.bytesRead = 0;
    this.executed = true;
    const fileFields = this.schema.fields.filter((f) => !this.partitionNames.has(f.name));
    const partitionPreds = this.predicates.filter((p) => this.partitionNames.has(this.source.schema.get(p.column).name));
    const dataPreds = this.predicates.filter((p) => !partitionPreds.includes(p));
    for (const file of this.source.files) {
      const prunedByPartition = [...this.partitionNames].some((name) =>
        constantFails(name, this.source.schema.get(name).type, file.partitionValues[name] ?? null, partitionPreds),
      );
      if (prunedByPartition) {
        this.filesSkipped++;
        this.rowGroupsSkipped += file.rowGroups.length;
        continue;
      }
      const groups = file.rowGroups.filter((rg) => {
        const skip = canSkipRowGroup(rg, dataPreds);
        if (skip) this.rowGroupsSkipped++;
        return !skip;
      });
      if (groups.length === 0) continue;
      if (fileFields.length === 0) {
        // Only partition columns (or none, e.g. count(*)): row counts come from the footer.
        for (const rg of groups) {
          this.rowGroupsRead++;
          for (let at = 0; at < rg.numRows; at += ctx.batchSize) yield this.withPartitions(null, file, Math.min(ctx.batchSize, rg.numRows - at));
        }
        continue;
      }
      const reader = await ParquetFileReader.open(file.path, file);
      try {
        for (const rg of groups) {
          this.rowGroupsRead++;
          for await (const b of reader.readRowGroup(rg.index, fileFields, ctx.batchSize)) yield this.withPartitions(b, file, b.numRows);
        }
      } finally {
        this.bytesRead += reader.bytesFetched;
        reader.close();
      }
    }
  }

  /** Arranges the file batch's columns and constant partition columns in output order (takes ownership of `b`). */
  private withPartitions(b: Batch | null, file: ParquetFileInfo, numRows: number): Batch {
    if (b && this.partitionNames.size === 0) return b;
    const columns: Column[] = [];
    try {
      for (const f of this.schema.fields as Field[]) {
        if (this.partitionNames.has(f.name)) columns.push(constantColumn(f.type, file.partitionValues[f.name] ?? null, numRows));
        else columns.push(b!.column(b!.schema.indexOf(f.name)).retain());
      }
    } catch (e) {
      for (const c of columns) c.release();
      throw e;
    } finally {
      b?.release();
    }
    return new Batch(this.schema, columns, numRows);
  }

  describe(): string {
    const parts = [
      `[${this.schema.names.join(', ')}]`,
      `files=${this.source.files.length}`,
      `PushedFilters: [${this.predicates.map(describePredicate).join(', ')}]`,
    ];
    if (this.partitionNames.size > 0) parts.push(`PartitionColumns: [${[...this.partitionNames].join(', ')}]`);
    if (this.executed) parts.push(`rowGroups read=${this.rowGroupsRead} skipped=${this.rowGroupsSkipped}`, `bytesRead=${this.bytesRead}`);
    return parts.join(', ');
  }
}
