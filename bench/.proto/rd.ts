import { readFileSync } from 'node:fs';
import * as arrow from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
for (const n of ['users','videos','watch_events']) {
  const t = arrow.tableFromIPC(readParquet(readFileSync(`/tmp/demo/${n}.parquet`)).intoIPCStream());
  console.log(n, t.numRows, t.schema.fields.map(f => `${f.name}:${f.type}${f.nullable?'':'!'}`).join(', '));
  console.log(t.get(0)?.toJSON());
}
