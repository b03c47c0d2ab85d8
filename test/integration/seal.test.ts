import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { tournamentSealedDetail, type TournamentSealed } from '../../events/tournament-sealed.ts';
import type { DomainEvent, DomainEventPublisher } from '../../shared/adapters/event-bus.ts';
import { TransientError } from '../../shared/adapters/transient-error.ts';
import { groupItem } from '../../shared/adapters/dynamo/items/group.ts';
import type { Member } from '../../shared/domain/member.ts';
import { compareStandings } from '../../shared/domain/ranking.ts';
import { gameRules } from '../../shared/domain/game-rules.ts';
import { rewardForRank } from '../../shared/domain/rewards.ts';
import { pointsForLevels } from '../../shared/domain/scoring.ts';
import { sealTiming } from '../../shared/domain/seal.ts';
import { groupId, windowOf } from '../../shared/domain/tournament.ts';
import { ApiError } from '../../shared/http/problem.ts';
import { groupLeaderboard, groupRank } from '../../shared/use-cases/leaderboards.ts';
import { redriveUnscoredLevelUps } from '../../shared/use-cases/redrive-level-ups.ts';
import { claimReward, tournamentHistory } from '../../shared/use-cases/rewards.ts';
import {
  checkScores,
  finishSeal,
  planSeal,
  sealGroupBatch,
  startSealOfDayBefore,
  type SealCheck,
  type SealRequest,
} from '../../shared/use-cases/seal-tournament.ts';
import { ScoringWorld, scoringWorlds } from '../support/scoring-fixtures.ts';
import { TEST_DAY, testDay } from '../support/test-days.ts';

const DAY = TEST_DAY;
const NEXT_DAY = testDay(1);
const ENDS_AT = windowOf(DAY).endsAt;
const t = (hms: string) => `${DAY}T${hms}.000Z`;
const after = (ms: number) => new Date(ENDS_AT.getTime() + ms);
const TABLE = [5000, 3000, 2000, 1000, 1000, 1000, 1000, 1000, 1000, 1000];

/** The bus as FinishSeal sees it: what was published, in order; `refuse` fails the next publications. */
class RecordingBus implements DomainEventPublisher {
  readonly published: DomainEvent[] = [];
  refuse = 0;
  async publish(event: DomainEvent): Promise<string> {
    if (this.refuse > 0) {
      this.refuse -= 1;
      throw new Error('connect ECONNREFUSED (the bus is unreachable)');
    }
    this.published.push(event);
    return `bus-id-${this.published.length}`;
  }
  details(): TournamentSealed[] {
    return this.published.map((e) => tournamentSealedDetail.parse(e.detail));
  }
}

describe('sealing a day (the seal workflow steps) on DynamoDB Local', () => {
  const world = scoringWorlds();

  const codeOf = async (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (e: unknown) => (e instanceof ApiError ? e : String(e)),
    );

  /** What the workflow does once CheckScores says ready: plan, every batch, finish. */
  const sealAll = async (w: ScoringWorld, check: SealCheck, now: Date, bus = new RecordingBus()) => {
    const plan = await planSeal(w.deps(), DAY);
    const batches = [];
    for (const batch of plan.batches) batches.push(await sealGroupBatch(w.deps(), { tournamentId: DAY, ...batch }, now));
    return { plan, batches, bus, result: await finishSeal({ ...w.deps(), events: bus }, { tournamentId: DAY, check, batches }, now) };
  };

  it('waits for the grace and the drain, then fixes standings once; claims pay by them; shown = paid', async () => {
    const w = await world('seal');
    await w.tournament(DAY);
    await w.tournament(NEXT_DAY);
    const ids = Array.from({ length: 40 }, (_, i) => `c${String(i).padStart(2, '0')}`);
    for (const id of ids) await w.player(id, 12, t('06:00:00'), { coins: 2000 });
    await w.player('stranger', 12, t('06:00:00'));
    const seats = await w.enter(ids, DAY, t('08:00:00'));
    const groupOf = new Map(seats.map((s) => [s.userId, s.groupId!]));
    expect(new Set(groupOf.values())).toEqual(new Set(['G000001', 'G000002']));
    for (const [i, id] of ids.entries()) {
      const levels = i % 6; // some never level up
      if (levels > 0) await w.score(await w.levelUp(id, levels, t(`10:${String(i).padStart(2, '0')}:00`)));
    }
    const late = await w.levelUp('c00', 9, t('23:30:00'));
    await w.levelUp('c01', 1, `${NEXT_DAY}T00:00:30.000Z`); // the next day's: not this seal's business

    const request: SealRequest = { tournamentId: DAY, startedAt: after(1).toISOString() };
    const claimAt = (now: Date) => codeOf(claimReward(w.deps(), { userId: 'c00', tournament: DAY, now }));
    const running = await claimAt(new Date(t('22:00:00')));
    expect(running).toMatchObject({ code: 'TOURNAMENT_NOT_ENDED', retryAfterSeconds: undefined });

    // Inside the grace: wait until it is over.
    expect(await checkScores(w.deps(), request, after(1))).toEqual({ ready: false, waitSeconds: 60 });
    // Past the grace with a level-up unscored: look again in 30 s.
    expect(await checkScores(w.deps(), request, after(sealTiming.graceMs))).toEqual({ ready: false, waitSeconds: 30 });
    // A claim now is told the day is being sealed, and when to ask again.
    const sealing = await claimAt(after(sealTiming.graceMs));
    expect(sealing).toMatchObject({ code: 'TOURNAMENT_NOT_ENDED', retryAfterSeconds: 30 });
    expect((sealing as ApiError).detail).toMatch(/being sealed/);

    await w.score(late, after(45_000));
    const check = await checkScores(w.deps(), request, after(90_000));
    expect(check).toEqual({ ready: true, alreadyClosed: false, forced: false, unscored: 0 });
    const sealedAt = after(95_000);
    const { plan, batches, result, bus } = await sealAll(w, check, sealedAt);
    expect(plan).toEqual({ groups: 2, batches: [{ from: 1, to: 2 }] });
    // 35 + 5 members: 17,000 + 12,000 coins by the table.
    expect(batches).toEqual([{ sealed: 2, alreadySealed: 0, members: 40, rewardCoins: 29_000 }]);
    expect(result).toEqual({ tournamentId: DAY, closed: true, groups: 2, members: 40, unscored: 0, eventId: `sealed:${DAY}` });
    expect(await w.tournaments.get(DAY)).toMatchObject({ state: 'CLOSED' });
    // The day's TournamentSealed, once: counts and the day's reward table, when it was closed.
    expect(bus.published.map((e) => [e.source, e.detailType])).toEqual([['goodswipe.tournaments', 'TournamentSealed']]);
    expect(bus.details()).toEqual([
      {
        eventId: `sealed:${DAY}`,
        tournamentId: DAY,
        sealedAt: sealedAt.toISOString(),
        groups: 2,
        entrants: 40,
        rewards: { totalCoins: 29_000, table: gameRules.tournament.rewards },
        levelUpsLeftUnscored: 0,
      },
    ]);
    expect(await checkScores(w.deps(), request, after(120_000))).toEqual({ ready: true, alreadyClosed: true, forced: false, unscored: 0 });

    // A rerun of a batch (a retried worker) skips sealed groups and changes nothing.
    const before = await w.groups.inRange(DAY, 1, 2);
    expect(await sealGroupBatch(w.deps(), { tournamentId: DAY, from: 1, to: 2 }, after(200_000))).toEqual({
      sealed: 0,
      alreadySealed: 2,
      members: 40,
      rewardCoins: 29_000,
    });
    expect(await w.groups.inRange(DAY, 1, 2)).toEqual(before);

    // Final standings follow the rules; every group pays the reward table for its size.
    for (const group of before) {
      const members: Member[] = await w.members.ofGroup(DAY, group.groupId);
      const standings = group.standings!;
      expect(group.sealedAt).toBe(sealedAt.toISOString());
      expect(standings.map((s) => s.rank)).toEqual(members.map((_, i) => i + 1));
      expect(standings.map((s) => s.userId)).toEqual([...members].sort(compareStandings).map((m) => m.userId));
      expect(standings.map((s) => s.reward)).toEqual(standings.map((s) => rewardForRank(s.rank, gameRules.tournament.rewards)));
      expect(standings.reduce((sum, s) => sum + s.reward, 0)).toBe(TABLE.slice(0, members.length).reduce((a, b) => a + b, 0));
    }
    const winner = before[0]!.standings![0]!;
    expect(winner).toMatchObject({ userId: 'c00', score: pointsForLevels(12, 21), rank: 1, reward: 5000 });

    // Five concurrent claims of the winner: one credit, five identical answers.
    const claimNow = new Date(`${NEXT_DAY}T08:00:00.000Z`);
    const coinsBefore = (await w.users.get('c00', { consistent: true }))!.coins;
    const claims = await Promise.all(Array.from({ length: 5 }, () => claimReward(w.deps(), { userId: 'c00', tournament: DAY, now: claimNow })));
    const body = { tournamentId: DAY, rank: 1, coinsEarned: 5000, coins: coinsBefore + 5000 };
    for (const claim of claims) expect(claim).toEqual(body);
    expect(await claimReward(w.deps(), { userId: 'c00', tournament: DAY, now: claimNow })).toEqual(body);
    expect((await w.users.get('c00', { consistent: true }))!.coins).toBe(coinsBefore + 5000);

    // Every member is shown (group board and rank) the rank it is paid for.
    for (const standing of [...before[0]!.standings!, ...before[1]!.standings!]) {
      const request = { userId: standing.userId, tournament: DAY, now: claimNow };
      const shown = await groupRank(w.deps(), request);
      const board = await groupLeaderboard(w.deps(), request);
      const claim = await claimReward(w.deps(), request);
      expect(shown.rank).toBe(standing.rank);
      expect(board.entries.find((e) => e.userId === standing.userId)?.rank).toBe(standing.rank);
      expect(claim).toMatchObject({ rank: standing.rank, coinsEarned: standing.reward });
    }
    expect(await codeOf(claimReward(w.deps(), { userId: 'stranger', tournament: DAY, now: claimNow }))).toMatchObject({ code: 'NOT_PARTICIPATING' });

    // History shows the sealed rank, claimed or not; newest first, a page at a time.
    const c00Day = { tournamentId: DAY, groupId: groupOf.get('c00'), score: winner.score, rank: 1, coinsEarned: 5000, claimed: true };
    expect(await tournamentHistory(w.deps(), { userId: 'c00', limit: 10 })).toEqual({ items: [c00Day] });
    const second = before[0]!.standings![1]!;
    expect(await tournamentHistory(w.deps(), { userId: 'stranger', limit: 10 })).toEqual({ items: [] });
    await w.enter(['c00'], NEXT_DAY, `${NEXT_DAY}T09:00:00.000Z`);
    const page1 = await tournamentHistory(w.deps(), { userId: 'c00', limit: 1 });
    expect(page1.items).toEqual([{ tournamentId: NEXT_DAY, groupId: 'G000001', score: 0, claimed: false }]);
    const page2 = await tournamentHistory(w.deps(), { userId: 'c00', limit: 1, cursor: page1.nextCursor! });
    expect(page2.items).toEqual([c00Day]);
    expect(await codeOf(tournamentHistory(w.deps(), { userId: 'c00', limit: 1, cursor: 'garbage' }))).toMatchObject({ code: 'VALIDATION_ERROR' });
    expect((await tournamentHistory(w.deps(), { userId: second.userId, limit: 10 })).items).toEqual([
      { tournamentId: DAY, groupId: 'G000001', score: second.score, rank: 2, coinsEarned: 3000, claimed: true },
    ]);
  });

  it('publishes TournamentSealed only once the day is CLOSED; a retried FinishSeal publishes the same event', async () => {
    const w = await world('sealed-event');
    await w.tournament(DAY);
    for (const id of ['a', 'b', 'c']) await w.player(id, 12, t('06:00:00'));
    await w.enter(['a', 'b', 'c'], DAY, t('08:00:00'));
    const check: SealCheck = { ready: true, alreadyClosed: false, forced: false, unscored: 0 };
    const plan = await planSeal(w.deps(), DAY);
    const batches = [await sealGroupBatch(w.deps(), { tournamentId: DAY, ...plan.batches[0]! }, after(70_000))];
    const input = { tournamentId: DAY, check, batches };
    const bus = new RecordingBus();
    let stateWhenPublished: string | undefined;
    const watching: DomainEventPublisher = {
      publish: async (event) => {
        stateWhenPublished = (await w.tournaments.get(DAY))?.state;
        return bus.publish(event);
      },
    };

    // The bus is unreachable after the close: the attempt fails as the Task's Retry policy retries.
    bus.refuse = 1;
    const failed = await finishSeal({ ...w.deps(), events: watching }, input, after(80_000)).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(TransientError);
    expect(String((failed as Error).message)).toMatch(/sealed but its TournamentSealed event is not confirmed/);
    expect(await w.tournaments.get(DAY)).toMatchObject({ state: 'CLOSED' });
    expect(bus.published).toEqual([]);

    // The retry (later, same input) finds the day closed and publishes; a second retry publishes the same detail again.
    const retried = await finishSeal({ ...w.deps(), events: watching }, input, after(95_000));
    expect(retried).toMatchObject({ closed: false, groups: 1, members: 3, eventId: `sealed:${DAY}` });
    expect(stateWhenPublished).toBe('CLOSED');
    await finishSeal({ ...w.deps(), events: watching }, input, after(120_000));
    const [first, second] = bus.details();
    expect(second).toEqual(first);
    // The first close's time, not a retry's: the detail is built from what is committed.
    expect(first).toMatchObject({ sealedAt: after(80_000).toISOString(), entrants: 3, rewards: { totalCoins: 10_000 } });
  });

  it('seals at the drain deadline with a stuck level-up, counting it, and never earlier', async () => {
    const w = await world('deadline');
    await w.tournament(DAY);
    for (const id of ['a', 'b']) await w.player(id, 12, t('06:00:00'));
    await w.enter(['a', 'b'], DAY, t('08:00:00'));
    await w.levelUp('a', 2, t('12:00:00')); // never scored: its message went to the dead-letter queue
    // A GSI is eventually consistent (DynamoDB Local's too, under load): the check reads it once listed.
    await expect.poll(() => w.outbox.hasUnscored(DAY, ENDS_AT)).toBe(true);
    const request: SealRequest = { tournamentId: DAY, startedAt: after(0).toISOString() };
    const beforeDeadline = after(sealTiming.drainDeadlineAfterEndMs - 1_000);
    expect(await checkScores(w.deps(), request, beforeDeadline)).toEqual({ ready: false, waitSeconds: 1 });
    const check = await checkScores(w.deps(), request, after(sealTiming.drainDeadlineAfterEndMs));
    expect(check).toEqual({ ready: true, alreadyClosed: false, forced: true, unscored: 1 });
    const { result, bus } = await sealAll(w, check, after(sealTiming.drainDeadlineAfterEndMs + 1_000));
    expect(result).toMatchObject({ closed: true, groups: 1, members: 2, unscored: 1 });
    expect(bus.details()).toMatchObject([{ groups: 1, entrants: 2, levelUpsLeftUnscored: 1 }]);

    // The redrive scores it from the outbox (once: a second run finds nothing left), even when the
    // operator runs it days later: it reads every day the outbox still holds. It places the two
    // players' arrivals too, whose messages this test never delivered either.
    const sealedStandings = (await w.groups.get(DAY, 'G000001'))!.standings;
    const redriveAt = after(3 * 86_400_000);
    expect(await redriveUnscoredLevelUps(w.deps(), redriveAt)).toEqual({ scored: 3, remaining: false });
    expect(await redriveUnscoredLevelUps(w.deps(), redriveAt)).toEqual({ scored: 0, remaining: false });
    expect(await w.outbox.hasUnscored(DAY, ENDS_AT)).toBe(false);
    expect(await w.memberOf('a', DAY)).toMatchObject({ score: pointsForLevels(12, 14) });
    // The sealed day keeps the standings it was sealed (and is paid) with.
    expect((await w.groups.get(DAY, 'G000001'))!.standings).toEqual(sealedStandings);

    // A workflow started late (a replay, a redeploy) still gives the drain its minimum time.
    const w2 = await world('late-start');
    await w2.tournament(DAY);
    await w2.player('c', 12, t('06:00:00'));
    await w2.enter(['c'], DAY, t('08:00:00'));
    await w2.levelUp('c', 1, t('13:00:00'));
    const lateStart = after(3 * 60 * 60_000);
    expect(await checkScores(w2.deps(), { tournamentId: DAY, startedAt: lateStart.toISOString() }, lateStart)).toEqual({ ready: false, waitSeconds: 30 });
  });

  it('finds every group through the sharded index, even past a number whose seats all failed', async () => {
    const w = await world('groups');
    await w.tournament(DAY);
    const ids = Array.from({ length: 80 }, (_, i) => `p${String(i).padStart(2, '0')}`);
    for (const id of ids) await w.player(id, 12, t('06:00:00'));
    await w.enter(ids.slice(0, 35), DAY, t('08:00:00'));
    // Every seat of group 2 failed: the seat counter jumps past it.
    await w.seats.skipTo(DAY, 70);
    await w.enter(ids.slice(35), DAY, t('08:10:00'));
    expect((await w.groups.inRange(DAY, 1, 10)).map((g) => g.groupId)).toEqual(['G000001', 'G000003', 'G000004']);
    expect(await w.groups.highestGroupNumber(DAY)).toBe(4);
    const { Item } = await w.table.doc.send(new GetCommand({ TableName: w.table.tableName, Key: groupItem.key(DAY, groupId(4)) }));
    expect(Item).toMatchObject({ GSI1SK: 'G000004' });
    // The index is eventually consistent: a group it does not show yet is found by the probe above the highest.
    await w.table.doc.send(
      new UpdateCommand({ TableName: w.table.tableName, Key: groupItem.key(DAY, groupId(4)), UpdateExpression: 'REMOVE GSI1PK, GSI1SK' }),
    );
    expect(await w.groups.highestGroupNumber(DAY)).toBe(4);
    const { result } = await sealAll(w, { ready: true, alreadyClosed: false, forced: false, unscored: 0 }, after(120_000));
    expect(result).toMatchObject({ groups: 3, members: 80 });
  });

  it('the close schedule starts the day before once, and not a missing or closed one', async () => {
    const w = await world('start');
    const started: SealRequest[] = [];
    const workflow = {
      start: async (name: string, request: SealRequest) => {
        expect(name).toBe(`seal-${request.tournamentId}`);
        const again = started.some((r) => r.tournamentId === request.tournamentId);
        started.push(request);
        return again ? ('already-started' as const) : ('started' as const);
      },
    };
    const midnight = new Date(`${NEXT_DAY}T00:00:00.000Z`);
    expect(await startSealOfDayBefore({ tournaments: w.tournaments, workflow }, midnight, midnight)).toEqual({ tournamentId: DAY, outcome: 'missing' });
    await w.tournament(DAY);
    expect(await startSealOfDayBefore({ tournaments: w.tournaments, workflow }, midnight, midnight)).toEqual({ tournamentId: DAY, outcome: 'started' });
    expect(started).toEqual([{ tournamentId: DAY, startedAt: midnight.toISOString() }]);
    expect(await startSealOfDayBefore({ tournaments: w.tournaments, workflow }, midnight, midnight)).toEqual({ tournamentId: DAY, outcome: 'already-started' });
    await w.tournaments.close(DAY, midnight);
    expect(await startSealOfDayBefore({ tournaments: w.tournaments, workflow }, midnight, midnight)).toEqual({ tournamentId: DAY, outcome: 'already-closed' });
  });
});
