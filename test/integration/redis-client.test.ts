import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createRedis } from '../../shared/adapters/redis/client.ts';

const url = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('Redis client on the machine Redis', () => {
  const prefix = inject('redisKeyPrefix');
  const a = createRedis({ url, keyPrefix: `${prefix}a:` });
  const b = createRedis({ url, keyPrefix: `${prefix}b:` });
  afterAll(async () => {
    await a.del('board');
    await b.del('board');
    a.disconnect();
    b.disconnect();
  });

  it('keeps each stack behind its own key prefix', async () => {
    await a.zadd('board', '10', 'alice');
    await b.zadd('board', '20', 'bob');
    expect(await a.zrange('board', '0', '-1')).toEqual(['alice']);
    expect(await b.zrange('board', '0', '-1')).toEqual(['bob']);
  });

  it('speaks RESP2, which every ElastiCache engine supports', async () => {
    const hello = (await a.call('HELLO')) as unknown[];
    expect(hello[hello.indexOf('proto') + 1]).toBe(2);
  });
});
