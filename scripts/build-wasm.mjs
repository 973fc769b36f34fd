// Compiles each kernel family in assembly/*.ts into its own SIMD WebAssembly module under build/.
//
// All modules import one shared linear memory. Each module's static data (lookup tables, strings)
// is placed in its own 64 KiB slot below the heap base (2 MiB + 64 KiB), so modules never overwrite each
// other; the TypeScript memory manager hands out memory only above that base.
// Usage: node scripts/build-wasm.mjs [release|debug] [family ...]   (no families: build all)
import { spawnSync } from 'node:child_process';
import { readdirSync, renameSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join, basename } from 'node:path';

const target = process.argv[2] ?? 'release';
const only = new Set(process.argv.slice(3));
const root = new URL('..', import.meta.url).pathname;
// Every kernel family, in slot order. A family keeps its slot for good (appending is safe;
// reordering would move static data under modules built earlier).
const FAMILIES = ['convert', 'hash', 'partition', 'take', 'compare', 'boolean', 'arith', 'cast', 'math',
  'strings', 'dates', 'aggregate', 'join', 'sort', 'window', 'string_cast', 'conditional', 'merge', 'moments', 'nested', 'parquet', 'random', 'hll', 'decimal128'];
const SLOT = 64 * 1024;
const MAX_SLOTS = 32;
const families = readdirSync(join(root, 'assembly')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
for (const f of families) {
  if (!FAMILIES.includes(basename(f, '.ts'))) {
    console.error(`build-wasm: assembly/${f} is not listed in FAMILIES of scripts/build-wasm.mjs`);
    process.exit(1);
  }
}
if (FAMILIES.length > MAX_SLOTS) {
  console.error(`build-wasm: ${FAMILIES.length} kernel families exceed the ${MAX_SLOTS} static-data slots`);
  process.exit(1);
}
mkdirSync(join(root, 'build'), { recursive: true });
const asc = join(root, 'node_modules', '.bin', 'asc');
let failed = false;
families.forEach((file) => {
  const name = basename(file, '.ts');
  const slot = FAMILIES.indexOf(name);
  if (only.size > 0 && !only.has(name)) return;
  const out = join(root, 'build', `${name}.wasm`);
  const tmp = `${out}.${process.pid}.tmp`;
  const args = [join('assembly', file), '--config', 'asconfig.json', '--target', target,
    '--memoryBase', String((slot + 1) * SLOT), '-o', tmp];
  if (target === 'release') args.push('-t', join(root, 'build', `${name}.wat`));
  const r = spawnSync(asc, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) { failed = true; rmSync(tmp, { force: true }); return; }
  renameSync(tmp, out); // atomic: a concurrent loader never sees a half-written module
  console.log(`built build/${name}.wasm (${statSync(out).size} bytes, static slot ${slot + 1})`);
});
process.exit(failed ? 1 : 0);
