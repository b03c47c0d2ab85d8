import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort, stopChild, waitUntil } from '../../infra/local/processes.ts';
import { ensureRedis } from '../../infra/local/redis-server.ts';
import { Leaderboards } from '../../shared/adapters/redis/leaderboards.ts';
import { SeatDispenser } from '../../shared/adapters/redis/seat-dispenser.ts';
import { deleteKeysUnder, testRedis } from '../support/redis.ts';
import { TEST_DAY } from '../support/test-days.ts';

const prefix = inject('redisKeyPrefix');
const cluster = inject('redisCluster');

describe('Redis client on the run Redis', () => {
  const a = testRedis(`${prefix}a:`);
  const b = testRedis(`${prefix}b:`);
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

// The parity proof: what ElastiCache Serverless refuses, the run's Redis refuses too.
describe.skipIf(!cluster)('cluster-mode Redis, as ElastiCache Serverless runs it', () => {
  // A plain connection to the node, so the server (not the cluster client) judges the request.
  const node = new Redis(inject('redisUrl'), { protocol: 2, keyPrefix: `${prefix}raw:` });
  const client = testRedis(`${prefix}ops:`);
  afterAll(async () => {
    await deleteKeysUnder(client, `${prefix}ops:`);
    for (const key of ['x', 'y', '{t}x', '{t}y']) await node.del(key);
    node.disconnect();
    client.disconnect();
  });

  it('refuses a MULTI and a multi-key command whose keys span slots, with CROSSSLOT', async () => {
    expect(await node.info('cluster')).toMatch(/cluster_enabled:1/);
    const crossSlot = await node.multi().set('x', '1').set('y', '2').exec().then(
      () => 'committed',
      (error: Error) => error.message,
    );
    expect(crossSlot).toMatch(/CROSSSLOT|EXECABORT/);
    await expect(node.mset('x', '1', 'y', '2')).rejects.toThrow(/CROSSSLOT/);
    // The same with a shared hash tag: one slot, accepted.
    expect(await node.multi().set('{t}x', '1').set('{t}y', '2').exec()).toEqual([
      [null, 'OK'],
      [null, 'OK'],
    ]);
  });

  it('runs every Leaderboards and SeatDispenser operation (each within one slot)', async () => {
    const boards = new Leaderboards(client);
    const seats = new SeatDispenser(client);
    const at = `${TEST_DAY}T09:00:00.000Z`;
    await boards.setLevel({ userId: 'u1', displayName: 'One', level: 12, reachedAt: at });
    await boards.setLevel({ userId: 'u2', displayName: 'Two', level: 11, reachedAt: at });
    await boards.setGroupScore({ tournamentId: TEST_DAY, groupId: 'G000001', userId: 'u1', displayName: 'One', score: 150, reachedAt: at });
    expect((await boards.group(TEST_DAY, 'G000001')).map((e) => e.userId)).toEqual(['u1']);
    const first = await boards.globalPage(1);
    expect(first.entries.map((e) => e.userId)).toEqual(['u1']);
    expect((await boards.globalPage(1, { value: 12, reachedAtMs: Date.parse(at), userId: 'u1' })).entries.map((e) => e.userId)).toEqual(['u2']);
    expect(await boards.globalPosition('u2')).toMatchObject({ position: 1 });
    expect(await boards.globalCountAbove({ value: 11, reachedAtMs: Date.parse(at), userId: 'u0' })).toBe(1);
    await boards.rebuildGroup(TEST_DAY, 'G000002', async () => [{ userId: 'u2', displayName: 'Two', value: 0, reachedAt: at }]);
    await boards.beginGlobalRebuild();
    await boards.addToGlobalRebuild([{ userId: 'u3', displayName: 'Three', value: 1, reachedAt: at }]);
    await boards.setLevel({ userId: 'u2', displayName: 'Two', level: 13, reachedAt: at });
    expect(await boards.commitGlobalRebuild()).toBe(2);
    expect(await seats.next(TEST_DAY)).toBe(1);
    await seats.skipTo(TEST_DAY, 40);
    expect(await seats.next(TEST_DAY)).toBe(41);
  });
});

describe('the local stack finds the mode of the Redis that REDIS_URL names', () => {
  it('reports the run Redis as it is', async () => {
    expect(await ensureRedis(inject('redisUrl'))).toMatchObject({ url: inject('redisUrl'), cluster });
  });

  it('reports a standalone server as standalone', async () => {
    const port = await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    try {
      const url = `redis://127.0.0.1:${port}`;
      await waitUntil('standalone redis-server', () => ensureRedis(url), { timeoutMs: 10_000 });
      expect(await ensureRedis(url)).toMatchObject({ url, cluster: false });

      // Stalled (SIGSTOP: connections accepted, nothing answered): waited for, not refused.
      child.kill('SIGSTOP');
      let settled = false;
      const found = ensureRedis(url).finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(settled).toBe(false);
      child.kill('SIGCONT');
      expect(await found).toMatchObject({ url, cluster: false });
    } finally {
      child.kill('SIGCONT');
      await stopChild(child);
    }
  });

  it('refuses at once a REDIS_URL where nothing listens', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    await expect(ensureRedis(url)).rejects.toThrow(/Redis does not answer/);
  });
});
