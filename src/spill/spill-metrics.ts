/** Spill accounting of one operator: what it wrote to disk because its memory budget was too small. */
export class SpillMetrics {
  private filesCount = 0;
  private bytesCount = 0;
  private spillsCount = 0;

  /** Spill files created. */
  get files(): number {
    return this.filesCount;
  }

  /** Bytes written to spill files. */
  get bytes(): number {
    return this.bytesCount;
  }

  /** Times the operator spilled (sorted runs written, partitionings of a join side). */
  get spills(): number {
    return this.spillsCount;
  }

  /** Counts a new file. */
  addFile(): void {
    this.filesCount++;
  }

  /** Counts bytes written. */
  addBytes(n: number): void {
    this.bytesCount += n;
  }

  /** Counts one spill event. */
  addSpill(): void {
    this.spillsCount++;
  }

  /** Back to zero (e.g. before a new execution). */
  reset(): void {
    this.filesCount = 0;
    this.bytesCount = 0;
    this.spillsCount = 0;
  }

  /** `spilled=<files> files/<bytes>` for explain, or '' when nothing was spilled. */
  describe(): string {
    return this.filesCount === 0 ? '' : `spilled=${this.filesCount} files/${this.bytesCount} bytes`;
  }
}

/** Process-wide totals of every spill file written (for tests and diagnostics). */
export const spillTotals = new SpillMetrics();
