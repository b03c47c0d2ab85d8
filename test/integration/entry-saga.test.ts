import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { EntryRepository } from '../../shared/adapters/dynamo/entry-repository.ts';
import { MemberRepository } from '../../shared/adapters/dynamo/member-repository.ts';
import { TournamentRepository } from '../../shared/adapters/dynamo/tournament-repository.ts';
import { UserRepository } from '../../shared/adapters/dynamo/user-repository.ts';
import { groupItem } from '../../shared/adapters/dynamo/items/group.ts';
import { memberOf } from '../../shared/adapters/redis/board-order.ts';
import { redisKeys } from '../../shared/adapters/redis/keys.ts';
import { Leaderboards } from '../../shared/adapters/redis/leaderboards.ts';
import { SeatDispenser } from '../../shared/adapters/redis/seat-dispenser.ts';
import { levelUp, newProfile } from '../../shared/domain/profile.ts';
import { newTournament } from '../../shared/domain/tournament-record.ts';
import {
  confirmReservation,
  joinGroup,
  refundReservation,
  reserveCoins,
  validateEntry,
  type EntrySagaDeps,
  type EntrySagaState,
} from '../../shared/use-cases/entry-saga.ts';
import { sweepReservations } from '../../shared/use-cases/sweep-reservations.ts';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { testRedis } from '../support/redis.ts';
import { freshTable } from '../support/table.ts';
import { TEST_DAY, testDay } from '../support/test-days.ts';

const TOURNAMENT = TEST_DAY;
const MORNING = `${TEST_DAY}T08:00:00.000Z`;

describe('entry saga steps on DynamoDB Local and Redis', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let deps: EntrySagaDeps;
  const redis = testRedis(`${inject('redisKeyPrefix')}saga:`);

  beforeAll(async () => {
    table = await freshTable();
    deps = {
      users: new UserRepository(table),
      tournaments: new TournamentRepository(table),
      entries: new EntryRepository(table),
      seats: new SeatDispenser(redis),
      boards: new Leaderboards(redis),
    };
    await deps.tournaments.createIfAbsent(newTournament(TOURNAMENT, new Date(MORNING)));
  });
  afterAll(async () => {
    await redis.del(redisKeys.seatCounter(TOURNAMENT));
    redis.disconnect();
    await table.drop();
  });

  /** A player at `level` with `coins`, written straight to the table. */
  const player = async (userId: string, level = 12, coins = 1000) => {
    await deps.users.createIfAbsent({ ...newProfile(userId, userId, new Date(MORNING)), level, coins });
  };
  const coinsOf = async (userId: string) => (await deps.users.get(userId, { consistent: true }))!.coins;
  const start = (userId: string, requestedAt = MORNING): EntrySagaState => ({ userId, tournamentId: TOURNAMENT, requestedAt });
  const runAll = async (state: EntrySagaState) =>
    confirmReservation(deps, await joinGroup(deps, await reserveCoins(deps, await validateEntry(deps, state))));
  const membersOf = async (groupId: string) =>
    (
      await table.doc.send(
        new QueryCommand({
          TableName: table.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :user)',
          ExpressionAttributeValues: { ':pk': groupItem.key(TOURNAMENT, groupId).PK, ':user': 'USER#' },
        }),
      )
    ).Items ?? [];

  it('runs a whole entry: 500 coins once, a group, a confirmed entry', async () => {
    await player('p1');
    const done = await runAll(start('p1'));
    expect(done).toMatchObject({ charged: true, coins: 500, groupId: expect.stringMatching(/^G\d+$/) });
    expect(await deps.entries.get('p1', TOURNAMENT)).toMatchObject({ status: 'CONFIRMED', groupId: done.groupId });
    // Entering again: the same entry, nothing charged.
    const again = await runAll(start('p1'));
    expect(again).toMatchObject({ charged: false, groupId: done.groupId, coins: 500 });
    expect(await coinsOf('p1')).toBe(500);
  });

  it('rejects by the rules before anything is charged', async () => {
    await player('low', 9);
    await player('poor', 12, 499);
    await player('late');
    await expect(validateEntry(deps, start('low'))).rejects.toMatchObject({ code: 'LEVEL_TOO_LOW' });
    await expect(validateEntry(deps, start('poor'))).rejects.toMatchObject({ code: 'INSUFFICIENT_COINS' });
    await expect(validateEntry(deps, start('late', `${TEST_DAY}T12:00:00.000Z`))).rejects.toMatchObject({ code: 'ENTRY_CLOSED' });
    await expect(validateEntry(deps, start('nobody'))).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    await expect(validateEntry(deps, { ...start('late'), tournamentId: testDay(-1) })).rejects.toMatchObject({
      code: 'NO_ACTIVE_TOURNAMENT',
    });
  });

  it('charges once when two reservations race, and refuses one the player cannot pay', async () => {
    await player('racer');
    const [a, b] = await Promise.all([reserveCoins(deps, start('racer')), reserveCoins(deps, start('racer'))]);
    expect([a.charged, b.charged].sort()).toEqual([false, true]);
    expect(await coinsOf('racer')).toBe(500);
    await player('spent', 12, 100);
    await expect(reserveCoins(deps, start('spent'))).rejects.toMatchObject({ code: 'INSUFFICIENT_COINS' });
    expect(await coinsOf('spent')).toBe(100);
  });

  it('lets exactly one of join and refund win', async () => {
    await player('contested');
    const reserved = await reserveCoins(deps, start('contested'));
    const [joined, refunded] = await Promise.allSettled([joinGroup(deps, reserved), refundReservation(deps, reserved)]);
    const entry = await deps.entries.get('contested', TOURNAMENT);
    if (entry!.status === 'JOINED') {
      expect(joined.status).toBe('fulfilled');
      expect(await coinsOf('contested')).toBe(500);
      expect(await membersOf(entry!.groupId!)).toContainEqual(expect.objectContaining({ userId: 'contested' }));
    } else {
      expect(entry!.status).toBe('REFUNDED');
      expect(joined.status).toBe('rejected');
      expect(await coinsOf('contested')).toBe(1000);
    }
    expect(refunded.status).toBe('fulfilled');
  });

  it('fills groups of at most 35 under 200 concurrent joins', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `crowd-${i}`);
    await Promise.all(ids.map((id) => player(id)));
    const done = await Promise.all(ids.map((id) => runAll(start(id))));
    const seen: string[] = [];
    for (const group of new Set(done.map((d) => d.groupId!))) {
      const members = await membersOf(group);
      expect(members.length).toBeLessThanOrEqual(35);
      seen.push(...members.map((m) => String(m['userId'])).filter((id) => id.startsWith('crowd-')));
    }
    // Every player sits in exactly one group.
    expect(seen.sort()).toEqual([...ids].sort());
    for (const id of ids) expect(await coinsOf(id)).toBe(500);
  });

  it('spends no seat on a join that failed for another reason: entries racing with level-ups still fill groups to 35', async () => {
    const day = testDay(2);
    await deps.tournaments.createIfAbsent(newTournament(day, new Date(`${day}T00:00:00.000Z`)));
    const ids = Array.from({ length: 70 }, (_, i) => `racer-${i}`);
    await Promise.all(ids.map((id) => player(id)));
    const requestedAt = `${day}T08:00:00.000Z`;
    const reserved = await Promise.all(ids.map(async (id) => reserveCoins(deps, await validateEntry(deps, { userId: id, tournamentId: day, requestedAt }))));
    // Each player levels up right after JoinGroup first reads their profile, so that join's
    // transaction fails its level check ('level-changed') and must go again.
    const raced = new Set<string>();
    const racingUsers = Object.create(deps.users) as UserRepository;
    racingUsers.get = async (userId, options) => {
      const profile = await deps.users.get(userId, options);
      if (profile && !raced.has(userId)) {
        raced.add(userId);
        await deps.users.commitLevelUp({ from: profile, levelUp: levelUp(profile, 1), at: new Date(requestedAt) });
      }
      return profile;
    };
    const joined = await Promise.all(reserved.map((state) => joinGroup({ ...deps, users: racingUsers }, state)));
    expect(raced.size).toBe(70);
    const groups = new Map<string, number>();
    for (const { groupId } of joined) groups.set(groupId!, (groups.get(groupId!) ?? 0) + 1);
    expect([...groups.values()].sort()).toEqual([35, 35]);
    await redis.del(redisKeys.seatCounter(day));
  });

  it('after a lost Redis counter, skips full groups instead of overfilling them', async () => {
    const nextDay = testDay(1);
    await deps.tournaments.createIfAbsent(newTournament(nextDay, new Date(`${nextDay}T00:00:00Z`)));
    const enter = (userId: string) => runAll({ userId, tournamentId: nextDay, requestedAt: `${nextDay}T08:00:00.000Z` });
    const first = Array.from({ length: 35 }, (_, i) => `full-${i}`);
    await Promise.all(first.map((id) => player(id)));
    for (const id of first) expect((await enter(id)).groupId).toBe('G000001');
    await redis.del(redisKeys.seatCounter(nextDay)); // Redis restarted: the counter is gone
    await player('after-reset');
    expect((await enter('after-reset')).groupId).toBe('G000002');
    await redis.del(redisKeys.seatCounter(nextDay));
  });

  /** Takes a member (still at 0 points) off its group board, as a board write that never happened. */
  const dropFromBoard = async (groupId: string, userId: string, joinedAt: string) => {
    const board = redisKeys.groupBoard(TOURNAMENT, groupId);
    await redis.zrem(board.order, memberOf({ value: 0, reachedAtMs: Date.parse(joinedAt), userId }));
    await redis.hdel(board.entries, userId);
    expect((await deps.boards.group(TOURNAMENT, groupId)).map((e) => e.userId)).not.toContain(userId);
  };

  it('shows a seated member on the board again when JoinGroup is retried after its commit', async () => {
    await player('retried-join');
    const reserved = await reserveCoins(deps, start('retried-join'));
    const { groupId, joinedAt } = await joinGroup(deps, reserved);
    await dropFromBoard(groupId!, 'retried-join', joinedAt!); // the step failed after the commit, before the board write
    const retried = await joinGroup(deps, reserved);
    expect(retried.groupId).toBe(groupId);
    expect((await deps.boards.group(TOURNAMENT, groupId!)).map((e) => e.userId)).toContain('retried-join');
  });

  it('refunds nothing after a committed join, and shows the member the failed step did not', async () => {
    await player('joined-then-failed');
    const reserved = await reserveCoins(deps, start('joined-then-failed'));
    const { groupId, joinedAt } = await joinGroup(deps, reserved);
    await dropFromBoard(groupId!, 'joined-then-failed', joinedAt!); // JoinGroup failed after its commit, before the board write
    await refundReservation(deps, reserved); // the compensation the state machine runs next
    expect(await deps.entries.get('joined-then-failed', TOURNAMENT)).toMatchObject({ status: 'JOINED', groupId });
    expect(await coinsOf('joined-then-failed')).toBe(500);
    expect((await deps.boards.group(TOURNAMENT, groupId!)).map((e) => e.userId)).toContain('joined-then-failed');
  });

  it('sweeps abandoned reservations: refund if in no group, confirm if in one', async () => {
    await player('abandoned-early');
    await player('abandoned-late');
    await reserveCoins(deps, start('abandoned-early'));
    const { groupId, joinedAt } = await joinGroup(deps, await reserveCoins(deps, start('abandoned-late')));
    await dropFromBoard(groupId!, 'abandoned-late', joinedAt!); // the saga died between the join's commit and the board write
    const sweepDeps = { ...deps, members: new MemberRepository(table) };
    const tooSoon = await sweepReservations(sweepDeps, new Date(`${TEST_DAY}T08:04:00Z`));
    expect(tooSoon).toEqual({ refunded: 0, confirmed: 0, deferred: 0 });
    const report = await sweepReservations(sweepDeps, new Date(`${TEST_DAY}T08:06:00Z`));
    expect(report.refunded).toBeGreaterThanOrEqual(1);
    expect(report.confirmed).toBeGreaterThanOrEqual(1);
    expect(await deps.entries.get('abandoned-early', TOURNAMENT)).toMatchObject({ status: 'REFUNDED' });
    expect(await coinsOf('abandoned-early')).toBe(1000);
    expect(await deps.entries.get('abandoned-late', TOURNAMENT)).toMatchObject({ status: 'CONFIRMED' });
    expect(await coinsOf('abandoned-late')).toBe(500);
    // Shown on the board before it was confirmed.
    expect((await deps.boards.group(TOURNAMENT, groupId!)).map((e) => e.userId)).toContain('abandoned-late');
    // A refunded player may enter again, and pays once more only then.
    const reentered = await runAll(start('abandoned-early', `${TEST_DAY}T09:00:00.000Z`));
    expect(reentered.charged).toBe(true);
    expect(await coinsOf('abandoned-early')).toBe(500);
  });
});
