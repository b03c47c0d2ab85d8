import { inject } from 'vitest';
import { createRedis, type RedisClient } from '../../shared/adapters/redis/client.ts';

/** A client of the run's Redis (test/support/redis-setup.ts) under `keyPrefix`, as the functions build it. */
export function testRedis(keyPrefix: string, options: { lazyConnect?: boolean } = {}): RedisClient {
  return createRedis({ url: inject('redisUrl'), cluster: inject('redisCluster'), keyPrefix, ...options });
}

/** The run's Redis as the local stack's children should use it (for e2e tests that pass it on). */
export function testRedisEnv(): { REDIS_URL: string } {
  return { REDIS_URL: inject('redisUrl') };
}

/**
 * Every key under `prefix`, as full names. ioredis applies keyPrefix to commands' keys but not to
 * SCAN's MATCH pattern, so the pattern carries the full prefix; on a cluster every master is
 * scanned (SCAN is per node).
 */
export async function keysUnder(redis: RedisClient, prefix: string): Promise<string[]> {
  const nodes = 'nodes' in redis ? redis.nodes('master') : [redis];
  const found: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      found.push(...batch);
      cursor = next;
    } while (cursor !== '0');
  }
  return found;
}

/** Deletes every key under `prefix` (one DEL per key: the keys span slots); returns how many. */
export async function deleteKeysUnder(redis: RedisClient, prefix: string): Promise<number> {
  const found = await keysUnder(redis, prefix);
  // DEL goes through the client, which adds the prefix again: strip it first.
  const deleted = await Promise.all(found.map((key) => redis.del(key.slice(prefix.length))));
  return deleted.reduce((a, b) => a + b, 0);
}
