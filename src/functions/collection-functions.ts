/**
 * Collection functions over the nested types (Spark's complex type creators and accessors):
 * array, map, named_struct, struct, size / cardinality, element_at, array_contains, get_item
 * (`col[i]`, `col['key']`), get_field (`col.field`), sort_array, map_keys, map_values.
 * Per-row work runs in kernels (src/kernels/nested.ts); these only type the calls and assemble
 * columns.
 */
import { AnalysisError } from '../errors.js';
import { type DataType, DataTypes, isIntegral, typeToString } from '../types/data-type.js';
import { Column } from '../types/column.js';
import { arrayType, mapType, structFieldIndex, structType } from '../types/nested-type.js';
import type { Expr, Literal } from '../plan/expression.js';
import { commonTypeOf } from '../plan/typing.js';
import { listContains, listElementAt, listSizes, makeArray, makeStruct, mapLookup, mapPart, sortLists, structField } from '../kernels/nested.js';
import { WasmBuffer } from '../wasm/memory.js';
import { runtime } from '../wasm/runtime.js';
import type { ScalarFunction } from './registry.js';
import { checkArity } from './registry.js';
import { constantArg, withColumns } from './function-helpers.js';

/** array(a, b, ...): the arguments widened to one element type. */
const array: ScalarFunction = {
  name: 'array',
  resolve(args) {
    const element = args.length === 0 ? DataTypes.Null : commonTypeOf(args.map((a) => a.type), 'array');
    return { result: { type: arrayType(element, args.some((a) => a.nullable)), nullable: false }, argTypes: args.map(() => element) };
  },
  evaluate(args, ctx) {
    return withColumns(args, ctx.numRows, (cols) => makeArray(ctx.resultType, cols, ctx.numRows));
  },
};

/** map(k1, v1, k2, v2, ...): keys and values each widened to one type. */
const map: ScalarFunction = {
  name: 'map',
  resolve(args) {
    if (args.length % 2 !== 0) throw new AnalysisError(`function map expects a positive even number of arguments (key, value pairs), got ${args.length}`);
    const keys = args.filter((_, i) => i % 2 === 0);
    const values = args.filter((_, i) => i % 2 === 1);
    const k = keys.length === 0 ? DataTypes.Null : commonTypeOf(keys.map((a) => a.type), 'map keys');
    const v = values.length === 0 ? DataTypes.Null : commonTypeOf(values.map((a) => a.type), 'map values');
    if (k.kind === 'map') throw new AnalysisError(`function map: a map cannot be the key of a map, got ${typeToString(k)}`);
    return { result: { type: mapType(k, v, values.some((a) => a.nullable)), nullable: false }, argTypes: args.map((_, i) => (i % 2 === 0 ? k : v)) };
  },
  evaluate(args, ctx) {
    const t = ctx.resultType;
    if (t.kind !== 'map') throw new AnalysisError('map: bad result type');
    const n = ctx.numRows;
    return withColumns(args, n, (cols) => {
      const keys = makeArray(arrayType(t.key), cols.filter((_, i) => i % 2 === 0), n);
      const values = makeArray(arrayType(t.value), cols.filter((_, i) => i % 2 === 1), n);
      try {
        if (keys.children[0]!.nullCount > 0) throw new AnalysisError('map: a map key cannot be null (Spark: NULL_MAP_KEY)');
        const entries = makeStruct(structType([{ name: 'key', type: t.key, nullable: false }, { name: 'value', type: t.value }]), [keys.children[0]!, values.children[0]!], keys.children[0]!.length);
        return new Column(t, n, null, null, keys.offsets!.retain(), 0, [entries]);
      } finally {
        keys.release();
        values.release();
      }
    });
  },
};

function fieldNames(fn: string, literals: readonly (Literal | undefined)[] | undefined, count: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < count; i += 2) {
    const l = literals?.[i];
    if (!l || typeof l.value !== 'string') throw new AnalysisError(`function ${fn}: argument ${i + 1} must be a string literal field name`);
    names.push(l.value);
  }
  return names;
}

/** named_struct('a', x, 'b', y, ...): a struct with the given field names. */
const namedStruct: ScalarFunction = {
  name: 'named_struct',
  resolve(args, literals) {
    if (args.length === 0 || args.length % 2 !== 0) throw new AnalysisError(`function named_struct expects an even number of arguments (name, value pairs), got ${args.length}`);
    const names = fieldNames('named_struct', literals, args.length);
    const fields = names.map((name, j) => ({ name, type: args[2 * j + 1]!.type, nullable: args[2 * j + 1]!.nullable }));
    return { result: { type: structType(fields), nullable: false }, argTypes: args.map((a, i) => (i % 2 === 0 ? DataTypes.String : a.type)) };
  },
  evaluate(args, ctx) {
    return withColumns(args.filter((_, i) => i % 2 === 1), ctx.numRows, (cols) => makeStruct(ctx.resultType, cols, ctx.numRows));
  },
};

/** struct(a, b, ...): field names col1, col2, ... (the analyzer names them after columns and aliases first: see structAsNamedStruct). */
const struct: ScalarFunction = {
  name: 'struct',
  resolve(args) {
    const fields = args.map((a, i) => ({ name: `col${i + 1}`, type: a.type, nullable: a.nullable }));
    return { result: { type: structType(fields), nullable: false }, argTypes: args.map((a) => a.type) };
  },
  evaluate(args, ctx) {
    return withColumns(args, ctx.numRows, (cols) => makeStruct(ctx.resultType, cols, ctx.numRows));
  },
};

/**
 * Spark's CreateStruct naming: struct(a, b + 1 AS c, 1) has fields a, c, col3. Rewrites a resolved
 * `struct(...)` call into named_struct with those names (aliases inside are dropped).
 */
export function structAsNamedStruct(e: Extract<Expr, { kind: 'call' }>): Expr {
  const args: Expr[] = [];
  e.args.forEach((a, i) => {
    const name = a.kind === 'alias' ? a.name : a.kind === 'attr' ? a.name : `col${i + 1}`;
    args.push({ kind: 'literal', value: name, type: DataTypes.String }, a.kind === 'alias' ? a.child : a);
  });
  const call = { kind: 'call' as const, name: 'named_struct', args, display: 'struct' };
  return call; // `display`: exprName prints struct(...) (Spark's name for the call)
}

/** size / cardinality: elements of an array or entries of a map; -1 for NULL (Spark, ANSI off: legacy sizeOfNull). */
const size: ScalarFunction = {
  name: 'size',
  resolve(args) {
    checkArity('size', args, 1);
    const t = args[0]!.type;
    if (t.kind !== 'array' && t.kind !== 'map' && t.kind !== 'null') throw new AnalysisError(`function size requires an array or a map, got ${typeToString(t)}`);
    return { result: { type: DataTypes.Integer, nullable: false }, argTypes: [t] };
  },
  evaluate(args, ctx) {
    return withColumns(args, ctx.numRows, ([c]) => {
      if (c!.type.kind === 'null') {
        const out = WasmBuffer.allocate(runtime().memory, Math.max(1, ctx.numRows) * 4);
        runtime().memory.i32(out.ptr, ctx.numRows).fill(-1);
        return new Column(DataTypes.Integer, ctx.numRows, out, null, null, 0);
      }
      return listSizes(c!, -1);
    });
  },
};

/** Reads an array index argument as an int32 column (literals broadcast). */
function indexColumn(c: Column): Column {
  if (c.type.kind === 'int32') return c.retain();
  throw new AnalysisError(`array index must be an integer, got ${typeToString(c.type)}`);
}

function accessResolve(fn: string, oneBased: boolean): ScalarFunction['resolve'] {
  return (args) => {
    checkArity(fn, args, 2);
    const [c, k] = args as [{ type: DataType; nullable: boolean }, { type: DataType; nullable: boolean }];
    if (c.type.kind === 'array') {
      if (!isIntegral(k.type) && k.type.kind !== 'null') throw new AnalysisError(`function ${fn}: the index must be an integer, got ${typeToString(k.type)}`);
      return { result: { type: c.type.element, nullable: true }, argTypes: [c.type, DataTypes.Integer] };
    }
    if (c.type.kind === 'map') return { result: { type: c.type.value, nullable: true }, argTypes: [c.type, c.type.key] };
    void oneBased;
    throw new AnalysisError(`function ${fn} requires an array or a map, got ${typeToString(c.type)}`);
  };
}

function accessEvaluate(oneBased: boolean): ScalarFunction['evaluate'] {
  return (args, ctx) =>
    withColumns(args, ctx.numRows, ([c, k]) => {
      if (c!.type.kind === 'map') return mapLookup(c!, k!);
      if (oneBased && args[1]!.kind === 'scalar' && args[1]!.value === 0) {
        throw new AnalysisError('element_at: SQL array indices start at 1 (INVALID_INDEX_OF_ZERO)');
      }
      const idx = indexColumn(k!);
      try {
        return listElementAt(c!, idx, oneBased);
      } finally {
        idx.release();
      }
    });
}

/** element_at(array, i) (1-based, negative from the end, NULL out of range) / element_at(map, key). */
const elementAt: ScalarFunction = { name: 'element_at', resolve: accessResolve('element_at', true), evaluate: accessEvaluate(true) };
/** get_item: `array[i]` (0-based, NULL out of range) / `map[key]`; also Spark's `get(array, i)`. */
const getItem: ScalarFunction = { name: 'get_item', resolve: accessResolve('get_item', false), evaluate: accessEvaluate(false) };

/** get_field(struct, 'name'): a struct field (`col.field`, Column.getField). */
const getField: ScalarFunction = {
  name: 'get_field',
  resolve(args, literals) {
    checkArity('get_field', args, 2);
    const t = args[0]!.type;
    const name = literals?.[1]?.value;
    if (t.kind !== 'struct') throw new AnalysisError(`get_field requires a struct, got ${typeToString(t)}`);
    if (typeof name !== 'string') throw new AnalysisError('get_field: the field name must be a string literal');
    const i = structFieldIndex(t.fields, name);
    if (i < 0) throw new AnalysisError(`no such struct field '${name}' in ${t.fields.map((f) => f.name).join(', ')}`);
    return { result: { type: t.fields[i]!.type, nullable: args[0]!.nullable || t.fields[i]!.nullable }, argTypes: [t, DataTypes.String] };
  },
  evaluate(args, ctx) {
    const t = ctx.argTypes[0]!;
    const name = constantArg(args, 1, 'get_field', 'field name') as string;
    const i = t.kind === 'struct' ? structFieldIndex(t.fields, name) : -1;
    return withColumns([args[0]!], ctx.numRows, ([c]) => structField(c!, i));
  },
};

/** array_contains(array, value): Spark's three-valued result (NULL when not found but the array has NULLs). */
const arrayContains: ScalarFunction = {
  name: 'array_contains',
  resolve(args) {
    checkArity('array_contains', args, 2);
    const t = args[0]!.type;
    if (t.kind !== 'array') throw new AnalysisError(`function array_contains requires an array, got ${typeToString(t)}`);
    const e = commonTypeOf([t.element, args[1]!.type], 'array_contains');
    return { result: { type: DataTypes.Boolean, nullable: true }, argTypes: [arrayType(e, t.containsNull), e] };
  },
  evaluate(args, ctx) {
    return withColumns(args, ctx.numRows, ([c, v]) => listContains(c!, v!));
  },
};

/** sort_array(array[, ascending]): NULLs first ascending, last descending. */
const sortArray: ScalarFunction = {
  name: 'sort_array',
  resolve(args) {
    checkArity('sort_array', args, 1, 2);
    const t = args[0]!.type;
    if (t.kind !== 'array') throw new AnalysisError(`function sort_array requires an array, got ${typeToString(t)}`);
    if (t.element.kind === 'map') throw new AnalysisError('sort_array: maps have no ordering');
    return { result: { type: t, nullable: args[0]!.nullable }, argTypes: args.length === 2 ? [t, DataTypes.Boolean] : [t] };
  },
  evaluate(args, ctx) {
    const asc = args.length < 2 ? true : constantArg(args, 1, 'sort_array', 'ascending flag') !== false;
    return withColumns([args[0]!], ctx.numRows, ([c]) => sortLists(c!, asc));
  },
};

function mapPartFunction(name: string, part: 0 | 1): ScalarFunction {
  return {
    name,
    resolve(args) {
      checkArity(name, args, 1);
      const t = args[0]!.type;
      if (t.kind !== 'map') throw new AnalysisError(`function ${name} requires a map, got ${typeToString(t)}`);
      return { result: { type: part === 0 ? arrayType(t.key, false) : arrayType(t.value, t.valueContainsNull), nullable: args[0]!.nullable }, argTypes: [t] };
    },
    evaluate(args, ctx) {
      return withColumns(args, ctx.numRows, ([c]) => mapPart(c!, part, ctx.resultType));
    },
  };
}

/** explode & co.: typed here (the element, or a map's value); they run as a Generate node, never as a scalar function. */
function generatorFunction(name: string): ScalarFunction {
  return {
    name,
    resolve(args) {
      checkArity(name, args, 1);
      const t = args[0]!.type;
      if (t.kind !== 'array' && t.kind !== 'map') throw new AnalysisError(`function ${name} requires an array or a map, got ${typeToString(t)}`);
      return { result: { type: t.kind === 'array' ? t.element : t.value, nullable: true }, argTypes: [t] };
    },
    evaluate() {
      throw new AnalysisError(`${name} is a generator: use it as a whole item of a select list (SELECT ${name}(arr) AS x ...), not inside an expression`);
    },
  };
}

/** Collection functions. */
export const collectionFunctions: readonly ScalarFunction[] = [
  ...['explode', 'explode_outer', 'posexplode', 'posexplode_outer'].map(generatorFunction),
  array,
  map,
  namedStruct,
  struct,
  size,
  { ...size, name: 'cardinality' },
  elementAt,
  getItem,
  getField,
  arrayContains,
  sortArray,
  mapPartFunction('map_keys', 0),
  mapPartFunction('map_values', 1),
];

