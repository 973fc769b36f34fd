import { AnalysisError } from '../errors.js';
import { type DataType, DataTypes, typeToString } from '../types/data-type.js';
import { type Column, nullColumn } from '../types/column.js';
import { runtime } from '../wasm/runtime.js';
import * as D from '../kernels/dates.js';
import type { TypeInfo } from '../plan/typing.js';
import type { Resolution, ScalarFunction } from './registry.js';
import { T, constantArg, simpleFunction, withColumns } from './function-helpers.js';

/** A date part extractor: accepts a date or timestamp (strings are cast to date, like Spark). */
function datePart(name: string, kernel: (c: Column) => Column, timestampOnly = false): ScalarFunction {
  return {
    name,
    resolve(args: readonly TypeInfo[]): Resolution {
      if (args.length !== 1) throw new AnalysisError(`function ${name} takes 1 argument, got ${args.length}`);
      const t = args[0]!.type;
      let param: DataType;
      if (t.kind === 'timestamp') param = t;
      else if (timestampOnly) param = DataTypes.Timestamp;
      else if (t.kind === 'date32') param = t;
      else if (t.kind === 'utf8' || t.kind === 'null') param = DataTypes.Date;
      else throw new AnalysisError(`function ${name} needs a date or timestamp, got ${typeToString(t)}`);
      return { result: { type: DataTypes.Integer, nullable: args[0]!.nullable || t.kind === 'utf8' }, argTypes: [param] };
    },
    evaluate: (args, ctx) => withColumns(args, ctx.numRows, ([c]) => kernel(c!)),
  };
}

const toDate: ScalarFunction = {
  name: 'to_date',
  resolve(args) {
    if (args.length < 1 || args.length > 2) throw new AnalysisError(`function to_date takes 1 or 2 arguments, got ${args.length}`);
    const t = args[0]!.type;
    if (!['utf8', 'date32', 'timestamp', 'null'].includes(t.kind)) {
      throw new AnalysisError(`function to_date needs a string, date or timestamp, got ${typeToString(t)}`);
    }
    const argTypes: DataType[] = [t.kind === 'null' ? DataTypes.String : t];
    if (args.length === 2) argTypes.push(DataTypes.String);
    return { result: { type: DataTypes.Date, nullable: true }, argTypes };
  },
  evaluate(args, ctx) {
    const format = args.length > 1 ? String(constantArg(args, 1, 'to_date', 'format')) : undefined;
    return withColumns([args[0]!], ctx.numRows, ([c]) => (format === undefined ? D.toDate(c!) : D.toDate(c!, format)));
  },
};

const dateArith = (name: string, kernel: (c: Column, d: Column | number) => Column): ScalarFunction =>
  simpleFunction(name, [T.date, T.int], T.date, (args, ctx) =>
    withColumns(args, ctx.numRows, ([c, d]) => kernel(c!, d!)),
  );

/** Date and time functions (kernels in assembly/dates.ts). */
export const dateFunctions: readonly ScalarFunction[] = [
  datePart('year', D.year),
  datePart('month', D.month),
  datePart('dayofmonth', D.dayofmonth),
  datePart('day', D.dayofmonth),
  datePart('dayofweek', D.dayofweek),
  datePart('quarter', D.quarter),
  datePart('dayofyear', D.dayofyear),
  datePart('hour', D.hour, true),
  datePart('minute', D.minute, true),
  datePart('second', D.second, true),
  toDate,
  dateArith('date_add', D.dateAdd),
  dateArith('date_sub', D.dateSub),
  simpleFunction('datediff', [T.date, T.date], T.int, (args, ctx) => withColumns(args, ctx.numRows, ([e, s]) => D.datediff(e!, s!))),
  ...moreDateFunctions(),
];

/** The text of a literal argument (null stays null). */
function textArg(args: Parameters<ScalarFunction['evaluate']>[0], i: number, fn: string, what: string): string | null {
  const v = constantArg(args, i, fn, what);
  return v === null ? null : String(v);
}

/** weekofyear, add_months, last_day, trunc, date_trunc, make_date, months_between, next_day (+ EXTRACT helpers). */
function moreDateFunctions(): ScalarFunction[] {
  const TS = DataTypes.Timestamp;
  return [
    datePart('weekofyear', D.weekofyear),
    datePart('dayofweek_iso', D.dayofweekIso),
    datePart('yearofweek', D.yearofweek),
    {
      ...datePart('extract_second', D.extractSecond, true),
      resolve(args: readonly TypeInfo[]): Resolution {
        if (args.length !== 1) throw new AnalysisError(`EXTRACT(SECOND ...) takes 1 argument, got ${args.length}`);
        const t = args[0]!.type;
        const param: DataType = t.kind === 'date32' || t.kind === 'timestamp' ? t : DataTypes.Timestamp;
        return { result: { type: DataTypes.decimal(8, 6), nullable: args[0]!.nullable || t.kind === 'utf8' }, argTypes: [param] };
      },
    },
    simpleFunction('add_months', [T.date, T.int], T.date, (args, ctx) => withColumns(args, ctx.numRows, ([d, m]) => D.addMonths(d!, m!))),
    simpleFunction('last_day', [T.date], T.date, (args, ctx) => withColumns(args, ctx.numRows, ([d]) => D.lastDay(d!))),
    simpleFunction(
      'trunc',
      [T.date, T.string],
      T.date,
      (args, ctx) => {
        const fmt = textArg(args, 1, 'trunc', 'format');
        return withColumns([args[0]!], ctx.numRows, ([d]) => D.truncDate(d!, fmt));
      },
      { nullable: true },
    ),
    {
      ...simpleFunction(
        'date_trunc',
        [T.string, TS],
        TS,
        (args, ctx) => {
          const fmt = textArg(args, 0, 'date_trunc', 'format');
          return withColumns([args[1]!], ctx.numRows, ([t]) => D.truncTimestamp(t!, fmt));
        },
        { nullable: true },
      ),
    },
    simpleFunction('make_date', [T.int, T.int, T.int], T.date, (args, ctx) => withColumns(args, ctx.numRows, ([y, m, d]) => D.makeDate(y!, m!, d!)), { nullable: true }),
    simpleFunction(
      'months_between',
      [TS, TS, DataTypes.Boolean],
      T.double,
      (args, ctx) => {
        const round = args.length > 2 ? constantArg(args, 2, 'months_between', 'roundOff') : true;
        if (round === null) return nullColumn(runtime().memory, T.double, ctx.numRows);
        return withColumns([args[0]!, args[1]!], ctx.numRows, ([a, b]) => D.monthsBetween(a!, b!, round === true));
      },
      { minArgs: 2 },
    ),
    simpleFunction(
      'next_day',
      [T.date, T.string],
      T.date,
      (args, ctx) => {
        const dow = textArg(args, 1, 'next_day', 'day of week');
        return withColumns([args[0]!], ctx.numRows, ([d]) => D.nextDay(d!, dow));
      },
      { nullable: true },
    ),
  ];
}
