/**
 * Row generators of the eight TPC-H tables (clause 4.2.3). Each table is produced as a sequence of
 * Arrow record batches of about `batchRows` rows; every value is a function of the seed and the
 * row index only (see random.ts), so the output does not depend on the batch size.
 *
 * Row indexes of the random streams: the 0-based row number, except for lineitem, whose lines are
 * indexed `orderIndex * 8 + (linenumber - 1)`, and partsupp, indexed `partIndex * 4 + i`.
 */
import type * as arrow from 'apache-arrow';
import { Stream } from './random.js';
import {
  type Cardinalities,
  BBB_PER_10000,
  COLORS,
  CONTAINERS,
  CURRENT_DATE,
  INSTRUCTIONS,
  LAST_ORDER_DATE,
  NATIONS,
  PRIORITIES,
  REGIONS,
  SEGMENTS,
  SHIP_MODES,
  START_DATE,
  TEXT_LENGTHS,
  TYPES,
  type TableName,
  orderKey,
  partSupplier,
  retailPriceCents,
} from './spec.js';
import { Utf8Builder, dateData, decimalData, int32Data, int64Data, recordBatch, schemaOf } from './columns.js';
import { ascii } from './text.js';

/** What every table generator needs. */
export interface GenContext {
  readonly seed: number;
  readonly counts: Cardinalities;
  /** The text pool comments are cut from (text.ts). */
  readonly pool: Uint8Array;
  /** Rows per batch (and per Parquet row group), about. */
  readonly batchRows: number;
}

/** Column names and kinds of every table, in the specification's order. */
export const SCHEMAS: Record<TableName, arrow.Schema> = {
  region: schemaOf([['r_regionkey', 'int32'], ['r_name', 'utf8'], ['r_comment', 'utf8']]),
  nation: schemaOf([['n_nationkey', 'int32'], ['n_name', 'utf8'], ['n_regionkey', 'int32'], ['n_comment', 'utf8']]),
  supplier: schemaOf([
    ['s_suppkey', 'int64'], ['s_name', 'utf8'], ['s_address', 'utf8'], ['s_nationkey', 'int32'], ['s_phone', 'utf8'],
    ['s_acctbal', 'decimal'], ['s_comment', 'utf8'],
  ]),
  customer: schemaOf([
    ['c_custkey', 'int64'], ['c_name', 'utf8'], ['c_address', 'utf8'], ['c_nationkey', 'int32'], ['c_phone', 'utf8'],
    ['c_acctbal', 'decimal'], ['c_mktsegment', 'utf8'], ['c_comment', 'utf8'],
  ]),
  part: schemaOf([
    ['p_partkey', 'int64'], ['p_name', 'utf8'], ['p_mfgr', 'utf8'], ['p_brand', 'utf8'], ['p_type', 'utf8'],
    ['p_size', 'int32'], ['p_container', 'utf8'], ['p_retailprice', 'decimal'], ['p_comment', 'utf8'],
  ]),
  partsupp: schemaOf([
    ['ps_partkey', 'int64'], ['ps_suppkey', 'int64'], ['ps_availqty', 'int32'], ['ps_supplycost', 'decimal'], ['ps_comment', 'utf8'],
  ]),
  orders: schemaOf([
    ['o_orderkey', 'int64'], ['o_custkey', 'int64'], ['o_orderstatus', 'utf8'], ['o_totalprice', 'decimal'],
    ['o_orderdate', 'date'], ['o_orderpriority', 'utf8'], ['o_clerk', 'utf8'], ['o_shippriority', 'int32'], ['o_comment', 'utf8'],
  ]),
  lineitem: schemaOf([
    ['l_orderkey', 'int64'], ['l_partkey', 'int64'], ['l_suppkey', 'int64'], ['l_linenumber', 'int32'],
    ['l_quantity', 'decimal'], ['l_extendedprice', 'decimal'], ['l_discount', 'decimal'], ['l_tax', 'decimal'],
    ['l_returnflag', 'utf8'], ['l_linestatus', 'utf8'], ['l_shipdate', 'date'], ['l_commitdate', 'date'],
    ['l_receiptdate', 'date'], ['l_shipinstruct', 'utf8'], ['l_shipmode', 'utf8'], ['l_comment', 'utf8'],
  ]),
};

/** Generates the batches of one table. */
export function tableBatches(table: TableName, ctx: GenContext): Generator<arrow.RecordBatch> {
  switch (table) {
    case 'region':
      return regionBatches(ctx);
    case 'nation':
      return nationBatches(ctx);
    case 'supplier':
      return supplierBatches(ctx);
    case 'customer':
      return customerBatches(ctx);
    case 'part':
      return partBatches(ctx);
    case 'partsupp':
      return partsuppBatches(ctx);
    case 'orders':
      return ordersBatches(ctx);
    case 'lineitem':
      return lineitemBatches(ctx);
  }
}

// ---- shared pieces --------------------------------------------------------------------------------

const encodeAll = (xs: readonly string[]): Uint8Array[] => xs.map(ascii);

/** A text column: a substring of the pool with a random offset and a length in [min, max]. */
class TextColumn {
  private readonly len: Stream;
  private readonly off: Stream;
  constructor(
    seed: number,
    name: string,
    private readonly range: readonly [number, number],
    private readonly pool: Uint8Array,
  ) {
    this.len = new Stream(seed, `${name}.length`);
    this.off = new Stream(seed, `${name}.offset`);
  }
  append(b: Utf8Builder, row: number): void {
    const n = this.len.int(row, this.range[0], this.range[1]);
    b.bytesValue(this.pool, this.off.int(row, 0, this.pool.length - n), n);
  }
}

/** 64 symbols of v-strings (clause 4.2.2.7: "at least 64 symbols"). */
const VSTRING_ALPHABET = ascii('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ ,');

/** A v-string column (addresses): random length in [10, 40], random symbols. */
class VStringColumn {
  private readonly len: Stream;
  private readonly chars: Stream;
  private readonly scratch = new Uint8Array(64);
  constructor(seed: number, name: string) {
    this.len = new Stream(seed, `${name}.length`);
    this.chars = new Stream(seed, `${name}.chars`);
  }
  append(b: Utf8Builder, row: number): void {
    const n = this.len.int(row, 10, 40);
    let u = 0;
    for (let k = 0; k < n; k++) {
      if (k % 5 === 0) u = this.chars.u32(row, 1 + k / 5);
      this.scratch[k] = VSTRING_ALPHABET[u & 63]!;
      u >>>= 6;
    }
    b.bytesValue(this.scratch, 0, n);
  }
}

/** Phone numbers: country code (nation + 10) and three random local parts. */
class PhoneColumn {
  private readonly s: Stream;
  constructor(seed: number, name: string) {
    this.s = new Stream(seed, name);
  }
  append(b: Utf8Builder, row: number, nation: number): void {
    b.phoneValue(nation + 10, this.s.int(row, 100, 999, 0), this.s.int(row, 100, 999, 1), this.s.int(row, 1000, 9999, 2));
  }
}

/** Batches [start, end) of `total` rows. */
function* ranges(total: number, batch: number): Generator<[number, number]> {
  for (let start = 0; start < total; start += batch) yield [start, Math.min(total, start + batch)];
}

// ---- region and nation ----------------------------------------------------------------------------

function* regionBatches(ctx: GenContext): Generator<arrow.RecordBatch> {
  const n = REGIONS.length;
  const keys = Int32Array.from(REGIONS, (_, i) => i);
  const names = new Utf8Builder(n, 12);
  const comments = new Utf8Builder(n, 80);
  const text = new TextColumn(ctx.seed, 'region.r_comment', TEXT_LENGTHS.r_comment, ctx.pool);
  for (let i = 0; i < n; i++) {
    names.asciiValue(REGIONS[i]!);
    text.append(comments, i);
  }
  yield recordBatch(SCHEMAS.region, [int32Data(keys), names.finish(), comments.finish()]);
}

function* nationBatches(ctx: GenContext): Generator<arrow.RecordBatch> {
  const n = NATIONS.length;
  const keys = Int32Array.from(NATIONS, (_, i) => i);
  const regions = Int32Array.from(NATIONS, ([, r]) => r);
  const names = new Utf8Builder(n, 12);
  const comments = new Utf8Builder(n, 80);
  const text = new TextColumn(ctx.seed, 'nation.n_comment', TEXT_LENGTHS.n_comment, ctx.pool);
  for (let i = 0; i < n; i++) {
    names.asciiValue(NATIONS[i]![0]);
    text.append(comments, i);
  }
  yield recordBatch(SCHEMAS.nation, [int32Data(keys), names.finish(), int32Data(regions), comments.finish()]);
}

// ---- supplier and customer ------------------------------------------------------------------------

const SUPPLIER_PREFIX = ascii('Supplier#');
const CUSTOMER_PREFIX = ascii('Customer#');
const BBB_BASE = ascii('Customer ');
const BBB_COMPLAIN = ascii('Complaints');
const BBB_COMMEND = ascii('Recommends');

function* supplierBatches(ctx: GenContext): Generator<arrow.RecordBatch> {
  const { seed } = ctx;
  const nationS = new Stream(seed, 'supplier.s_nationkey');
  const acctS = new Stream(seed, 'supplier.s_acctbal');
  const bbbS = new Stream(seed, 'supplier.s_comment.bbb');
  const address = new VStringColumn(seed, 'supplier.s_address');
  const phone = new PhoneColumn(seed, 'supplier.s_phone');
  const text = new TextColumn(seed, 'supplier.s_comment', TEXT_LENGTHS.s_comment, ctx.pool);
  for (const [start, end] of ranges(ctx.counts.supplier, ctx.batchRows)) {
    const n = end - start;
    const keys = new Float64Array(n);
    const nations = new Int32Array(n);
    const acct = new Int32Array(n);
    const names = new Utf8Builder(n, 18);
    const addresses = new Utf8Builder(n, 25);
    const phones = new Utf8Builder(n, 15);
    const comments = new Utf8Builder(n, 63);
    for (let j = 0; j < n; j++) {
      const row = start + j;
      keys[j] = row + 1;
      names.paddedValue(SUPPLIER_PREFIX, row + 1, 9);
      address.append(addresses, row);
      nations[j] = nationS.int(row, 0, 24);
      phone.append(phones, row, nations[j]!);
      acct[j] = acctS.int(row, -99_999, 999_999);
      text.append(comments, row);
      // dbgen's "better business bureau" comments: 10 in 10,000 suppliers get "Customer ...Complaints"
      // or "Customer ...Recommends" written over their comment (Q16 excludes the complainers).
      if (bbbS.int(row, 1, 10_000, 0) <= BBB_PER_10000) {
        const { bytes, start: s, end: e } = comments.lastString();
        const len = e - s;
        const noise = bbbS.int(row, 0, len - (BBB_BASE.length + BBB_COMPLAIN.length), 1);
        const offset = bbbS.int(row, 0, len - (BBB_BASE.length + BBB_COMPLAIN.length + noise), 2);
        bytes.set(BBB_BASE, s + offset);
        bytes.set(bbbS.int(row, 0, 1, 3) === 0 ? BBB_COMPLAIN : BBB_COMMEND, s + offset + BBB_BASE.length + noise);
      }
    }
    yield recordBatch(SCHEMAS.supplier, [
      int64Data(keys), names.finish(), addresses.finish(), int32Data(nations), phones.finish(), decimalData(acct), comments.finish(),
    ]);
  }
}

function* customerBatches(ctx: GenContext): Generator<arrow.RecordBatch> {
  const { seed } = ctx;
  const nationS = new Stream(seed, 'customer.c_nationkey');
  const acctS = new Stream(seed, 'customer.c_acctbal');
  const segmentS = new Stream(seed, 'customer.c_mktsegment');
  const address = new VStringColumn(seed, 'customer.c_address');
  const phone = new PhoneColumn(seed, 'customer.c_phone');
  const text = new TextColumn(seed, 'customer.c_comment', TEXT_LENGTHS.c_comment, ctx.pool);
  const segments = encodeAll(SEGMENTS);
  for (const [start, end] of ranges(ctx.counts.customer, ctx.batchRows)) {
    const n = end - start;
    const keys = new Float64Array(n);
    const nations = new Int32Array(n);
    const acct = new Int32Array(n);
    const names = new Utf8Builder(n, 18);
    const addresses = new Utf8Builder(n, 25);
    const phones = new Utf8Builder(n, 15);
    const segs = new Utf8Builder(n, 10);
    const comments = new Utf8Builder(n, 73);
    for (let j = 0; j < n; j++) {
      const row = start + j;
      keys[j] = row + 1;
      names.paddedValue(CUSTOMER_PREFIX, row + 1, 9);
      address.append(addresses, row);
      nations[j] = nationS.int(row, 0, 24);
      phone.append(phones, row, nations[j]!);
      acct[j] = acctS.int(row, -99_999, 999_999);
      segs.bytesValue(segments[segmentS.int(row, 0, segments.length - 1)]!);
      text.append(comments, row);
    }
    yield recordBatch(SCHEMAS.customer, [
      int64Data(keys), names.finish(), addresses.finish(), int32Data(nations), phones.finish(), decimalData(acct), segs.finish(),
      comments.finish(),
    ]);
  }
}

// ---- part and partsupp ----------------------------------------------------------------------------

const MFGR_PREFIX = ascii('Manufacturer#');

function* partBatches(ctx: GenContext): Generator<arrow.RecordBatch> {
  const { seed } = ctx;
  const nameS = new Stream(seed, 'part.p_name');
  const mfgrS = new Stream(seed, 'part.p_mfgr');
  const brandS = new Stream(seed, 'part.p_brand');
  const typeS = new Stream(seed, 'part.p_type');
  const sizeS = new Stream(seed, 'part.p_size');
  const containerS = new Stream(seed, 'part.p_container');
  const text = new TextColumn(seed, 'part.p_comment', TEXT_LENGTHS.p_comment, ctx.pool);
  const colors = encodeAll(COLORS);
  const types = encodeAll(TYPES);
  const containers = encodeAll(CONTAINERS);
  const brandBytes = ascii('Brand#00');
  const nameScratch = new Uint8Array(5 * 12);
  const picked = new Int32Array(5);
  for (const [start, end] of ranges(ctx.counts.part, ctx.batchRows)) {
    const n = end - start;
    const keys = new Float64Array(n);
    const sizes = new Int32Array(n);
    const prices = new Int32Array(n);
    const names = new Utf8Builder(n, 35);
    const mfgrs = new Utf8Builder(n, 14);
    const brands = new Utf8Builder(n, 8);
    const typeB = new Utf8Builder(n, 20);
    const containerB = new Utf8Builder(n, 8);
    const comments = new Utf8Builder(n, 14);
    for (let j = 0; j < n; j++) {
      const row = start + j;
      const key = row + 1;
      keys[j] = key;
      // p_name: five distinct colors, separated by single spaces.
      let len = 0;
      for (let c = 0, draw = 0; c < 5; draw++) {
        const color = nameS.int(row, 0, colors.length - 1, draw);
        let dup = false;
        for (let q = 0; q < c; q++) dup ||= picked[q] === color;
        if (dup) continue;
        picked[c++] = color;
        if (len > 0) nameScratch[len++] = 32;
        nameScratch.set(colors[color]!, len);
        len += colors[color]!.length;
      }
      names.bytesValue(nameScratch, 0, len);
      const m = mfgrS.int(row, 1, 5);
      mfgrs.paddedValue(MFGR_PREFIX, m, 1);
      brandBytes[6] = 48 + m;
      brandBytes[7] = 48 + brandS.int(row, 1, 5);
      brands.bytesValue(brandBytes);
      typeB.bytesValue(types[typeS.int(row, 0, types.length - 1)]!);
      sizes[j] = sizeS.int(row, 1, 50);
      containerB.bytesValue(containers[containerS.int(row, 0, containers.length - 1)]!);
      prices[j] = retailPriceCents(key);
      text.append(comments, row);
    }
    yield recordBatch(SCHEMAS.part, [
      int64Data(keys), names.finish(), mfgrs.finish(), brands.finish(), typeB.finish(), int32Data(sizes), containerB.finish(),
      decimalData(prices), comments.finish(),
    ]);
  }
}

function* partsuppBatches(ctx: GenContext): Generator<arrow.RecordBatch> {
  const { seed } = ctx;
  const S = ctx.counts.supplier;
  const qtyS = new Stream(seed, 'partsupp.ps_availqty');
  const costS = new Stream(seed, 'partsupp.ps_supplycost');
  const text = new TextColumn(seed, 'partsupp.ps_comment', TEXT_LENGTHS.ps_comment, ctx.pool);
  const partsPerBatch = Math.max(1, Math.floor(ctx.batchRows / 4));
  for (const [pStart, pEnd] of ranges(ctx.counts.part, partsPerBatch)) {
    const n = (pEnd - pStart) * 4;
    const parts = new Float64Array(n);
    const supps = new Float64Array(n);
    const qty = new Int32Array(n);
    const cost = new Int32Array(n);
    const comments = new Utf8Builder(n, 124);
    for (let j = 0; j < n; j++) {
      const row = pStart * 4 + j;
      const partkey = Math.floor(row / 4) + 1;
      parts[j] = partkey;
      supps[j] = partSupplier(partkey, row % 4, S);
      qty[j] = qtyS.int(row, 1, 9999);
      cost[j] = costS.int(row, 100, 100_000);
      text.append(comments, row);
    }
    yield recordBatch(SCHEMAS.partsupp, [int64Data(parts), int64Data(supps), int32Data(qty), decimalData(cost), comments.finish()]);
  }
}

// ---- orders and lineitem --------------------------------------------------------------------------

/** The numeric part of a range of orders and their lines (shared by the orders and lineitem passes). */
interface OrderChunk {
  /** Orders in the chunk. */
  readonly orders: number;
  /** Lines per order and the index of each order's first line in the line arrays. */
  readonly lineCount: Int32Array;
  readonly firstLine: Int32Array;
  readonly orderDate: Int32Array;
  /** Line arrays (`lines` entries). */
  readonly lines: number;
  readonly partkey: Float64Array;
  readonly suppkey: Float64Array;
  readonly quantity: Int32Array;
  /** Cents. */
  readonly extendedPrice: Int32Array;
  /** Hundredths. */
  readonly discount: Int32Array;
  readonly tax: Int32Array;
  readonly shipDate: Int32Array;
  readonly commitDate: Int32Array;
  readonly receiptDate: Int32Array;
}

/** Random streams of orders and lineitem. */
class OrderStreams {
  readonly lines: Stream;
  readonly date: Stream;
  readonly partkey: Stream;
  readonly suppIndex: Stream;
  readonly quantity: Stream;
  readonly discount: Stream;
  readonly tax: Stream;
  readonly ship: Stream;
  readonly commit: Stream;
  readonly receipt: Stream;
  constructor(seed: number) {
    this.lines = new Stream(seed, 'orders.lines');
    this.date = new Stream(seed, 'orders.o_orderdate');
    this.partkey = new Stream(seed, 'lineitem.l_partkey');
    this.suppIndex = new Stream(seed, 'lineitem.l_suppkey');
    this.quantity = new Stream(seed, 'lineitem.l_quantity');
    this.discount = new Stream(seed, 'lineitem.l_discount');
    this.tax = new Stream(seed, 'lineitem.l_tax');
    this.ship = new Stream(seed, 'lineitem.l_shipdate');
    this.commit = new Stream(seed, 'lineitem.l_commitdate');
    this.receipt = new Stream(seed, 'lineitem.l_receiptdate');
  }
}

function orderChunk(st: OrderStreams, counts: Cardinalities, start: number, end: number): OrderChunk {
  const orders = end - start;
  const lineCount = new Int32Array(orders);
  const firstLine = new Int32Array(orders);
  const orderDate = new Int32Array(orders);
  let lines = 0;
  for (let j = 0; j < orders; j++) {
    const row = start + j;
    firstLine[j] = lines;
    lines += lineCount[j] = st.lines.int(row, 1, 7);
    orderDate[j] = st.date.int(row, START_DATE, LAST_ORDER_DATE);
  }
  const c: OrderChunk = {
    orders, lineCount, firstLine, orderDate, lines,
    partkey: new Float64Array(lines),
    suppkey: new Float64Array(lines),
    quantity: new Int32Array(lines),
    extendedPrice: new Int32Array(lines),
    discount: new Int32Array(lines),
    tax: new Int32Array(lines),
    shipDate: new Int32Array(lines),
    commitDate: new Int32Array(lines),
    receiptDate: new Int32Array(lines),
  };
  const P = counts.part;
  const S = counts.supplier;
  for (let j = 0; j < orders; j++) {
    const od = orderDate[j]!;
    for (let k = 0; k < lineCount[j]!; k++) {
      const row = (start + j) * 8 + k;
      const x = firstLine[j]! + k;
      const pk = st.partkey.int(row, 1, P);
      c.partkey[x] = pk;
      c.suppkey[x] = partSupplier(pk, st.suppIndex.int(row, 0, 3), S);
      const q = st.quantity.int(row, 1, 50);
      c.quantity[x] = q;
      c.extendedPrice[x] = q * retailPriceCents(pk);
      c.discount[x] = st.discount.int(row, 0, 10);
      c.tax[x] = st.tax.int(row, 0, 8);
      const ship = od + st.ship.int(row, 1, 121);
      c.shipDate[x] = ship;
      c.commitDate[x] = od + st.commit.int(row, 30, 90);
      c.receiptDate[x] = ship + st.receipt.int(row, 1, 30);
    }
  }
  return c;
}

const CLERK_PREFIX = ascii('Clerk#');
const F = ascii('F');
const O = ascii('O');
const P = ascii('P');

function* ordersBatches(ctx: GenContext): Generator<arrow.RecordBatch> {
  const { seed, counts } = ctx;
  const st = new OrderStreams(seed);
  const custS = new Stream(seed, 'orders.o_custkey');
  const prioS = new Stream(seed, 'orders.o_orderpriority');
  const clerkS = new Stream(seed, 'orders.o_clerk');
  const text = new TextColumn(seed, 'orders.o_comment', TEXT_LENGTHS.o_comment, ctx.pool);
  const priorities = encodeAll(PRIORITIES);
  const C = counts.customer;
  for (const [start, end] of ranges(counts.orders, ctx.batchRows)) {
    const chunk = orderChunk(st, counts, start, end);
    const n = end - start;
    const keys = new Float64Array(n);
    const custs = new Float64Array(n);
    const totals = new Int32Array(n);
    const shipPrio = new Int32Array(n);
    const status = new Utf8Builder(n, 1);
    const prio = new Utf8Builder(n, 9);
    const clerks = new Utf8Builder(n, 15);
    const comments = new Utf8Builder(n, 49);
    for (let j = 0; j < n; j++) {
      const row = start + j;
      keys[j] = orderKey(row);
      // A third of the customers never order (dbgen: keys divisible by 3 move to a neighbour).
      let cust = custS.int(row, 1, C);
      if (cust % 3 === 0) cust = cust < C ? cust + 1 : cust - 1;
      custs[j] = cust;
      let total = 0;
      let filled = 0;
      const first = chunk.firstLine[j]!;
      const lines = chunk.lineCount[j]!;
      for (let x = first; x < first + lines; x++) {
        // dbgen's integer arithmetic: truncate after the discount, then after the tax.
        total += Math.floor((Math.floor((chunk.extendedPrice[x]! * (100 - chunk.discount[x]!)) / 100) * (100 + chunk.tax[x]!)) / 100);
        if (chunk.shipDate[x]! <= CURRENT_DATE) filled++;
      }
      totals[j] = total;
      status.bytesValue(filled === lines ? F : filled === 0 ? O : P);
      prio.bytesValue(priorities[prioS.int(row, 0, priorities.length - 1)]!);
      clerks.paddedValue(CLERK_PREFIX, clerkS.int(row, 1, counts.clerks), 9);
      text.append(comments, row);
    }
    yield recordBatch(SCHEMAS.orders, [
      int64Data(keys), int64Data(custs), status.finish(), decimalData(totals), dateData(chunk.orderDate), prio.finish(), clerks.finish(),
      int32Data(shipPrio), comments.finish(),
    ]);
  }
}

const R = ascii('R');
const A = ascii('A');
const N = ascii('N');

function* lineitemBatches(ctx: GenContext): Generator<arrow.RecordBatch> {
  const { seed, counts } = ctx;
  const st = new OrderStreams(seed);
  const flagS = new Stream(seed, 'lineitem.l_returnflag');
  const instructS = new Stream(seed, 'lineitem.l_shipinstruct');
  const modeS = new Stream(seed, 'lineitem.l_shipmode');
  const text = new TextColumn(seed, 'lineitem.l_comment', TEXT_LENGTHS.l_comment, ctx.pool);
  const instructions = encodeAll(INSTRUCTIONS);
  const modes = encodeAll(SHIP_MODES);
  // About batchRows lines per batch: 4 lines per order on average.
  const ordersPerBatch = Math.max(1, Math.floor(ctx.batchRows / 4));
  for (const [start, end] of ranges(counts.orders, ordersPerBatch)) {
    const c = orderChunk(st, counts, start, end);
    const n = c.lines;
    const okeys = new Float64Array(n);
    const lineNo = new Int32Array(n);
    const flags = new Utf8Builder(n, 1);
    const statuses = new Utf8Builder(n, 1);
    const instructB = new Utf8Builder(n, 12);
    const modeB = new Utf8Builder(n, 5);
    const comments = new Utf8Builder(n, 27);
    for (let j = 0; j < c.orders; j++) {
      const key = orderKey(start + j);
      for (let k = 0; k < c.lineCount[j]!; k++) {
        const row = (start + j) * 8 + k;
        const x = c.firstLine[j]! + k;
        okeys[x] = key;
        lineNo[x] = k + 1;
        flags.bytesValue(c.receiptDate[x]! <= CURRENT_DATE ? (flagS.int(row, 0, 1) === 0 ? R : A) : N);
        statuses.bytesValue(c.shipDate[x]! > CURRENT_DATE ? O : F);
        instructB.bytesValue(instructions[instructS.int(row, 0, instructions.length - 1)]!);
        modeB.bytesValue(modes[modeS.int(row, 0, modes.length - 1)]!);
        text.append(comments, row);
      }
    }
    yield recordBatch(SCHEMAS.lineitem, [
      int64Data(okeys), int64Data(c.partkey), int64Data(c.suppkey), int32Data(lineNo), decimalData(scale100(c.quantity)),
      decimalData(c.extendedPrice), decimalData(c.discount), decimalData(c.tax), flags.finish(), statuses.finish(),
      dateData(c.shipDate), dateData(c.commitDate), dateData(c.receiptDate), instructB.finish(), modeB.finish(), comments.finish(),
    ]);
  }
}

/** Whole numbers as decimal(15,2) unscaled values. */
function scale100(v: Int32Array): Int32Array {
  const out = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * 100;
  return out;
}
