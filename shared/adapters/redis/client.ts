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
    maxRetriesPerRequest: 1,
    // Fail fast while down instead of queueing commands; callers degrade (e.g. read DynamoDB).
    enableOfflineQueue: false,
  });
}
