import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClusterRedis, type LocalRedis } from '../../infra/local/redis-server.ts';
import { GLOBAL_TOP_TTL_MS } from '../../shared/use-cases/global-first-pages.ts';
import { ApiClient } from '../support/api-client.ts';
import { spawnLocalStack, type StackProcess } from '../support/local-stack.ts';
import { TEST_DAY } from '../support/test-days.ts';

const DAY = TEST_DAY;
/** A bound on waiting, not a speed claim. */
const WAIT_MS = 120_000;

/**
 * The cache is lost (its Redis flushed) mid-day; the rebuild job starts the rebuild workflow on
 * the local stack, which restores the global and the group boards from DynamoDB, as on AWS.
 */
describe('rebuilding the boards after a cache loss, through the rebuild workflow', () => {
  let redis: LocalRedis;
  let stack: StackProcess;
  let local: ApiClient;

  beforeAll(async () => {
    // A Redis of its own: the test flushes it.
    redis = await startClusterRedis();
    stack = await spawnLocalStack(['--ephemeral', '--clock', `${DAY}T08:00:00Z`], { REDIS_URL: redis.url });
    local = new ApiClient(stack.url);
  });
  afterAll(async () => {
    await stack?.stop();
    await redis?.stop();
  });

  const until = async <T>(what: string, read: () => Promise<T | undefined>): Promise<T> => {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const value = await read();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`${what} did not happen:\n${stack.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  it('never shows a partial board, and restores every board exactly without a human (WatchLeaderboards -> the rebuild workflow)', async () => {
    const players: ApiClient[] = [];
    for (let i = 0; i < 12; i++) {
      const player = await local.signIn(`rebuild-${i}`);
      expect((await player.api.post('/users', { displayName: `Rebuild ${i}` })).status).toBe(201);
      expect((await player.api.post('/users/me/progress', { levelIncrease: 9 + (i % 4) })).status).toBe(200);
      expect((await player.api.post('/tournaments/current/entries')).status).toBe(201);
      expect((await player.api.post('/users/me/progress', { levelIncrease: 1 + (i % 3) })).status).toBe(200);
      players.push(player.api);
    }
    // Scores arrive asynchronously (stream -> pipe -> queue -> consumer).
    const scored = (board: { entries: { score: number }[] }) => board.entries.filter((e) => e.score > 0).length === 12;
    const groupBefore = await until('scores', async () => {
      const { body } = await players[0]!.get('/tournaments/current/leaderboard');
      return scored(body) ? body : undefined;
    });
    const globalBefore = (await players[0]!.get('/leaderboards/global?limit=100')).body;
    expect(globalBefore.entries).toHaveLength(12);
    const lostAt = (await local.get('/_local/clock')).body.now;

    const client = new Redis(redis.url);
    await client.flushall();
    client.disconnect();
    // The containers' copies of the top (GLOBAL_TOP_TTL_MS) run out; then a lost board is never
    // served as an empty or partial one.
    await sleep(GLOBAL_TOP_TTL_MS);
    const lost = await players[0]!.get('/leaderboards/global?limit=100');
    expect(lost.status).toBe(503);
    expect(lost.headers.get('retry-after')).toBe('30');
    // The group board is served (and repaired) from DynamoDB meanwhile.
    expect((await players[0]!.get('/tournaments/current/leaderboard')).body).toEqual(groupBefore);

    // Without a human: the next minute's WatchLeaderboards run finds the board lost and starts the rebuild workflow.
    const minute = await local.post('/_local/clock', { advanceSeconds: 60 });
    expect(minute.body.fired.map((f: { schedule: string }) => f.schedule)).toContain('good-swipe-local-WatchLeaderboards');
    const execution = await until('the rebuild', async () => {
      const { body } = await local.get('/_local/executions?limit=20');
      const found = body.items.find((e: { name: string; status: string; startedAt: string }) => e.name.startsWith('rebuild-auto-') && e.status !== 'RUNNING' && e.startedAt > lostAt);
      return found;
    });
    expect(execution).toMatchObject({ status: 'SUCCEEDED', stateMachineArn: expect.stringContaining('RebuildWorkflow') });

    expect((await players[0]!.get('/leaderboards/global?limit=100')).body).toEqual(globalBefore);
    expect((await players[0]!.get('/tournaments/current/leaderboard')).body).toEqual(groupBefore);
  }, WAIT_MS * 3);
});
