import { config, required } from '../config.ts';
import { once } from '../once.ts';
import { logger } from './observability.ts';
import { createRedis, type RedisClient } from './redis/client.ts';
import { iamAuthFor } from './redis/iam-auth.ts';
import { Leaderboards } from './redis/leaderboards.ts';
import { SeatDispenser } from './redis/seat-dispenser.ts';

/* The composition root's cache adapters (see repositories.ts): one Redis client per container. */

const redis = once(
  (): RedisClient => {
    const url = required('REDIS_URL');
    const { REDIS_KEY_PREFIX, REDIS_CLUSTER, REDIS_IAM_CACHE, AWS_REGION } = config();
    const client = createRedis({ url, keyPrefix: REDIS_KEY_PREFIX, cluster: REDIS_CLUSTER, password: iamAuthFor(url, REDIS_IAM_CACHE, AWS_REGION) });
    // Connection failures are the callers' to handle (they degrade, e.g. to DynamoDB); the event
    // is only logged, where ioredis would print "Unhandled error event" for each reconnect.
    client.on('error', (error: Error) => logger.warn('redis connection error', { error: error.message }));
    return client;
  },
  (client) => client.disconnect(),
);

export const seatDispenser = once(() => new SeatDispenser(redis()));

export const leaderboards = once(() => new Leaderboards(redis()));
