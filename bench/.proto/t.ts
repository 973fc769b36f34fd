import { runKernelSuite } from '../run.ts';
const t0 = performance.now();
await runKernelSuite({ rows: 10000, runs: 1, minTime: 0.001, outDir: null, log: (l) => { if (!l.startsWith('|') && !l.startsWith('#')) console.log(((performance.now()-t0)|0) + ' ' + l.slice(0, 80)); } });
