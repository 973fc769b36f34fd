/**
 * The executor threads' code as one ES module. Kindling ships TypeScript sources; loading them
 * through a TypeScript loader in every new thread costs seconds, so the driver bundles the executor
 * (src/executor/worker-main.ts and the engine it imports; packages stay external) once with esbuild
 * into build/executor/worker.mjs, and again only when a source file is newer than the bundle.
 * The bundle lives two levels below the package root, like src/wasm/runtime.ts, so it finds the
 * kernels in build/ the same way.
 */
import { mkdir, readdir, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const SRC_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUNDLE = join(SRC_DIR, '..', 'build', 'executor', 'worker.mjs');

let ready: Promise<string> | undefined;

/** The path of an up-to-date executor bundle (built on first use in this process if needed). */
export function workerBundle(): Promise<string> {
  ready ??= ensureBundle().catch((e: unknown) => {
    ready = undefined;
    throw e;
  });
  return ready;
}

async function ensureBundle(): Promise<string> {
  const built = await stat(BUNDLE).then((s) => s.mtimeMs, () => -1);
  if (built >= 0 && built >= (await newestSource(SRC_DIR))) return BUNDLE;
  await mkdir(dirname(BUNDLE), { recursive: true });
  const tmp = `${BUNDLE}.${process.pid}.${Date.now()}.tmp`;
  await build({
    entryPoints: [join(SRC_DIR, 'executor', 'worker-main.ts')],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
  await rename(tmp, BUNDLE);
  return BUNDLE;
}

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, (await stat(path)).mtimeMs);
  }
  return newest;
}
