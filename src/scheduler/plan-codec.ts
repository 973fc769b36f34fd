/**
 * Moves logical plan fragments between threads. A fragment is plain data except for three things
 * structured cloning cannot carry: Schema instances (a class), in-memory relations (batches in one
 * thread's wasm memory) and nothing else; so the codec turns schemas into field lists and every
 * LocalRelation into Arrow IPC blocks, and back. Relations the driver already holds as blocks
 * (shuffle reads, broadcasts; see `blockRelation`) are sent as they are, without re-encoding.
 */
import type { Batch } from '../types/batch.js';
import { Schema, type Field } from '../types/schema.js';
import { type AttributeRef, reserveExprIdsThrough } from '../plan/expression.js';
import type { LocalRelation, LogicalPlan } from '../plan/logical-plan.js';
import { type IpcBlock, cacheable, decodeBlock, encodeBatches } from '../shuffle/ipc-blocks.js';

/** A plan in transferable form (opaque: produced by encodePlan, read by decodePlan). */
export interface EncodedPlan {
  readonly tree: unknown;
}

/** The blocks behind relations created by blockRelation (and encodings cached per relation). */
const blocksOf = new WeakMap<LocalRelation, readonly IpcBlock[]>();

/**
 * A LocalRelation whose rows are the given IPC blocks, not wasm batches: a leaf of a task's
 * fragment (a shuffle partition, a broadcast) that only the executor decodes.
 */
export function blockRelation(attributes: readonly AttributeRef[], schema: Schema, blocks: readonly IpcBlock[]): LocalRelation {
  const rel: LocalRelation = { kind: 'local', attributes, schema, batches: [] };
  blocksOf.set(rel, blocks);
  return rel;
}

/** The blocks behind a relation from blockRelation, if it is one. */
export function relationBlocks(rel: LocalRelation): readonly IpcBlock[] | undefined {
  return blocksOf.get(rel);
}

/** Encodes a plan for another thread. In-memory relations are copied out of wasm memory once per relation. */
export function encodePlan(plan: LogicalPlan): EncodedPlan {
  return { tree: encodeValue(plan) };
}

function encodeValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Schema) return { $schema: v.fields };
  if (v instanceof Uint8Array || v instanceof Date) return v;
  if (Array.isArray(v)) return v.map(encodeValue);
  const obj = v as Record<string, unknown>;
  if (obj.kind === 'local' && Array.isArray(obj.batches)) {
    const rel = obj as unknown as LocalRelation;
    let blocks = blocksOf.get(rel);
    if (!blocks) {
      blocks = [cacheable(encodeBatches(rel.schema, rel.batches))];
      blocksOf.set(rel, blocks);
    }
    return { kind: 'local', attributes: rel.attributes, schema: { $schema: rel.schema.fields }, $blocks: blocks };
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(obj)) out[k] = encodeValue(x);
  return out;
}

/** The blocks an encoded plan's relations hold (in tree order). */
export function encodedBlocks(encoded: EncodedPlan): IpcBlock[] {
  const out: IpcBlock[] = [];
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array || v instanceof Date) return;
    if (Array.isArray(v)) return v.forEach(walk);
    const obj = v as Record<string, unknown>;
    if ('$blocks' in obj) {
      out.push(...(obj.$blocks as IpcBlock[]));
      return;
    }
    if ('$schema' in obj) return;
    for (const x of Object.values(obj)) walk(x);
  };
  walk(encoded.tree);
  return out;
}

/** How an executor turns a block into batches (its BlockCache, or a plain decode). */
export interface BlockDecoder {
  batches(block: IpcBlock, schema: Schema): Batch[];
}

/** A decoded plan and the wasm batches its relations hold (the caller releases them when done). */
export interface DecodedPlan {
  readonly plan: LogicalPlan;
  readonly batches: readonly Batch[];
}

/**
 * Decodes a plan on the executor: schemas rebuilt, relations' blocks copied into this thread's wasm
 * memory (cacheable ones through `cache`, see block-cache.ts), and this thread's expression ids
 * moved past the plan's (see reserveExprIdsThrough). The caller releases the returned batches.
 */
export function decodePlan(encoded: EncodedPlan, cache?: BlockDecoder): DecodedPlan {
  const batches: Batch[] = [];
  try {
    const plan = decodeValue(encoded.tree, batches, cache ?? { batches: decodeBlock }) as LogicalPlan;
    return { plan, batches };
  } catch (e) {
    for (const b of batches) b.release();
    throw e;
  }
}

function decodeValue(v: unknown, batches: Batch[], cache: BlockDecoder): unknown {
  if (v === null || typeof v !== 'object') return v;
  // Attribute ids made by the driver: later ids made here must not collide with them.
  const id = (v as { id?: unknown }).id;
  if (typeof id === 'number') reserveExprIdsThrough(id);
  if (v instanceof Uint8Array || v instanceof Date) return v;
  if (Array.isArray(v)) return v.map((x) => decodeValue(x, batches, cache));
  const obj = v as Record<string, unknown>;
  if ('$schema' in obj) return new Schema(obj.$schema as Field[]);
  if ('$blocks' in obj) {
    const schema = new Schema((obj.schema as { $schema: Field[] }).$schema);
    const mine: Batch[] = [];
    for (const block of obj.$blocks as IpcBlock[]) {
      const decoded = cache.batches(block, schema);
      mine.push(...decoded);
      batches.push(...decoded);
    }
    // The relation's attribute ids count too (a broadcast side may be referenced nowhere else).
    return { kind: 'local', attributes: decodeValue(obj.attributes, batches, cache), schema, batches: mine };
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(obj)) out[k] = decodeValue(x, batches, cache);
  return out;
}
