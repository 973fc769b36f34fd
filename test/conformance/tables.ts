/**
 * Tables SQLQueryTestSuite builds before running a file (they are not created by the inputs):
 * `testdata` (key int, value string: 1..100), and `aggtest`, `onek`, `tenk1` loaded from the
 * headerless tab-separated files in test-data/postgresql/. `arraydata` and `mapdata` are Spark's
 * SQLTestData tables of arrays and maps.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SparkSession } from '../../src/index.js';
import { parseSchemaDDL } from '../../src/index.js';

const ONEK_DDL =
  'unique1 int, unique2 int, two int, four int, ten int, twenty int, hundred int, thousand int, ' +
  'twothousand int, fivethous int, tenthous int, odd int, even int, stringu1 string, stringu2 string, string4 string';

/** Reads a headerless TSV data file into row objects typed by `ddl` (`\N` is NULL). */
export function readDataFile(file: string, ddl: string): Record<string, number | string | null>[] {
  const schema = parseSchemaDDL(ddl);
  const rows: Record<string, number | string | null>[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue;
    const cells = line.split('\t');
    const row: Record<string, number | string | null> = {};
    schema.fields.forEach((f, i) => {
      const c = cells[i];
      row[f.name] = c === undefined || c === '\\N' ? null : f.type.kind === 'utf8' ? c : Number(c);
    });
    rows.push(row);
  }
  return rows;
}

/** The tables a file of `sql` text refers to that the harness provides; registers them as temp views. */
export function registerHarnessTables(spark: SparkSession, sql: string, dataDir: string): string[] {
  const made: string[] = [];
  // a table the file creates itself (CREATE ... VIEW testData AS ...) replaces the harness's one
  const uses = (name: string): boolean =>
    new RegExp(`\\b${name}\\b`, 'i').test(sql) && !new RegExp(`\\b(view|table)\\s+(if\\s+not\\s+exists\\s+)?${name}\\b`, 'i').test(sql);
  if (uses('testdata')) {
    const rows = Array.from({ length: 100 }, (_, i) => ({ key: i + 1, value: String(i + 1) }));
    spark.createDataFrame(rows, 'key int, value string').createOrReplaceTempView('testdata');
    made.push('testdata');
  }
  // SQLTestData's arrayData and mapData (Spark's SharedSparkSession test tables)
  if (uses('arraydata')) {
    const rows = [
      { arraycol: [1, 2, 3], nestedarraycol: [[1, 2, 3]] },
      { arraycol: [2, 3, 4], nestedarraycol: [[2, 3, 4]] },
    ];
    spark.createDataFrame(rows, 'arraycol array<int>, nestedarraycol array<array<int>>').createOrReplaceTempView('arraydata');
    made.push('arraydata');
  }
  if (uses('mapdata')) {
    const rows = [5, 4, 3, 2, 1].map((len, i) => ({
      mapcol: new Map(Array.from({ length: len }, (_, k) => [k + 1, `${'abcde'[k]}${i + 1}`] as [number, string])),
    }));
    spark.createDataFrame(rows, 'mapcol map<int,string>').createOrReplaceTempView('mapdata');
    made.push('mapdata');
  }
  const files: [string, string, string][] = [
    ['aggtest', 'agg.data', 'a int, b float'],
    ['onek', 'onek.data', ONEK_DDL],
    ['tenk1', 'tenk.data', ONEK_DDL],
  ];
  for (const [name, file, ddl] of files) {
    if (!uses(name)) continue;
    spark.createDataFrame(readDataFile(path.join(dataDir, file), ddl), ddl).createOrReplaceTempView(name);
    made.push(name);
  }
  return made;
}
