import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gameRules } from '../../shared/domain/game-rules.ts';
import { ApiClient, type ApiResponse } from '../support/api-client.ts';
import { spawnLocalStack, type StackProcess } from '../support/local-stack.ts';
import { TestDatabase } from '../support/stack-with-db.ts';
import { testDay } from '../support/test-days.ts';

const DAY = testDay(3);
const ENTRIES = '/tournaments/current/entries';
const { entryFee, minLevel } = gameRules.tournament;
const { startCoins, coinsPerLevel } = gameRules.profile;
/** Coins of a player levelled up to the entry level. */
const COINS_AT_ENTRY_LEVEL = startCoins + (minLevel - 1) * coinsPerLevel;
/** Duplicates sent at once by one player (double taps and a retrying client). */
const DUPLICATES = 12;
/** Retries of an in-progress answer are bounded: the first request answers within seconds. */
const MAX_RETRIES = 40;

/** 409 IDEMPOTENCY_IN_PROGRESS as the contract gives problems: problem+json with Retry-After. */
function expectInProgress(response: ApiResponse): void {
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ status: 409, code: 'IDEMPOTENCY_IN_PROGRESS' });
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
}

/**
 * Powertools idempotency in front of the entry saga, on the local stack (the template's second
 * table in DynamoDB Local): a player's duplicates start one saga and pay once; a failed entry is
 * not remembered, so a retry after the player fixed the cause enters.
 */
describe('duplicate entries of one player', () => {
  let db: TestDatabase;
  let stack: StackProcess;
  let local: ApiClient;
  let sagaArn: string;

  beforeAll(async () => {
    db = await TestDatabase.start();
    stack = await spawnLocalStack(['--ephemeral', '--clock', `${DAY}T08:00:00Z`], db.env);
    local = new ApiClient(stack.url);
    const { body } = await local.get('/_local/state-machines');
    sagaArn = body.items.find((m: { type: string }) => m.type === 'EXPRESS').stateMachineArn;
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.stop();
  });

  /** Executions of the entry saga started for this player (the local stack keeps the newest 1,000). */
  async function sagasOf(sub: string): Promise<number> {
    const { body } = await local.get(`/_local/executions?stateMachineArn=${encodeURIComponent(sagaArn)}&limit=1000`);
    return body.items.filter((e: { input: { userId?: string } }) => e.input?.userId === sub).length;
  }

  async function eligiblePlayer(username: string) {
    const player = await local.signIn(username);
    expect((await player.api.post('/users', { displayName: username })).status).toBe(201);
    expect((await player.api.post('/users/me/progress', { levelIncrease: minLevel - 1 })).body).toMatchObject({ coins: COINS_AT_ENTRY_LEVEL });
    return player;
  }

  /** Retries as a client does after 409 IDEMPOTENCY_IN_PROGRESS, until the entry's answer. */
  async function retryWhileInProgress(api: ApiClient, response: ApiResponse): Promise<ApiResponse> {
    for (let attempt = 0; attempt < MAX_RETRIES && response.status === 409; attempt += 1) {
      expectInProgress(response);
      await new Promise((resolve) => setTimeout(resolve, 250));
      response = await api.post(ENTRIES);
    }
    return response;
  }

  it(`starts one saga for ${DUPLICATES} entries at once, charges once, and answers each with the entry or 409 IDEMPOTENCY_IN_PROGRESS`, async () => {
    const { api, sub } = await eligiblePlayer('double-tapper');
    const answers = await Promise.all(Array.from({ length: DUPLICATES }, () => api.post(ENTRIES)));

    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201), `statuses: ${statuses.join(',')}`).toHaveLength(1);
    expect(statuses.filter((s) => s !== 201 && s !== 200 && s !== 409), `statuses: ${statuses.join(',')}`).toEqual([]);
    for (const answer of answers.filter((a) => a.status === 409)) expectInProgress(answer);
    const first = answers.find((a) => a.status === 201)!;
    expect(first.body).toEqual({ tournamentId: DAY, groupId: expect.stringMatching(/^G\d{6}$/), joinedAt: expect.any(String), coins: COINS_AT_ENTRY_LEVEL - entryFee });
    for (const answer of answers.filter((a) => a.status === 200)) expect(answer.body).toEqual(first.body);

    // Each duplicate that was told to retry gets the entry, still from the first answer.
    for (const answer of answers.filter((a) => a.status === 409)) {
      const retried = await retryWhileInProgress(api, answer);
      expect(retried.status, JSON.stringify(retried.body)).toBe(200);
      expect(retried.body).toEqual(first.body);
    }
    expect(await sagasOf(sub)).toBe(1);
    expect(await db.coinsOf(sub)).toBe(COINS_AT_ENTRY_LEVEL - entryFee);
  });

  it('replays a completed entry as 200 without a saga, with the coins the player has now', async () => {
    const { api, sub } = await eligiblePlayer('returning');
    const first = await api.post(ENTRIES);
    expect(first.status).toBe(201);
    // Coins move after the entry: the replay shows today's, not the first answer's.
    expect((await api.post('/users/me/progress', { levelIncrease: 1 })).status).toBe(200);
    const again = await api.post(ENTRIES);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, coins: first.body.coins + coinsPerLevel });
    expect(await sagasOf(sub)).toBe(1);
    expect(await db.coinsOf(sub)).toBe(COINS_AT_ENTRY_LEVEL - entryFee + coinsPerLevel);
  });

  it('does not remember a failed entry: a retry runs again, and enters once the player can pay', async () => {
    const { api, sub } = await eligiblePlayer('short-of-coins');
    await db.setCoins(sub, entryFee - 1);
    const refused = await api.post(ENTRIES);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'INSUFFICIENT_COINS', detail: `entry costs ${entryFee} coins; you have ${entryFee - 1}` });
    // The same refusal again comes from a new saga, not from a stored answer.
    expect((await api.post(ENTRIES)).body).toMatchObject({ code: 'INSUFFICIENT_COINS' });
    expect(await sagasOf(sub)).toBe(2);

    await db.setCoins(sub, entryFee + 100);
    const entered = await api.post(ENTRIES);
    expect(entered.status, JSON.stringify(entered.body)).toBe(201);
    expect(entered.body).toMatchObject({ tournamentId: DAY, coins: 100 });
    expect(await db.coinsOf(sub)).toBe(100);
    expect(await sagasOf(sub)).toBe(3);
  });
});
