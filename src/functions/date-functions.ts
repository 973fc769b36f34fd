import { AnalysisError } from '../errors.js';
import { type DataType, DataTypes, typeToString } from '../types/data-type.js';
import type { Column } from '../types/column.js';
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
];
