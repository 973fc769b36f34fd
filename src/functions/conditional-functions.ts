import { AnalysisError, NotImplementedError } from '../errors.js';
import { DataTypes, typeToString } from '../types/data-type.js';
import { Column, nullColumn } from '../types/column.js';
import { WasmBuffer } from '../wasm/memory.js';
import { runtime } from '../wasm/runtime.js';
import { ifElse } from '../kernels/conditional.js';
import { compare, isNotNull } from '../kernels/compare.js';
import { kernelFn } from '../kernels/common.js';
import { XorShiftRandom } from '../kernels/random.js';
import { commonTypeOf } from '../plan/typing.js';
import type { ScalarFunction } from './registry.js';
import { constantArg, withColumns } from './function-helpers.js';

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

/**
 * greatest(a, b, ...) / least: the largest / smallest non-null argument, null only when all are
 * (Spark's Greatest/Least: arguments widened to their common type; strings compare by bytes;
 * NaN is the greatest double). Folded pairwise: a compare kernel, then greatest_pick chooses the
 * non-null side, then one ifElse kernel.
 */
function extremum(name: 'greatest' | 'least'): ScalarFunction {
  return {
    name,
    resolve(args) {
      if (args.length < 2) throw new AnalysisError(`function ${name} needs at least two arguments, got ${args.length}`);
      for (const a of args) {
        if (a.type.kind === 'array' || a.type.kind === 'map' || a.type.kind === 'struct') {
          throw new NotImplementedError(`function ${name} of ${typeToString(a.type)} values`);
        }
      }
      const type = commonTypeOf(args.map((a) => a.type), name);
      return { result: { type, nullable: args.every((a) => a.nullable) }, argTypes: args.map(() => type) };
    },
    evaluate(args, ctx) {
      if (ctx.resultType.kind === 'null') return nullColumn(runtime().memory, ctx.resultType, ctx.numRows);
      return withColumns(args, ctx.numRows, (cols) => {
        let result = cols[0]!.retain();
        for (let i = 1; i < cols.length; i++) {
          const b = cols[i]!;
          const next = pickColumns(result, b, name === 'greatest' ? '>=' : '<=');
          result.release();
          result = next;
        }
        return result;
      });
    },
  };
}

/** Row-wise a if (b is null or (a is valid and a op b)) else b. */
function pickColumns(a: Column, b: Column, op: '>=' | '<='): Column {
  const cmp = compare(op, a, b);
  try {
    const n = a.length;
    const pick = WasmBuffer.allocate(runtime().memory, Math.max(1, n));
    const cond = new Column(DataTypes.Boolean, n, pick, null, null, 0);
    try {
      kernelFn('math', 'greatest_pick')(cmp.valuesPtr, a.validityPtr, b.validityPtr, n, pick.ptr);
      return ifElse(cond, a, b);
    } finally {
      cond.release();
    }
  } finally {
    cmp.release();
  }
}

/** nvl2(a, b, c): b when a is not null, else c (b and c widened to their common type). */
const nvl2: ScalarFunction = {
  name: 'nvl2',
  resolve(args) {
    if (args.length !== 3) throw new AnalysisError(`function nvl2 takes 3 arguments, got ${args.length}`);
    const type = commonTypeOf([args[1]!.type, args[2]!.type], 'nvl2');
    return { result: { type, nullable: args[1]!.nullable || args[2]!.nullable }, argTypes: [args[0]!.type, type, type] };
  },
  evaluate(args, ctx) {
    return withColumns(args, ctx.numRows, ([a, b, c]) => {
      const cond = isNotNull(a!);
      try {
        return ifElse(cond, b!, c!);
      } finally {
        cond.release();
      }
    });
  },
};

/**
 * rand([seed]) / randn([seed]): Spark's XORShiftRandom stream seeded with `seed + partitionIndex`
 * (the task's partition, see setTaskPartitionIndex; 0 on the driver); without a seed, a random one.
 * Each compiled call gets its own generator (`instantiate`: an operator's expressions are compiled
 * once per task), which continues across batches.
 */
function randomFunction(name: 'rand' | 'randn' | 'random'): ScalarFunction {
  const make = (): ScalarFunction => {
    const partition = BigInt(taskPartitionIndex());
    let rng: XorShiftRandom | null = null;
    let fallbackSeed: bigint | null = null;
    return {
      name,
      instantiate: make,
      resolve(args, literals) {
        if (args.length > 1) throw new AnalysisError(`function ${name} takes 0 or 1 arguments, got ${args.length}`);
        if (args.length === 1) {
          const lit = literals?.[0];
          const t = args[0]!.type.kind;
          if (!lit || !['int8', 'int16', 'int32', 'int64', 'null'].includes(t)) {
            throw new AnalysisError(`function ${name}: the seed must be an integer literal, got ${typeToString(args[0]!.type)}`);
          }
        }
        return { result: { type: DataTypes.Double, nullable: false }, argTypes: args.map((a) => a.type) };
      },
      evaluate(args, ctx) {
        if (!rng) {
          let seed: bigint;
          if (args.length === 0) {
            fallbackSeed ??= BigInt.asIntN(64, BigInt(Math.floor(Math.random() * 2 ** 32)) * 2n ** 32n + BigInt(Math.floor(Math.random() * 2 ** 32)));
            seed = fallbackSeed;
          } else {
            const v = constantArg(args, 0, name, 'seed');
            seed = v === null ? 0n : BigInt(v as number | bigint);
          }
          rng = new XorShiftRandom(seed + partition);
        }
        return name === 'randn' ? rng.gaussians(ctx.numRows) : rng.doubles(ctx.numRows);
      },
    };
  };
  return make();
}

/** nullif(a, b): null when a = b, else a (typed as a; SQL rewrites it to CASE, the DataFrame API calls this). */
const nullif: ScalarFunction = {
  name: 'nullif',
  resolve(args) {
    if (args.length !== 2) throw new AnalysisError(`function nullif takes 2 arguments, got ${args.length}`);
    const common = commonTypeOf([args[0]!.type, args[1]!.type], 'nullif');
    return { result: { type: args[0]!.type, nullable: true }, argTypes: [args[0]!.type.kind === 'null' ? common : args[0]!.type, args[1]!.type] };
  },
  evaluate(args, ctx) {
    return withColumns(args, ctx.numRows, ([a, b]) => {
      const eq = compare('=', a!, b!);
      const none = nullColumn(runtime().memory, a!.type, ctx.numRows);
      try {
        return ifElse(eq, none, a!);
      } finally {
        eq.release();
        none.release();
      }
    });
  },
};

let currentPartition = 0;

/**
 * Sets the partition index that rand/randn calls compiled from now on add to their seed (Spark's
 * `seed + partitionIndex`); an executor sets it while it plans a task, then resets it to 0.
 */
export function setTaskPartitionIndex(index: number): void {
  currentPartition = index;
}

/** The partition index rand/randn calls compiled now use. */
export function taskPartitionIndex(): number {
  return currentPartition;
}

/** Conditional functions. */
export const conditionalFunctions: readonly ScalarFunction[] = [
  coalesce,
  { ...coalesce, name: 'ifnull' },
  { ...coalesce, name: 'nvl' },
  extremum('greatest'),
  extremum('least'),
  nvl2,
  nullif,
  randomFunction('rand'),
  randomFunction('randn'),
  randomFunction('random'),
];
