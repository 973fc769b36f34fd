import { AnalysisError } from '../errors.js';
import { type DataType, DataTypes, isNumeric, typeEquals, typeToString } from '../types/data-type.js';
import * as M from '../kernels/math.js';
import { castColumn } from '../kernels/cast.js';
import * as ops from '../exec/kernel-ops.js';
import type { Expr } from '../plan/expression.js';
import { commonTypeOf, typeOfResolved } from '../plan/typing.js';
import type { ScalarFunction } from './registry.js';
import { constantArg, simpleFunction, withColumns } from './function-helpers.js';

/** A one-argument numeric function whose result type comes from mathResultType. */
function numeric(name: M.MathFunction, kernel: (c: import('../types/column.js').Column) => import('../types/column.js').Column): ScalarFunction {
  return {
    name,
    resolve(args) {
      if (args.length !== 1) throw new AnalysisError(`function ${name} takes 1 argument, got ${args.length}`);
      const t = args[0]!.type;
      if (!isNumeric(t) && t.kind !== 'null' && t.kind !== 'utf8') throw new AnalysisError(`function ${name} needs a numeric argument, got ${typeToString(t)}`);
      const param = t.kind === 'null' || t.kind === 'utf8' ? DataTypes.Double : t;
      return { result: { type: M.mathResultType(name, param), nullable: true }, argTypes: [param] };
    },
    evaluate: (args, ctx) => withColumns(args, ctx.numRows, ([c]) => kernel(c!)),
  };
}

const round: ScalarFunction = {
  name: 'round',
  resolve(args, literals) {
    if (args.length < 1 || args.length > 2) throw new AnalysisError(`function round takes 1 or 2 arguments, got ${args.length}`);
    const t = args[0]!.type;
    if (!isNumeric(t) && t.kind !== 'null' && t.kind !== 'utf8') throw new AnalysisError(`function round needs a numeric argument, got ${typeToString(t)}`);
    const param = t.kind === 'null' || t.kind === 'utf8' ? DataTypes.Double : t;
    // The scale must be a literal: it shapes the result type of decimals.
    const scaleLit = literals?.[1];
    if (args.length === 2 && !scaleLit) throw new AnalysisError('function round: the scale must be an integer literal');
    const scale = scaleLit ? Number(scaleLit.value) : 0;
    return { result: { type: M.mathResultType('round', param, scale), nullable: true }, argTypes: args.length === 2 ? [param, DataTypes.Integer] : [param] };
  },
  evaluate(args, ctx) {
    const scale = args.length > 1 ? Number(constantArg(args, 1, 'round', 'scale')) : 0;
    return withColumns([args[0]!], ctx.numRows, ([c]) => M.round(c!, scale));
  },
};

/** Math functions (kernels in assembly/math.ts). */
export const mathFunctions: readonly ScalarFunction[] = [
  numeric('abs', M.abs),
  numeric('floor', M.floor),
  numeric('ceil', M.ceil),
  { ...numeric('ceil', M.ceil), name: 'ceiling' },
  numeric('sqrt', M.sqrt),
  round,
  pow('pow'),
  pow('power'),
  pmodFunction(),
];

/** pow(a, b) / power(a, b): double (arguments cast to double, Spark's implicit casts). */
function pow(name: string): ScalarFunction {
  return simpleFunction(name, [DataTypes.Double, DataTypes.Double], DataTypes.Double, (args, ctx) =>
    withColumns(args, ctx.numRows, ([a, b]) => M.pow(a!, b!)),
  );
}

/** A stand-in attribute of a type, to ask the plan's typing for the type of an operator. */
function typed(type: DataType, nullable: boolean): Expr {
  return { kind: 'attr', id: -1, name: 'x', type, nullable };
}

/**
 * pmod(a, b): the positive modulus `r = a % b; r < 0 ? (r + b) % b : r` (Spark's Pmod), typed like
 * `a % b` (the arithmetic typing of the plan); b = 0 gives null. Computed with the arithmetic kernels.
 */
function pmodFunction(): ScalarFunction {
  return {
  name: 'pmod',
  resolve(args) {
    if (args.length !== 2) throw new AnalysisError(`function pmod takes 2 arguments, got ${args.length}`);
    for (const a of args) {
      if (!isNumeric(a.type) && a.type.kind !== 'null' && a.type.kind !== 'utf8') throw new AnalysisError(`function pmod needs numeric arguments, got ${typeToString(a.type)}`);
    }
    const params = args.map((a) => (a.type.kind === 'null' || a.type.kind === 'utf8' ? DataTypes.Double : a.type));
    const common = params[0]!.kind === 'decimal' || params[1]!.kind === 'decimal' ? null : commonTypeOf(params, 'pmod');
    const argTypes = common ? [common, common] : params;
    const rem = typeOfResolved({ kind: 'binary', op: '%', left: typed(argTypes[0]!, true), right: typed(argTypes[1]!, true) });
    return { result: { type: rem.type, nullable: true }, argTypes };
  },
  evaluate(args, ctx) {
    const [at, bt] = ctx.argTypes as [DataType, DataType];
    const t = ctx.resultType;
    const sumType = typeOfResolved({ kind: 'binary', op: '+', left: typed(t, true), right: typed(bt, true) }).type;
    const modType = typeOfResolved({ kind: 'binary', op: '%', left: typed(sumType, true), right: typed(bt, true) }).type;
    void at;
    return withColumns(args, ctx.numRows, ([a, b]) => {
      const r = ops.binary('%', a!, b!, t, ctx.numRows);
      try {
        const neg = ops.binary('<', r, { kind: 'scalar', type: DataTypes.Integer, value: 0 }, DataTypes.Boolean, ctx.numRows);
        try {
          const sum = ops.binary('+', r, b!, sumType, ctx.numRows);
          try {
            const m = ops.binary('%', sum, b!, modType, ctx.numRows);
            try {
              const fixed = typeEquals(modType, t) ? m.retain() : castColumn(m, t);
              try {
                return ops.ifElse(neg, fixed, r);
              } finally {
                fixed.release();
              }
            } finally {
              m.release();
            }
          } finally {
            sum.release();
          }
        } finally {
          neg.release();
        }
      } finally {
        r.release();
      }
    });
  },
};
}
