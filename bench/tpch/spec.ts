/**
 * Constants of the TPC-H specification (revision 3.0.x, clause 4.2): table cardinalities, the fixed
 * nation and region rows, the value lists of clause 4.2.2.13 and the dates of clause 4.2.2.12.
 */

/** Days since 1970-01-01 of a UTC calendar date. */
export function epochDay(y: number, m: number, d: number): number {
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

/** STARTDATE (1992-01-01) as days since the epoch. */
export const START_DATE = epochDay(1992, 1, 1);
/** CURRENTDATE (1995-06-17): lines received by then are returned or accepted, shipped by then are filled. */
export const CURRENT_DATE = epochDay(1995, 6, 17);
/** ENDDATE (1998-12-31). */
export const END_DATE = epochDay(1998, 12, 31);
/** Last order date: ENDDATE - 151 days (so every line's receipt date stays before ENDDATE). */
export const LAST_ORDER_DATE = END_DATE - 151;

/** The eight tables, in generation order. */
export const TABLE_NAMES = ['region', 'nation', 'supplier', 'customer', 'part', 'partsupp', 'orders', 'lineitem'] as const;
/** A TPC-H table name. */
export type TableName = (typeof TABLE_NAMES)[number];

/** Row counts of a scale factor (lineitem is known only after generation: 1..7 lines per order). */
export interface Cardinalities {
  readonly supplier: number;
  readonly customer: number;
  readonly part: number;
  readonly partsupp: number;
  readonly orders: number;
  /** Number of distinct clerks (SF * 1000, at least 1). */
  readonly clerks: number;
}

/** Row counts of clause 4.2.5 for a scale factor (fractional SFs allowed, as dbgen: truncated, at least 1). */
export function cardinalities(sf: number): Cardinalities {
  if (!(sf > 0) || !Number.isFinite(sf)) throw new RangeError(`TPC-H scale factor must be a positive number, got ${sf}`);
  const count = (base: number): number => Math.max(1, Math.floor(base * sf + 1e-6));
  const part = count(200_000);
  const supplier = count(10_000);
  if (supplier < 4) throw new RangeError(`TPC-H scale factor ${sf} is too small: at least 4 suppliers are needed for partsupp`);
  return {
    supplier,
    customer: count(150_000),
    part,
    partsupp: 4 * part,
    orders: count(1_500_000),
    clerks: count(1_000),
  };
}

/** o_orderkey of the 0-based order index: keys are sparse, 8 used of every 32 (dbgen's mk_sparse). */
export function orderKey(index: number): number {
  const i = index + 1;
  const low = i % 8;
  return Math.floor(i / 8) * 32 + low;
}

/** The i-th (0..3) supplier of a part (clause 4.2.3, PS_SUPPKEY; also L_SUPPKEY). */
export function partSupplier(partkey: number, i: number, suppliers: number): number {
  const s = suppliers;
  return ((partkey + i * (Math.floor(s / 4) + Math.floor((partkey - 1) / s))) % s) + 1;
}

/** P_RETAILPRICE in cents: (90000 + ((partkey / 10) mod 20001) + 100 * (partkey mod 1000)). */
export function retailPriceCents(partkey: number): number {
  return 90_000 + (Math.floor(partkey / 10) % 20_001) + 100 * (partkey % 1000);
}

/** The regions (r_regionkey = index). */
export const REGIONS = ['AFRICA', 'AMERICA', 'ASIA', 'EUROPE', 'MIDDLE EAST'] as const;

/** The nations: [n_name, n_regionkey] (n_nationkey = index). */
export const NATIONS: readonly (readonly [string, number])[] = [
  ['ALGERIA', 0], ['ARGENTINA', 1], ['BRAZIL', 1], ['CANADA', 1], ['EGYPT', 4], ['ETHIOPIA', 0], ['FRANCE', 3],
  ['GERMANY', 3], ['INDIA', 2], ['INDONESIA', 2], ['IRAN', 4], ['IRAQ', 4], ['JAPAN', 2], ['JORDAN', 4], ['KENYA', 0],
  ['MOROCCO', 0], ['MOZAMBIQUE', 0], ['PERU', 1], ['CHINA', 2], ['ROMANIA', 3], ['SAUDI ARABIA', 4], ['VIETNAM', 2],
  ['RUSSIA', 3], ['UNITED KINGDOM', 3], ['UNITED STATES', 1],
];

/** Market segments (c_mktsegment). */
export const SEGMENTS = ['AUTOMOBILE', 'BUILDING', 'FURNITURE', 'MACHINERY', 'HOUSEHOLD'] as const;
/** Order priorities (o_orderpriority). */
export const PRIORITIES = ['1-URGENT', '2-HIGH', '3-MEDIUM', '4-NOT SPECIFIED', '5-LOW'] as const;
/** Ship instructions (l_shipinstruct). */
export const INSTRUCTIONS = ['DELIVER IN PERSON', 'COLLECT COD', 'NONE', 'TAKE BACK RETURN'] as const;
/** Ship modes (l_shipmode). */
export const SHIP_MODES = ['REG AIR', 'AIR', 'RAIL', 'SHIP', 'TRUCK', 'MAIL', 'FOB'] as const;

/** The three syllables of p_type (150 types). */
export const TYPE_SYLLABLES = [
  ['STANDARD', 'SMALL', 'MEDIUM', 'LARGE', 'ECONOMY', 'PROMO'],
  ['ANODIZED', 'BURNISHED', 'PLATED', 'POLISHED', 'BRUSHED'],
  ['TIN', 'NICKEL', 'BRASS', 'STEEL', 'COPPER'],
] as const;
/** All 150 part types. */
export const TYPES: readonly string[] = TYPE_SYLLABLES[0].flatMap((a) =>
  TYPE_SYLLABLES[1].flatMap((b) => TYPE_SYLLABLES[2].map((c) => `${a} ${b} ${c}`)),
);

/** The two syllables of p_container (40 containers). */
export const CONTAINER_SYLLABLES = [
  ['SM', 'LG', 'MED', 'JUMBO', 'WRAP'],
  ['CASE', 'BOX', 'BAG', 'JAR', 'PKG', 'PACK', 'CAN', 'DRUM'],
] as const;
/** All 40 containers. */
export const CONTAINERS: readonly string[] = CONTAINER_SYLLABLES[0].flatMap((a) => CONTAINER_SYLLABLES[1].map((b) => `${a} ${b}`));

/** The 92 colors of p_name (five distinct ones per part). */
export const COLORS: readonly string[] = (
  'almond antique aquamarine azure beige bisque black blanched blue blush brown burlywood burnished chartreuse ' +
  'chiffon chocolate coral cornflower cornsilk cream cyan dark deep dim dodger drab firebrick floral forest frosted ' +
  'gainsboro ghost goldenrod green grey honeydew hot indian ivory khaki lace lavender lawn lemon light lime linen ' +
  'magenta maroon medium metallic midnight mint misty moccasin navajo navy olive orange orchid pale papaya peach ' +
  'peru pink plum powder puff purple red rose rosy royal saddle salmon sandy seashell sienna sky slate smoke snow ' +
  'spring steel tan thistle tomato turquoise violet wheat white yellow'
).split(' ');

/** Lengths [min, max] of the text columns (clause 4.2.3). */
export const TEXT_LENGTHS = {
  r_comment: [31, 115],
  n_comment: [31, 114],
  s_comment: [25, 100],
  c_comment: [29, 116],
  p_comment: [5, 22],
  ps_comment: [49, 198],
  o_comment: [19, 78],
  l_comment: [10, 43],
} as const;

/** Supplier comments with "Customer ... Complaints/Recommends": 10 in 10,000 rows (dbgen's S_CMNT_BBB). */
export const BBB_PER_10000 = 10;
