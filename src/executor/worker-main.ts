/**
 * An executor thread: its own kernel runtime (a wasm memory of its own, so each executor has the
 * whole 4 GiB of wasm32), running the tasks the driver posts, one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { limitRuntimeMemory } from '../wasm/runtime.js';
import { DEFAULT_BLOCK_CACHE_BYTES, type ExecutorOptions, type TaskRequest } from './task.js';
import { runTask } from './task-runner.js';
import { BlockCache } from './block-cache.js';


/** Exit code of a worker that was made to crash by fault injection. */
const CRASH_EXIT_CODE = 70;

if (!parentPort) throw new Error('worker-main.ts must run in a worker thread');
const options = workerData as ExecutorOptions | undefined;
if (options?.memoryLimitBytes) limitRuntimeMemory(options.memoryLimitBytes);
const cache = new BlockCache(options?.blockCacheBytes ?? DEFAULT_BLOCK_CACHE_BYTES);
const port = parentPort;
port.on('message', (req: TaskRequest) => {
  void runTask(req, () => process.exit(CRASH_EXIT_CODE), cache).then((res) => port.postMessage(res));
});
port.postMessage({ type: 'ready' });
