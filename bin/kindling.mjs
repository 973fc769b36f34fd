#!/usr/bin/env node
// The `kindling` command: a small ESM launcher that loads the TypeScript CLI through tsx (the
// package ships its TypeScript sources, no compiled dist). Paths are resolved from this file, so
// it works from any working directory and through `npx kindling` / node_modules/.bin symlinks.
import { register } from 'tsx/esm/api';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { realpathSync } from 'node:fs';

const here = dirname(realpathSync(fileURLToPath(import.meta.url)));
register();
const { main } = await import(pathToFileURL(join(here, '..', 'src', 'cli', 'main.ts')).href);
const code = await main(process.argv.slice(2));
// Exit explicitly once stdout and stderr are flushed: engine internals (wasm threads, finalizers)
// must not keep a finished command alive.
const flushed = (stream) => new Promise((resolve) => stream.write('', () => resolve()));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
