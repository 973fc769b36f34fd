/**
 * Spark's ANSI interval types (src/types/interval.ts): typed interval literals of every form, VALUES,
 * printing (ANSI text of casts/show, HIVE text of the golden files), comparisons, ordering,
 * grouping, min/max/count, histogram_numeric, arithmetic with dates and timestamps, and the Arrow
 * mapping. Expected values are Apache Spark's (hand-checked against Spark 3.5 / 4 semantics:
 * add_months clamps the day of month, day-time intervals are exact microseconds).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeConfig, SparkSession } from '../src/index.js';
import { parseTypeName, typeToString } from '../src/types/data-type.js';
import { dayTimeIntervalType, formatInterval, yearMonthIntervalType } from '../src/types/interval.js';
import { columnFromJs, columnToJs } from '../src/types/values.js';
import { columnFromArrow, columnToArrowData, toArrowType } from '../src/types/arrow-interop.js';
import { field } from '../src/types/schema.js';
import { runtime } from '../src/wasm/runtime.js';
import * as arrow from 'apache-arrow';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatRow, formatSchema } from './conformance/format.js';

let spark: SparkSession;
beforeAll(() => {
  spark = new SparkSession(new RuntimeConfig(), 'interval-types', 'local[1]');
});
afterAll(() => spark.stop?.());

async function run(q: string): Promise<{ schema: string; rows: unknown[][]; types: string[] }> {
  const df = await spark.sql(q);
  const rows = (await df.collect()).map((r) => Object.values(r));
  return { schema: formatSchema(df.schema), rows, types: df.schema.fields.map((f) => typeToString(f.type)) };
}

async function golden(q: string): Promise<string[]> {
  const df = await spark.sql(q);
  const types = df.schema.fields.map((f) => f.type);
  return (await df.collect()).map((r) => formatRow(Object.values(r) as never, types));
}

describe('interval types', () => {
  it('type strings, parsing and equality', () => {
    expect(typeToString(yearMonthIntervalType())).toBe('interval year to month');
    expect(typeToString(yearMonthIntervalType('month', 'month'))).toBe('interval month');
    expect(typeToString(dayTimeIntervalType())).toBe('interval day to second');
    expect(typeToString(dayTimeIntervalType('hour', 'minute'))).toBe('interval hour to minute');
    expect(parseTypeName('INTERVAL DAY TO SECOND')).toEqual(dayTimeIntervalType());
    expect(parseTypeName('interval year')).toEqual(yearMonthIntervalType('year', 'year'));
    expect(() => parseTypeName('interval month to year')).toThrow(/not a valid interval type/);
  });

  it('ANSI and HIVE text as Spark prints them', () => {
    const ym = yearMonthIntervalType();
    expect(formatInterval(14, ym, 'ansi')).toBe("INTERVAL '1-2' YEAR TO MONTH");
    expect(formatInterval(-14, ym, 'ansi')).toBe("INTERVAL '-1-2' YEAR TO MONTH");
    expect(formatInterval(1200, ym, 'hive')).toBe('100-0');
    expect(formatInterval(24, yearMonthIntervalType('year', 'year'), 'ansi')).toBe("INTERVAL '2' YEAR");
    expect(formatInterval(25, yearMonthIntervalType('month', 'month'), 'ansi')).toBe("INTERVAL '25' MONTH");
    const dt = dayTimeIntervalType();
    const us = (d: number, h: number, m: number, s: number) => BigInt(((d * 24 + h) * 60 + m) * 60 + s) * 1_000_000n;
    expect(formatInterval(us(12, 20, 4, 0), dt, 'ansi')).toBe("INTERVAL '12 20:04:00' DAY TO SECOND");
    expect(formatInterval(us(12, 20, 4, 0), dt, 'hive')).toBe('12 20:04:00.000000000');
    expect(formatInterval(us(1, 2, 3, 4) + 1000n, dt, 'ansi')).toBe("INTERVAL '1 02:03:04.001' DAY TO SECOND");
    expect(formatInterval(-(us(1, 2, 3, 4) + 1000n), dt, 'hive')).toBe('-1 02:03:04.001000000');
    expect(formatInterval(us(3, 0, 0, 0), dayTimeIntervalType('day', 'day'), 'ansi')).toBe("INTERVAL '3' DAY");
    expect(formatInterval(us(0, 5, 30, 0), dayTimeIntervalType('hour', 'minute'), 'ansi')).toBe("INTERVAL '05:30' HOUR TO MINUTE");
    expect(formatInterval(us(0, 0, 0, 7) + 500_000n, dayTimeIntervalType('second', 'second'), 'ansi')).toBe("INTERVAL '07.5' SECOND");
  });

  it('literals of every form are typed values', async () => {
    const r = await run(
      "SELECT INTERVAL '1-2' YEAR TO MONTH AS a, INTERVAL '1 2:3:4.001' DAY TO SECOND AS b, INTERVAL 3 DAYS AS c, " +
        "INTERVAL '10' HOUR AS d, INTERVAL '-1-2' YEAR TO MONTH AS e, INTERVAL '5:30' HOUR TO MINUTE AS f, INTERVAL 1 YEAR 2 MONTHS AS g, INTERVAL '2 hours 30 minutes' AS h",
    );
    expect(r.types).toEqual(['interval year to month', 'interval day to second', 'interval day', 'interval hour', 'interval year to month', 'interval hour to minute', 'interval year to month', 'interval hour to minute']);
    expect(r.rows[0]).toEqual([14, 93_784_001_000n, 259_200_000_000n, 36_000_000_000n, -14, 19_800_000_000n, 14, 9_000_000_000n]);
    await expect(spark.sql('SELECT INTERVAL 1 YEAR 2 DAYS')).rejects.toThrow(/CalendarIntervalType/);
  });

  it('casts to string and show() print ANSI text', async () => {
    const r = await run("SELECT CAST(INTERVAL '1-2' YEAR TO MONTH AS STRING) AS a, CAST(INTERVAL '12 20:4:0' DAY TO SECOND AS STRING) AS b, CAST(INTERVAL 3 DAYS AS STRING) AS c");
    expect(r.rows[0]).toEqual(["INTERVAL '1-2' YEAR TO MONTH", "INTERVAL '12 20:04:00' DAY TO SECOND", "INTERVAL '3' DAY"]);
    const shown = await (await spark.sql("SELECT INTERVAL '1-2' YEAR TO MONTH AS a")).showString(20, false);
    expect(shown).toContain("INTERVAL '1-2' YEAR TO MONTH");
  });

  it('VALUES widen the fields of their rows; comparisons, ordering, grouping, min/max/count', async () => {
    const v = "VALUES (INTERVAL '1' DAY), (INTERVAL '24' HOUR), (INTERVAL '2' DAY), (INTERVAL '-3' SECOND), (NULL) AS t(col)";
    const g = await run(`SELECT col, count(*) AS n FROM ${v} GROUP BY col ORDER BY col NULLS LAST`);
    expect(g.types[0]).toBe('interval day to second');
    expect(g.rows).toEqual([[-3_000_000n, 1n], [86_400_000_000n, 2n], [172_800_000_000n, 1n], [null, 1n]]);
    const m = await run(`SELECT min(col), max(col), count(col) FROM ${v}`);
    expect(m.rows).toEqual([[-3_000_000n, 172_800_000_000n, 4n]]);
    const w = await run(`SELECT col FROM ${v} WHERE col > INTERVAL '0' SECOND ORDER BY col DESC`);
    expect(w.rows).toEqual([[172_800_000_000n], [86_400_000_000n], [86_400_000_000n]]);
    const c = await run("SELECT INTERVAL '1' YEAR < INTERVAL '13' MONTH, INTERVAL 1 DAY = INTERVAL 24 HOURS, INTERVAL '1-0' YEAR TO MONTH = INTERVAL '12' MONTH");
    expect(c.rows).toEqual([[true, true, true]]);
  });

  it('interval arithmetic: unary minus, interval +/- interval, date +/- year-month, timestamp +/- day-time', async () => {
    const a = await run("SELECT col, -col, col + col, INTERVAL '1' YEAR + INTERVAL '2' MONTH FROM VALUES (INTERVAL '1-2' YEAR TO MONTH), (NULL) AS t(col)");
    expect(a.rows).toEqual([[14, -14, 28, 14], [null, null, null, 14]]);
    const d = await run("SELECT d + iv, d - iv, iv + d FROM VALUES (DATE '2020-01-31', INTERVAL '1' MONTH), (DATE '2021-03-31', INTERVAL '-1-1' YEAR TO MONTH), (NULL, INTERVAL '1' YEAR) AS t(d, iv)");
    expect(d.types).toEqual(['date', 'date', 'date']);
    expect(d.rows).toEqual([['2020-02-29', '2019-12-31', '2020-02-29'], ['2020-02-29', '2022-04-30', '2020-02-29'], [null, null, null]]);
    const t = await run("SELECT ts + iv, ts - iv FROM VALUES (TIMESTAMP '2020-01-31 10:00:00', INTERVAL '1 2:3:4.5' DAY TO SECOND), (TIMESTAMP '2020-03-01 00:00:00', INTERVAL '-1' HOUR) AS t(ts, iv)");
    expect(t.types).toEqual(['timestamp', 'timestamp']);
    expect((t.rows as Date[][]).map((r) => r.map((x) => x.toISOString()))).toEqual([
      ['2020-02-01T12:03:04.500Z', '2020-01-30T07:56:55.500Z'],
      ['2020-02-29T23:00:00.000Z', '2020-03-01T01:00:00.000Z'],
    ]);
    await expect(spark.sql("SELECT INTERVAL '1' YEAR + INTERVAL '1' DAY")).rejects.toThrow(/not supported/);
    // constant folding of date/timestamp +/- interval literals keeps working
    const k = await run("SELECT DATE '2020-01-31' + INTERVAL '1' MONTH, DATE '2020-01-01' - INTERVAL 3 DAYS");
    expect(k.rows).toEqual([['2020-02-29', '2019-12-29']]);
  });

  it("histogram_numeric over interval columns (Spark's group-by golden statements)", async () => {
    const ym = "SELECT histogram_numeric(col, 3) FROM VALUES (INTERVAL '100-00' YEAR TO MONTH), (INTERVAL '110-00' YEAR TO MONTH), (INTERVAL '120-00' YEAR TO MONTH) AS tab(col)";
    expect(formatSchema((await spark.sql(ym)).schema)).toBe('struct<histogram_numeric(col, 3):array<struct<x:interval year to month,y:double>>>');
    expect(await golden(ym)).toEqual(['[{"x":100-0,"y":1.0},{"x":110-0,"y":1.0},{"x":120-0,"y":1.0}]']);
    const dt = "SELECT histogram_numeric(col, 3) FROM VALUES (INTERVAL '12 20:4:0' DAY TO SECOND), (INTERVAL '12 21:4:0' DAY TO SECOND), (INTERVAL '12 22:4:0' DAY TO SECOND) AS tab(col)";
    expect(formatSchema((await spark.sql(dt)).schema)).toBe('struct<histogram_numeric(col, 3):array<struct<x:interval day to second,y:double>>>');
    expect(await golden(dt)).toEqual(['[{"x":12 20:04:00.000000000,"y":1.0},{"x":12 21:04:00.000000000,"y":1.0},{"x":12 22:04:00.000000000,"y":1.0}]']);
  });

  it('writing an interval column to Parquet fails clearly (Spark cannot either)', async () => {
    const df = await spark.sql("SELECT 1 AS id, INTERVAL '1-2' YEAR TO MONTH AS iv");
    await expect(df.write.parquet(join(tmpdir(), `kindling-interval-${process.pid}`))).rejects.toThrow(/column 'iv' of the type interval year to month/);
  });

  it('JS values and Arrow: Interval(YEAR_MONTH) and Duration(MICROSECOND) round trips', () => {
    const live = runtime().memory.liveBytes;
    const ymT = yearMonthIntervalType();
    const dtT = dayTimeIntervalType();
    const ym = columnFromJs(ymT, [14, null, -25]);
    const dt = columnFromJs(dtT, [1n, null, -86_400_000_000n]);
    expect(columnToJs(ym)).toEqual([14, null, -25]);
    expect(columnToJs(dt)).toEqual([1n, null, -86_400_000_000n]);
    expect(toArrowType(ymT)).toBeInstanceOf(arrow.IntervalYearMonth);
    expect(toArrowType(dtT)).toBeInstanceOf(arrow.DurationMicrosecond);
    for (const [c, t] of [[ym, ymT], [dt, dtT]] as const) {
      const data = columnToArrowData(c, toArrowType(t));
      const back = columnFromArrow(runtime(), field('x', t), new arrow.Vector([data]));
      expect(columnToJs(back)).toEqual(columnToJs(c));
      back.release();
    }
    expect(() => columnFromJs(ymT, [1.5])).toThrow(/not a interval year to month value/);
    ym.release();
    dt.release();
    expect(runtime().memory.liveBytes).toBe(live);
  });
});
