import { createRequire } from 'node:module';
import * as arrow from 'apache-arrow';
const require = createRequire(import.meta.url);
const duckdb = require('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs');
const dist = require.resolve('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs').replace(/duckdb-node-blocking\.cjs$/, '');
const t0 = Date.now();
const logger = new duckdb.VoidLogger();
const db = await duckdb.createDuckDB({ mvp: { mainModule: dist + 'duckdb-mvp.wasm', mainWorker: '' }, eh: { mainModule: dist + 'duckdb-eh.wasm', mainWorker: '' } }, logger, duckdb.NODE_RUNTIME);
await db.instantiate(() => {});
db.open({ maximumThreads: 1 });
const c = db.connect();
console.log('init', Date.now() - t0);
for (const q of ["SET autoload_known_extensions=false", "SET autoinstall_known_extensions=false", "SET threads=1"]) { try { c.query(q); console.log('ok', q); } catch (e) { console.log('fail', q, String(e)); } }
const n = 1_000_000;
const k = new Int32Array(n), v = new Float64Array(n);
for (let i = 0; i < n; i++) { k[i] = i % 100; v[i] = Math.random(); }
const t = arrow.tableFromArrays({ k, v });
const t1 = Date.now();
c.insertArrowFromIPCStream(arrow.tableToIPC(t, 'stream'), { name: 't', create: true });
console.log('load', Date.now() - t1);
const t2 = Date.now();
const r = c.query('select k, sum(v) s from t group by k order by k');
console.log('q', Date.now() - t2, r.numRows, r.toArray()[0].toJSON(), r.schema.fields.map((f:any)=>String(f.type)));
console.log(c.query("select current_setting('threads') th, version() v").toArray()[0].toJSON());
