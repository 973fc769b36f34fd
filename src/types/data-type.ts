import { InvalidArgumentError } from '../errors.js';
import { nestedTypeEquals, nestedTypeToString, parseNestedTypeName } from './nested-type.js';

/**
 * Kindling's logical types (Spark's names in comments). Physical layout inside WebAssembly memory:
 *
 * | type        | values buffer                      | notes                                   |
 * |-------------|------------------------------------|-----------------------------------------|
 * | boolean     | 1 byte per row, 0 or 1             | Arrow packs bits; converted at the edge |
 * | int8..int64 | native little-endian               | ByteType, ShortType, IntegerType, LongType |
 * | float32/64  | IEEE 754                           | FloatType, DoubleType                   |
 * | decimal     | int64 unscaled value               | precision <= 18 (compact; Arrow decimal128 at the edge) |
 * | decimal     | 16 bytes: int128 unscaled value,   | precision 19..38: Arrow's Decimal128 layout (low |
 * |             | little-endian two's complement     | u64 word first), so Arrow/Parquet interop is a copy |
 * | utf8        | bytes + int32 offsets (n + 1)      | StringType                              |
 * | date32      | int32 days since 1970-01-01        | DateType                                |
 * | timestamp   | int64 microseconds since epoch UTC | TimestampType                           |
 * | interval_ym | int32 months                       | YearMonthIntervalType (src/types/interval.ts) |
 * | interval_dt | int64 microseconds                 | DayTimeIntervalType                     |
 * | null        | no buffer                          | NullType (a literal NULL)               |
 * | array       | int32 offsets (n + 1), children[0] | ArrayType; offsets[0] = 0 (Arrow List)  |
 * | map         | offsets, children[0]: struct<key,value> | MapType (Arrow Map)                |
 * | struct      | no values; one child per field     | StructType (Arrow Struct)               |
 *
 * Validity is one byte per row (1 = valid, 0 = null), or absent when no row is null.
 */
export type DataType =
  | { readonly kind: 'null' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'int8' }
  | { readonly kind: 'int16' }
  | { readonly kind: 'int32' }
  | { readonly kind: 'int64' }
  | { readonly kind: 'float32' }
  | { readonly kind: 'float64' }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'utf8' }
  | { readonly kind: 'date32' }
  | { readonly kind: 'timestamp' }
  // ANSI intervals (src/types/interval.ts): int32 months / int64 microseconds.
  | { readonly kind: 'interval_ym'; readonly startField: YearMonthField; readonly endField: YearMonthField }
  | { readonly kind: 'interval_dt'; readonly startField: DayTimeField; readonly endField: DayTimeField }
  // Nested types (layout: src/types/nested.ts, Arrow's List / Map / Struct).
  | { readonly kind: 'array'; readonly element: DataType; readonly containsNull: boolean }
  | { readonly kind: 'map'; readonly key: DataType; readonly value: DataType; readonly valueContainsNull: boolean }
  | { readonly kind: 'struct'; readonly fields: readonly StructField[] };

/** A field of a year-month interval type (Spark's YearMonthIntervalType.YEAR / MONTH). */
export type YearMonthField = 'year' | 'month';

/** A field of a day-time interval type (Spark's DayTimeIntervalType.DAY / HOUR / MINUTE / SECOND). */
export type DayTimeField = 'day' | 'hour' | 'minute' | 'second';

/** A field of a struct type (Spark's StructField). */
export interface StructField {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
}

/** True for array, map and struct (columns with child columns). */
export function isNestedType(type: DataType): type is Extract<DataType, { kind: 'array' | 'map' | 'struct' }> {
  return type.kind === 'array' || type.kind === 'map' || type.kind === 'struct';
}

/** The kind tag of a DataType. */
export type TypeKind = DataType['kind'];

/** Largest decimal precision (Spark's DecimalType.MAX_PRECISION). */
export const MAX_DECIMAL_PRECISION = 38;

/** Largest decimal precision stored compactly as an int64 unscaled value; wider decimals take 16 bytes. */
export const MAX_COMPACT_DECIMAL_PRECISION = 18;

/** Bytes per value of a decimal of `precision` digits: 8 (int64) up to 18 digits, else 16 (int128). */
export function decimalByteWidth(precision: number): 8 | 16 {
  return precision <= MAX_COMPACT_DECIMAL_PRECISION ? 8 : 16;
}

/** True for a decimal stored as 16-byte int128 values (precision > 18). */
export function isWideDecimal(type: DataType): boolean {
  return type.kind === 'decimal' && type.precision > MAX_COMPACT_DECIMAL_PRECISION;
}

/** Constructors and singletons for every type, in PySpark's spirit (`DataTypes.IntegerType`). */
export const DataTypes = {
  Null: { kind: 'null' } as DataType,
  Boolean: { kind: 'boolean' } as DataType,
  Byte: { kind: 'int8' } as DataType,
  Short: { kind: 'int16' } as DataType,
  Integer: { kind: 'int32' } as DataType,
  Long: { kind: 'int64' } as DataType,
  Float: { kind: 'float32' } as DataType,
  Double: { kind: 'float64' } as DataType,
  String: { kind: 'utf8' } as DataType,
  Date: { kind: 'date32' } as DataType,
  Timestamp: { kind: 'timestamp' } as DataType,
  /** decimal(precision, scale), precision 1..38, 0 <= scale <= precision. */
  decimal(precision: number, scale: number): DataType {
    if (!Number.isInteger(precision) || precision < 1 || precision > MAX_DECIMAL_PRECISION) {
      throw new InvalidArgumentError(
        `decimal precision must be between 1 and ${MAX_DECIMAL_PRECISION}, got ${precision}`,
      );
    }
    if (!Number.isInteger(scale) || scale < 0 || scale > precision) {
      throw new InvalidArgumentError(`decimal scale must be between 0 and the precision ${precision}, got ${scale}`);
    }
    return { kind: 'decimal', precision, scale };
  },
} as const;

/** Bytes per value in the values buffer, or 0 for variable-width and null types. */
export function byteWidth(type: DataType): number {
  switch (type.kind) {
    case 'boolean':
    case 'int8':
      return 1;
    case 'int16':
      return 2;
    case 'int32':
    case 'float32':
    case 'date32':
    case 'interval_ym':
      return 4;
    case 'int64':
    case 'float64':
    case 'timestamp':
    case 'interval_dt':
      return 8;
    case 'decimal':
      return decimalByteWidth(type.precision);
    case 'utf8':
    case 'null':
    case 'array':
    case 'map':
    case 'struct':
      return 0;
  }
}

/** True for int8..int64. */
export function isIntegral(type: DataType): boolean {
  return type.kind === 'int8' || type.kind === 'int16' || type.kind === 'int32' || type.kind === 'int64';
}

/** True for integral, floating, and decimal types. */
export function isNumeric(type: DataType): boolean {
  return isIntegral(type) || type.kind === 'float32' || type.kind === 'float64' || type.kind === 'decimal';
}

/** True for float32 and float64. */
export function isFloating(type: DataType): boolean {
  return type.kind === 'float32' || type.kind === 'float64';
}

/** Structural equality of two types. */
export function typeEquals(a: DataType, b: DataType): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'decimal' && b.kind === 'decimal') return a.precision === b.precision && a.scale === b.scale;
  if ((a.kind === 'interval_ym' || a.kind === 'interval_dt') && (b.kind === 'interval_ym' || b.kind === 'interval_dt')) {
    return a.startField === b.startField && a.endField === b.endField;
  }
  if (isNestedType(a)) return nestedTypeEquals(a, b);
  return true;
}

/** Spark's simple string of a type: `int`, `bigint`, `decimal(15,2)`, `string`, ... */
export function typeToString(type: DataType): string {
  switch (type.kind) {
    case 'null':
      return 'void';
    case 'boolean':
      return 'boolean';
    case 'int8':
      return 'tinyint';
    case 'int16':
      return 'smallint';
    case 'int32':
      return 'int';
    case 'int64':
      return 'bigint';
    case 'float32':
      return 'float';
    case 'float64':
      return 'double';
    case 'decimal':
      return `decimal(${type.precision},${type.scale})`;
    case 'utf8':
      return 'string';
    case 'date32':
      return 'date';
    case 'timestamp':
      return 'timestamp';
    case 'interval_ym':
    case 'interval_dt':
      // Spark's YearMonthIntervalType / DayTimeIntervalType typeName
      return type.startField === type.endField ? `interval ${type.startField}` : `interval ${type.startField} to ${type.endField}`;
    case 'array':
    case 'map':
    case 'struct':
      return nestedTypeToString(type);
  }
}

/** Parses Spark's type names (`int`, `bigint`, `decimal(10,2)`, `string`, `date`, ...). */
export function parseTypeName(name: string): DataType {
  if (/^\s*(?:array|map|struct)\s*</i.test(name)) return parseNestedTypeName(name, parseTypeName);
  const s = name.trim().toLowerCase();
  const iv = /^interval\s+(year|month|day|hour|minute|second)(?:\s+to\s+(year|month|day|hour|minute|second))?$/.exec(s);
  if (iv) return parseIntervalTypeName(iv[1]!, iv[2] ?? iv[1]!, name);
  const dec = /^(?:decimal|numeric|dec)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/.exec(s);
  if (dec) return DataTypes.decimal(dec[1] ? Number(dec[1]) : 10, dec[2] ? Number(dec[2]) : 0);
  const simple: Record<string, DataType> = {
    void: DataTypes.Null,
    null: DataTypes.Null,
    boolean: DataTypes.Boolean,
    bool: DataTypes.Boolean,
    tinyint: DataTypes.Byte,
    byte: DataTypes.Byte,
    int8: DataTypes.Byte,
    smallint: DataTypes.Short,
    short: DataTypes.Short,
    int16: DataTypes.Short,
    int: DataTypes.Integer,
    integer: DataTypes.Integer,
    int32: DataTypes.Integer,
    bigint: DataTypes.Long,
    long: DataTypes.Long,
    int64: DataTypes.Long,
    float: DataTypes.Float,
    real: DataTypes.Float,
    float32: DataTypes.Float,
    double: DataTypes.Double,
    float64: DataTypes.Double,
    string: DataTypes.String,
    varchar: DataTypes.String,
    text: DataTypes.String,
    utf8: DataTypes.String,
    date: DataTypes.Date,
    date32: DataTypes.Date,
    timestamp: DataTypes.Timestamp,
  };
  const t = simple[s] ?? (/^(?:var)?char\s*\(\s*\d+\s*\)$/.test(s) ? DataTypes.String : undefined);
  if (!t) throw new InvalidArgumentError(`unknown type name '${name}'; expected one of ${Object.keys(simple).join(', ')}, decimal(p,s)`);
  return t;
}

/** `interval <from> [to <to>]` as a type: year/month fields give a year-month interval, day..second a day-time one. */
function parseIntervalTypeName(from: string, to: string, name: string): DataType {
  const ym = ['year', 'month'];
  const dt = ['day', 'hour', 'minute', 'second'];
  if (ym.includes(from) && ym.includes(to) && ym.indexOf(from) <= ym.indexOf(to)) {
    return { kind: 'interval_ym', startField: from as YearMonthField, endField: to as YearMonthField };
  }
  if (dt.includes(from) && dt.includes(to) && dt.indexOf(from) <= dt.indexOf(to)) {
    return { kind: 'interval_dt', startField: from as DayTimeField, endField: to as DayTimeField };
  }
  throw new InvalidArgumentError(`'${name}' is not a valid interval type: expected INTERVAL YEAR [TO MONTH], INTERVAL MONTH, or INTERVAL DAY|HOUR|MINUTE|SECOND [TO HOUR|MINUTE|SECOND]`);
}
