/**
 * approx_count_distinct (kernels: assembly/hll.ts): Spark's HyperLogLog++ with Spark's hash
 * (XxHash64, seed 42), register layout (6-bit registers, 10 per 64-bit word) and bias correction,
 * so estimates equal Spark's. Registers live in wasm memory, one register set per group; register
 * sets merge register-wise (mergeRegisters), so partial aggregates can be combined.
 */
import { InvalidArgumentError } from '../errors.js';
import { type DataType, DataTypes, isWideDecimal, typeToString } from '../types/data-type.js';
import { Column } from '../types/column.js';
import { type MemoryReservation, type WasmMemory, WasmBuffer } from '../wasm/memory.js';
import { runtime } from '../wasm/runtime.js';
import { kernelFn } from './common.js';
import { GrowableBuffer, type KeyInput } from './key-table.js';
import { HLL_BIASES, HLL_RAW_ESTIMATES, HLL_THRESHOLDS } from './hll-tables.js';

/** Spark's default relative standard deviation of approx_count_distinct. */
export const DEFAULT_RSD = 0.05;
const REGISTERS_PER_WORD = 10;

/** Spark's precision for a relative standard deviation: ceil(2 log2(1.106 / rsd)), at least 4. */
export function hllPrecision(rsd: number): number {
  const p = Math.ceil((2.0 * Math.log(1.106 / rsd)) / Math.log(2.0));
  if (!(p >= 4)) throw new InvalidArgumentError(`approx_count_distinct: the relative standard deviation must be at most 0.39, got ${rsd}`);
  if (p > 18) throw new InvalidArgumentError(`approx_count_distinct: a relative standard deviation of ${rsd} needs precision ${p}; at most 18 is supported (rsd >= 0.0022)`);
  return p;
}

/** 64-bit words per register set at precision p (Spark's numWords). */
export function hllWords(p: number): number {
  return Math.floor((1 << p) / REGISTERS_PER_WORD) + 1;
}

function alphaM2(p: number): number {
  const m = 1 << p;
  if (p === 4) return 0.673 * m * m;
  if (p === 5) return 0.697 * m * m;
  if (p === 6) return 0.709 * m * m;
  return (0.7213 / (1.0 + 1.079 / m)) * m * m;
}

/** The bias tables of precision p copied into wasm memory once per memory. */
const tableCache = new WeakMap<WasmMemory, Map<number, { raw: WasmBuffer; bias: WasmBuffer }>>();
function tables(p: number): { raw: WasmBuffer; bias: WasmBuffer; len: number } {
  const mem = runtime().memory;
  let byP = tableCache.get(mem);
  if (!byP) tableCache.set(mem, (byP = new Map()));
  let t = byP.get(p);
  const rawData = HLL_RAW_ESTIMATES[p - 4]!;
  if (!t) {
    const raw = WasmBuffer.allocate(mem, rawData.length * 8);
    mem.f64(raw.ptr, rawData.length).set(rawData);
    const biasData = HLL_BIASES[p - 4]!;
    const bias = WasmBuffer.allocate(mem, biasData.length * 8);
    mem.f64(bias.ptr, biasData.length).set(biasData);
    t = { raw, bias };
    byP.set(p, t);
  }
  return { ...t, len: rawData.length };
}

/** Hashes `n` values of a column (Spark's XxHash64, seed 42) into `dst` (n uint64). */
export function hashForHll(input: KeyInput, n: number, dst: number): void {
  const t = input.type;
  if (t.kind === 'utf8') {
    kernelFn('hll', 'hll_hash_utf8')(input.offsetsPtr, input.valuesPtr, n, dst);
    return;
  }
  if (t.kind === 'decimal' && isWideDecimal(t)) {
    runtime().withScratch(16, (scratch) => kernelFn('hll', 'hll_hash_decimal128')(input.valuesPtr, n, scratch, dst));
    return;
  }
  const spec = HASH_WIDTH[t.kind];
  if (!spec) throw new InvalidArgumentError(`approx_count_distinct: values of type ${typeToString(t)} are not supported`);
  kernelFn('hll', 'hll_hash_fixed')(input.valuesPtr, n, spec[0], spec[1], dst);
}

/** Physical width and float flag per type (decimals up to 18 digits hash their unscaled int64, like Spark). */
const HASH_WIDTH: Partial<Record<DataType['kind'], readonly [number, number]>> = {
  boolean: [1, 0], int8: [1, 0], int16: [2, 0], int32: [4, 0], date32: [4, 0],
  int64: [8, 0], timestamp: [8, 0], decimal: [8, 0], float32: [4, 1], float64: [8, 1],
};

/** Merges `count` register sets at `src` into the sets of groups gids[i] (gids 0: set i) of `dst`. */
export function mergeRegisters(dst: number, src: number, gids: number, count: number, p: number): void {
  kernelFn('hll', 'hll_merge')(dst, src, gids, count, hllWords(p));
}

/** The estimates of register sets [start, start + count) at `regs` (precision p) as a non-null bigint column. */
export function estimateColumn(regs: number, start: number, count: number, p: number): Column {
  const mem = runtime().memory;
  const out = WasmBuffer.allocate(mem, Math.max(1, count) * 8);
  if (count > 0) {
    const t = tables(p);
    kernelFn('hll', 'hll_estimate')(regs, hllWords(p), start, count, p, alphaM2(p), t.raw.ptr, t.bias.ptr, t.len, HLL_THRESHOLDS[p - 4]!, out.ptr);
  }
  return new Column(DataTypes.Long, count, out, null, null, 0);
}

/** Reads the relative standard deviation from the first row of the rsd argument column. */
function readRsd(x: KeyInput): number {
  const mem = runtime().memory;
  const t = x.type;
  switch (t.kind) {
    case 'float64':
      return mem.f64(x.valuesPtr, 1)[0]!;
    case 'float32':
      return new Float32Array(mem.memory.buffer, x.valuesPtr, 1)[0]!;
    case 'decimal':
      return Number(mem.i64(x.valuesPtr, 1)[0]!) / 10 ** t.scale;
    case 'int32':
      return mem.i32(x.valuesPtr, 1)[0]!;
    case 'int64':
      return Number(mem.i64(x.valuesPtr, 1)[0]!);
    default:
      throw new InvalidArgumentError(`approx_count_distinct: the relative standard deviation must be a number, got ${typeToString(t)}`);
  }
}

/**
 * The hash-aggregation accumulator of approx_count_distinct(x[, rsd]): one HLL++ register set per
 * group (zeroed on growth); per batch one hash kernel and one register-update kernel.
 */
export class HllAccumulator {
  private p: number | null = null;
  private capacity = 0;
  private readonly regs: GrowableBuffer;

  constructor(
    mem: WasmMemory,
    reservation: MemoryReservation,
    private readonly ungrouped: boolean,
    rsd: number | null = null,
  ) {
    this.regs = new GrowableBuffer(mem, reservation, 0);
    if (rsd !== null) this.p = hllPrecision(rsd);
  }

  /** Precision in use (the default until an rsd argument was seen). */
  get precision(): number {
    return this.p ?? hllPrecision(DEFAULT_RSD);
  }

  /**
   * Notes the group capacity. Register sets (up to 13 KiB each at rsd 0.01) are allocated only for
   * the groups in use (`numGroups` of update / merge), not for the whole capacity of the key table.
   */
  grow(groupCapacity: number): void {
    this.capacity = Math.max(this.capacity, groupCapacity);
  }

  /** Makes room for the register sets of `groups` groups (new ones zeroed). */
  private ensureGroups(groups: number): void {
    if (this.p !== null) this.regs.ensure(Math.max(groups, 1) * hllWords(this.p) * 8);
  }

  /** Adds `n` rows (null rows skipped); `extra[0]`, when present, is the rsd argument (a constant). */
  update(input: KeyInput | null, gids: number, n: number, _numGroups: number, _mask = 0, extra?: readonly KeyInput[]): void {
    if (this.p === null) {
      if (n === 0) return;
      this.p = extra?.length ? hllPrecision(readRsd(extra[0]!)) : hllPrecision(DEFAULT_RSD);
    }
    if (n === 0 || !input || input.type.kind === 'null') return;
    const p = this.p;
    this.ensureGroups(this.ungrouped ? 1 : _numGroups);
    runtime().withScratch(n * 8, (hashes) => {
      hashForHll(input, n, hashes);
      kernelFn('hll', 'hll_update')(this.regs.ptr, hllWords(p), this.ungrouped ? 0 : gids, hashes, input.validityPtr, n, p);
    });
  }

  /** Names of the state columns (partial aggregation): one int64 per register word. */
  get stateNames(): readonly string[] {
    return Array.from({ length: hllWords(this.precision) }, (_, i) => `word${i}`);
  }

  /** All state columns of groups [start, start + count). */
  stateColumns(start: number, count: number): Column[] {
    return this.stateNames.map((_, i) => this.stateColumn(i, start, count));
  }

  /** Word `i` of the register sets of groups [start, start + count) as a non-null bigint column (zeros before any row). */
  stateColumn(i: number, start: number, count: number): Column {
    const mem = runtime().memory;
    const out = WasmBuffer.allocate(mem, Math.max(1, count) * 8);
    if (this.p === null || this.regs.ptr === 0) mem.u8(out.ptr, Math.max(1, count) * 8).fill(0);
    else {
      this.ensureGroups(start + count);
      kernelFn('hll', 'hll_word_column')(this.regs.ptr, hllWords(this.p), i, start, count, out.ptr);
    }
    return new Column(DataTypes.Long, count, out, null, null, 0);
  }

  /**
   * Final aggregation: merges `count` partial states (one bigint column per register word, the
   * precision given by how many there are) into groups gids[i] (gids 0: row i -> group i).
   */
  merge(states: readonly KeyInput[], gids: number, count: number, numGroups: number): void {
    if (this.p === null) {
      let p = 4;
      while (p <= 18 && hllWords(p) !== states.length) p++;
      if (p > 18) throw new InvalidArgumentError(`approx_count_distinct: ${states.length} state columns match no precision`);
      this.p = p;
    }
    const p = this.p;
    if (states.length !== hllWords(p)) throw new InvalidArgumentError(`approx_count_distinct: expected ${hllWords(p)} state columns, got ${states.length}`);
    if (count === 0) return;
    this.ensureGroups(gids === 0 ? Math.max(numGroups, count) : numGroups);
    states.forEach((s, w) => kernelFn('hll', 'hll_merge_word')(this.regs.ptr, hllWords(p), w, gids, s.valuesPtr, count));
  }

  /** Estimates of groups [start, start + count) (bigint, never null). */
  finish(start: number, count: number): Column {
    const p = this.precision;
    if (this.p === null) this.p = p;
    this.ensureGroups(start + count);
    return estimateColumn(this.regs.ptr, start, count, p);
  }

  /** Frees the registers. */
  release(): void {
    this.regs.release();
  }
}
