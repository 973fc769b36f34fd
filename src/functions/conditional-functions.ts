import { AnalysisError } from '../errors.js';
import { DataTypes } from '../types/data-type.js';
import { Column } from '../types/column.js';
import { ifElse } from '../kernels/conditional.js';
import { commonTypeOf } from '../plan/typing.js';
import type { ScalarFunction } from './registry.js';
import { withColumns } from './function-helpers.js';

/**
 * coalesce(a, b, ...): the first non-null argument. Evaluated right to left as
 * `isNotNull(a) ? a : rest`, where a column's validity bytes serve directly as the condition.
 */
const coalesce: ScalarFunction = {
  name: 'coalesce',
  resolve(args) {
    if (args.length === 0) throw new AnalysisError('function coalesce needs at least one argument');
    const type = commonTypeOf(args.map((a) => a.type), 'coalesce');
    return { result: { type, nullable: args.every((a) => a.nullable) }, argTypes: args.map(() => type) };
  },
  evaluate(args, ctx) {
    return withColumns(args, ctx.numRows, (cols) => {
      let result = cols[cols.length - 1]!.retain();
      for (let i = cols.length - 2; i >= 0; i--) {
        const c = cols[i]!;
        if (!c.validity) {
          result.release();
          result = c.retain();
          continue;
        }
        const cond = new Column(DataTypes.Boolean, c.length, c.validity.retain(), null, null, 0);
        try {
          const next = ifElse(cond, c, result);
          result.release();
          result = next;
        } finally {
          cond.release();
        }
      }
      return result;
    });
  },
};

/** Conditional functions. */
export const conditionalFunctions: readonly ScalarFunction[] = [coalesce, { ...coalesce, name: 'ifnull' }, { ...coalesce, name: 'nvl' }];
