/**
 * Correlated scalar subqueries with GROUP BY / HAVING, decorrelated when Spark allows it (GROUP BY
 * only over the inner sides of the correlated equalities), against DuckDB; other shapes are errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalysisError } from '../src/index.js';
import { type Env, checkQuery, setupEnvWithViews, teardownEnv } from './helpers/oracle.js';

let env: Env;

beforeAll(async () => {
  env = await setupEnvWithViews('dims', 'small');
});
afterAll(() => teardownEnv(env));

describe('correlated scalar subqueries with GROUP BY / HAVING', () => {
  it('match DuckDB (no group -> NULL, even for count)', async () => {
    const queries = [
      'SELECT d.k, d.g FROM dims d WHERE d.g < (SELECT max(s.i) FROM small s WHERE s.g = d.g GROUP BY s.g)',
      'SELECT d.k FROM dims d WHERE (SELECT max(s.i) FROM small s WHERE s.g = d.g GROUP BY s.g) IS NULL',
      'SELECT d.k FROM dims d WHERE (SELECT count(*) FROM small s WHERE s.g = d.g GROUP BY s.g) IS NULL',
      'SELECT d.k FROM dims d WHERE d.g <= (SELECT min(s.g) FROM small s WHERE s.k = d.k GROUP BY s.k HAVING count(*) > 1) OR d.w > 500',
      'SELECT d.k, CAST((SELECT sum(s.i) FROM small s WHERE s.g = d.g GROUP BY s.g HAVING sum(s.i) > 0) AS BIGINT) AS t FROM dims d',
    ];
    for (const q of queries) await checkQuery(env, await env.spark.sql(q), q);
  });

  it('GROUP BY a column that is not a correlation key is an AnalysisError', async () => {
    await expect(env.spark.sql('SELECT d.k FROM dims d WHERE d.g < (SELECT max(s.i) FROM small s WHERE s.g = d.g GROUP BY s.k)')).rejects.toThrow(AnalysisError);
  });
});
