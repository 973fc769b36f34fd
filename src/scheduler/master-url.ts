import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from '../errors.js';

/**
 * Parses a master URL into the number of executor threads: `local` = 1 (everything on the
 * calling thread), `local[N]` = N, `local[*]` = every core of the machine.
 */
export function coresOfMaster(url: string): number {
  const m = /^local(?:\[(\*|\d+)\])?$/.exec(url.trim());
  if (!m) throw new InvalidArgumentError(`unsupported master '${url}': expected local, local[N] or local[*]`);
  if (m[1] === undefined) return 1;
  if (m[1] === '*') return Math.max(1, availableParallelism());
  const n = Number(m[1]);
  if (n < 1) throw new InvalidArgumentError(`master '${url}' asks for ${n} cores; expected at least 1`);
  return n;
}
