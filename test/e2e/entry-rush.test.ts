import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gameRules } from '../../shared/domain/game-rules.ts';
import { ApiClient, type ApiResponse } from '../support/api-client.ts';
import { spawnLocalStack, type StackProcess } from '../support/local-stack.ts';
import { TestDatabase } from '../support/stack-with-db.ts';
import { testDay } from '../support/test-days.ts';

const DAY = testDay(2);
const PLAYERS = 500;
const { entryFee, minLevel, groupSize: maxGroupSize } = gameRules.tournament;
/** A new profile's coins, plus what the levels up to the entry level earn. */
const COINS_BEFORE_ENTRY = gameRules.profile.startCoins + (minLevel - 1) * gameRules.profile.coinsPerLevel;
/** Retries of a 503 are bounded; the sweeper and the saga settle an entry within seconds. */
const MAX_RETRIES = 60;

interface Player {
  readonly api: ApiClient;
  readonly sub: string;
}

/** An answer a client may retry: problem+json with Retry-After (503, or 409 while the first request runs). */
function expectRetryable(response: ApiResponse): void {
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject(
    response.status === 409 ? { status: 409, code: 'IDEMPOTENCY_IN_PROGRESS' } : { status: 503, code: 'SERVICE_UNAVAILABLE' },
  );
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
}

/** Retries an entry as a game client would after a 503, until it is answered with the entry. */
async function retryUntilEntered(player: Player): Promise<ApiResponse> {
  for (let attempt = 0; attempt < MAX_RETRIES; attempt += 1) {
    const response = await player.api.post('/tournaments/current/entries');
    // 503: not settled yet; 409 IDEMPOTENCY_IN_PROGRESS: the first request's saga is still running.
    const inProgress = response.status === 409 && response.body?.code === 'IDEMPOTENCY_IN_PROGRESS';
    if (response.status !== 503 && !inProgress) return response;
    expectRetryable(response);
    // Retry-After says seconds; a short pause keeps the test quick while the entry settles.
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${player.sub}: still 503 after ${MAX_RETRIES} retries`);
}

/**
 * 500 players entering at the same moment through HTTP on the local stack. The local Lambda
 * runtime gives each concurrent invocation a container of its own (as Lambda does), so what this
 * measures is the product: every answer is the entry, or an honest 503 that a retry turns into
 * the same seat; every player is charged once; and no seat is wasted (groups fill to 35), even
 * with half of them levelling up at the same moment.
 */
describe(`an entry rush of ${PLAYERS} players`, () => {
  let db: TestDatabase;
  let stack: StackProcess;
  const players: Player[] = [];

  beforeAll(async () => {
    db = await TestDatabase.start();
    stack = await spawnLocalStack(['--ephemeral', '--clock', `${DAY}T08:00:00Z`], db.env);
    const local = new ApiClient(stack.url);
    const limit = pLimit(16);
    await Promise.all(
      Array.from({ length: PLAYERS }, (_, i) =>
        limit(async () => {
          const player = await local.signIn(`rush-${i}`);
          expect((await player.api.post('/users', { displayName: `Rush ${i}` })).status).toBe(201);
          const progress = await player.api.post('/users/me/progress', { levelIncrease: minLevel - 1 });
          expect(progress.body).toMatchObject({ level: minLevel, coins: COINS_BEFORE_ENTRY });
          players.push(player);
        }),
      ),
    );
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.stop();
  });

  it('answers each entry with its seat or a retry-able 503, charges each player once and fills groups to 35', async () => {
    // Every other player also levels up at the same moment: its profile changes under the entry's
    // transactions (a conflict unrelated to the group), which must not cost a seat.
    const levelsUp = (i: number) => i % 2 === 0;
    const [first] = await Promise.all([
      Promise.all(players.map((player) => player.api.post('/tournaments/current/entries'))),
      Promise.all(
        players.map(async (player, i) => {
          if (!levelsUp(i)) return;
          const progress = await player.api.post('/users/me/progress', { levelIncrease: 1 });
          expect(progress.status, JSON.stringify(progress.body)).toBe(200);
        }),
      ),
    ]);
    const coinsAfter = (i: number) => COINS_BEFORE_ENTRY - entryFee + (levelsUp(i) ? gameRules.profile.coinsPerLevel : 0);
    const statuses = first.map((response) => response.status);
    expect(statuses.filter((status) => status !== 201 && status !== 503), `statuses: ${statuses.join(',')}`).toEqual([]);
    for (const response of first.filter((r) => r.status === 503)) expectRetryable(response);

    // Whatever the first answer was, entering again shows the one seat the player holds.
    const seats = new Map<string, string>();
    for (const [i, player] of players.entries()) {
      const answer = first[i]!;
      const again = await retryUntilEntered(player);
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      if (answer.status === 201) expect(again.body.groupId).toBe(answer.body.groupId);
      seats.set(player.sub, again.body.groupId);
      expect(again.body.coins).toBe(coinsAfter(i));
    }

    // Coins exact in the table: each player paid the fee once, whatever the answers were.
    for (const [i, player] of players.entries()) expect(await db.coinsOf(player.sub)).toBe(coinsAfter(i));
    // Each player sits in the group its answer named, and no group holds more than 35 or was
    // started while another had seats left: a seat is spent only by a successful join.
    const groups = await db.groups(DAY);
    const seated = [...groups.values()].flat();
    expect(seated.sort()).toEqual(players.map((p) => p.sub).sort());
    for (const [group, members] of groups) for (const member of members) expect(seats.get(member)).toBe(group);
    const sizes = [...groups.values()].map((members) => members.length).sort((a, b) => b - a);
    expect(sizes.every((size) => size <= maxGroupSize)).toBe(true);
    expect(groups.size).toBe(Math.ceil(PLAYERS / maxGroupSize));
  });
});
