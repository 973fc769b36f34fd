/**
 * Spark's random number generator (kernels: assembly/random.ts): a stream of XORShiftRandom draws
 * whose state lives in wasm memory, so rand(seed) / randn(seed) continue their sequence from batch
 * to batch exactly like Spark's per-partition generator.
 */
import { DataTypes } from '../types/data-type.js';
import { Column } from '../types/column.js';
import { WasmBuffer } from '../wasm/memory.js';
import { runtime } from '../wasm/runtime.js';
import { kernelFn } from './common.js';

/** Bytes of generator state (see assembly/random.ts). */
const STATE_BYTES = 24;

/** A generator seeded like Spark's `new XORShiftRandom(seed)`; call `release` when done. */
export class XorShiftRandom {
  private state: WasmBuffer | null;

  /** `seed` is a 64-bit integer (Spark uses `seed + partitionIndex`). */
  constructor(seed: bigint) {
    this.state = WasmBuffer.allocate(runtime().memory, STATE_BYTES);
    const s = BigInt.asUintN(64, seed);
    kernelFn('random', 'xorshift_init')(Number(s & 0xffffffffn) | 0, Number(s >> 32n) | 0, this.state.ptr);
  }

  /** The next `n` uniform doubles in [0, 1) (nextDouble) as a non-null double column. */
  doubles(n: number): Column {
    return this.draw(n, 'xorshift_doubles');
  }

  /** The next `n` standard normal doubles (nextGaussian) as a non-null double column. */
  gaussians(n: number): Column {
    return this.draw(n, 'xorshift_gaussians');
  }

  /** Frees the state (idempotent). */
  release(): void {
    this.state?.release();
    this.state = null;
  }

  private draw(n: number, kernel: string): Column {
    if (!this.state) throw new Error('XorShiftRandom: used after release');
    const values = WasmBuffer.allocate(runtime().memory, Math.max(1, n) * 8);
    kernelFn('random', kernel)(this.state.ptr, n, values.ptr);
    return new Column(DataTypes.Double, n, values, null, null, 0);
  }
}

/** Spark's XORShiftRandom.hashSeed(seed) (for tests). */
export function hashSeed(seed: bigint): bigint {
  return runtime().withScratch(8, (ptr) => {
    const s = BigInt.asUintN(64, seed);
    kernelFn('random', 'xorshift_hash_seed')(Number(s & 0xffffffffn) | 0, Number(s >> 32n) | 0, ptr);
    return runtime().memory.i64(ptr, 1)[0]!;
  });
}
