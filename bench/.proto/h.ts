import { hashInt64, hashInt64BigInt } from '../peers/plain-js.ts';
import { randomInt64 } from '../data/kernel-data.ts';
const x = randomInt64(100000, 7); x[0]=0n; x[1]=-1n; x[2]=1n;
const h = new BigUint64Array(hashInt64(x).buffer);
let bad=0; for (let i=0;i<x.length;i++) if (h[i]!==hashInt64BigInt(x[i]!)) bad++;
console.log('bad', bad, h[0], hashInt64BigInt(0n));
const big = randomInt64(10_000_000, 1); const t0=performance.now(); hashInt64(big); console.log('10M ms', performance.now()-t0);
