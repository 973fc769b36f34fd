/**
 * Type-level helpers of the nested types (array, map, struct): constructors, Spark's type strings
 * (`array<int>`, `map<string,int>`, `struct<a:int,b:string>`), structural equality, and parsing of
 * nested type names. Kept apart from data-type.ts so that file only gains small hooks.
 */
import { InvalidArgumentError } from '../errors.js';
import type { DataType, StructField } from './data-type.js';
import { typeEquals, typeToString } from './data-type.js';

/** array<element>; containsNull defaults to true, as Spark's ArrayType(elementType). */
export function arrayType(element: DataType, containsNull = true): DataType {
  return { kind: 'array', element, containsNull };
}

/** map<key,value>; valueContainsNull defaults to true. */
export function mapType(key: DataType, value: DataType, valueContainsNull = true): DataType {
  return { kind: 'map', key, value, valueContainsNull };
}

/** struct<fields>; fields are `{name, type, nullable}` (nullable defaults to true). */
export function structType(fields: readonly { name: string; type: DataType; nullable?: boolean }[]): DataType {
  return { kind: 'struct', fields: fields.map((f) => ({ name: f.name, type: f.type, nullable: f.nullable ?? true })) };
}

/** The key/value struct type of a map's entries (the child column of a map column). */
export function mapEntryType(t: Extract<DataType, { kind: 'map' }>): Extract<DataType, { kind: 'struct' }> {
  return {
    kind: 'struct',
    fields: [
      { name: 'key', type: t.key, nullable: false },
      { name: 'value', type: t.value, nullable: t.valueContainsNull },
    ],
  };
}

/** Structural equality of a nested type with any type (names of struct fields included, nullability ignored). */
export function nestedTypeEquals(a: DataType, b: DataType): boolean {
  if (a.kind === 'array' && b.kind === 'array') return typeEquals(a.element, b.element);
  if (a.kind === 'map' && b.kind === 'map') return typeEquals(a.key, b.key) && typeEquals(a.value, b.value);
  if (a.kind === 'struct' && b.kind === 'struct') {
    return a.fields.length === b.fields.length && a.fields.every((f, i) => f.name === b.fields[i]!.name && typeEquals(f.type, b.fields[i]!.type));
  }
  return false;
}

/** Spark's simple string of a nested type. */
export function nestedTypeToString(t: DataType): string {
  switch (t.kind) {
    case 'array':
      return `array<${typeToString(t.element)}>`;
    case 'map':
      return `map<${typeToString(t.key)},${typeToString(t.value)}>`;
    case 'struct':
      return `struct<${t.fields.map((f) => `${f.name}:${typeToString(f.type)}`).join(',')}>`;
    default:
      return typeToString(t);
  }
}

/** The element type of an array, or throws naming `what`. */
export function elementTypeOf(t: DataType, what: string): DataType {
  if (t.kind !== 'array') throw new InvalidArgumentError(`${what}: expected an array, got ${typeToString(t)}`);
  return t.element;
}

/**
 * Parses `array<...>`, `map<k,v>`, `struct<a:int,b string>` (case-insensitive, nested, with
 * backquoted field names); `leaf` parses the flat type names.
 */
export function parseNestedTypeName(text: string, leaf: (name: string) => DataType): DataType {
  let pos = 0;
  const s = text;
  const ws = () => {
    while (pos < s.length && /\s/.test(s[pos]!)) pos++;
  };
  const fail = (what: string): never => {
    throw new InvalidArgumentError(`cannot parse type '${text}': expected ${what} at position ${pos}`);
  };
  const expect = (ch: string) => {
    ws();
    if (s[pos] !== ch) fail(`'${ch}'`);
    pos++;
  };
  const ident = (): string => {
    ws();
    if (s[pos] === '`') {
      const end = s.indexOf('`', pos + 1);
      if (end < 0) fail('a closing backquote');
      const name = s.slice(pos + 1, end);
      pos = end + 1;
      return name;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(pos));
    if (!m) return fail('a name');
    pos += m[0].length;
    return m[0];
  };
  const type = (): DataType => {
    ws();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(pos));
    if (!m) return fail('a type name');
    const word = m[0].toLowerCase();
    pos += m[0].length;
    ws();
    if (word === 'array') {
      expect('<');
      const e = type();
      expect('>');
      return arrayType(e);
    }
    if (word === 'map') {
      expect('<');
      const k = type();
      expect(',');
      const v = type();
      expect('>');
      return mapType(k, v);
    }
    if (word === 'struct') {
      expect('<');
      const fields: { name: string; type: DataType }[] = [];
      ws();
      if (s[pos] === '>') {
        pos++;
        return structType(fields);
      }
      for (;;) {
        const name = ident();
        ws();
        if (s[pos] === ':') pos++;
        fields.push({ name, type: type() });
        ws();
        // an optional NOT NULL / COMMENT '...' is not supported; a comma or '>' must follow
        if (s[pos] === ',') {
          pos++;
          continue;
        }
        expect('>');
        return structType(fields);
      }
    }
    // flat type, possibly with a parenthesised argument list (decimal(10,2), varchar(5))
    let name = word;
    if (s[pos] === '(') {
      const end = s.indexOf(')', pos);
      if (end < 0) fail("')'");
      name += s.slice(pos, end + 1);
      pos = end + 1;
    }
    return leaf(name);
  };
  const t = type();
  ws();
  if (pos !== s.length) fail('the end of the type');
  return t;
}

/** Struct field lookup (case-insensitive as Spark's default resolver); -1 when absent. */
export function structFieldIndex(fields: readonly StructField[], name: string): number {
  const exact = fields.findIndex((f) => f.name === name);
  if (exact >= 0) return exact;
  const lower = name.toLowerCase();
  return fields.findIndex((f) => f.name.toLowerCase() === lower);
}

/**
 * Spark's wider common type of two nested types of the same shape (findWiderTypeForTwo on
 * ArrayType / MapType / StructType): element, key, value and field types widened with `leaf`
 * (the flat rule), nullability or-ed; structs need the same field names (case-insensitive) in order.
 * Undefined when the shapes differ.
 */
export function nestedCommonType(a: DataType, b: DataType, leaf: (x: DataType, y: DataType) => DataType): DataType | undefined {
  if (a.kind === 'array' && b.kind === 'array') return arrayType(leaf(a.element, b.element), a.containsNull || b.containsNull);
  if (a.kind === 'map' && b.kind === 'map') return mapType(leaf(a.key, b.key), leaf(a.value, b.value), a.valueContainsNull || b.valueContainsNull);
  if (a.kind === 'struct' && b.kind === 'struct') {
    if (a.fields.length !== b.fields.length || a.fields.some((f, i) => f.name.toLowerCase() !== b.fields[i]!.name.toLowerCase())) return undefined;
    return structType(a.fields.map((f, i) => ({ name: f.name, type: leaf(f.type, b.fields[i]!.type), nullable: f.nullable || b.fields[i]!.nullable })));
  }
  return undefined;
}
