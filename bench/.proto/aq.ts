import * as aq from 'arquero';
const n = 1_000_000;
const k = new Int32Array(n), v = new Float64Array(n); const x = new BigInt64Array(n);
for (let i = 0; i < n; i++) { k[i] = i % 100; v[i] = Math.random(); x[i] = BigInt(Math.floor(Math.random()*2**53)) - 2n**52n; }
const t = aq.table({ k, v, x });
let t0 = performance.now();
const g = t.groupby('k').rollup({ s: aq.op.sum('v') });
console.log('gb', performance.now()-t0, g.numRows(), g.column('k')?.at(0), g.column('s')?.at(0));
t0 = performance.now();
const f = t.filter((d: {v:number}) => d.v > 0.5).rollup({ s: aq.op.sum('v') });
console.log('f', performance.now()-t0, f.get('s', 0));
t0 = performance.now();
const o = t.orderby('x');
const idx = o.indices();
console.log('sort', performance.now()-t0, idx.constructor.name, idx.length, x[idx[0]!], x[idx[1]!], x[idx[n-1]!]);
