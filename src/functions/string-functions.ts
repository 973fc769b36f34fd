import { AnalysisError } from '../errors.js';
import { DataTypes, typeToString } from '../types/data-type.js';
import { nullColumn } from '../types/column.js';
import * as S from '../kernels/strings.js';
import { runtime } from '../wasm/runtime.js';
import { literalColumn } from '../kernels/conditional.js';
import type { TypeInfo } from '../plan/typing.js';
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
  ...moreStringFunctions(),
];

/** A null column of the batch's length when a literal argument that shapes the result is NULL. */
const nullString = (n: number) => nullColumn(runtime().memory, DataTypes.String, n);

/** Strings only: the argument types must be strings (or NULL), numbers are cast (Spark's implicit casts). */
function stringArgs(name: string, args: readonly TypeInfo[]): void {
  for (const a of args) {
    if (a.type.kind === 'array' || a.type.kind === 'map' || a.type.kind === 'struct') {
      throw new AnalysisError(`function ${name} does not accept ${typeToString(a.type)} here; expected a string`);
    }
  }
}

/** octet_length, bit_length, reverse, repeat, lpad/rpad, instr, locate, left, right, initcap, translate, concat_ws. */
function moreStringFunctions(): ScalarFunction[] {
  const reverse = unaryString('reverse', S.reverse);
  const lit = (args: Parameters<ScalarFunction['evaluate']>[0], i: number, fn: string, what: string): string | null => {
    const v = constantArg(args, i, fn, what);
    return v === null ? null : String(v);
  };
  const pad = (name: 'lpad' | 'rpad'): ScalarFunction =>
    simpleFunction(
      name,
      [T.string, T.int, T.string],
      T.string,
      (args, ctx) => {
        const padText = args.length > 2 ? lit(args, 2, name, 'pad string') : ' ';
        if (padText === null) return nullString(ctx.numRows);
        return withColumns([args[0]!, args[1]!], ctx.numRows, ([c, len]) => S.pad(c!, len!, padText, name === 'lpad'));
      },
      { minArgs: 2 },
    );
  const leftRight = (name: 'left' | 'right'): ScalarFunction =>
    simpleFunction(name, [T.string, T.int], T.string, (args, ctx) => {
      const v = constantArg(args, 1, name, 'length');
      if (v === null) return nullString(ctx.numRows);
      const k = Number(v);
      return withColumns([args[0]!], ctx.numRows, ([c]) => {
        if (name === 'left') return S.substring(c!, 1, Math.max(k, -1) | 0);
        return k <= 0 ? S.substring(c!, 1, 0) : S.substring(c!, -k | 0);
      });
    });
  return [
    { ...reverse, resolve: (args, lits) => (stringArgs('reverse', args), reverse.resolve(args, lits)) },
    simpleFunction('octet_length', [T.string], T.int, (args, ctx) => withColumns(args, ctx.numRows, ([c]) => S.octetLength(c!))),
    simpleFunction('bit_length', [T.string], T.int, (args, ctx) => withColumns(args, ctx.numRows, ([c]) => S.bitLength(c!))),
    unaryString('initcap', S.initcap),
    simpleFunction('repeat', [T.string, T.int], T.string, (args, ctx) => withColumns(args, ctx.numRows, ([c, t]) => S.repeat(c!, t!))),
    pad('lpad'),
    pad('rpad'),
    simpleFunction('instr', [T.string, T.string], T.int, (args, ctx) => withColumns(args, ctx.numRows, ([str, sub]) => S.locate(sub!, str!))),
    simpleFunction(
      'locate',
      [T.string, T.string, T.int],
      T.int,
      (args, ctx) => withColumns(args, ctx.numRows, ([sub, str, pos]) => S.locate(sub!, str!, pos)),
      { minArgs: 2 },
    ),
    { ...simpleFunction('position', [T.string, T.string, T.int], T.int, (args, ctx) => withColumns(args, ctx.numRows, ([sub, str, pos]) => S.locate(sub!, str!, pos)), { minArgs: 2 }) },
    leftRight('left'),
    leftRight('right'),
    simpleFunction('translate', [T.string, T.string, T.string], T.string, (args, ctx) => {
      const from = lit(args, 1, 'translate', 'from string');
      const to = lit(args, 2, 'translate', 'to string');
      if (from === null || to === null) return nullString(ctx.numRows);
      return withColumns([args[0]!], ctx.numRows, ([c]) => S.translate(c!, from, to));
    }),
    {
      name: 'concat_ws',
      resolve(args) {
        if (args.length < 1) throw new AnalysisError('function concat_ws needs at least one argument (the separator)');
        stringArgs('concat_ws', args);
        return { result: { type: DataTypes.String, nullable: args[0]!.nullable }, argTypes: args.map(() => DataTypes.String) };
      },
      evaluate(args, ctx) {
        const sep = lit(args, 0, 'concat_ws', 'separator');
        if (sep === null) return nullString(ctx.numRows);
        if (args.length === 1) return literalColumn(DataTypes.String, '', ctx.numRows);
        return withColumns(args.slice(1), ctx.numRows, (cols) => S.concatWs(sep, cols));
      },
    },
  ];
}
