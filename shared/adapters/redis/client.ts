import { Redis } from 'ioredis';

/**
 * A Redis client for ElastiCache (Valkey/Redis) or the local Redis. RESP2, because every
 * ElastiCache engine speaks it (ioredis 6 defaults to RESP3). All keys get `keyPrefix`, so
 * stacks and test runs sharing one server never see each other's keys.
 */
export function createRedis(options: { url: string; keyPrefix: string; lazyConnect?: boolean }): Redis {
  return new Redis(options.url, {
    protocol: 2,
    keyPrefix: options.keyPrefix,
    lazyConnect: options.lazyConnect ?? false,
    connectTimeout: 2_000,
    // Fail fast while Redis is down instead of waiting on it: callers degrade (e.g. to DynamoDB).
    maxRetriesPerRequest: 1,
    commandTimeout: 1_000,
  });
}
