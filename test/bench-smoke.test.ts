/**
 * Smoke test of the kernel benchmark harness (bench/) on tiny data, and of the demo dataset
 * generator (examples/generate-demo-data.ts). No timing assertions: the harness must run end to end,
 * check every engine's answer before reporting a time, and refuse to time a wrong answer.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { describe, expect, it } from 'vitest';
import { runBenchmark, runKernelSuite, parseArgs, KERNEL_GROUPS } from '../bench/run.js';
import type { KernelBenchmark } from '../bench/kernels/common.js';
import { NotAvailableError } from '../bench/kernels/common.js';
import { formatMarkdown, median, type SuiteResult } from '../bench/report.js';
import { hashInt64, hashInt64BigInt } from '../bench/peers/plain-js.js';
import { randomInt64 } from '../bench/data/kernel-data.js';
import { buildDemoTables, generateDemoData } from '../examples/generate-demo-data.js';

describe('kernel benchmark harness', () => {
  it('runs every benchmark on 10k rows and reports times only for answers that agree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-bench-'));
    const lines: string[] = [];
    try {
      const r: SuiteResult = await runKernelSuite({ rows: 10_000, runs: 1, minTime: 0.001, outDir: dir, log: (l) => lines.push(l) });
      const expected = KERNEL_GROUPS.flatMap((g) => g.benchmarks.map((b) => b.name));
      expect(r.benchmarks.map((b) => b.name)).toEqual(expected);
      for (const b of r.benchmarks) {
        for (const e of b.engines) {
          const where = `${b.name}/${e.engine}: ${e.reason ?? ''}`;
          expect(['ok', 'not available'], where).toContain(e.status);
          if (e.status === 'ok') {
            expect(e.checkedAgainst, where).toBeTruthy();
            expect(e.medianMs!, where).toBeGreaterThan(0);
            expect(e.throughput!, where).toBeGreaterThan(0);
            expect(e.samplesMs!.length, where).toBeGreaterThanOrEqual(1);
          } else {
            expect(e.medianMs, where).toBeUndefined();
          }
        }
        // Every benchmark has a working plain-JS reference and at least one other engine.
        expect(b.engines.filter((e) => e.status === 'ok').length, b.name).toBeGreaterThanOrEqual(2);
        const kindling = b.engines.find((e) => e.engine === 'Kindling')!;
        if (kindling.status === 'ok') {
          expect(kindling.checkedAgainst).toMatch(/^plain JS/);
          expect(kindling.timeVsKindling).toBe(1);
        }
      }
      const json = JSON.parse(readFileSync(join(dir, `kernels-${r.date.slice(0, 10)}.json`), 'utf8')) as SuiteResult;
      expect(json.benchmarks.length).toBe(r.benchmarks.length);
      expect(json.machine.logicalCores).toBeGreaterThan(0);
      const md = formatMarkdown(r);
      expect(md).toContain('| engine | median ms |');
      expect(md).toContain('already in wasm memory');
      expect(md).toContain(r.machine.cpuModel);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a wrong answer without a time, and a missing engine as not available', async () => {
    const b: KernelBenchmark<number> = {
      name: 'fake',
      group: 'test',
      title: 'fake',
      rows: 10,
      throughput: { unit: 'rows/s' },
      compare: (a, c) => (a === c ? null : `got ${c}, expected ${a}`),
      engines: [
        { engine: 'Kindling', prepare: () => ({ run: () => 42, answer: () => 42, dispose: () => {} }) },
        { engine: 'plain JS', prepare: () => ({ run: () => 42, answer: () => 42, dispose: () => {} }) },
        { engine: 'Liar', prepare: () => ({ run: () => 41, answer: () => 41, dispose: () => {} }) },
        {
          engine: 'Missing',
          prepare: () => {
            throw new NotAvailableError('not built');
          },
        },
      ],
    };
    const r = await runBenchmark(b as KernelBenchmark<unknown>, { runs: 1, minTime: 0.001, maxTime: 0 }, () => {});
    const by = Object.fromEntries(r.engines.map((e) => [e.engine, e]));
    expect(by.Kindling!.status).toBe('ok');
    expect(by['plain JS']!.checkedAgainst).toBe('Kindling');
    expect(by.Liar!.status).toBe('wrong answer');
    expect(by.Liar!.medianMs).toBeUndefined();
    expect(by.Missing!.status).toBe('not available');

    // When Kindling disagrees with plain JS, Kindling is the wrong one and plain JS becomes the reference.
    const wrongKindling: KernelBenchmark<number> = {
      ...b,
      engines: [{ engine: 'Kindling', prepare: () => ({ run: () => 0, answer: () => 0, dispose: () => {} }) }, ...b.engines.slice(1, 3)],
    };
    const r2 = await runBenchmark(wrongKindling as KernelBenchmark<unknown>, { runs: 1, minTime: 0.001, maxTime: 0 }, () => {});
    expect(r2.engines.map((e) => e.status)).toEqual(['wrong answer', 'ok', 'wrong answer']);
  });

  it('plain-JS xxHash64 equals the BigInt reference of hash_u64', () => {
    const xs = randomInt64(2000, 9);
    xs.set([0n, -1n, 1n, -(2n ** 63n), 2n ** 63n - 1n, 0x7fffffffn, -0x80000000n]);
    const h = new BigUint64Array(hashInt64(xs).buffer);
    for (let i = 0; i < xs.length; i++) expect(h[i], `value ${xs[i]}`).toBe(hashInt64BigInt(xs[i]!));
  });

  it('parses the command line and computes medians', () => {
    expect(parseArgs(['--suite', 'kernels', '--rows', '1e5', '--runs', '3', '--only', 'sort-int64,take'])).toMatchObject({
      suite: 'kernels',
      rows: 1e5,
      runs: 3,
      only: ['sort-int64', 'take'],
    });
    expect(() => parseArgs(['--rows', 'x'])).toThrow(/--rows/);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});

describe('demo dataset generator', () => {
  it('is deterministic for a seed and keeps its invariants', () => {
    const opts = { users: 300, videos: 500, events: 20_000, seed: 3 };
    const a = buildDemoTables(opts);
    const b = buildDemoTables(opts);
    const c = buildDemoTables({ ...opts, seed: 4 });
    const same = (x: arrow.Table, y: arrow.Table) => Buffer.from(arrow.tableToIPC(x)).equals(Buffer.from(arrow.tableToIPC(y)));
    expect(same(a.users, b.users)).toBe(true);
    expect(same(a.videos, b.videos)).toBe(true);
    expect(same(a.watch_events, b.watch_events)).toBe(true);
    expect(same(a.watch_events, c.watch_events)).toBe(false);

    const users = a.users;
    const videos = a.videos;
    const ev = a.watch_events;
    expect([users.numRows, videos.numRows, ev.numRows]).toEqual([300, 500, 20_000]);
    expect(users.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'user_id:Int64', 'handle:Utf8', 'country:Utf8', 'signup_date:Date32<DAY>', 'is_creator:Bool',
    ]);
    expect(ev.schema.fields.map((f) => f.name)).toEqual([
      'event_id', 'user_id', 'video_id', 'watched_at', 'watch_ms', 'liked', 'completed', 'app_version',
    ]);

    const userIds = new Set(users.getChild('user_id')!.toArray() as BigInt64Array);
    const creators = new Set<bigint>();
    const isCreator = users.getChild('is_creator')!;
    const uid = users.getChild('user_id')!;
    for (let i = 0; i < users.numRows; i++) if (isCreator.get(i)) creators.add(uid.get(i) as bigint);
    const creatorIds = Array.from(videos.getChild('creator_id')!.toArray() as BigInt64Array);
    expect(creatorIds.filter((cid) => !creators.has(cid))).toEqual([]);
    const handles = users.getChild('handle')!.toArray() as string[];
    expect(handles.some((h) => new TextEncoder().encode(h).length > h.length)).toBe(true);

    const videoIds = new Set(videos.getChild('video_id')!.toArray() as BigInt64Array);
    const evUser = ev.getChild('user_id')!;
    const evVideo = ev.getChild('video_id')!.toArray() as BigInt64Array;
    const watchMs = ev.getChild('watch_ms')!.toArray() as BigInt64Array;
    const app = ev.getChild('app_version')!;
    let nullUsers = 0;
    let unknownUsers = 0;
    let unknownVideos = 0;
    let negative = 0;
    let nullApps = 0;
    const perVideo = new Map<bigint, number>();
    for (let i = 0; i < ev.numRows; i++) {
      const u = evUser.get(i) as bigint | null;
      if (u === null) nullUsers++;
      else if (!userIds.has(u)) unknownUsers++;
      const v = evVideo[i]!;
      if (!videoIds.has(v)) unknownVideos++;
      perVideo.set(v, (perVideo.get(v) ?? 0) + 1);
      if (watchMs[i]! < 0n) negative++;
      if (app.get(i) === null) nullApps++;
    }
    expect([unknownUsers, unknownVideos]).toEqual([0, 0]);
    expect(nullUsers).toBeGreaterThan(0);
    expect(negative).toBeGreaterThan(0);
    expect(nullApps).toBeGreaterThan(0);
    expect(evUser.nullCount).toBe(nullUsers);
    // Zipf skew: the most watched video gets far more than an even share.
    const top = Math.max(...perVideo.values());
    expect(top).toBeGreaterThan(20 * (ev.numRows / videos.numRows));
  });

  it('writes Parquet files that read back with the same rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-demo-'));
    try {
      const r = await generateDemoData(dir, { users: 100, videos: 200, events: 3_000, seed: 11 });
      expect(r.rows).toEqual({ users: 100, videos: 200, watch_events: 3_000 });
      const mem = buildDemoTables({ users: 100, videos: 200, events: 3_000, seed: 11 });
      for (const name of ['users', 'videos', 'watch_events'] as const) {
        const t = arrow.tableFromIPC(readParquet(readFileSync(r.files[name])).intoIPCStream());
        expect(t.numRows).toBe(mem[name].numRows);
        expect(t.schema.fields.map((f) => f.name)).toEqual(mem[name].schema.fields.map((f) => f.name));
        expect(t.get(7)?.toJSON()).toEqual(mem[name].get(7)?.toJSON());
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
