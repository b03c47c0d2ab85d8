import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gameRules } from '../../shared/domain/game-rules.ts';
import { boardValue, entryFromHash, memberOf, paddedMs, parseMember } from '../../shared/adapters/redis/board-order.ts';
import {
  compareLevelStandings,
  compareStandings,
  rankGroup,
  type Standing,
} from '../../shared/domain/ranking.ts';
import { rewardForRank } from '../../shared/domain/rewards.ts';
import { pointsForLevels } from '../../shared/domain/scoring.ts';

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const iso = (ms: number) => new Date(ms).toISOString();

function naivePoints(from: number, to: number): number {
  let total = 0;
  for (let level = from + 1; level <= to; level++) total += gameRules.tournament.pointsPerLevel * level;
  return total;
}

const level = fc.integer({ min: 0, max: 5000 });

// Few distinct scores, instants and ids so that ties on every key actually occur.
const standing: fc.Arbitrary<Standing> = fc.record({
  userId: fc.constantFrom('a', 'b', 'c', 'd', 'B', 'user-10', 'user-9'),
  score: fc.integer({ min: 0, max: 4 }).map((n) => n * 150),
  scoreReachedAt: fc.integer({ min: 0, max: 3 }).map((s) => iso(Date.UTC(2026, 10, 24, 10, 0, s))),
});
/** Distinct userIds, as in a real group. */
const group = (maxLength: number) =>
  fc.uniqueArray(standing, { selector: (s) => s.userId, minLength: 0, maxLength });

describe('scoring', () => {
  it('scores 10 x each level reached after entry', () => {
    expect(pointsForLevels(14, 16)).toBe(310);
    expect(pointsForLevels(14, 15)).toBe(150); // the seed's newLevel * 10
    expect(pointsForLevels(16, 16)).toBe(0);
    expect(pointsForLevels(16, 14)).toBe(0);
  });

  it('rejects non-integer and negative levels', () => {
    for (const [a, b] of [[-1, 5], [5, -1], [1.5, 3], [1, Number.NaN], [1, Infinity]] as const) {
      expect(() => pointsForLevels(a, b)).toThrow(RangeError);
    }
  });

  it('equals the naive per-level sum', () => {
    fc.assert(fc.property(level, level, (a, b) => pointsForLevels(a, b) === naivePoints(a, b)));
  });

  it('is additive: a->b plus b->c is a->c', () => {
    fc.assert(
      fc.property(level, level, level, (x, y, z) => {
        const [a, b, c] = [x, y, z].sort((p, q) => p - q) as [number, number, number];
        return pointsForLevels(a, b) + pointsForLevels(b, c) === pointsForLevels(a, c);
      }),
    );
  });

  it('is monotone in the highest level reached', () => {
    fc.assert(fc.property(level, level, level, (entry, x, y) => {
      const [lo, hi] = x <= y ? [x, y] : [y, x];
      return pointsForLevels(entry, lo) <= pointsForLevels(entry, hi);
    }));
  });

  it('depends only on the highest level seen: duplicated or reordered level-ups score the same', () => {
    fc.assert(
      fc.property(level, fc.array(level, { minLength: 1 }), (entry, events) => {
        const inOrder = pointsForLevels(entry, Math.max(...events));
        const shuffled = [...events, ...events].reverse();
        return pointsForLevels(entry, Math.max(...shuffled)) === inOrder;
      }),
    );
  });
});

describe('group ranking', () => {
  const at = (s: number) => iso(Date.UTC(2026, 10, 24, 10, 0, s));

  it('ranks higher score first, then who reached it first, then userId', () => {
    const ranked = rankGroup([
      { userId: 'c', score: 300, scoreReachedAt: at(5) },
      { userId: 'b', score: 300, scoreReachedAt: at(1) },
      { userId: 'a', score: 300, scoreReachedAt: at(5) },
      { userId: 'z', score: 310, scoreReachedAt: at(9) },
      { userId: 'y', score: 0, scoreReachedAt: at(0) },
    ]);
    expect(ranked.map((m) => [m.userId, m.rank])).toEqual([['z', 1], ['b', 2], ['a', 3], ['c', 4], ['y', 5]]);
  });

  it('compares instants, not strings, and userIds by code unit', () => {
    const a = { userId: 'B', score: 1, scoreReachedAt: '2026-11-24T10:00:00Z' };
    const b = { userId: 'a', score: 1, scoreReachedAt: '2026-11-24T10:00:00.000Z' };
    expect(compareStandings(a, b)).toBeLessThan(0); // 'B' < 'a' in code units
    expect(() => compareStandings(a, { ...b, scoreReachedAt: 'yesterday' })).toThrow(RangeError);
  });

  it('orders the global board by level, then who reached it first, then userId', () => {
    const board = [
      { userId: 'b', level: 12, levelReachedAt: at(3) },
      { userId: 'a', level: 12, levelReachedAt: at(3) },
      { userId: 'c', level: 12, levelReachedAt: at(1) },
      { userId: 'd', level: 40, levelReachedAt: at(9) },
    ].sort(compareLevelStandings);
    expect(board.map((p) => p.userId)).toEqual(['d', 'c', 'a', 'b']);
  });

  it('compareStandings is antisymmetric and transitive', () => {
    fc.assert(
      fc.property(standing, standing, standing, (a, b, c) => {
        // Opposite signs (their sum is 0; toBe(-x) would tell 0 from -0).
        expect(Math.sign(compareStandings(a, b)) + Math.sign(compareStandings(b, a))).toBe(0);
        if (compareStandings(a, b) <= 0 && compareStandings(b, c) <= 0) expect(compareStandings(a, c)).toBeLessThanOrEqual(0);
        if (compareStandings(a, b) === 0) expect(a).toEqual(b);
      }),
    );
  });

  it('rankGroup is a permutation ranked 1..n, in compareStandings order, whatever the input order', () => {
    fc.assert(
      fc.property(
        group(35).chain((members) => fc.tuple(fc.constant(members), fc.shuffledSubarray(members, { minLength: members.length }))),
        ([members, shuffled]) => {
          const ranked = rankGroup(members);
          expect(ranked.map((m) => m.rank)).toEqual(members.map((_, i) => i + 1));
          expect(ranked.map(({ rank: _rank, ...m }) => m).sort(compareStandings)).toEqual([...members].sort(compareStandings));
          expect(new Set(ranked.map((m) => m.userId))).toEqual(new Set(members.map((m) => m.userId)));
          for (let i = 1; i < ranked.length; i++) expect(compareStandings(ranked[i - 1]!, ranked[i]!)).toBeLessThan(0);
          expect(rankGroup(shuffled)).toEqual(ranked);
        },
      ),
    );
  });
});

describe('rewards', () => {
  /** What a group of n pays: ranks are unique (see ranking.ts), so one reward per rank 1..n. */
  const rewardsForGroup = (n: number) => Array.from({ length: n }, (_, index) => rewardForRank(index + 1, gameRules.tournament.rewards));

  it('pays 5000 / 3000 / 2000 / 1000 x 7, and nothing from 11th', () => {
    expect([1, 2, 3, 4, 10, 11, 35].map((rank) => rewardForRank(rank, gameRules.tournament.rewards))).toEqual([5000, 3000, 2000, 1000, 1000, 0, 0]);
    expect(sum(rewardsForGroup(35))).toBe(17000);
    expect(rewardsForGroup(3)).toEqual([5000, 3000, 2000]);
    expect(rewardsForGroup(0)).toEqual([]);
  });

  it('accepts another table', () => {
    expect(rewardForRank(2, [{ fromRank: 1, toRank: 2, coins: 7 }])).toBe(7);
  });

  it('rejects impossible ranks', () => {
    for (const rank of [0, -1, 1.5, Number.NaN]) expect(() => rewardForRank(rank, gameRules.tournament.rewards)).toThrow(RangeError);
  });

  it('a group of n pays exactly the first min(n, 10) ranks of the table', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: gameRules.tournament.groupSize }), (n) => {
        const expected = sum(
          gameRules.tournament.rewards.map((t) => t.coins * Math.max(0, Math.min(t.toRank, n) - t.fromRank + 1)),
        );
        expect(rewardsForGroup(n)).toHaveLength(n);
        expect(sum(rewardsForGroup(n))).toBe(expected);
        if (n >= 10) expect(expected).toBe(17000);
      }),
    );
  });
});

describe('board order encoding (score -value, member <ms padded>:<userId>)', () => {
  // Redis orders a sorted set by score, then by member bytes (memcmp): ascending is best first.
  const redisOrder = (a: { score: number; member: string }, b: { score: number; member: string }) =>
    a.score !== b.score ? a.score - b.score : Buffer.compare(Buffer.from(a.member), Buffer.from(b.member));
  const standing = fc.record({
    userId: fc.constantFrom('a', 'ab', 'b', 'B', 'u-1', 'u-10', 'u-2'),
    level: fc.integer({ min: 0, max: 5 }),
    // Ties within one second and on the same millisecond, and instants of different magnitude.
    levelReachedAt: fc.constantFrom(0, 5, 999, 1_000, 1_764_000_000_000, 1_764_000_000_005, 99_999_999_999_999).map(iso),
  });

  it('sorts exactly as compareLevelStandings: level desc, then ms asc, then userId', () => {
    fc.assert(
      fc.property(fc.uniqueArray(standing, { selector: (s) => s.userId, maxLength: 7 }), (standings) => {
        const encoded = standings.map((s) => ({
          userId: s.userId,
          score: -boardValue(s.level),
          member: memberOf({ value: s.level, reachedAtMs: Date.parse(s.levelReachedAt), userId: s.userId }),
        }));
        expect([...encoded].sort(redisOrder).map((e) => e.userId)).toEqual([...standings].sort(compareLevelStandings).map((s) => s.userId));
      }),
    );
  });

  it('round-trips member and stored entry, names with | included', () => {
    const member = memberOf({ value: 3, reachedAtMs: 1_764_000_000_005, userId: 'u:1' });
    expect(member).toBe('001764000000005:u:1');
    expect(parseMember(member)).toEqual({ reachedAtMs: 1_764_000_000_005, userId: 'u:1' });
    expect(entryFromHash('u', '310|001764000000005|A|B')).toEqual({
      userId: 'u',
      value: 310,
      reachedAt: iso(1_764_000_000_005),
      displayName: 'A|B',
    });
  });

  it('refuses what it cannot hold exactly', () => {
    for (const ms of [-1, 1.5, 10 ** 15]) expect(() => paddedMs(ms)).toThrow(RangeError);
    for (const value of [-1, 0.5, 2 ** 53]) expect(() => boardValue(value)).toThrow(RangeError);
  });
});
