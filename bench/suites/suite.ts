/** What a suite hands the runner: the Parquet files of its tables and a description. */
export interface SuiteData {
  /** Table name -> Parquet file. */
  readonly tables: Readonly<Record<string, string>>;
  /** One line describing the data set. */
  readonly description: string;
}
