import { describe, expect, it } from 'vitest';
import { userLeveledUpDetail, type UserLeveledUp } from '../../events/user-leveled-up.ts';
import { compareLevelStandings, compareStandings, type LevelStanding } from '../../shared/domain/ranking.ts';
import { pointsForLevels } from '../../shared/domain/scoring.ts';
import { windowOf } from '../../shared/domain/tournament.ts';
import { ApiError } from '../../shared/http/problem.ts';
import {
  encodeCursor,
  globalLeaderboard,
  globalRank,
  groupLeaderboard,
  groupRank,
} from '../../shared/use-cases/leaderboards.ts';
import { createProfile } from '../../shared/use-cases/profiles.ts';
import { rebuildLeaderboards } from '../../shared/use-cases/rebuild-leaderboards.ts';
import { redriveUnscoredLevelUps } from '../../shared/use-cases/redrive-level-ups.ts';
import { scoreLevelUp } from '../../shared/use-cases/score-level-up.ts';
import { ScoringWorld, scoringWorlds } from '../support/scoring-fixtures.ts';
import { TEST_DAY, testDay } from '../support/test-days.ts';

const DAY = TEST_DAY;
const NEXT_DAY = testDay(1);
const ENDS_AT = windowOf(DAY).endsAt;
/** A time of DAY: `t('09:00:05')`. */
const t = (hms: string) => `${DAY}T${hms}.000Z`;
const DAY_NOW = new Date(t('20:00:00'));

describe('scoring, leaderboards, close and claims on DynamoDB Local and Redis', () => {
  const world = scoringWorlds();

  const apiCode = (error: unknown) => (error instanceof ApiError ? error.code : `not an ApiError: ${String(error)}`);
  const rejectsWith = async (promise: Promise<unknown>, code: string) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(apiCode(error)).toBe(code);
  };

  describe('the scoring rule', () => {
    it('scores 10 x each level reached after entry; nothing for a level-up before entry; no group for a player not entered', async () => {
      const w = await world('rule');
      await w.tournament(DAY);
      await w.player('climber', 14, t('06:00:00'));
      await w.player('early', 12, t('06:00:00'));
      await w.player('bystander', 14, t('06:00:00'));
      await w.player('outsider', 20, t('06:00:00'));

      // Committed at 07:00, before `early` entered (at level 14 then): worth nothing, early or late.
      const before = await w.levelUp('early', 2, t('07:00:00'));
      await w.score(before);
      const [seat] = await w.enter(['climber', 'early', 'bystander'], DAY, t('08:00:00'));
      const groupId = seat!.groupId!;

      const climb = await w.levelUp('climber', 2, t('09:00:00'));
      expect(climb).toMatchObject({ fromLevel: 14, toLevel: 16 });
      await w.score(climb);
      await w.score(before); // delivered again, after the entry

      expect(await w.memberOf('climber', DAY)).toMatchObject({ levelAtEntry: 14, maxLevel: 16, score: 310, scoreReachedAt: climb.at });
      expect(await w.memberOf('early', DAY)).toMatchObject({ levelAtEntry: 14, maxLevel: 14, score: 0, scoreReachedAt: t('08:00:00') });
      const board = await groupLeaderboard(w.deps(), { userId: 'climber', tournament: DAY, now: DAY_NOW });
      expect(board).toEqual({
        tournamentId: DAY,
        groupId,
        entries: [
          { rank: 1, userId: 'climber', displayName: 'name-climber', score: 310 },
          // 0 points since joining at the same instant: userId decides.
          { rank: 2, userId: 'bystander', displayName: 'name-bystander', score: 0 },
          { rank: 3, userId: 'early', displayName: 'name-early', score: 0 },
        ],
      });

      // A player who did not enter: the global board moves, no group does.
      const outside = await w.levelUp('outsider', 3, t('09:30:00'));
      await w.score(outside);
      expect(await w.entries.get('outsider', DAY)).toBeUndefined();
      expect((await w.itemsOf('MEMBER')).map((m) => m['userId']).sort()).toEqual(['bystander', 'climber', 'early']);
      expect(await groupLeaderboard(w.deps(), { userId: 'climber', tournament: DAY, now: DAY_NOW })).toEqual(board);
      await rejectsWith(groupLeaderboard(w.deps(), { userId: 'outsider', tournament: DAY, now: DAY_NOW }), 'NOT_PARTICIPATING');
      expect(await globalRank(w.deps(), 'outsider')).toEqual({ rank: 1, level: 23 });
      expect(await globalRank(w.deps(), 'climber')).toEqual({ rank: 2, level: 16 });
      const global = await globalLeaderboard(w.boards, { limit: 10 });
      expect(global.entries.slice(0, 3)).toEqual([
        { rank: 1, userId: 'outsider', displayName: 'name-outsider', level: 23 },
        { rank: 2, userId: 'climber', displayName: 'name-climber', level: 16 },
        // early reached 14 at 07:00, bystander has been 14 since 06:00.
        { rank: 3, userId: 'bystander', displayName: 'name-bystander', level: 14 },
      ]);
      expect(global.entries.map((e) => e.userId)).toEqual(['outsider', 'climber', 'bystander', 'early']);
      // Every level-up was scored, entered or not: nothing holds the close back.
      expect(await w.outbox.hasUnscored(DAY, ENDS_AT)).toBe(false);
    });
  });

  describe('duplicated and reordered events', () => {
    it('ends with the same member score, group board and global board in every delivery order', async () => {
      const w = await world('orders');
      await w.tournament(DAY);
      const orders: Record<string, (e: readonly UserLeveledUp[]) => UserLeveledUp[][]> = {
        'in-order': ([a, b, c]) => [[a!], [b!], [c!]],
        reversed: ([a, b, c]) => [[c!], [b!], [a!]],
        'twice-shuffled': ([a, b, c]) => [[b!], [c!], [a!], [c!], [a!], [b!]],
        // All six at once: the conditional writes and ZADD GT must still end at the maximum.
        concurrent: ([a, b, c]) => [[a!, b!, c!, c!, b!, a!]],
      };
      const players = Object.keys(orders);
      for (const p of players) await w.player(p, 14, t('06:00:00'));
      const [seat] = await w.enter(players, DAY, t('08:00:00'));
      const groupId = seat!.groupId!;

      const events = new Map<string, UserLeveledUp[]>();
      for (const p of players) {
        events.set(p, [
          await w.levelUp(p, 1, t('09:00:00')), // 14 -> 15
          await w.levelUp(p, 1, t('09:10:00')), // 15 -> 16
          await w.levelUp(p, 2, t('09:20:00')), // 16 -> 18
        ]);
      }
      for (const p of players) {
        for (const batch of orders[p]!(events.get(p)!)) await Promise.all(batch.map((e) => w.score(e)));
      }

      const expected = pointsForLevels(14, 18);
      expect(expected).toBe(150 + 160 + 170 + 180);
      const redisBoard = await w.boards.group(DAY, groupId);
      expect(redisBoard).toHaveLength(players.length);
      for (const p of players) {
        const member = await w.memberOf(p, DAY);
        expect(member, p).toMatchObject({ levelAtEntry: 14, maxLevel: 18, score: expected, scoreReachedAt: t('09:20:00') });
        expect(redisBoard.find((e) => e.userId === p), p).toEqual({ userId: p, value: expected, reachedAt: t('09:20:00'), displayName: `name-${p}` });
        expect(await globalRank(w.deps(), p), p).toMatchObject({ level: 18 });
      }
      const board = await groupLeaderboard(w.deps(), { userId: players[0]!, tournament: DAY, now: DAY_NOW });
      // Equal scores at the same instant: userId order.
      expect(board.entries).toEqual(
        [...players].sort().map((userId, i) => ({ rank: i + 1, userId, displayName: `name-${userId}`, score: expected })),
      );
      expect(await w.outbox.hasUnscored(DAY, ENDS_AT)).toBe(false);
    });
  });

  describe('group ranking', () => {
    it('breaks equal scores by who reached them first, then by userId, on the Redis board and on the DynamoDB fallback', async () => {
      const w = await world('ties');
      await w.tournament(DAY);
      await w.player('m-early', 14, t('06:00:00'));
      await w.player('m-late', 14, t('06:00:00'));
      await w.player('a-late', 30, t('06:00:00'));
      await w.player('b-low', 14, t('06:00:00'));
      await w.player('c-zero', 14, t('06:00:00'));
      await w.enter(['m-early', 'm-late', 'a-late', 'b-low', 'c-zero'], DAY, t('08:00:00'));

      await w.score(await w.levelUp('b-low', 1, t('08:30:00'))); // 150
      await w.score(await w.levelUp('m-late', 2, t('09:00:05'))); // 150 + 160
      await w.score(await w.levelUp('a-late', 1, t('09:00:05'))); // 310 by another road, same instant
      await w.score(await w.levelUp('m-early', 2, t('09:00:00'))); // 310, five seconds earlier (delivered last)

      const expected = [
        { rank: 1, userId: 'm-early', score: 310 },
        { rank: 2, userId: 'a-late', score: 310 },
        { rank: 3, userId: 'm-late', score: 310 },
        { rank: 4, userId: 'b-low', score: 150 },
        { rank: 5, userId: 'c-zero', score: 0 },
      ];
      const dead = w.deps(w.deadBoards());
      for (const [source, deps] of [['redis', w.deps()], ['dynamodb', dead]] as const) {
        const board = await groupLeaderboard(deps, { userId: 'c-zero', tournament: DAY, now: DAY_NOW });
        expect(board.entries.map(({ rank, userId, score }) => ({ rank, userId, score })), source).toEqual(expected);
        for (const { rank, userId, score } of expected) {
          expect(await groupRank(deps, { userId, tournament: DAY, now: DAY_NOW }), `${source} ${userId}`).toEqual({ rank, score, groupSize: 5 });
        }
      }
    });
  });

  describe('rebuilding the boards', () => {
    it('rebuilds the group and global boards from DynamoDB exactly as they were', async () => {
      const w = await world('rebuild');
      await w.tournament(DAY);
      const ids = Array.from({ length: 40 }, (_, i) => `r${String(i).padStart(2, '0')}`);
      for (const [i, id] of ids.entries()) await w.player(id, 10 + (i % 7), t(`06:00:${String(i).padStart(2, '0')}`));
      await w.player('loner', 25, t('06:30:00')); // on the global board, in no group
      const seats = await w.enter(ids, DAY, t('08:00:00'));
      const groupOf = new Map(seats.map((s) => [s.userId, s.groupId!]));
      const groupIds = [...new Set(groupOf.values())].sort();
      expect(groupIds).toEqual(['G000001', 'G000002']);
      // Some players of each group score, a few twice.
      for (const [i, id] of ids.entries()) {
        if (i % 3 === 0) continue;
        await w.score(await w.levelUp(id, 1 + (i % 4), t(`10:${String(i).padStart(2, '0')}:00`)));
        if (i % 5 === 0) await w.score(await w.levelUp(id, 2, t(`11:${String(i).padStart(2, '0')}:30`)));
      }
      await w.score(await w.levelUp('loner', 3, t('12:00:00')));

      const oneOf = (g: string) => ids.find((id) => groupOf.get(id) === g)!;
      const snapshot = async () => ({
        groups: await Promise.all(groupIds.map((g) => groupLeaderboard(w.deps(), { userId: oneOf(g), tournament: DAY, now: DAY_NOW }))),
        global: await globalLeaderboard(w.boards, { limit: 1000 }),
        ranks: await Promise.all([...ids, 'loner'].map((id) => globalRank(w.deps(), id))),
      });
      const before = await snapshot();
      expect(before.global.entries).toHaveLength(41);
      expect(before.global.nextCursor).toBeUndefined();
      expect(before.groups.map((g) => g.entries.length)).toEqual([35, 5]);

      // Redis loses everything.
      expect(await w.clearRedis()).toBeGreaterThanOrEqual(6); // order + entries of the global board and of 2 group boards (and the seat counter)
      expect(await w.redisKeys()).toEqual([]);
      // A lost board is not shown as an empty (or partial) one: 503 until it is rebuilt.
      await rejectsWith(globalLeaderboard(w.boards, { limit: 1000 }), 'SERVICE_UNAVAILABLE');
      await rejectsWith(globalRank(w.deps(), 'loner'), 'SERVICE_UNAVAILABLE');
      for (const g of groupIds) expect(await w.boards.group(DAY, g)).toEqual([]);

      expect(await rebuildLeaderboards(w.deps(), DAY_NOW)).toEqual({ players: 41, groups: 2 });
      expect(await snapshot()).toEqual(before);
    });

    it('never serves a group board that level-ups re-created after a cache loss: DynamoDB answers and repairs it', async () => {
      const w = await world('partial-board');
      await w.tournament(DAY);
      for (const id of ['p1', 'p2', 'p3']) await w.player(id, 14, t('06:00:00'));
      await w.enter(['p1', 'p2', 'p3'], DAY, t('08:00:00'));
      await w.score(await w.levelUp('p1', 1, t('09:00:00')));
      const before = await groupLeaderboard(w.deps(), { userId: 'p1', tournament: DAY, now: DAY_NOW });
      expect(before.entries).toHaveLength(3);
      await w.clearRedis();
      // After the loss p2 levels up: the group board exists again, with p2 alone on it.
      await w.score(await w.levelUp('p2', 1, t('10:00:00')));
      expect((await w.boards.group(DAY, before.groupId)).map((e) => e.userId)).toEqual(['p2']);
      expect(await w.boards.groupIfComplete(DAY, before.groupId)).toBeUndefined();
      const shown = await groupLeaderboard(w.deps(), { userId: 'p2', tournament: DAY, now: DAY_NOW });
      // p1 and p2 both scored 150; p1 got there first.
      expect(shown.entries.map((e) => e.userId)).toEqual(['p1', 'p2', 'p3']);
      // The read repaired it: the next reader gets the whole board from Redis.
      expect((await w.boards.groupIfComplete(DAY, before.groupId))?.map((e) => e.userId)).toEqual(['p1', 'p2', 'p3']);
      expect(await groupRank(w.deps(), { userId: 'p3', tournament: DAY, now: DAY_NOW })).toEqual({ rank: 3, score: 0, groupSize: 3 });
    });

    it('serves an entered player their whole group from DynamoDB when the Redis board is gone', async () => {
      const w = await world('lost-board');
      await w.tournament(DAY);
      for (const id of ['x1', 'x2', 'x3']) await w.player(id, 14, t('06:00:00'));
      await w.enter(['x1', 'x2', 'x3'], DAY, t('08:00:00'));
      await w.score(await w.levelUp('x2', 2, t('09:00:00')));
      const before = await groupLeaderboard(w.deps(), { userId: 'x1', tournament: DAY, now: DAY_NOW });
      await w.clearRedis();
      expect(await groupLeaderboard(w.deps(), { userId: 'x1', tournament: DAY, now: DAY_NOW })).toEqual(before);
      expect(await groupRank(w.deps(), { userId: 'x1', tournament: DAY, now: DAY_NOW })).toEqual({ rank: 2, score: 0, groupSize: 3 });
    });
  });

  describe('with Redis down', () => {
    it('a player created while Redis is down reaches the global board through their arrival (chaos seed 113)', async () => {
      const w = await world('arrival');
      const dead = w.deadBoards();
      const at = new Date(t('09:30:00'));
      const { created, profile } = await createProfile({ users: w.users, boards: dead }, { userId: 'newcomer', displayName: 'Newcomer', now: at });
      expect({ created, level: profile.level }).toEqual({ created: true, level: 1 });
      const onGlobalBoard = async () => (await globalLeaderboard(w.boards, { limit: 10 })).entries.map((e) => e.userId);
      expect(await onGlobalBoard()).toEqual([]);

      // The arrival was committed with the profile, listed apart from the level-ups: the drain
      // check of the day does not wait for it, the redrive finds it.
      const arrival = await w.outboxItem('newcomer', 1);
      expect(arrival).toMatchObject({ fromLevel: 0, toLevel: 1, at: at.toISOString() });
      expect(String(arrival!['GSI1PK'])).toMatch(/^UNPLACED#/);
      expect(await w.outbox.hasUnscored(DAY, ENDS_AT)).toBe(false);
      const event = userLeveledUpDetail.parse({ ...arrival, fromLevel: String(arrival!['fromLevel']), toLevel: String(arrival!['toLevel']) });

      // The consumer's try with Redis still down fails; the message's retry (or the redrive) places them.
      await expect(w.score(event, new Date(t('09:30:01')), dead)).rejects.toThrow();
      expect(await w.outboxItem('newcomer', 1)).toMatchObject({ GSI1PK: arrival!['GSI1PK'] });
      expect(await redriveUnscoredLevelUps(w.deps(), new Date(t('09:35:00')))).toEqual({ scored: 1, remaining: false });
      expect(await onGlobalBoard()).toEqual(['newcomer']);
      expect(await globalRank(w.deps(), 'newcomer')).toEqual({ rank: 1, level: 1 });
      expect(await w.outboxItem('newcomer', 1)).not.toHaveProperty('GSI1PK');
      expect(await w.users.get('newcomer')).toMatchObject({ level: 1, coins: profile.coins });
    });

    it('serves group boards from DynamoDB, refuses the global board with 503, and loses no score', async () => {
      const w = await world('down');
      await w.tournament(DAY);
      for (const id of ['d1', 'd2', 'd3']) await w.player(id, 14, t('06:00:00'));
      await w.enter(['d1', 'd2', 'd3'], DAY, t('08:00:00'));
      await w.score(await w.levelUp('d3', 1, t('09:00:00'))); // 150
      const dead = w.deadBoards();
      const deadDeps = w.deps(dead);

      const live = await groupLeaderboard(w.deps(), { userId: 'd1', tournament: DAY, now: DAY_NOW });
      const fallback = await groupLeaderboard(deadDeps, { userId: 'd1', tournament: DAY, now: DAY_NOW });
      expect(fallback).toEqual(live);
      expect(fallback.entries.map(({ rank, userId, score }) => ({ rank, userId, score }))).toEqual([
        { rank: 1, userId: 'd3', score: 150 },
        { rank: 2, userId: 'd1', score: 0 },
        { rank: 3, userId: 'd2', score: 0 },
      ]);
      await rejectsWith(globalLeaderboard(dead, { limit: 10 }), 'SERVICE_UNAVAILABLE');
      await rejectsWith(globalRank(deadDeps, 'd1'), 'SERVICE_UNAVAILABLE');

      // The consumer's first try fails on Redis, after DynamoDB took the score.
      const event = await w.levelUp('d1', 2, t('10:00:00')); // 14 -> 16: 310
      expect(await w.outbox.hasUnscored(DAY, ENDS_AT)).toBe(true);
      await expect(scoreLevelUp(deadDeps, event, new Date(t('10:00:01')))).rejects.toThrow();
      expect(await w.memberOf('d1', DAY)).toMatchObject({ score: 310, maxLevel: 16, scoreReachedAt: event.at });
      const outboxItem = await w.outboxItem('d1', 16);
      expect(outboxItem).toMatchObject({ scoredAt: t('10:00:01') });
      expect(outboxItem).not.toHaveProperty('GSI1PK');
      expect(await w.outbox.hasUnscored(DAY, ENDS_AT)).toBe(false);
      // The fallback already shows it; the Redis boards do not yet.
      expect((await groupRank(deadDeps, { userId: 'd1', tournament: DAY, now: DAY_NOW })).score).toBe(310);
      expect((await w.boards.group(DAY, 'G000001')).find((e) => e.userId === 'd1')?.value).toBe(0);
      expect(await globalRank(w.deps(), 'd1')).toMatchObject({ level: 14 });

      // The retry (SQS redelivers the message) with Redis back: the boards catch up.
      await scoreLevelUp(w.deps(), event, new Date(t('10:00:31')));
      expect(await groupRank(w.deps(), { userId: 'd1', tournament: DAY, now: DAY_NOW })).toEqual({ rank: 1, score: 310, groupSize: 3 });
      expect(await globalRank(w.deps(), 'd1')).toEqual({ rank: 1, level: 16 });
      expect(await w.memberOf('d1', DAY)).toMatchObject({ score: 310, maxLevel: 16 });
    });
  });

  describe('global leaderboard paging', () => {
    const standingsOf = async (w: ScoringWorld, ids: readonly string[]): Promise<LevelStanding[]> =>
      Promise.all(
        ids.map(async (userId) => {
          const p = (await w.users.get(userId, { consistent: true }))!;
          return { userId, level: p.level, levelReachedAt: p.levelReachedAt };
        }),
      );
    const pageAll = async (w: ScoringWorld, limit: number) => {
      const pages: Awaited<ReturnType<typeof globalLeaderboard>>[] = [];
      let cursor: string | undefined;
      do {
        const page = await globalLeaderboard(w.boards, { limit, ...(cursor ? { cursor } : {}) });
        pages.push(page);
        cursor = page.nextCursor;
      } while (cursor && pages.length < 100);
      return pages;
    };

    it('pages through every player once, in the rules order, with stable cursors', async () => {
      const w = await world('paging');
      const ids = Array.from({ length: 25 }, (_, i) => `g${String(i).padStart(2, '0')}`);
      for (const id of ids) await w.player(id, 10, t('06:00:00'));
      // Levels 11..23 with repeats (equal levels at different seconds), each reached at its own second.
      for (const [i, id] of ids.entries()) {
        await w.score(await w.levelUp(id, 1 + ((i * 7) % 13), t(`09:${String(i).padStart(2, '0')}:${String((i * 17) % 60).padStart(2, '0')}`)));
      }
      const expected = (await standingsOf(w, ids)).sort(compareLevelStandings);
      expect(new Set(expected.map((s) => s.level)).size).toBeLessThan(ids.length); // there are ties on level

      const pages = await pageAll(w, 7);
      expect(pages.map((p) => p.entries.length)).toEqual([7, 7, 7, 4]);
      expect(pages.at(-1)!.nextCursor).toBeUndefined();
      const all = pages.flatMap((p) => p.entries);
      expect(all.map((e) => e.rank)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      expect(all.map((e) => ({ userId: e.userId, level: e.level }))).toEqual(expected.map((s) => ({ userId: s.userId, level: s.level })));
      for (const e of all) expect(e.displayName).toBe(`name-${e.userId}`);

      // Between page 1 and page 2 a player of page 1 and one from the bottom both climb to the top.
      const first = await globalLeaderboard(w.boards, { limit: 7 });
      expect(first.entries).toEqual(pages[0]!.entries);
      const fromPage1 = expected[2]!.userId;
      const fromBottom = expected[22]!.userId;
      await w.score(await w.levelUp(fromPage1, 40, t('15:00:00')));
      await w.score(await w.levelUp(fromBottom, 50, t('15:00:01')));
      const seen = [...first.entries.map((e) => e.userId)];
      let cursor = first.nextCursor;
      while (cursor) {
        const page = await globalLeaderboard(w.boards, { limit: 7, cursor });
        seen.push(...page.entries.map((e) => e.userId));
        cursor = page.nextCursor;
      }
      expect(seen.length).toBe(new Set(seen).size); // nobody twice
      // Everyone who stayed put is shown, in order; the bottom climber moved above the cursor.
      expect(seen.filter((id) => id !== fromBottom)).toEqual(expected.map((s) => s.userId).filter((id) => id !== fromBottom));
      // A fresh walk shows the new order.
      const fresh = (await pageAll(w, 7)).flatMap((p) => p.entries);
      expect(fresh.map((e) => e.userId)).toEqual((await standingsOf(w, ids)).sort(compareLevelStandings).map((s) => s.userId));
      expect(fresh.slice(0, 2).map((e) => [e.userId, e.level]).sort()).toEqual(
        [
          [fromBottom, expected[22]!.level + 50],
          [fromPage1, expected[2]!.level + 40],
        ].sort(),
      );

      for (const cursor of ['garbage', '!!!', Buffer.from('{"s":-1,"u":"g00"}').toString('base64url'), Buffer.from('[]').toString('base64url')]) {
        await rejectsWith(globalLeaderboard(w.boards, { limit: 7, cursor }), 'VALIDATION_ERROR');
      }
    });
  });

});
