import { AnalysisError } from '../errors.js';
import { DataTypes, isNumeric, typeToString } from '../types/data-type.js';
import * as M from '../kernels/math.js';
import type { ScalarFunction } from './registry.js';
import { constantArg, withColumns } from './function-helpers.js';

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
];
