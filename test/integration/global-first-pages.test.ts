import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/http/problem.ts';
import { ContainerScope, runInContainer } from '../../shared/once.ts';
import { GLOBAL_TOP_TTL_MS, globalLeaderboardPage } from '../../shared/use-cases/global-first-pages.ts';
import { globalLeaderboard } from '../../shared/use-cases/leaderboards.ts';
import { scoringWorlds } from '../support/scoring-fixtures.ts';
import { TEST_DAY } from '../support/test-days.ts';

const t = (hms: string) => `${TEST_DAY}T${hms}.000Z`;

describe('the global board\'s first pages, kept a second per container (DynamoDB Local, Redis in cluster mode)', () => {
  const world = scoringWorlds();
  /** Each test in a container of its own, as each Lambda container keeps its own copy. */
  const inContainer = <T>(fn: () => Promise<T>) => runInContainer(new ContainerScope(), fn);

  it('cuts every first page from one copy for a second, then reads again; pages after a cursor are always read', () =>
    inContainer(async () => {
      const w = await world('top');
      for (const [i, level] of [12, 30, 20, 25].entries()) await w.player(`p${i}`, level, t('06:00:00'));
      const at = 10_000;

      const first = await globalLeaderboardPage(w.boards, { limit: 2 }, at);
      expect(first).toEqual(await globalLeaderboard(w.boards, { limit: 2 }));
      expect(first.entries.map((e) => e.userId)).toEqual(['p1', 'p3']);
      expect(await globalLeaderboardPage(w.boards, { limit: 10 }, at)).toEqual(await globalLeaderboard(w.boards, { limit: 10 }));

      // p0 climbs to the top: the copy still shows the board of a moment ago, to every limit...
      await w.score(await w.levelUp('p0', 40, t('07:00:00')));
      expect((await globalLeaderboardPage(w.boards, { limit: 2 }, at + GLOBAL_TOP_TTL_MS - 1)).entries.map((e) => e.userId)).toEqual(['p1', 'p3']);
      // ...but a page after a cursor is read now (it follows the cursor, not the copy).
      const next = await globalLeaderboardPage(w.boards, { limit: 2, cursor: first.nextCursor! }, at + 1);
      expect(next).toEqual(await globalLeaderboard(w.boards, { limit: 2, cursor: first.nextCursor! }));

      // A second later the top is read again.
      const fresh = await globalLeaderboardPage(w.boards, { limit: 2 }, at + GLOBAL_TOP_TTL_MS);
      expect(fresh.entries.map((e) => ({ userId: e.userId, rank: e.rank, level: e.level }))).toEqual([
        { userId: 'p0', rank: 1, level: 52 },
        { userId: 'p1', rank: 2, level: 30 },
      ]);
      expect(fresh).toEqual(await globalLeaderboard(w.boards, { limit: 2 }));
    }));

  it('keeps no answer of a Redis that is down: the next read, with Redis back, is fresh', () =>
    inContainer(async () => {
      const w = await world('down');
      await w.player('solo', 15, t('06:00:00'));
      const failed = await globalLeaderboardPage(w.deadBoards(), { limit: 5 }, 0).then(
        () => 'answered',
        (error: unknown) => (error instanceof ApiError ? error.code : String(error)),
      );
      expect(failed).toBe('SERVICE_UNAVAILABLE');
      expect((await globalLeaderboardPage(w.boards, { limit: 5 }, 1)).entries.map((e) => e.userId)).toEqual(['solo']);
    }));

  it('keeps a copy per container', async () => {
    const w = await world('containers');
    await w.player('a', 11, t('06:00:00'));
    await inContainer(() => globalLeaderboardPage(w.boards, { limit: 5 }, 0));
    await w.player('b', 19, t('06:00:01'));
    // Another container, the same instant: its own first read sees b.
    const other = await inContainer(() => globalLeaderboardPage(w.boards, { limit: 5 }, 0));
    expect(other.entries.map((e) => e.userId)).toEqual(['b', 'a']);
  });
});
