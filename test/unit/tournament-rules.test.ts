import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gameRules } from '../../shared/domain/game-rules.ts';
import {
  entryRejection,
  groupId,
  groupNumberOfSeat,
  isTournamentId,
  phaseAt,
  previousTournamentId,
  tournamentIdOn,
  windowOf,
} from '../../shared/domain/tournament.ts';

const at = (iso: string) => new Date(iso);
const day = windowOf('2026-11-24');

describe('tournament calendar', () => {
  it('is the UTC day: id is the date, entry until 12:00, end at 23:59:59.999', () => {
    expect(tournamentIdOn(at('2026-11-24T23:59:59.999Z'))).toBe('2026-11-24');
    expect(tournamentIdOn(at('2026-11-25T00:00:00Z'))).toBe('2026-11-25');
    expect(day.startsAt.toISOString()).toBe('2026-11-24T00:00:00.000Z');
    expect(day.entryClosesAt.toISOString()).toBe('2026-11-24T12:00:00.000Z');
    expect(day.endsAt.toISOString()).toBe('2026-11-24T23:59:59.999Z');
    expect(previousTournamentId('2026-03-01')).toBe('2026-02-28');
  });

  it('accepts only real dates as ids', () => {
    expect(isTournamentId('2026-11-24')).toBe(true);
    for (const bad of ['2026-02-30', '2026-13-01', '26-11-24', '2026-11-24T00', 'current', '']) expect(isTournamentId(bad)).toBe(false);
  });

  it('moves through its phases at the exact boundaries', () => {
    expect(phaseAt(day, at('2026-11-23T23:59:59.999Z'))).toBe('NOT_STARTED');
    expect(phaseAt(day, at('2026-11-24T00:00:00Z'))).toBe('OPEN');
    expect(phaseAt(day, at('2026-11-24T11:59:59.999Z'))).toBe('OPEN');
    expect(phaseAt(day, at('2026-11-24T12:00:00Z'))).toBe('ENTRY_CLOSED');
    expect(phaseAt(day, at('2026-11-24T23:59:59.999Z'))).toBe('ENTRY_CLOSED');
    expect(phaseAt(day, at('2026-11-25T00:00:00Z'))).toBe('ENDED');
  });
});

describe('entry rules', () => {
  const morning = at('2026-11-24T08:00:00Z');
  it('needs level 10 and 500 coins before 12:00', () => {
    expect(entryRejection({ level: 10, coins: 500 }, day, morning, gameRules.tournament)).toBeUndefined();
    expect(entryRejection({ level: 9, coins: 5000 }, day, morning, gameRules.tournament)).toBe('LEVEL_TOO_LOW');
    expect(entryRejection({ level: 50, coins: 499 }, day, morning, gameRules.tournament)).toBe('INSUFFICIENT_COINS');
    expect(entryRejection({ level: 50, coins: 5000 }, day, at('2026-11-24T12:00:00Z'), gameRules.tournament)).toBe('ENTRY_CLOSED');
  });
});

describe('seats and groups', () => {
  it('fills group 1 with seats 1-35, then group 2', () => {
    expect(groupNumberOfSeat(1, gameRules.tournament.groupSize)).toBe(1);
    expect(groupNumberOfSeat(35, gameRules.tournament.groupSize)).toBe(1);
    expect(groupNumberOfSeat(36, gameRules.tournament.groupSize)).toBe(2);
    expect(() => groupNumberOfSeat(0, gameRules.tournament.groupSize)).toThrow(RangeError);
  });

  it('never puts more than 35 seats in a group, and ids sort in opening order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seats) => {
        const counts = new Map<number, number>();
        for (let seat = Math.max(1, seats - 200); seat <= seats; seat++) {
          const g = groupNumberOfSeat(seat, gameRules.tournament.groupSize);
          counts.set(g, (counts.get(g) ?? 0) + 1);
        }
        for (const n of counts.values()) expect(n).toBeLessThanOrEqual(35);
      }),
      { numRuns: 50 },
    );
    expect(groupId(9) < groupId(10)).toBe(true);
  });
});
