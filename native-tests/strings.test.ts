import { describe, expect, it } from 'vitest';
import { DataTypes } from '../src/types/data-type.js';
import { Column } from '../src/types/column.js';
import { WasmBuffer } from '../src/wasm/memory.js';
import { type CellValue, columnFromJs, columnToJs } from '../src/types/values.js';
import { runtime } from '../src/wasm/runtime.js';
import { InvalidArgumentError } from '../src/errors.js';
import {
  compileLikePattern,
  concat,
  concatWs,
  contains,
  endsWith,
  length,
  like,
  lower,
  ltrim,
  rtrim,
  startsWith,
  substring,
  trim,
  upper,
} from '../src/kernels/strings.js';
import { leakCheck, mulberry32, watFunctions } from './support.js';

// ---------------------------------------------------------------------------------------------
// Data generation (seeded)
// ---------------------------------------------------------------------------------------------

const ASCII = ['a', 'b', 'c', 'X', 'Y', 'z', ' ', '%', '_', '\\', '0', '9', '-', 'A'];
const UNICODE = ['é', 'É', '日', '本', '😀', 'ß', 'Σ', 'ς', 'ﬁ', 'İ', 'ǅ', 'ö'];
const SIZES = [0, 1, 7, 15, 16, 17, 64, 1000];

function randomString(rnd: () => number, unicode: boolean, maxLen = 40): string {
  const len = Math.floor(rnd() * rnd() * maxLen);
  let s = '';
  for (let i = 0; i < len; i++) {
    const pool = unicode && rnd() < 0.3 ? UNICODE : ASCII;
    s += pool[Math.floor(rnd() * pool.length)];
  }
  return s;
}

function randomStrings(seed: number, n: number, opts: { unicode: boolean; nulls: number; maxLen?: number }): (string | null)[] {
  const rnd = mulberry32(seed);
  return Array.from({ length: n }, () => (rnd() < opts.nulls ? null : randomString(rnd, opts.unicode, opts.maxLen)));
}

/** Each variant: [label, values]. */
function variants(seed: number): [string, (string | null)[]][] {
  const out: [string, (string | null)[]][] = [];
  for (const n of SIZES) {
    out.push([`ascii n=${n}`, randomStrings(seed + n, n, { unicode: false, nulls: 0 })]);
    out.push([`ascii+nulls n=${n}`, randomStrings(seed + n + 1, n, { unicode: false, nulls: 0.2 })]);
    out.push([`mixed+nulls n=${n}`, randomStrings(seed + n + 2, n, { unicode: true, nulls: 0.2 })]);
  }
  out.push(['long rows', randomStrings(seed + 99, 50, { unicode: true, nulls: 0.1, maxLen: 400 })]);
  out.push(['all null', [null, null, null]]);
  out.push(['empty strings', ['', '', null, '']]);
  return out;
}

function withColumn<T>(values: readonly (string | null)[], fn: (c: Column) => T): T {
  const col = columnFromJs(DataTypes.String, values);
  try {
    return fn(col);
  } finally {
    col.release();
  }
}

/** Applies a column function and reads the result (released). */
function apply(values: readonly (string | null)[], fn: (c: Column) => Column): CellValue[] {
  return withColumn(values, (c) => {
    const r = fn(c);
    try {
      expect(r.length).toBe(values.length);
      return columnToJs(r);
    } finally {
      r.release();
    }
  });
}

const nullable =
  <T>(f: (s: string) => T) =>
  (s: string | null): T | null =>
    s === null ? null : f(s);

// ---------------------------------------------------------------------------------------------
// References (plain TypeScript, Spark semantics)
// ---------------------------------------------------------------------------------------------

/** Spark's UTF8String.substringSQL on code points. */
function refSubstring(s: string, pos: number, len: number): string {
  const cps = [...s];
  const n = cps.length;
  let start = pos > 0 ? pos - 1 : pos < 0 ? n + pos : 0;
  const end = start + len;
  start = Math.max(start, 0);
  if (start >= end) return '';
  return cps.slice(start, Math.min(end, n)).join('');
}

/** Spark's LIKE via its regex translation (StringUtils.escapeLikeRegex), `u` for code points. */
function refLike(s: string, pattern: string, esc = '\\'): boolean {
  const chars = [...pattern];
  let re = '';
  const quote = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === esc) re += quote(chars[++i]!);
    else if (c === '_') re += '.';
    else if (c === '%') re += '.*';
    else re += quote(c);
  }
  return new RegExp(`^${re}$`, 'su').test(s);
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('length', () => {
  it('counts code points like Spark', () => {
    leakCheck(() => {
      for (const [label, vals] of variants(1)) {
        expect(apply(vals, length), label).toEqual(vals.map(nullable((s) => [...s].length)));
      }
      expect(apply(['日本', 'é', '😀', 'abc', ''], length)).toEqual([2, 1, 1, 3, 0]);
    });
  });
});

describe('upper / lower', () => {
  it('match String.prototype.toUpperCase / toLowerCase (ASCII, mixed, nulls)', () => {
    leakCheck(() => {
      for (const [label, vals] of variants(2)) {
        expect(apply(vals, upper), label).toEqual(vals.map(nullable((s) => s.toUpperCase())));
        expect(apply(vals, lower), label).toEqual(vals.map(nullable((s) => s.toLowerCase())));
      }
    });
  });

  it('handles length-changing Unicode mappings and rows around them', () => {
    const vals = ['straße', 'abc', null, 'ﬁx', 'İstanbul', 'ΟΔΟΣ', 'xyz', 'ǅ'];
    expect(apply(vals, upper)).toEqual(['STRASSE', 'ABC', null, 'FIX', 'İSTANBUL', 'ΟΔΟΣ', 'XYZ', 'Ǆ']);
    expect(apply(vals, lower)).toEqual(vals.map(nullable((s) => s.toLowerCase())));
  });
});

describe('substring', () => {
  const cases: [number, number | undefined][] = [
    [1, undefined], [0, 3], [1, 3], [2, 2], [3, 100], [-1, undefined], [-3, 2], [-50, 3], [5, 0], [2, -1],
    [100, 5], [-2147483648, 2147483647], [2147483647, 2147483647],
  ];
  it('follows Spark substringSQL on random data', () => {
    leakCheck(() => {
      for (const [label, vals] of variants(3)) {
        for (const [pos, len] of cases) {
          expect(apply(vals, (c) => substring(c, pos, len)), `${label} pos=${pos} len=${len}`).toEqual(
            vals.map(nullable((s) => refSubstring(s, pos, len ?? 2147483647))),
          );
        }
      }
    });
  });

  it('counts characters, not bytes', () => {
    expect(apply(['日本語テキスト', 'héllo', '😀a😀b'], (c) => substring(c, 2, 2))).toEqual(['本語', 'él', 'a😀']);
    expect(apply(['日本語', 'abc'], (c) => substring(c, -2))).toEqual(['本語', 'bc']);
  });

  it('rejects non-integer arguments', () => {
    expect(() => withColumn(['a'], (c) => substring(c, 1.5))).toThrow(InvalidArgumentError);
  });
});

describe('trim / ltrim / rtrim', () => {
  it('remove spaces only', () => {
    leakCheck(() => {
      for (const [label, vals] of variants(4)) {
        const padded = vals.map(nullable((s) => `  ${s} `));
        expect(apply(padded, trim), label).toEqual(padded.map(nullable((s) => s.replace(/^ +| +$/g, ''))));
        expect(apply(padded, ltrim), label).toEqual(padded.map(nullable((s) => s.replace(/^ +/, ''))));
        expect(apply(padded, rtrim), label).toEqual(padded.map(nullable((s) => s.replace(/ +$/, ''))));
      }
      expect(apply(['\t a \t', '   ', ' é '], trim)).toEqual(['\t a \t', '', 'é']);
    });
  });
});

describe('concat / concatWs', () => {
  it('concat is null when any input is null', () => {
    leakCheck(() => {
      for (const n of SIZES) {
        const a = randomStrings(50 + n, n, { unicode: true, nulls: 0.2 });
        const b = randomStrings(60 + n, n, { unicode: true, nulls: 0 });
        const c = randomStrings(70 + n, n, { unicode: false, nulls: 0.1 });
        const cols = [a, b, c].map((v) => columnFromJs(DataTypes.String, v));
        try {
          const r = concat(cols);
          expect(columnToJs(r)).toEqual(a.map((x, i) => (x === null || c[i] === null ? null : x + b[i]! + c[i]!)));
          expect(r.nullCount).toBe(a.filter((x, i) => x === null || c[i] === null).length);
          r.release();
          const single = concat([cols[1]!]);
          expect(columnToJs(single)).toEqual(b);
          single.release();
          const ws = concatWs('-·-', cols);
          expect(columnToJs(ws)).toEqual(a.map((x, i) => [x, b[i], c[i]].filter((v) => v !== null).join('-·-')));
          expect(ws.nullCount).toBe(0);
          ws.release();
        } finally {
          for (const col of cols) col.release();
        }
      }
    });
  });

  it('treats a NullType argument as all-null (concat) or skipped (concatWs)', () => {
    const a = columnFromJs(DataTypes.String, ['x', 'y']);
    const nul = columnFromJs(DataTypes.Null, [null, null]);
    try {
      const r = concat([a, nul]);
      expect(columnToJs(r)).toEqual([null, null]);
      r.release();
      const w = concatWs(',', [nul, a, a]);
      expect(columnToJs(w)).toEqual(['x,x', 'y,y']);
      w.release();
    } finally {
      a.release();
      nul.release();
    }
  });

  it('rejects bad arguments', () => {
    expect(() => concat([])).toThrow(InvalidArgumentError);
    const i = columnFromJs(DataTypes.Integer, [1]);
    try {
      expect(() => concat([i])).toThrow(/concat: argument 1 must be a string column, got int/);
    } finally {
      i.release();
    }
  });
});

describe('like and literal matching', () => {
  const patterns = [
    '', '%', '%%', 'a', 'abc', 'a%', 'ab%', '%a', '%bc', '%a%', '%b%c%', 'a_c', '_', '__', '%_', '_%', 'a%c', '%a_',
    '\\%%', '%\\_%', '\\\\%', 'é%', '%日本%', '_本%', '%😀', '😀_', '%ß_%', 'a%b%c', '%aaaaaaaaaaaaaaaaaa%', '%a%a%a%',
    '% %', 'X%Y', '%-%-%',
  ];

  it('matches the regex translation of Spark on random data', () => {
    leakCheck(() => {
      for (const [label, vals] of variants(5)) {
        for (const p of patterns) {
          expect(apply(vals, (c) => like(c, p)), `${label} LIKE '${p}'`).toEqual(vals.map(nullable((s) => refLike(s, p))));
        }
      }
    });
  });

  it('finds needles longer than a vector and at every offset', () => {
    const needle = 'needle-0123456789-abcdef';
    const vals = Array.from({ length: 80 }, (_, i) => 'x'.repeat(i) + (i % 3 === 0 ? needle : needle.slice(1)) + 'y'.repeat(i % 5));
    expect(apply(vals, (c) => contains(c, needle))).toEqual(vals.map((s) => s.includes(needle)));
    expect(apply(vals, (c) => like(c, `%${needle}%`))).toEqual(vals.map((s) => s.includes(needle)));
    expect(apply(vals, (c) => like(c, `x%${needle}%`))).toEqual(vals.map((s) => /^x.*needle-0123456789-abcdef/s.test(s)));
  });

  it('supports a custom escape character and rejects invalid escapes like Spark', () => {
    expect(apply(['a%b', 'axb', null], (c) => like(c, 'a#%b', '#'))).toEqual([true, false, null]);
    expect(() => compileLikePattern('abc\\')).toThrow(/not allowed to end with the escape character/);
    expect(() => compileLikePattern('a\\bc')).toThrow(/not allowed to precede 'b'/);
    expect(() => compileLikePattern('a', '##')).toThrow(InvalidArgumentError);
  });

  it('compiles to the fast kernels where it can', () => {
    expect(compileLikePattern('abc').kind).toBe('exact');
    expect(compileLikePattern('abc%').kind).toBe('prefix');
    expect(compileLikePattern('%abc').kind).toBe('suffix');
    expect(compileLikePattern('%abc%').kind).toBe('contains');
    expect(compileLikePattern('%%abc%%%').kind).toBe('contains');
    expect(compileLikePattern('%').kind).toBe('all');
    expect(compileLikePattern('a\\%c').kind).toBe('exact');
    expect(compileLikePattern('a_c').kind).toBe('general');
    expect(compileLikePattern('a%b%c').kind).toBe('general');
  });

  it('startsWith / endsWith / contains against String methods', () => {
    leakCheck(() => {
      for (const [label, vals] of variants(6)) {
        for (const lit of ['', 'a', 'ab', ' ', 'é', '日本', '😀', '%_']) {
          expect(apply(vals, (c) => startsWith(c, lit)), label).toEqual(vals.map(nullable((s) => s.startsWith(lit))));
          expect(apply(vals, (c) => endsWith(c, lit)), label).toEqual(vals.map(nullable((s) => s.endsWith(lit))));
          expect(apply(vals, (c) => contains(c, lit)), label).toEqual(vals.map(nullable((s) => s.includes(lit))));
        }
      }
    });
  });

  it('rejects non-string input', () => {
    const i = columnFromJs(DataTypes.Integer, [1]);
    try {
      expect(() => like(i, 'a')).toThrow(/like: expected a string column, got int/);
    } finally {
      i.release();
    }
  });
});

describe('columns whose offsets do not start at 0', () => {
  it('are read through their offsets and produce rebased outputs', () => {
    leakCheck(() => {
      const mem = runtime().memory;
      const values = WasmBuffer.fromBytes(mem, new TextEncoder().encode('XXabcéÉ'));
      const offsets = WasmBuffer.fromBytes(mem, Int32Array.from([2, 5, 9]));
      const col = new Column(DataTypes.String, 2, values, null, offsets, 0);
      try {
        const read = (r: Column) => {
          try {
            return columnToJs(r);
          } finally {
            r.release();
          }
        };
        expect(read(upper(col))).toEqual(['ABC', 'ÉÉ']);
        expect(read(lower(col))).toEqual(['abc', 'éé']);
        expect(read(length(col))).toEqual([3, 2]);
        expect(read(substring(col, 2))).toEqual(['bc', 'É']);
        expect(read(like(col, '%É'))).toEqual([false, true]);
        expect(read(concat([col, col]))).toEqual(['abcabc', 'éÉéÉ']);
      } finally {
        col.release();
      }
      const ascii = new Column(
        DataTypes.String, 1, WasmBuffer.fromBytes(mem, new TextEncoder().encode('__ab')), null,
        WasmBuffer.fromBytes(mem, Int32Array.from([2, 4])), 0,
      );
      const up = upper(ascii);
      expect(columnToJs(up)).toEqual(['AB']);
      up.release();
      ascii.release();
    });
  });
});

describe('compiled kernels use SIMD', () => {
  const body = watFunctions('strings');
  it('length: SIMD non-continuation count and SIMD offset differences', () => {
    const f = body('utf8_length');
    expect(f).toContain('i8x16.gt_s');
    expect(f).toContain('i8x16.bitmask');
    expect(f).toContain('i32x4.sub');
  });
  it('upper/lower ASCII path and the ASCII check are SIMD', () => {
    const f = body('ascii_case');
    expect(f).toContain('v128.load');
    expect(f).toContain('i8x16.lt_u');
    expect(f).toContain('v128.xor');
    expect(body('rangeIsAscii')).toContain('i8x16.bitmask');
  });
  it('literal matching is SIMD', () => {
    const f = body('like_fast');
    expect(f).toContain('i8x16.eq');
    expect(f).toContain('v128.any_true');
  });
});
