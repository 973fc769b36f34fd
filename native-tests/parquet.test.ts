import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runtime } from '../src/wasm/runtime.js';
import { mulberry32 } from '../test/helpers/random.js';

const rt = runtime();
const k = rt.module('parquet');
const mem = rt.memory;

/** Copies bytes into wasm memory (with 8 bytes of slack) and runs fn(ptr, len). */
function withBytes<T>(bytes: Uint8Array, fn: (ptr: number, len: number) => T): T {
  return rt.withScratch(bytes.length + 8, (ptr) => {
    mem.u8(ptr, bytes.length).set(bytes);
    return fn(ptr, bytes.length);
  });
}

const varint = (v: number): number[] => {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v > 0) b |= 0x80;
    out.push(b);
  } while (v > 0);
  return out;
};

// ------------------------------------------------------------------------------------------------
// RLE / bit-packing hybrid: a reference encoder mixing RLE runs and bit-packed groups.
// ------------------------------------------------------------------------------------------------

function encodeHybrid(values: number[], bitWidth: number, rnd: () => number): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < values.length) {
    let run = 1;
    while (i + run < values.length && values[i + run] === values[i]) run++;
    if (run >= 3 || rnd() < 0.2) {
      out.push(...varint(run << 1));
      const v = values[i]!;
      for (let b = 0; b < Math.ceil(bitWidth / 8); b++) out.push(Math.floor(v / 2 ** (8 * b)) & 0xff);
      i += run;
    } else {
      const groups = Math.max(1, Math.min(Math.ceil((values.length - i) / 8), 1 + Math.floor(rnd() * 4)));
      out.push(...varint((groups << 1) | 1));
      const bits: number[] = [];
      for (let j = 0; j < groups * 8; j++) {
        const v = values[i + j] ?? 0; // padding values past the end
        for (let b = 0; b < bitWidth; b++) bits.push(Math.floor(v / 2 ** b) & 1);
      }
      for (let j = 0; j < bits.length; j += 8) {
        let byte = 0;
        for (let b = 0; b < 8; b++) byte |= (bits[j + b] ?? 0) << b;
        out.push(byte);
      }
      i += groups * 8;
    }
  }
  return Uint8Array.from(out);
}

describe('rle_hybrid_decode_i32', () => {
  it('decodes random mixes of runs and bit-packed groups for every bit width 0..32', () => {
    const rnd = mulberry32(7);
    for (let bw = 0; bw <= 32; bw++) {
      for (const n of [0, 1, 7, 8, 9, 100, 1001]) {
        const max = bw === 0 ? 1 : 2 ** bw;
        const values = Array.from({ length: n }, () => (rnd() < 0.5 ? Math.floor(rnd() * Math.min(max, 4)) : Math.floor(rnd() * max)));
        const enc = encodeHybrid(values, bw, rnd);
        const got = withBytes(enc, (ptr, len) =>
          rt.withScratch(n * 4 + 16, (dst) => {
            const used = k.rle_hybrid_decode_i32!(ptr, len, bw, n, dst);
            expect(used, `bw ${bw} n ${n}`).toBeGreaterThanOrEqual(0);
            expect(used).toBeLessThanOrEqual(len);
            return Array.from(mem.i32(dst, n), (x) => x >>> 0);
          }),
        );
        expect(got, `bw ${bw} n ${n}`).toEqual(values);
      }
    }
  });

  it('reports truncated input instead of reading past it', () => {
    const rnd = mulberry32(3);
    const values = Array.from({ length: 300 }, () => Math.floor(rnd() * 1000));
    const enc = encodeHybrid(values, 10, rnd);
    for (const cut of [0, 1, 2, Math.floor(enc.length / 2), enc.length - 1]) {
      const code = withBytes(enc.subarray(0, cut), (ptr, len) => rt.withScratch(300 * 4, (dst) => k.rle_hybrid_decode_i32!(ptr, len, 10, 300, dst)));
      expect(code, `cut at ${cut}`).toBeLessThan(0);
    }
    expect(withBytes(enc, (ptr, len) => rt.withScratch(16, (dst) => k.rle_hybrid_decode_i32!(ptr, len, 33, 1, dst)))).toBeLessThan(0);
  });
});

describe('def_levels_to_validity', () => {
  it('turns bit-width-1 levels into validity bytes and counts the nulls', () => {
    const rnd = mulberry32(11);
    for (const n of [0, 1, 5, 8, 63, 64, 65, 1000]) {
      for (const pNull of [0, 0.1, 0.5, 1]) {
        const levels = Array.from({ length: n }, () => (rnd() < pNull ? 0 : 1));
        const enc = encodeHybrid(levels, 1, rnd);
        const [nulls, got] = withBytes(enc, (ptr, len) =>
          rt.withScratch(n + 8, (dst) => [k.def_levels_to_validity!(ptr, len, n, dst), Array.from(mem.u8(dst, n))] as const),
        );
        expect(got).toEqual(levels);
        expect(nulls).toBe(levels.filter((l) => l === 0).length);
      }
    }
  });
});

// ------------------------------------------------------------------------------------------------
// Snappy: random valid streams (literals and copies, overlapping ones too) against a reference.
// ------------------------------------------------------------------------------------------------

function randomSnappy(rnd: () => number, elements: number): { compressed: Uint8Array; expected: Uint8Array } {
  const out: number[] = [];
  const body: number[] = [];
  for (let e = 0; e < elements; e++) {
    const kind = out.length === 0 ? 0 : Math.floor(rnd() * 4);
    if (kind === 0) {
      const len = 1 + Math.floor(rnd() * (rnd() < 0.1 ? 300 : 20));
      if (len <= 60) body.push((len - 1) << 2);
      else if (len <= 256) body.push(60 << 2, len - 1);
      else body.push(61 << 2, (len - 1) & 0xff, (len - 1) >> 8);
      for (let i = 0; i < len; i++) {
        const b = Math.floor(rnd() * 256);
        body.push(b);
        out.push(b);
      }
    } else {
      const offset = 1 + Math.floor(rnd() * Math.min(out.length, kind === 1 ? 2047 : 65535));
      let len: number;
      if (kind === 1) {
        len = 4 + Math.floor(rnd() * 8);
        body.push(1 | ((len - 4) << 2) | ((offset >> 8) << 5), offset & 0xff);
      } else {
        len = 1 + Math.floor(rnd() * 64);
        if (kind === 2) body.push(2 | ((len - 1) << 2), offset & 0xff, offset >> 8);
        else body.push(3 | ((len - 1) << 2), offset & 0xff, (offset >> 8) & 0xff, 0, 0);
      }
      for (let i = 0; i < len; i++) out.push(out[out.length - offset]!);
    }
  }
  return { compressed: Uint8Array.from([...varint(out.length), ...body]), expected: Uint8Array.from(out) };
}

describe('snappy_decompress', () => {
  it('matches a reference on random streams with literals, short and long copies, overlaps', () => {
    const rnd = mulberry32(5);
    for (let t = 0; t < 200; t++) {
      const { compressed, expected } = randomSnappy(rnd, 1 + Math.floor(rnd() * 60));
      const got = withBytes(compressed, (ptr, len) =>
        rt.withScratch(expected.length + 8, (dst) => {
          expect(k.snappy_uncompressed_length!(ptr, len)).toBe(expected.length);
          const n = k.snappy_decompress!(ptr, len, dst, expected.length);
          expect(n).toBe(expected.length);
          return mem.u8(dst, n).slice();
        }),
      );
      expect(got).toEqual(expected);
    }
  });

  it('rejects truncated streams, copies before the start, and outputs over capacity', () => {
    const rnd = mulberry32(9);
    const { compressed, expected } = randomSnappy(rnd, 40);
    const run = (bytes: Uint8Array, cap: number) => withBytes(bytes, (ptr, len) => rt.withScratch(cap + 8, (dst) => k.snappy_decompress!(ptr, len, dst, cap)));
    expect(run(compressed.subarray(0, compressed.length - 1), expected.length)).toBeLessThan(0);
    expect(run(compressed, expected.length - 1)).toBeLessThan(0);
    // Literal "ab", then a copy reaching 3 bytes back: before the start of the output.
    expect(run(Uint8Array.from([5, 1 << 2, 97, 98, 2 | (2 << 2), 3, 0]), 5)).toBeLessThan(0);
    // Random garbage never crashes: it decodes or reports an error.
    for (let t = 0; t < 200; t++) {
      const junk = Uint8Array.from({ length: 1 + Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256));
      const r = run(junk, 256);
      expect(r === -1 || r === -2 || r === -3 || (r >= 0 && r <= 256)).toBe(true);
    }
  });
});

// ------------------------------------------------------------------------------------------------
// Value layouts.
// ------------------------------------------------------------------------------------------------

describe('plain_byte_array_decode and expand_offsets', () => {
  it('turns length-prefixed values into offsets and bytes, then spreads them over null rows', () => {
    const enc = new TextEncoder();
    const words = ['', 'a', 'é', '日本語', '😀x', '', 'plain'];
    const parts = words.map((w) => enc.encode(w));
    const body: number[] = [];
    for (const p of parts) body.push(p.length & 0xff, (p.length >> 8) & 0xff, 0, 0, ...p);
    const bytes = Uint8Array.from(body);
    withBytes(bytes, (ptr, len) => {
      const offsets = rt.allocate((words.length + 1) * 4);
      const data = rt.allocate(len);
      try {
        const total = k.plain_byte_array_decode!(ptr, len, words.length, offsets.ptr, data.ptr);
        const offs = Array.from(mem.i32(offsets.ptr, words.length + 1));
        expect(total).toBe(offs[words.length]);
        const dec = new TextDecoder();
        expect(words.map((_, i) => dec.decode(mem.u8(data.ptr + offs[i]!, offs[i + 1]! - offs[i]!)))).toEqual(words);
        // Spread over 10 rows, 3 of them null.
        const validity = [1, 0, 1, 1, 0, 1, 1, 0, 1, 1];
        rt.withScratch(10, (v) => {
          mem.u8(v, 10).set(validity);
          rt.withScratch(11 * 4, (out) => {
            expect(k.expand_offsets!(offsets.ptr, v, 10, out)).toBe(7);
            const o = Array.from(mem.i32(out, 11));
            const rows = validity.map((ok, i) => (ok ? dec.decode(mem.u8(data.ptr + o[i]!, o[i + 1]! - o[i]!)) : o[i + 1]! - o[i]!));
            let j = 0;
            expect(rows).toEqual(validity.map((ok) => (ok ? words[j++] : 0)));
          });
        });
        // Truncated: the last length prefix points past the end.
        expect(k.plain_byte_array_decode!(ptr, len - 1, words.length, offsets.ptr, data.ptr)).toBeLessThan(0);
      } finally {
        offsets.release();
        data.release();
      }
    });
  });
});

describe('be_fixed_to_i64', () => {
  it('sign-extends big-endian values of 1..16 bytes and flags those beyond 64 bits', () => {
    const rnd = mulberry32(13);
    for (const tl of [1, 2, 3, 4, 5, 7, 8, 9, 12, 16]) {
      const vals: bigint[] = [];
      for (let i = 0; i < 50; i++) {
        const bits = BigInt(Math.min(tl * 8, 64) - 1);
        const mag = BigInt(Math.floor(rnd() * 2 ** 30)) * BigInt(Math.floor(rnd() * 2 ** 30)) * BigInt(Math.floor(rnd() * 16));
        let v = mag % (1n << bits);
        if (rnd() < 0.5) v = -v - 1n;
        vals.push(v);
      }
      vals.push(0n, -1n);
      const bytes = new Uint8Array(vals.length * tl);
      vals.forEach((v, i) => {
        let u = BigInt.asUintN(tl * 8, v);
        for (let b = tl - 1; b >= 0; b--) {
          bytes[i * tl + b] = Number(u & 0xffn);
          u >>= 8n;
        }
      });
      withBytes(bytes, (ptr) =>
        rt.withScratch(vals.length * 8, (dst) => {
          expect(k.be_fixed_to_i64!(ptr, vals.length, tl, dst)).toBe(-1);
          expect(Array.from(mem.i64(dst, vals.length))).toEqual(vals);
        }),
      );
    }
    // 2^64 in 9 bytes does not fit.
    withBytes(Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0]), (ptr) => rt.withScratch(8, (dst) => expect(k.be_fixed_to_i64!(ptr, 1, 9, dst)).toBe(0)));
    // 2^63 in 9 bytes (positive, top kept bit set) does not fit either.
    withBytes(Uint8Array.from([0, 0x80, 0, 0, 0, 0, 0, 0, 0]), (ptr) => rt.withScratch(8, (dst) => expect(k.be_fixed_to_i64!(ptr, 1, 9, dst)).toBe(0)));
  });
});

describe('expand_fixed, first_bad_index, narrow and widen', () => {
  it('scatters dense values of every width to valid rows with zeros elsewhere', () => {
    const rnd = mulberry32(17);
    for (const width of [1, 2, 4, 8, 16]) {
      for (const n of [0, 1, 9, 100]) {
        const validity = Array.from({ length: n }, () => (rnd() < 0.3 ? 0 : 1));
        const present = validity.filter((v) => v === 1).length;
        const dense = Uint8Array.from({ length: present * width }, () => Math.floor(rnd() * 256));
        const expected = new Uint8Array(n * width);
        let j = 0;
        validity.forEach((ok, i) => {
          if (ok) expected.set(dense.subarray(j * width, ++j * width), i * width);
        });
        withBytes(dense, (dptr) =>
          withBytes(Uint8Array.from(validity), (vptr) =>
            rt.withScratch(n * width + 8, (out) => {
              expect(k.expand_fixed!(dptr, vptr, n, width, out)).toBe(present);
              expect(mem.u8(out, n * width).slice()).toEqual(expected);
            }),
          ),
        );
      }
    }
  });

  it('finds indices outside the dictionary (negative ones too), ignoring null rows', () => {
    const idx = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 2, 1]);
    withBytes(new Uint8Array(idx.buffer), (p) => {
      expect(k.first_bad_index!(p, 0, 9, 7)).toBe(-1);
      expect(k.first_bad_index!(p, 0, 9, 6)).toBe(6);
      mem.i32(p, 9)[8] = -1;
      expect(k.first_bad_index!(p, 0, 9, 7)).toBe(8);
      withBytes(Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 1, 0]), (v) => expect(k.first_bad_index!(p, v, 9, 7)).toBe(-1));
    });
  });

  it('narrows int32 to int8/int16 and widens to int64 signed or unsigned', () => {
    const src = Int32Array.from([0, 1, -1, 127, -128, 32767, -32768, 2147483647, -2147483648]);
    withBytes(new Uint8Array(src.buffer), (p) => {
      rt.withScratch(9, (d) => {
        k.narrow_i32!(p, 9, 1, d);
        expect(Array.from(new Int8Array(mem.u8(d, 9).slice().buffer))).toEqual(Array.from(src, (x) => (x << 24) >> 24));
      });
      rt.withScratch(18, (d) => {
        k.narrow_i32!(p, 9, 2, d);
        expect(Array.from(new Int16Array(mem.u8(d, 18).slice().buffer))).toEqual(Array.from(src, (x) => (x << 16) >> 16));
      });
      rt.withScratch(72, (d) => {
        k.widen_i32_i64!(p, 9, 1, d);
        expect(Array.from(mem.i64(d, 9))).toEqual(Array.from(src, (x) => BigInt(x)));
        k.widen_i32_i64!(p, 9, 0, d);
        expect(Array.from(mem.i64(d, 9))).toEqual(Array.from(src, (x) => BigInt(x >>> 0)));
      });
    });
  });

  it('compiles the hot loops to SIMD', () => {
    const wat = readFileSync(new URL('../build/parquet.wat', import.meta.url), 'utf8');
    const body = (name: string) => {
      const start = wat.indexOf(`\n (func $assembly/parquet/${name} `);
      return wat.slice(start, wat.indexOf('\n (func', start + 1));
    };
    expect(body('rle_hybrid_decode_i32')).toMatch(/v128\.store|i32x4\.splat/);
    expect(body('first_bad_index')).toMatch(/i32x4\.ge_u/);
  });
});

describe('DELTA_BINARY_PACKED and the delta byte-array helpers', () => {
  /** Reference encoder: one block of 128 values in 4 miniblocks of 32, bit widths as needed. */
  function encodeDelta(values: bigint[]): Uint8Array {
    const zz = (v: bigint) => {
      let u = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
      const out: number[] = [];
      do {
        let b = Number(u & 0x7fn);
        u >>= 7n;
        if (u > 0n) b |= 0x80;
        out.push(b);
      } while (u > 0n);
      return out;
    };
    const out: number[] = [...varint(128), ...varint(4), ...varint(values.length), ...zz(values[0] ?? 0n)];
    for (let start = 1; start < values.length; start += 128) {
      const deltas = values.slice(start, start + 128).map((v, i) => BigInt.asIntN(64, v - values[start + i - 1]!));
      const min = deltas.reduce((a, b) => (b < a ? b : a));
      out.push(...zz(min));
      const minis: bigint[][] = [0, 1, 2, 3].map((m) => deltas.slice(m * 32, m * 32 + 32).map((d) => BigInt.asUintN(64, d - min)));
      const widths = minis.map((ms) => ms.reduce((w, d) => Math.max(w, d.toString(2).length * (d > 0n ? 1 : 0)), 0));
      out.push(...widths);
      minis.forEach((ms, m) => {
        if (ms.length === 0) return;
        let acc = 0n;
        let bits = 0;
        for (let i = 0; i < 32; i++) {
          acc |= (ms[i] ?? 0n) << BigInt(bits);
          bits += widths[m]!;
        }
        for (let b = 0; b < (32 * widths[m]!) / 8; b++) out.push(Number((acc >> BigInt(8 * b)) & 0xffn));
      });
    }
    return Uint8Array.from(out);
  }

  it('decodes int64 and int32 sequences with wrapping deltas and every miniblock width', () => {
    const rnd = mulberry32(23);
    for (const n of [1, 2, 31, 129, 300]) {
      const values = Array.from({ length: n }, (_, i) => (i % 50 === 7 ? -(2n ** 63n) : BigInt(Math.floor(rnd() * 2 ** 40)) * (rnd() < 0.5 ? -1n : 1n)));
      const enc = encodeDelta(values);
      withBytes(enc, (ptr, len) =>
        rt.withScratch(n * 8, (dst) => {
          expect(k.delta_binary_packed_decode!(ptr, len, n, 1, dst)).toBeGreaterThan(0);
          expect(Array.from(mem.i64(dst, n))).toEqual(values);
          expect(k.delta_binary_packed_decode!(ptr, len - 1, n, 1, dst)).toBeLessThan(0);
        }),
      );
      const small = values.map((v) => BigInt.asIntN(32, v));
      withBytes(encodeDelta(small), (ptr, len) =>
        rt.withScratch(n * 4, (dst) => {
          expect(k.delta_binary_packed_decode!(ptr, len, n, 0, dst)).toBeGreaterThan(0);
          expect(Array.from(mem.i32(dst, n))).toEqual(small.map(Number));
        }),
      );
    }
  });

  it('rejects negative lengths, overruns and prefixes longer than the previous value', () => {
    withBytes(new Uint8Array(Int32Array.from([2, -1, 3]).buffer), (p) => rt.withScratch(16, (o) => expect(k.lengths_to_offsets!(p, 3, 100, o)).toBe(-1)));
    withBytes(new Uint8Array(Int32Array.from([2, 4, 3]).buffer), (p) => rt.withScratch(16, (o) => expect(k.lengths_to_offsets!(p, 3, 8, o)).toBe(-1)));
    // prefixes [0, 3]: the first value has 2 bytes, so a 3-byte prefix is impossible.
    withBytes(new Uint8Array(Int32Array.from([0, 3]).buffer), (pre) =>
      withBytes(new Uint8Array(Int32Array.from([0, 2, 3]).buffer), (so) =>
        withBytes(Uint8Array.from([97, 98, 99]), (sb) => rt.withScratch(64, (o) => expect(k.delta_byte_array_build!(pre, so, sb, 2, o, o + 16, 40)).toBe(-1))),
      ),
    );
  });
});
