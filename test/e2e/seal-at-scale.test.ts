import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gameRules } from '../../shared/domain/game-rules.ts';
import { rewardForRank } from '../../shared/domain/rewards.ts';
import type { SealedStanding } from '../../shared/domain/seal.ts';
import { ApiClient } from '../support/api-client.ts';
import { spawnLocalStack, type StackProcess } from '../support/local-stack.ts';
import { seedDay } from '../support/seed-day.ts';
import { TestDatabase } from '../support/stack-with-db.ts';
import { TEST_DAY, testDay } from '../support/test-days.ts';

const DAY = TEST_DAY;
const ENTRANTS = 5_000;
const GROUPS = Math.ceil(ENTRANTS / 35);
/** A bound on waiting, not a speed claim: the seal takes seconds here; a hang fails the test. */
const SEAL_WAIT_MS = 240_000;

/**
 * A day of 5,000 entrants sealed by the seal workflow on the local stack, as on AWS: the close
 * schedule starts the Standard state machine, which fans out over batches of groups with every
 * function's template timeout enforced by the local Lambda runtime.
 */
describe('sealing a day of 5,000 entrants on the local stack', () => {
  let db: TestDatabase;
  let stack: StackProcess;
  let local: ApiClient;
  const players: { api: ApiClient; sub: string }[] = [];

  beforeAll(async () => {
    db = await TestDatabase.start();
    stack = await spawnLocalStack(['--ephemeral', '--clock', `${DAY}T13:00:00Z`], db.env);
    local = new ApiClient(stack.url);
    for (const name of ['first', 'middle', 'last']) players.push(await local.signIn(`seal-${name}`));
    const userIds = Array.from({ length: ENTRANTS }, (_, i) => `seeded-${String(i).padStart(5, '0')}`);
    // Signed-in players sit in the first, a middle and the last (partly filled) group.
    userIds[0] = players[0]!.sub;
    userIds[2_500] = players[1]!.sub;
    userIds[ENTRANTS - 1] = players[2]!.sub;
    expect((await seedDay(await db.table(), DAY, userIds)).groups).toBe(GROUPS);
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.stop();
  });

  it('seals every group once after midnight, and each player is paid the rank it is shown', async () => {
    const before = await players[1]!.api.post(`/tournaments/${DAY}/reward`);
    expect(before.status).toBe(409);

    const midnight = await local.post('/_local/clock', { now: `${testDay(1)}T00:02:00Z` });
    expect(midnight.status).toBe(200);
    expect(midnight.body.fired.map((f: { schedule: string }) => f.schedule)).toContain('good-swipe-local-CloseTournament');

    const deadline = Date.now() + SEAL_WAIT_MS;
    while ((await db.tournament(DAY))?.['state'] !== 'CLOSED') {
      if (Date.now() > deadline) {
        const { body: list } = await local.get('/_local/executions?limit=5');
        const body = await Promise.all(list.items.map(async (e: { executionId: string }) => (await local.get(`/_local/executions/${e.executionId}`)).body));
        throw new Error(`not sealed in time:\n${JSON.stringify(body).slice(-6000)}\n${stack.output().slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }

    const { body: executions } = await local.get('/_local/executions?limit=1000');
    const seal = executions.items.find((e: { input: { tournamentId?: string; startedAt?: string } }) => e.input.tournamentId === DAY && e.input.startedAt);
    expect(seal).toMatchObject({ status: 'SUCCEEDED' });

    // Every group sealed once, ranks 1..n, rewards by the table.
    const t = await db.table();
    const groups: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await t.doc.send(
        new ScanCommand({ TableName: t.tableName, FilterExpression: 'entity = :group', ExpressionAttributeValues: { ':group': 'GROUP' }, ExclusiveStartKey }),
      );
      groups.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    expect(groups).toHaveLength(GROUPS);
    let sealedMembers = 0;
    for (const group of groups) {
      const standings = group['standings'] as SealedStanding[];
      expect(standings.map((s) => s.rank)).toEqual(standings.map((_, i) => i + 1));
      expect(standings.map((s) => s.reward)).toEqual(standings.map((s) => rewardForRank(s.rank, gameRules.tournament.rewards)));
      sealedMembers += standings.length;
    }
    expect(sealedMembers).toBe(ENTRANTS);

    for (const player of players) {
      const shown = await player.api.get(`/tournaments/${DAY}/rank`);
      expect(shown.status).toBe(200);
      const paid = await player.api.post(`/tournaments/${DAY}/reward`);
      expect(paid.status).toBe(200);
      expect(paid.body.rank).toBe(shown.body.rank);
      expect(paid.body.coinsEarned).toBe(rewardForRank(shown.body.rank, gameRules.tournament.rewards));
    }
  }, SEAL_WAIT_MS + 60_000);
});
