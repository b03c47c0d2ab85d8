import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EntryRepository } from '../../shared/adapters/dynamo/entry-repository.ts';
import { UserRepository } from '../../shared/adapters/dynamo/user-repository.ts';
import { EntrySagaRunner } from '../../shared/adapters/entry-saga-runner.ts';
import { newProfile } from '../../shared/domain/profile.ts';
import { ApiError } from '../../shared/http/problem.ts';
import { ANSWER_MARGIN_MS, enterTournament } from '../../shared/use-cases/enter-tournament.ts';
import { TournamentRepository } from '../../shared/adapters/dynamo/tournament-repository.ts';
import { Leaderboards } from '../../shared/adapters/redis/leaderboards.ts';
import { SeatDispenser } from '../../shared/adapters/redis/seat-dispenser.ts';
import { redisKeys } from '../../shared/adapters/redis/keys.ts';
import { newTournament } from '../../shared/domain/tournament-record.ts';
import { confirmReservation, joinGroup, reserveCoins, validateEntry, type EntrySagaDeps, type EntrySagaState } from '../../shared/use-cases/entry-saga.ts';
import { testRedis } from '../support/redis.ts';
import { freshTable } from '../support/table.ts';
import { TEST_DAY } from '../support/test-days.ts';

const TOURNAMENT = TEST_DAY;
const MORNING = new Date(`${TEST_DAY}T08:00:00.000Z`);
/** What the function has left: the margin plus a little, so the wait for the saga is short. */
const REMAINING_MS = ANSWER_MARGIN_MS + 200;

/**
 * The enter function waits for the saga only as long as it can still answer before Lambda stops
 * it. Here the Step Functions endpoint accepts the call and never answers (a service slower than
 * the function's time), so the answer comes from the entry item, and it is true either way.
 */
describe('an entry whose saga does not answer in time', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let silent: Server;
  let deps: Parameters<typeof enterTournament>[0];
  const redis = testRedis(`${inject('redisKeyPrefix')}entry-answer:`);

  beforeAll(async () => {
    table = await freshTable();
    process.env['AWS_REGION'] ??= 'us-east-1';
    silent = createServer(() => {}); // holds every request open
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    deps = {
      saga: new EntrySagaRunner('arn:aws:states:us-east-1:000000000000:stateMachine:silent', endpoint),
      entries: new EntryRepository(table),
      users: new UserRepository(table),
    };
  });
  afterAll(async () => {
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
    await redis.del(redisKeys.seatCounter(TOURNAMENT));
    redis.disconnect();
    await table.drop();
  });

  it('says the entry is not confirmed yet, with Retry-After, when nothing is in the table', async () => {
    const refused = await enterTournament(deps, { userId: 'slow-1', now: MORNING, remainingMs: REMAINING_MS }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ code: 'SERVICE_UNAVAILABLE', detail: expect.stringMatching(/not confirmed yet/) });
    expect((refused as ApiError).retryAfterSeconds).toBeGreaterThan(0);
  });

  it('answers with the seat when the entry was made meanwhile (a 200: that earlier request paid for it)', async () => {
    const steps: EntrySagaDeps = { ...deps, tournaments: new TournamentRepository(table), seats: new SeatDispenser(redis), boards: new Leaderboards(redis) };
    await steps.tournaments.createIfAbsent(newTournament(TOURNAMENT, MORNING));
    await deps.users.createIfAbsent({ ...newProfile('slow-2', 'slow-2', MORNING), level: 12, coins: 1000 });
    const earlier: EntrySagaState = { userId: 'slow-2', tournamentId: TOURNAMENT, requestedAt: `${TEST_DAY}T07:59:00.000Z` };
    const made = await confirmReservation(steps, await joinGroup(steps, await reserveCoins(steps, await validateEntry(steps, earlier))));

    const answer = await enterTournament(deps, { userId: 'slow-2', now: MORNING, remainingMs: REMAINING_MS });
    expect(answer).toEqual({ created: false, entry: { tournamentId: TOURNAMENT, groupId: made.groupId, joinedAt: made.joinedAt, coins: 500 } });
  });
});
