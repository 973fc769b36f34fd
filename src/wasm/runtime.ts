import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { InternalError, KindlingError } from '../errors.js';
import { WasmMemory, WasmBuffer } from './memory.js';

/** The kernel modules' directory: build/ at the package root. */
const BUILD_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'build');

/** The exports of one kernel module: functions over pointers and lengths. */
export type KernelExports = Record<string, (...args: number[]) => number>;

/** Raised when the compiled kernels are missing (the package was not built). */
export class KernelsNotBuiltError extends KindlingError {}

/** A kernel aborted (an assertion inside a kernel failed): always an engine bug. */
export class KernelAbortError extends InternalError {}

/**
 * The WebAssembly side of the engine in this thread: one shared linear memory and every kernel
 * module instantiated against it. Created once, lazily, by `runtime()`.
 */
export class KernelRuntime {
  private readonly modules = new Map<string, KernelExports>();

  constructor(readonly memory: WasmMemory) {}

  /** The exports of kernel module `name` (assembly/<name>.ts), instantiating it on first use. */
  module(name: string): KernelExports {
    let exports = this.modules.get(name);
    if (!exports) {
      exports = instantiate(name, this.memory);
      this.modules.set(name, exports);
    }
    return exports;
  }

  /**
   * Runs `fn` with a temporary allocation of `bytes`, freed afterwards even if `fn` throws: the
   * allocate/call/free sequence written once.
   */
  withScratch<T>(bytes: number, fn: (ptr: number) => T): T {
    const buf = WasmBuffer.allocate(this.memory, bytes);
    try {
      return fn(buf.ptr);
    } finally {
      buf.release();
    }
  }

  /** Allocates a buffer of `bytes` in this runtime's memory. */
  allocate(bytes: number): WasmBuffer {
    return WasmBuffer.allocate(this.memory, bytes);
  }
}

const compiled = new Map<string, WebAssembly.Module>();

function instantiate(name: string, memory: WasmMemory): KernelExports {
  let mod = compiled.get(name);
  if (!mod) {
    const file = join(BUILD_DIR, `${name}.wasm`);
    if (!existsSync(file)) {
      throw new KernelsNotBuiltError(`kernel module ${file} is missing: run 'npm run build' first`);
    }
    mod = new WebAssembly.Module(readFileSync(file));
    compiled.set(name, mod);
  }
  const instance = new WebAssembly.Instance(mod, {
    env: {
      memory: memory.memory,
      abort(msg: number, file: number, line: number, column: number) {
        throw new KernelAbortError(`kernel ${name} aborted at line ${line}:${column} (message ${msg}, file ${file})`);
      },
      seed: () => 0x9e3779b9,
    },
  });
  return instance.exports as unknown as KernelExports;
}

let current: KernelRuntime | undefined;
let memoryLimitBytes: number | undefined;

/**
 * Caps this thread's wasm memory at `limitBytes` (an executor thread's `spark.executor.memory`).
 * Must run before the runtime's first use.
 */
export function limitRuntimeMemory(limitBytes: number): void {
  if (current) throw new InternalError('limitRuntimeMemory: the kernel runtime of this thread already exists');
  memoryLimitBytes = limitBytes;
}

/** The runtime of this thread, created on first use. */
export function runtime(): KernelRuntime {
  current ??= new KernelRuntime(new WasmMemory({ limitBytes: memoryLimitBytes }));
  return current;
}

/** The shared memory of this thread's runtime. */
export function wasmMemory(): WasmMemory {
  return runtime().memory;
}

/** Converts an address returned by a kernel (a signed i32 in JS) to an unsigned number. */
export function unsignedPtr(ptr: number): number {
  return ptr >>> 0;
}
