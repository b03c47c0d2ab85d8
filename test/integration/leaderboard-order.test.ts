import { describe, expect, it } from 'vitest';
import { newProfile } from '../../shared/domain/profile.ts';
import { globalLeaderboard, globalRank, groupLeaderboard, groupRank } from '../../shared/use-cases/leaderboards.ts';
import { ScoringWorld, scoringWorlds } from '../support/scoring-fixtures.ts';
import { TEST_DAY } from '../support/test-days.ts';

const DAY = TEST_DAY;
/** A time of DAY to the millisecond: `t('09:00:00.105')`. */
const t = (hms: string) => `${DAY}T${hms}Z`;
const DAY_NOW = new Date(t('20:00:00.000'));

/*
 * The contract's order to the millisecond: two players reach the same value 5 ms apart within one
 * second. In pair A the earlier player has the larger userId (a second-precision order would put
 * them the other way round); in pair B the smaller.
 */
const PAIR_A = { early: 'zz-early', late: 'aa-late' };
const PAIR_B = { early: 'bb-early', late: 'yy-late' };

describe('exact order: value, then the millisecond it was reached, then userId', () => {
  const world = scoringWorlds();

  it('on the global board across page boundaries, and in globalRank for players on and off the board', async () => {
    const w = await world('global-ms');
    await w.player('top', 30, t('06:00:00.000'));
    for (const id of [PAIR_A.early, PAIR_A.late, PAIR_B.early, PAIR_B.late]) await w.player(id, 10, t('06:00:00.000'));
    // Delivered late first: the board must not depend on the order of arrival.
    await w.score(await w.levelUp(PAIR_A.late, 10, t('09:00:00.105')));
    await w.score(await w.levelUp(PAIR_A.early, 10, t('09:00:00.100')));
    await w.score(await w.levelUp(PAIR_B.early, 9, t('09:00:00.100')));
    await w.score(await w.levelUp(PAIR_B.late, 9, t('09:00:00.105')));
    const expected = ['top', PAIR_A.early, PAIR_A.late, PAIR_B.early, PAIR_B.late];

    // Pages of 2: pair A straddles pages 1|2, pair B pages 2|3.
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await globalLeaderboard(w.boards, { limit: 2, ...(cursor ? { cursor } : {}) });
      pages.push(page.entries.map((e) => `${e.rank}:${e.userId}:${e.level}`));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toEqual([
      ['1:top:30', `2:${PAIR_A.early}:20`],
      [`3:${PAIR_A.late}:20`, `4:${PAIR_B.early}:19`],
      [`5:${PAIR_B.late}:19`],
    ]);
    const levels = [30, 20, 20, 19, 19];
    for (const [i, id] of expected.entries()) expect(await globalRank(w.deps(), id), id).toEqual({ rank: i + 1, level: levels[i] });

    // Not on the board (its board write was lost): placed by its profile, to the millisecond.
    await w.users.createIfAbsent({ ...newProfile('ghost', 'Ghost', new Date(t('09:00:00.103'))), level: 20 });
    expect(await globalRank(w.deps(), 'ghost')).toEqual({ rank: 3, level: 20 });
    // Same millisecond as a player on the board: userId decides.
    await w.users.createIfAbsent({ ...newProfile('ab-same-ms', 'Same', new Date(t('09:00:00.105'))), level: 20 });
    expect(await globalRank(w.deps(), 'ab-same-ms')).toEqual({ rank: 4, level: 20 }); // after 'aa-late' (same ms, smaller id)
  });

  it('on the group board and in groupRank, from Redis and from the DynamoDB fallback alike', async () => {
    const w = await world('group-ms');
    await w.tournament(DAY);
    const ids = [PAIR_A.early, PAIR_A.late, PAIR_B.early, PAIR_B.late, 'idle'];
    for (const id of ids) await w.player(id, 14, t('06:00:00.000'));
    await w.enter(ids, DAY, t('08:00:00.000'));
    await w.score(await w.levelUp(PAIR_A.late, 2, t('09:00:00.105'))); // 310
    await w.score(await w.levelUp(PAIR_A.early, 2, t('09:00:00.100'))); // 310, 5 ms earlier
    await w.score(await w.levelUp(PAIR_B.early, 1, t('09:00:00.100'))); // 150
    await w.score(await w.levelUp(PAIR_B.late, 1, t('09:00:00.105'))); // 150, 5 ms later
    const expected = [
      { rank: 1, userId: PAIR_A.early, score: 310 },
      { rank: 2, userId: PAIR_A.late, score: 310 },
      { rank: 3, userId: PAIR_B.early, score: 150 },
      { rank: 4, userId: PAIR_B.late, score: 150 },
      { rank: 5, userId: 'idle', score: 0 },
    ];
    for (const [source, deps] of [['redis', w.deps()], ['dynamodb', w.deps(w.deadBoards())]] as const) {
      const board = await groupLeaderboard(deps, { userId: 'idle', tournament: DAY, now: DAY_NOW });
      expect(board.entries, source).toEqual(expected.map((e) => ({ ...e, displayName: `name-${e.userId}` })));
      for (const { rank, userId, score } of expected) {
        expect(await groupRank(deps, { userId, tournament: DAY, now: DAY_NOW }), `${source} ${userId}`).toEqual({ rank, score, groupSize: 5 });
      }
    }
  });
});
