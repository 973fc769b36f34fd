/**
 * A realistic, deterministic short-video platform dataset as Parquet files: users, videos and
 * watch_events, with Zipf-skewed video popularity, multi-byte handles and titles, a few nulls, and a
 * few bad rows (negative watch_ms, null user_id) for data-cleaning demos.
 *
 *   tsx examples/generate-demo-data.ts [dir] [--users N] [--videos N] [--events N] [--seed S]
 *
 * Files are written with parquet-wasm from Apache Arrow tables, each atomically (temp file + rename).
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as arrow from 'apache-arrow';
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm';

/** Sizes and seed of the dataset. */
export interface DemoDataOptions {
  /** Number of users (default 2,000). */
  users?: number;
  /** Number of videos (default 5,000). */
  videos?: number;
  /** Number of watch events (default 200,000). */
  events?: number;
  /** Seed: the same seed and sizes give byte-identical tables (default 7). */
  seed?: number;
}

/** The three tables of the dataset, in memory. */
export interface DemoTables {
  readonly users: arrow.Table;
  readonly videos: arrow.Table;
  readonly watch_events: arrow.Table;
}

/** What generateDemoData wrote. */
export interface DemoDataResult {
  /** Absolute paths by table name. */
  readonly files: Readonly<Record<keyof DemoTables, string>>;
  /** Row counts by table name. */
  readonly rows: Readonly<Record<keyof DemoTables, number>>;
}

const DAY_MS = 86_400_000;
/** Users sign up between these dates. */
const SIGNUP_START = Date.UTC(2019, 0, 1);
const SIGNUP_END = Date.UTC(2024, 5, 30);
/** Videos are uploaded from a creator's signup until UPLOAD_END; events happen in 2024 after the upload. */
const UPLOAD_END = Date.UTC(2024, 11, 1);
const EVENTS_START = Date.UTC(2024, 0, 1);
const EVENTS_END = Date.UTC(2025, 0, 1);
/** Zipf exponent of video popularity. */
const ZIPF_S = 1.07;

const COUNTRIES: readonly (readonly [string, number])[] = [
  ['US', 18], ['BR', 12], ['IN', 12], ['ID', 9], ['MX', 7], ['JP', 6], ['DE', 5], ['GB', 5], ['FR', 4],
  ['TR', 4], ['KR', 4], ['PH', 4], ['VN', 3], ['NG', 3], ['EG', 2], ['PL', 2],
];
const CATEGORIES: readonly (readonly [string, number])[] = [
  ['music', 16], ['comedy', 14], ['dance', 12], ['gaming', 11], ['food', 9], ['beauty', 8], ['sports', 8],
  ['pets', 7], ['education', 6], ['travel', 5], ['diy', 4],
];
const APP_VERSIONS: readonly (readonly [string, number])[] = [
  ['6.2.0', 30], ['6.1.4', 25], ['6.1.0', 15], ['6.0.2', 12], ['5.9.8', 10], ['5.4.1', 6],
];
const NAME_PARTS = ['sun', 'mia', 'leo', 'kai', 'nova', 'zen', 'max', 'ivy', 'ray', 'luna', 'jade', 'finn', 'aria', 'milo'];
const NAME_SUFFIXES = ['vibes', 'daily', 'official', 'tv', 'cooks', 'plays', 'moves', 'fit', 'art', 'beats'];
/** Handles with characters outside ASCII (2-, 3- and 4-byte UTF-8). */
const MULTIBYTE_HANDLES = [
  'zoë', 'josé', 'müller', 'françois', 'søren', 'łukasz', 'Δήμητρα', 'Алёна', 'さくら', '桜子', '민준', 'ชนิดา',
  'محمد', 'Ngọc', '🔥fire', 'café☕', 'stella✨', '🐱neko',
];
const TITLE_TEMPLATES: Record<string, readonly string[]> = {
  music: ['cover of the summer hit', 'late night piano loop', 'guitar riff challenge', 'beat drop compilation'],
  comedy: ['when the wifi dies', 'pov: monday morning', 'my cat judging me', 'office prank gone wrong'],
  dance: ['new dance trend tutorial', 'duet with my grandma', 'shuffle in the rain', 'k-pop chorus dance'],
  gaming: ['speedrun world record attempt', 'clutch 1v4 moment', 'funniest bugs this week', 'ranked grind day 12'],
  food: ['5 minute ramen hack', 'crème brûlée at home', 'street food in Bangkok', 'one pan pasta'],
  beauty: ['10 second makeup look', 'skincare routine 2024', 'nail art for beginners', 'hair curl without heat'],
  sports: ['perfect free kick', 'morning run vlog', 'skate trick fail compilation', 'home workout no gear'],
  pets: ['puppy meets snow', 'parrot says hello', 'cat vs cucumber', 'hamster obstacle course'],
  education: ['math trick in 30 seconds', 'history in 60 seconds', 'learn Japanese: 日本語の挨拶', 'physics of a yo-yo'],
  travel: ['hidden beach in Bali', 'São Paulo at night', 'train ride through the Alps', 'Reykjavík in one day'],
  diy: ['fix a squeaky door', 'tiny desk setup', 'upcycled jeans tote', 'paint a mural ✨'],
};

/** A seeded uint32 generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Random helpers over one generator. */
class Random {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = rng(seed);
  }
  /** Uniform in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }
  /** Uniform integer in [lo, hi). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo));
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }
  /** One item, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length)]!;
  }
  /** One value of weighted pairs. */
  weighted(items: readonly (readonly [string, number])[]): string {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let x = this.float() * total;
    for (const [v, w] of items) {
      if ((x -= w) < 0) return v;
    }
    return items[items.length - 1]![0];
  }
  /** A standard normal variate (Box-Muller). */
  normal(): number {
    const u = 1 - this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
  }
}

/** Cumulative Zipf weights over ranks 1..n: weight(rank) = 1 / rank^s. */
function zipfCdf(n: number, s: number): Float64Array {
  const cdf = new Float64Array(n);
  let acc = 0;
  for (let r = 0; r < n; r++) cdf[r] = acc += 1 / Math.pow(r + 1, s);
  for (let r = 0; r < n; r++) cdf[r]! /= acc;
  return cdf;
}

/** The rank (0-based) whose cumulative weight first reaches u. */
function sampleCdf(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** An int64 vector (ids, durations) with optional nulls (valid[i] = 0 marks a null). */
function int64Vector(values: BigInt64Array, valid?: Uint8Array): arrow.Vector {
  const n = values.length;
  if (!valid) return new arrow.Vector([arrow.makeData({ type: new arrow.Int64(), length: n, nullCount: 0, data: values })]);
  const nullBitmap = new Uint8Array(Math.ceil(n / 8));
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    if (valid[i]) nullBitmap[i >> 3]! |= 1 << (i & 7);
    else nullCount++;
  }
  return new arrow.Vector([arrow.makeData({ type: new arrow.Int64(), length: n, nullCount, nullBitmap, data: values })]);
}

/** A UTC microsecond timestamp vector from milliseconds since the epoch. */
function timestampVector(ms: Float64Array): arrow.Vector {
  const micros = new BigInt64Array(ms.length);
  for (let i = 0; i < ms.length; i++) micros[i] = BigInt(ms[i]!) * 1000n;
  const type = new arrow.TimestampMicrosecond('UTC');
  return new arrow.Vector([arrow.makeData({ type, length: ms.length, nullCount: 0, data: micros })]);
}

/** Builds the three tables in memory (deterministic for given options). */
export function buildDemoTables(opts: DemoDataOptions = {}): DemoTables {
  const numUsers = checkCount('users', opts.users ?? 2_000);
  const numVideos = checkCount('videos', opts.videos ?? 5_000);
  const numEvents = checkCount('events', opts.events ?? 200_000);
  const seed = opts.seed ?? 7;
  const rnd = new Random(seed);

  // --- users -------------------------------------------------------------------------------------
  const userIds = new BigInt64Array(numUsers);
  const handles: string[] = new Array<string>(numUsers);
  const countries: string[] = new Array<string>(numUsers);
  const signupDays = new Int32Array(numUsers);
  const isCreator: boolean[] = new Array<boolean>(numUsers);
  const creators: number[] = [];
  for (let i = 0; i < numUsers; i++) {
    userIds[i] = BigInt(100_001 + i);
    const base = rnd.chance(0.12) ? rnd.pick(MULTIBYTE_HANDLES) : `${rnd.pick(NAME_PARTS)}_${rnd.pick(NAME_SUFFIXES)}`;
    handles[i] = `${base}${i}`; // unique
    countries[i] = rnd.weighted(COUNTRIES);
    signupDays[i] = Math.floor((SIGNUP_START + rnd.float() * (SIGNUP_END - SIGNUP_START)) / DAY_MS);
    isCreator[i] = i === 0 || rnd.chance(0.15);
    if (isCreator[i]) creators.push(i);
  }

  // --- videos ------------------------------------------------------------------------------------
  // Creators' output is itself skewed: a few creators upload most videos.
  const creatorCdf = zipfCdf(creators.length, 0.9);
  const videoIds = new BigInt64Array(numVideos);
  const creatorIds = new BigInt64Array(numVideos);
  const titles: string[] = new Array<string>(numVideos);
  const categories: string[] = new Array<string>(numVideos);
  const durations = new Int32Array(numVideos);
  const uploadedMs = new Float64Array(numVideos);
  for (let v = 0; v < numVideos; v++) {
    const creator = creators[sampleCdf(creatorCdf, rnd.float())]!;
    videoIds[v] = BigInt(9_000_001 + v);
    creatorIds[v] = userIds[creator]!;
    const category = rnd.weighted(CATEGORIES);
    categories[v] = category;
    titles[v] = `${rnd.pick(TITLE_TEMPLATES[category]!)}${rnd.chance(0.3) ? ` #${rnd.pick(['fyp', 'viral', 'trend', 'shorts'])}` : ''}`;
    // Short-video lengths: log-normal around 25 s, clamped to [5, 600].
    durations[v] = Math.min(600, Math.max(5, Math.round(Math.exp(3.2 + 0.8 * rnd.normal()))));
    const from = Math.max(signupDays[creator]! * DAY_MS, Date.UTC(2022, 0, 1));
    uploadedMs[v] = Math.floor(from + rnd.float() * (UPLOAD_END - from));
  }

  // --- watch events ------------------------------------------------------------------------------
  // Popularity: Zipf over a random ranking of the videos.
  const byRank = Int32Array.from({ length: numVideos }, (_, i) => i);
  for (let i = numVideos - 1; i > 0; i--) {
    const j = rnd.int(0, i + 1);
    const t = byRank[i]!;
    byRank[i] = byRank[j]!;
    byRank[j] = t;
  }
  const videoCdf = zipfCdf(numVideos, ZIPF_S);
  const eventIds = new BigInt64Array(numEvents);
  const evUser = new BigInt64Array(numEvents);
  const evUserValid = new Uint8Array(numEvents);
  const evVideo = new BigInt64Array(numEvents);
  const watchedMs = new Float64Array(numEvents);
  const watchMs = new BigInt64Array(numEvents);
  const liked: boolean[] = new Array<boolean>(numEvents);
  const completed: boolean[] = new Array<boolean>(numEvents);
  const appVersions: (string | null)[] = new Array<string | null>(numEvents);
  for (let e = 0; e < numEvents; e++) {
    eventIds[e] = BigInt(1 + e);
    const v = byRank[sampleCdf(videoCdf, rnd.float())]!;
    evVideo[e] = videoIds[v]!;
    // Bad rows: about 0.1% of events lost their user.
    if (rnd.chance(0.001)) evUserValid[e] = 0;
    else {
      evUserValid[e] = 1;
      evUser[e] = userIds[rnd.int(0, numUsers)]!;
    }
    const from = Math.max(uploadedMs[v]!, EVENTS_START);
    watchedMs[e] = Math.floor(from + rnd.float() * (EVENTS_END - from));
    const fullMs = durations[v]! * 1000;
    const done = rnd.chance(0.35);
    let ms = done ? fullMs + rnd.int(0, 1500) : Math.floor(fullMs * rnd.float() * 0.95);
    if (rnd.chance(0.0005)) ms = -rnd.int(1, 60_000); // bad rows: negative watch time
    watchMs[e] = BigInt(ms);
    completed[e] = ms >= fullMs;
    liked[e] = rnd.chance(completed[e] ? 0.2 : 0.03);
    appVersions[e] = rnd.chance(0.02) ? null : rnd.weighted(APP_VERSIONS);
  }

  const users = new arrow.Table({
    user_id: int64Vector(userIds),
    handle: arrow.vectorFromArray(handles, new arrow.Utf8()),
    country: arrow.vectorFromArray(countries, new arrow.Utf8()),
    signup_date: new arrow.Vector([arrow.makeData({ type: new arrow.DateDay(), length: numUsers, nullCount: 0, data: signupDays })]),
    is_creator: arrow.vectorFromArray(isCreator, new arrow.Bool()),
  });
  const videos = new arrow.Table({
    video_id: int64Vector(videoIds),
    creator_id: int64Vector(creatorIds),
    title: arrow.vectorFromArray(titles, new arrow.Utf8()),
    category: arrow.vectorFromArray(categories, new arrow.Utf8()),
    duration_s: new arrow.Vector([arrow.makeData({ type: new arrow.Int32(), length: numVideos, nullCount: 0, data: durations })]),
    uploaded_at: timestampVector(uploadedMs),
  });
  const watch_events = new arrow.Table({
    event_id: int64Vector(eventIds),
    user_id: int64Vector(evUser, evUserValid),
    video_id: int64Vector(evVideo),
    watched_at: timestampVector(watchedMs),
    watch_ms: int64Vector(watchMs),
    liked: arrow.vectorFromArray(liked, new arrow.Bool()),
    completed: arrow.vectorFromArray(completed, new arrow.Bool()),
    app_version: arrow.vectorFromArray(appVersions, new arrow.Utf8()),
  });
  return { users, videos, watch_events };
}

/** Encodes an Arrow table as Parquet bytes (snappy) with parquet-wasm. */
export function toParquet(table: arrow.Table): Uint8Array {
  const wasmTable = WasmTable.fromIPCStream(arrow.tableToIPC(table, 'stream'));
  const props = new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).setCreatedBy('kindling demo data').build();
  return writeParquet(wasmTable, props);
}

/** Writes `bytes` to `file` atomically: a temp file in the same directory, then a rename. */
function writeAtomic(file: string, bytes: Uint8Array): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Generates the dataset and writes dir/users.parquet, dir/videos.parquet and dir/watch_events.parquet
 * (creating dir). Deterministic for a seed and sizes; defaults: 2k users, 5k videos, 200k events.
 */
export async function generateDemoData(dir: string, opts: DemoDataOptions = {}): Promise<DemoDataResult> {
  const tables = buildDemoTables(opts);
  const out = resolve(dir);
  mkdirSync(out, { recursive: true });
  const names = ['users', 'videos', 'watch_events'] as const;
  const files = {} as Record<keyof DemoTables, string>;
  const rows = {} as Record<keyof DemoTables, number>;
  for (const name of names) {
    const file = join(out, `${name}.parquet`);
    writeAtomic(file, toParquet(tables[name]));
    files[name] = file;
    rows[name] = tables[name].numRows;
  }
  return { files, rows };
}

function checkCount(what: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`generateDemoData: ${what} must be a positive integer, got ${n}`);
  return n;
}

function parseCli(argv: readonly string[]): { dir: string; opts: DemoDataOptions } {
  let dir = 'demo-data';
  const opts: DemoDataOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new RangeError(`${a} needs a non-negative integer`);
      return v;
    };
    if (a === '--users') opts.users = num();
    else if (a === '--videos') opts.videos = num();
    else if (a === '--events') opts.events = num();
    else if (a === '--seed') opts.seed = num();
    else if (!a.startsWith('--')) dir = a;
    else throw new RangeError(`unknown argument '${a}'; usage: [dir] [--users N] [--videos N] [--events N] [--seed S]`);
  }
  return { dir, opts };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const { dir, opts } = parseCli(process.argv.slice(2));
  const t0 = performance.now();
  generateDemoData(dir, opts).then(
    (r) => {
      for (const [name, file] of Object.entries(r.files)) {
        console.log(`${name}: ${r.rows[name as keyof DemoTables].toLocaleString('en-US')} rows -> ${file}`);
      }
      console.log(`done in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(1);
    },
  );
}
