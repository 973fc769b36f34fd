/**
 * The demo ETL job (`npm run demo`): generates a small short-video platform dataset as Parquet,
 * then cleans, joins, aggregates and sorts it with Kindling's DataFrame API, writes the result as
 * Parquet, reads it back and prints it.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SparkSession, functions as F } from '../src/index.js';
import { generateDemoData } from './generate-demo-data.js';

const dataDir = join(process.cwd(), 'demo-data');
const outDir = join(dataDir, 'output', 'category_country_stats');

async function main(): Promise<void> {
  const started = performance.now();
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const generated = await generateDemoData(dataDir, { seed: 42 });
  console.log(`generated sample data in ${dataDir}: ${JSON.stringify(generated)}`);

  const spark = SparkSession.builder.master('local[*]').appName('kindling-demo').getOrCreate();
  const users = await spark.read.parquet(join(dataDir, 'users.parquet'));
  const videos = await spark.read.parquet(join(dataDir, 'videos.parquet'));
  const events = await spark.read.parquet(join(dataDir, 'watch_events.parquet'));

  // Clean: drop events without a user and with impossible watch times.
  const clean = events.filter(F.col('user_id').isNotNull().and(F.col('watch_ms').geq(0)));
  console.log(`watch events: ${await events.count()} raw, ${await clean.count()} after cleaning`);

  // Join events with the videos they watched and the users who watched them.
  const enriched = clean
    .join(videos.select('video_id', 'category', 'duration_s'), 'video_id')
    .join(users.select('user_id', 'country'), 'user_id')
    .withColumn('watch_day', F.to_date(F.col('watched_at')));

  // Aggregate per category and country.
  const stats = enriched
    .groupBy('category', 'country')
    .agg(
      F.count('*').alias('views'),
      F.countDistinct('user_id').alias('viewers'),
      F.round(F.sum('watch_ms').divide(3_600_000), 2).alias('watch_hours'),
      F.round(F.avg(F.when(F.col('liked'), 1).otherwise(0)), 3).alias('like_rate'),
      F.round(F.avg(F.when(F.col('completed'), 1).otherwise(0)), 3).alias('completion_rate'),
      F.min('watch_day').alias('first_day'),
      F.max('watch_day').alias('last_day'),
    )
    .filter(F.col('views').geq(50))
    .orderBy(F.desc('watch_hours'), F.asc('category'), F.asc('country'));

  stats.explain(true);
  const summary = await stats.write.mode('overwrite').option('compression', 'zstd').parquet(outDir);
  console.log(`\nwrote ${JSON.stringify(summary)}\n`);

  const result = await spark.read.parquet(outDir);
  console.log(`result: ${await result.count()} (category, country) groups; top 15 by watch hours:`);
  await result.orderBy(F.desc('watch_hours'), F.asc('category'), F.asc('country')).show(15);
  console.log(`demo finished in ${((performance.now() - started) / 1000).toFixed(2)} s`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `${e.name}: ${e.message}` : e);
  process.exit(1);
});
