import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { ensureRedis } from '../../infra/local/redis-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's Redis: a private cluster-mode redis-server (as AWS runs it), or REDIS_URL's server. */
    redisUrl: string;
    /** Whether that Redis runs in cluster mode (the private one always does). */
    redisCluster: boolean;
    /** Prefix for this run's Redis keys (REDIS_URL's server may be shared). */
    redisKeyPrefix: string;
  }
}

/** Starts the run's Redis and tells the project's tests where it is; resolves to its stop. */
export async function provideRedis(project: TestProject): Promise<() => Promise<void>> {
  const redis = await ensureRedis(process.env['REDIS_URL'] || undefined);
  project.provide('redisUrl', redis.url);
  project.provide('redisCluster', redis.cluster);
  project.provide('redisKeyPrefix', `goodswipe-test:${randomBytes(4).toString('hex')}:`);
  return () => redis.stop();
}

/** The end-to-end project's setup: Redis only (each local stack starts its own DynamoDB Local). */
export default provideRedis;
