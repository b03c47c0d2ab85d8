import { describe, expect, it } from 'vitest';
import { redisKeys } from '../../shared/adapters/redis/keys.ts';
import type { BoardEntry } from '../../shared/adapters/redis/leaderboards.ts';
import { globalLeaderboard } from '../../shared/use-cases/leaderboards.ts';
import { rebuildGlobalSegment, rebuildGroupBoards } from '../../shared/use-cases/rebuild-leaderboards.ts';
import { ScoringWorld, scoringWorlds } from '../support/scoring-fixtures.ts';
import { TEST_DAY } from '../support/test-days.ts';

const DAY = TEST_DAY;
const t = (hms: string) => `${DAY}T${hms}.000Z`;
const SEGMENTS = 4;

describe('rebuilding the boards while they are read and written', () => {
  const world = scoringWorlds();

  const wholeBoard = async (w: ScoringWorld) => (await globalLeaderboard(w.boards, { limit: 1000 })).entries;

  /** Every segment of the profiles' scan into the rebuild, one page per slice, `between` after each slice. */
  const fillRebuild = async (w: ScoringWorld, between: () => Promise<void>) => {
    let players = 0;
    for (let segment = 0; segment < SEGMENTS; segment += 1) {
      let exclusiveStartKey: Record<string, unknown> | undefined;
      for (;;) {
        const slice = await rebuildGlobalSegment(w.users, w.boards, { segment, totalSegments: SEGMENTS, maxPages: 1, ...(exclusiveStartKey ? { exclusiveStartKey } : {}) });
        players += slice.players;
        await between();
        if (slice.done) break;
        exclusiveStartKey = slice.exclusiveStartKey;
      }
    }
    return players;
  };

  it('readers see the whole old board until the commit and the whole new one after it', async () => {
    const w = await world('rebuild-readers');
    const ids = Array.from({ length: 60 }, (_, i) => `p${String(i).padStart(2, '0')}`);
    for (const [i, id] of ids.entries()) await w.player(id, 10 + (i % 9), t(`06:00:${String(i).padStart(2, '0')}`));
    // Only in Redis (no profile): the old board differs from what DynamoDB rebuilds.
    await w.boards.setLevel({ userId: 'stale', displayName: 'Stale', level: 99, reachedAt: t('05:00:00') });
    const old = await wholeBoard(w);
    expect(old).toHaveLength(61);

    await w.boards.beginGlobalRebuild();
    let reads = 0;
    const players = await fillRebuild(w, async () => {
      expect(await wholeBoard(w)).toEqual(old);
      reads += 1;
    });
    expect(players).toBe(60);
    expect(reads).toBeGreaterThanOrEqual(SEGMENTS);
    // Readers racing the commit: each sees one whole board, old or new.
    const racing = Array.from({ length: 20 }, () => wholeBoard(w));
    expect(await w.boards.commitGlobalRebuild()).toBe(60);
    const fresh = await wholeBoard(w);
    expect(fresh).toEqual(old.filter((e) => e.userId !== 'stale').map((e) => ({ ...e, rank: e.rank - 1 })));
    for (const seen of await Promise.all(racing)) expect([old, fresh]).toContainEqual(seen);
    // Committed once: a second commit has no rebuild to commit.
    await expect(w.boards.commitGlobalRebuild()).rejects.toThrow(/no rebuild of this board in progress/);
  });

  it('keeps a level-up and a new player that arrive during the rebuild', async () => {
    const w = await world('rebuild-writes');
    for (const id of ['r1', 'r2', 'r3']) await w.player(id, 10, t('06:00:00'));
    await w.boards.beginGlobalRebuild();
    let once = false;
    await fillRebuild(w, async () => {
      if (once) return;
      once = true;
      // After (some of) the scan read the profiles: DynamoDB, then the boards, as the consumer does.
      await w.score(await w.levelUp('r2', 5, t('09:00:00')));
      await w.player('newcomer', 12, t('09:30:00'));
    });
    // And one after the scan has read everyone.
    await w.score(await w.levelUp('r3', 3, t('10:00:00')));
    await w.boards.commitGlobalRebuild();
    expect((await wholeBoard(w)).map((e) => [e.userId, e.level])).toEqual([
      ['r2', 15],
      ['r3', 13],
      ['newcomer', 12],
      ['r1', 10],
    ]);
  });

  it('replaces a group board atomically: readers see the old members or the new ones, never a mix', async () => {
    const w = await world('replace-group');
    const entries = (count: number, value: number): BoardEntry[] =>
      Array.from({ length: count }, (_, i) => ({ userId: `m${String(i).padStart(2, '0')}`, displayName: `M${i}`, value: value + i, reachedAt: t('09:00:00') }));
    const a = entries(35, 100);
    const b = entries(20, 500);
    const bestFirst = (es: BoardEntry[]) => [...es].sort((x, y) => y.value - x.value);
    await w.boards.rebuildGroup(DAY, 'G000001', async () => a);
    expect(await w.boards.group(DAY, 'G000001')).toEqual(bestFirst(a));

    let replacing = true;
    const seen: BoardEntry[][] = [];
    const reader = (async () => {
      while (replacing) seen.push(await w.boards.group(DAY, 'G000001'));
    })();
    for (let i = 0; i < 20; i += 1) await w.boards.rebuildGroup(DAY, 'G000001', async () => (i % 2 === 0 ? b : a));
    replacing = false;
    await reader;
    expect(seen.length).toBeGreaterThan(0);
    for (const board of seen) expect([bestFirst(a), bestFirst(b)]).toContainEqual(board);
    // The replaced board keeps the group boards' expiry.
    const keys = redisKeys.groupBoard(DAY, 'G000001');
    for (const key of [keys.order, keys.entries]) expect(await w.redis.ttl(key)).toBeGreaterThan(7 * 86_400);
  });

  it('keeps a member who joins and a score raised while the group is rebuilt from DynamoDB', async () => {
    const w = await world('rebuild-group-writes');
    await w.tournament(DAY);
    for (const id of ['k1', 'k2', 'joiner']) await w.player(id, 14, t('06:00:00'));
    await w.enter(['k1', 'k2'], DAY, t('08:00:00'));
    const { groupId } = (await w.memberOf('k1', DAY))!;
    const result = await w.boards.rebuildGroup(DAY, groupId, async () => {
      const read = await w.members.ofGroup(DAY, groupId);
      // After the read, before the commit: a join (DynamoDB, then the board, as the saga does)
      // and a level-up scored (DynamoDB, then the board, as the consumer does).
      await w.enter(['joiner'], DAY, t('09:00:00'));
      await w.score(await w.levelUp('k2', 3, t('09:30:00')));
      return read.map((m) => ({ userId: m.userId, displayName: m.displayName, value: m.score, reachedAt: m.scoreReachedAt }));
    });
    expect(result).toBe('replaced');
    expect((await w.boards.group(DAY, groupId)).map((e) => [e.userId, e.value])).toEqual([
      ['k2', 480], // 10 x (15 + 16 + 17)
      ['k1', 0],
      ['joiner', 0],
    ]);
    expect(await w.boards.groupIfComplete(DAY, groupId)).toHaveLength(3);
  });

  it('lets a rebuild begun later win over one still running (a retried batch), and never leaves a copy behind', async () => {
    const w = await world('rebuild-group-overlap');
    const entry = (userId: string, value: number): BoardEntry => ({ userId, displayName: userId, value, reachedAt: t('09:00:00') });
    let laterHasBegun!: () => void;
    const begun = new Promise<void>((resolve) => (laterHasBegun = resolve));
    let releaseLater!: () => void;
    const released = new Promise<void>((resolve) => (releaseLater = resolve));
    let later: Promise<'replaced' | 'superseded'> | undefined;
    const earlier = await w.boards.rebuildGroup(DAY, 'G000009', async () => {
      later = w.boards.rebuildGroup(DAY, 'G000009', async () => {
        laterHasBegun();
        await released;
        return [entry('newer', 20)];
      });
      await begun;
      return [entry('older', 10)];
    });
    expect(earlier).toBe('superseded');
    releaseLater();
    expect(await later).toBe('replaced');
    // The earlier one wrote nothing: its read is not on the board.
    expect((await w.boards.group(DAY, 'G000009')).map((e) => e.userId)).toEqual(['newer']);
    const copy = redisKeys.groupRebuild(DAY, 'G000009');
    expect(await w.redis.exists(copy.order, copy.entries, redisKeys.groupRebuildMarker(DAY, 'G000009'))).toBe(0);
  });

  it('rebuilds group boards from the members in DynamoDB', async () => {
    const w = await world('rebuild-groups');
    await w.tournament(DAY);
    for (const id of ['g1', 'g2', 'g3']) await w.player(id, 14, t('06:00:00'));
    await w.enter(['g1', 'g2', 'g3'], DAY, t('08:00:00'));
    await w.score(await w.levelUp('g3', 2, t('09:00:00')));
    const before = await w.boards.group(DAY, 'G000001');
    await w.clearRedis();
    expect(await rebuildGroupBoards(w.deps(), DAY, ['G000001'])).toEqual({ groups: 1, members: 3 });
    expect(await w.boards.group(DAY, 'G000001')).toEqual(before);
  });
});
