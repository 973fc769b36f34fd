import { DataTypes } from '../types/data-type.js';
import * as S from '../kernels/strings.js';
import type { ScalarFunction } from './registry.js';
import { T, constantArg, simpleFunction, withColumns } from './function-helpers.js';

const unaryString = (name: string, kernel: (c: import('../types/column.js').Column) => import('../types/column.js').Column): ScalarFunction =>
  simpleFunction(name, [T.string], T.string, (args, ctx) => withColumns(args, ctx.numRows, ([c]) => kernel(c!)));

/** String functions (kernels in assembly/strings.ts). */
export const stringFunctions: readonly ScalarFunction[] = [
  unaryString('upper', S.upper),
  unaryString('ucase', S.upper),
  unaryString('lower', S.lower),
  unaryString('lcase', S.lower),
  unaryString('trim', S.trim),
  unaryString('ltrim', S.ltrim),
  unaryString('rtrim', S.rtrim),
  simpleFunction('length', [T.string], T.int, (args, ctx) => withColumns(args, ctx.numRows, ([c]) => S.length(c!))),
  simpleFunction('char_length', [T.string], T.int, (args, ctx) => withColumns(args, ctx.numRows, ([c]) => S.length(c!))),
  simpleFunction(
    'substring',
    [T.string, T.int, T.int],
    T.string,
    (args, ctx) => {
      const pos = Number(constantArg(args, 1, 'substring', 'position'));
      const len = args.length > 2 ? Number(constantArg(args, 2, 'substring', 'length')) : undefined;
      return withColumns([args[0]!], ctx.numRows, ([c]) => (len === undefined ? S.substring(c!, pos) : S.substring(c!, pos, len)));
    },
    { minArgs: 2 },
  ),
  {
    name: 'concat',
    resolve(args) {
      return {
        result: { type: DataTypes.String, nullable: args.some((a) => a.nullable) },
        argTypes: args.map(() => DataTypes.String),
      };
    },
    evaluate(args, ctx) {
      return withColumns(args, ctx.numRows, (cols) => S.concat(cols));
    },
  },
];
