/**
 * Generators in select lists (Spark's Generate): explode, explode_outer, posexplode and
 * posexplode_outer of an array or map. `extractGenerator` turns a resolved select list with one
 * generator into Project(Generate(child)) (called by projectWithWindows, so SQL and the DataFrame
 * API share it); src/exec/generate-exec.ts runs the node.
 */
import { AnalysisError } from '../errors.js';
import { type DataType, DataTypes, typeToString } from '../types/data-type.js';
import { type AttributeRef, type Expr, exprName, newExprId } from './expression.js';
import type { Generate, LogicalPlan } from './logical-plan.js';
import { typeOfResolved } from './typing.js';

/** Names of the generator functions. */
export const GENERATORS: ReadonlySet<string> = new Set(['explode', 'explode_outer', 'posexplode', 'posexplode_outer']);

function generatorCall(e: Expr): { call: Extract<Expr, { kind: 'call' }>; alias?: Extract<Expr, { kind: 'alias' }> } | undefined {
  if (e.kind === 'call' && GENERATORS.has(e.name.toLowerCase())) return { call: e };
  if (e.kind === 'alias' && e.child.kind === 'call' && GENERATORS.has(e.child.name.toLowerCase())) return { call: e.child, alias: e };
  return undefined;
}

/** True when a resolved select list holds a generator. */
export function hasGenerator(exprs: readonly Expr[]): boolean {
  return exprs.some((e) => generatorCall(e) !== undefined);
}

/**
 * Rewrites a resolved, named select list over `child` with one top-level generator into the
 * Generate node and the list over its output (the generator item replaced by its columns: `col`,
 * or `pos, col` with posexplode; `key, value` for maps; an alias names the element column).
 */
export function extractGenerator(child: LogicalPlan, exprs: readonly Expr[]): { plan: Generate; exprs: Expr[] } {
  const found = exprs.map(generatorCall).filter((g) => g !== undefined);
  if (found.length > 1) throw new AnalysisError(`only one generator (explode, posexplode, ...) is allowed per SELECT, got ${found.length}`);
  const { call, alias: named } = found[0]!;
  // an alias the select list made up (the call's text) is no name: Spark names the output col / key, value
  const alias = named && named.name !== exprName(call) ? named : undefined;
  const name = call.name.toLowerCase();
  if (call.args.length !== 1) throw new AnalysisError(`function ${name} takes 1 argument, got ${call.args.length}`);
  const arg = call.args[0]!;
  const t = typeOfResolved(arg).type;
  const outer = name.endsWith('_outer');
  const position = name.startsWith('pos');
  const attr = (n: string, type: DataType, nullable: boolean, id = newExprId()): AttributeRef => ({ kind: 'attr', id, name: n, type, nullable });
  const out: AttributeRef[] = [];
  if (position) out.push(attr('pos', DataTypes.Integer, outer));
  if (t.kind === 'array') out.push(attr(alias?.name ?? 'col', t.element, true, alias?.id));
  else if (t.kind === 'map') out.push(attr('key', t.key, outer), attr(alias?.name ?? 'value', t.value, true, alias?.id));
  else throw new AnalysisError(`${name}(${exprName(arg)}): the argument must be an array or a map, got ${typeToString(t)}`);
  const plan: Generate = { kind: 'generate', child, generator: arg, outer, position, generatorOutput: out };
  const list: Expr[] = [];
  for (const e of exprs) {
    if (generatorCall(e)) list.push(...out);
    else list.push(e);
  }
  return { plan, exprs: list };
}

