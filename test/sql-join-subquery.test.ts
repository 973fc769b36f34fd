/**
 * Uncorrelated subqueries in JOIN ... ON conditions ([NOT] IN, [NOT] EXISTS, scalar) for every join
 * type, against DuckDB; NOT IN is null-aware (a NULL in the subquery makes it unknown, an empty
 * subquery makes it true).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type Env, checkQuery, setupEnv, teardownEnv } from './helpers/oracle.js';

let env: Env;

beforeAll(async () => {
  env = await setupEnv();
  await env.spark.sql('CREATE TEMP VIEW s1 AS SELECT * FROM VALUES (1), (3), (5), (7), (9), (NULL) AS s1(id)');
  await env.spark.sql('CREATE TEMP VIEW s2 AS SELECT * FROM VALUES (1), (3), (4), (6), (9), (NULL) AS s2(id)');
  await env.spark.sql('CREATE TEMP VIEW s3 AS SELECT * FROM VALUES (3), (4), (6), (9) AS s3(id)');
  await env.spark.sql('CREATE TEMP VIEW s4 AS SELECT * FROM VALUES (3), (NULL) AS s4(id)');
});
afterAll(() => teardownEnv(env));

const VIEWS: Record<string, string> = {
  s1: '(VALUES (1), (3), (5), (7), (9), (NULL)) s1(id)',
  s2: '(VALUES (1), (3), (4), (6), (9), (NULL)) s2(id)',
  s3: '(VALUES (3), (4), (6), (9)) s3(id)',
  s4: '(VALUES (3), (NULL)) s4(id)',
};

const duckJoin = (how: string): string => how.replace('LEFT SEMI JOIN', 'SEMI JOIN').replace('LEFT ANTI JOIN', 'ANTI JOIN');

/** DuckDB cannot run subqueries in non-inner join conditions: compute the predicate as a column of its side first. */
function duck(select: string, how: string, side: 's1' | 's2', pred: string): string {
  const inline = (t: string) => pred.replace(new RegExp(`\\b${t}\\.id\\b`, 'g'), 'id').replace(/\bFROM (s[1-4])\b/g, (_m, v: string) => `FROM ${VIEWS[v]!}`);
  const s1 = side === 's1' ? `(SELECT id, ${inline('s1')} AS p FROM ${VIEWS['s1']!.replace(' s1(id)', ' t(id)')}) s1` : VIEWS['s1']!;
  const s2 = side === 's2' ? `(SELECT id, ${inline('s2')} AS p FROM ${VIEWS['s2']!.replace(' s2(id)', ' t(id)')}) s2` : VIEWS['s2']!;
  return `${select} FROM ${s1} ${duckJoin(how)} ${s2} ON s1.id = s2.id AND ${side}.p`;
}

describe('subqueries in JOIN ... ON', () => {
  it('[NOT] IN, [NOT] EXISTS and scalar subqueries for every join type match DuckDB', async () => {
    const preds: ['s1' | 's2', string][] = [
      ['s1', 's1.id IN (SELECT id FROM s3)'],
      ['s1', 's1.id NOT IN (SELECT id FROM s3)'],
      ['s1', 's1.id NOT IN (SELECT id FROM s4)'],
      ['s1', 's1.id NOT IN (SELECT id FROM s3 WHERE id > 100)'],
      ['s2', 's2.id IN (SELECT id FROM s4)'],
      ['s2', 'NOT (s2.id IN (SELECT id FROM s4))'],
      ['s1', 'EXISTS (SELECT 1 FROM s3 WHERE id > 5)'],
      ['s1', 'NOT EXISTS (SELECT 1 FROM s3 WHERE id > 5)'],
      ['s1', 's1.id < (SELECT max(id) FROM s3)'],
    ];
    for (const how of ['JOIN', 'LEFT JOIN', 'RIGHT JOIN', 'FULL JOIN', 'LEFT SEMI JOIN', 'LEFT ANTI JOIN']) {
      const semi = how.includes('SEMI') || how.includes('ANTI');
      for (const [side, p] of preds) {
        if (semi && side === 's2') continue;
        const select = semi ? 'SELECT s1.id AS a' : 'SELECT s1.id AS a, s2.id AS b';
        const q = `${select} FROM s1 ${how} s2 ON s1.id = s2.id AND ${p}`;
        await checkQuery(env, await env.spark.sql(q), duck(select, how, side, p)).catch((e: unknown) => {
          throw new Error(`${q}: ${String(e)}`);
        });
      }
    }
  });
});
