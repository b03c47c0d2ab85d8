import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Member } from '../../shared/domain/member.ts';
import { rewardForRank } from '../../shared/domain/rewards.ts';
import { sealDeadline, sealDecision, sealStandings, sealTiming } from '../../shared/domain/seal.ts';
import { groupId, groupNumberOf, groupRanges } from '../../shared/domain/tournament.ts';
import { gameRules } from '../../shared/domain/game-rules.ts';

const END = new Date('2026-11-24T23:59:59.999Z');
const at = (msAfterEnd: number) => new Date(END.getTime() + msAfterEnd);

describe('when a day is sealed', () => {
  it('waits out the grace, whatever the drain says', () => {
    expect(sealDecision({ endsAt: END, startedAt: at(1), now: at(1), unscoredLeft: false })).toEqual({ action: 'wait', seconds: 60 });
    expect(sealDecision({ endsAt: END, startedAt: at(1), now: at(59_500), unscoredLeft: true })).toEqual({ action: 'wait', seconds: 1 });
  });

  it('seals once drained, polls every 30 s while not, and seals anyway at the deadline', () => {
    const afterGrace = at(sealTiming.graceMs);
    expect(sealDecision({ endsAt: END, startedAt: at(0), now: afterGrace, unscoredLeft: false })).toEqual({ action: 'seal', forced: false });
    expect(sealDecision({ endsAt: END, startedAt: at(0), now: afterGrace, unscoredLeft: true })).toEqual({ action: 'wait', seconds: 30 });
    const deadline = at(sealTiming.drainDeadlineAfterEndMs);
    expect(sealDecision({ endsAt: END, startedAt: at(0), now: new Date(deadline.getTime() - 10_000), unscoredLeft: true })).toEqual({ action: 'wait', seconds: 10 });
    expect(sealDecision({ endsAt: END, startedAt: at(0), now: deadline, unscoredLeft: true })).toEqual({ action: 'seal', forced: true });
  });

  it('gives a late start its minimum drain before forcing', () => {
    const lateStart = at(3 * 60 * 60_000);
    expect(sealDeadline(END, lateStart)).toBe(lateStart.getTime() + sealTiming.minimumDrainMs);
    expect(sealDecision({ endsAt: END, startedAt: lateStart, now: lateStart, unscoredLeft: true })).toEqual({ action: 'wait', seconds: 30 });
  });

  it('never asks to wait less than a second or past the deadline', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 * 60 * 60_000 }), fc.integer({ min: 0, max: 4 * 60 * 60_000 }), fc.boolean(), (start, now, unscoredLeft) => {
        const decision = sealDecision({ endsAt: END, startedAt: at(start), now: at(now), unscoredLeft });
        if (decision.action === 'wait') {
          expect(decision.seconds).toBeGreaterThanOrEqual(1);
          expect(decision.seconds).toBeLessThanOrEqual(Math.max(60, sealTiming.pollSeconds));
        } else {
          expect(now).toBeGreaterThanOrEqual(sealTiming.graceMs);
        }
      }),
    );
  });
});

describe('sealed standings', () => {
  const member = (userId: string, score: number, scoreReachedAt: string): Member => ({
    tournamentId: '2026-11-24',
    groupId: 'G000001',
    userId,
    displayName: `name ${userId}`,
    joinedAt: '2026-11-24T08:00:00.000Z',
    levelAtEntry: 10,
    maxLevel: 10,
    score,
    scoreReachedAt,
  });

  it('ranks by the rules (score, then the earlier millisecond, then userId) and pays by the given table', () => {
    const standings = sealStandings(
      [
        member('b', 100, '2026-11-24T10:00:00.005Z'),
        member('a', 100, '2026-11-24T10:00:00.005Z'),
        member('c', 100, '2026-11-24T10:00:00.000Z'),
        member('d', 300, '2026-11-24T12:00:00.000Z'),
      ],
      [{ fromRank: 1, toRank: 2, coins: 7 }],
    );
    expect(standings.map((s) => [s.userId, s.rank, s.reward])).toEqual([
      ['d', 1, 7],
      ['c', 2, 7],
      ['a', 3, 0],
      ['b', 4, 0],
    ]);
  });

  it('pays each group exactly the reward table for its size', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(50), fc.nat(1000)), { minLength: 1, maxLength: gameRules.tournament.groupSize }), (scores) => {
        const members = scores.map(([score, ms], i) => member(`u${i}`, score * 10, new Date(Date.UTC(2026, 10, 24, 10) + ms).toISOString()));
        const standings = sealStandings(members, gameRules.tournament.rewards);
        expect(standings.map((s) => s.rank)).toEqual(members.map((_, i) => i + 1));
        expect(standings.reduce((sum, s) => sum + s.reward, 0)).toBe(members.reduce((sum, _, i) => sum + rewardForRank(i + 1, gameRules.tournament.rewards), 0));
      }),
    );
  });
});

describe("group numbers and the workflows' batches", () => {
  it('reads a group id back as its number', () => {
    for (const n of [1, 35, 28_572, 1_234_567]) expect(groupNumberOf(groupId(n))).toBe(n);
    expect(() => groupNumberOf('G12')).toThrow(RangeError);
    expect(() => groupNumberOf('X000001')).toThrow(RangeError);
  });

  it('cuts 1..n into consecutive ranges that cover every group once', () => {
    expect(groupRanges(0, 50)).toEqual([]);
    expect(groupRanges(143, 50)).toEqual([
      { from: 1, to: 50 },
      { from: 51, to: 100 },
      { from: 101, to: 143 },
    ]);
    expect(groupRanges(28_572, 50)).toHaveLength(572);
  });
});
