import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gameRules } from '../../shared/domain/game-rules.ts';
import { isValidDisplayName, levelUp, newProfile, ownView, publicView } from '../../shared/domain/profile.ts';

describe('profile rules', () => {
  const now = new Date('2026-11-24T10:00:00Z');

  it('starts a player at level 1 with 1000 coins', () => {
    const profile = newProfile('u1', 'Alice', now);
    expect(profile).toMatchObject({ userId: 'u1', displayName: 'Alice', level: 1, coins: 1000 });
    expect(profile.createdAt).toBe('2026-11-24T10:00:00.000Z');
  });

  it('pays 100 coins per level gained', () => {
    expect(levelUp({ level: 1, coins: 1000 }, 2)).toEqual({ previousLevel: 1, level: 3, coins: 1200, coinsEarned: 200 });
  });

  it('pays exactly coinsPerLevel x levels for every valid increase', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.nat(1_000_000), fc.integer({ min: 1, max: 100 }), (level, coins, gained) => {
        const next = levelUp({ level, coins }, gained);
        expect(next.level - level).toBe(gained);
        expect(next.coinsEarned).toBe(gained * gameRules.profile.coinsPerLevel);
        expect(next.coins - coins).toBe(next.coinsEarned);
      }),
    );
  });

  it.each([0, -1, 101, 1.5, Number.NaN])('refuses a level increase of %s', (gained) => {
    expect(() => levelUp({ level: 1, coins: 0 }, gained)).toThrow(RangeError);
  });

  it.each([
    ['Player1', true],
    ['a', true],
    ['x'.repeat(32), true],
    ['😀'.repeat(32), true],
    ['Ünïcödé name', true],
    ['', false],
    ['   ', false],
    ['x'.repeat(33), false],
    ['tab\there', false],
    ['new\nline', false],
    ['zero\u200bwidth', false],
  ])('display name %j valid: %s', (name, valid) => {
    expect(isValidDisplayName(name)).toBe(valid);
  });

  it('shows the owner coins and others only the public fields', () => {
    const profile = newProfile('u1', 'Alice', now);
    expect(Object.keys(ownView(profile)).sort()).toEqual(['coins', 'createdAt', 'displayName', 'level', 'userId']);
    expect(publicView(profile)).toEqual({ userId: 'u1', displayName: 'Alice', level: 1 });
  });
});
