import { gameRules } from './game-rules.ts';

/**
 * Tournament score of a member: every level reached after entry is worth `pointsPerLevel` x that
 * level. Going from 14 to 16 scores 150 + 160 = 310; a one-level gain to level L scores L * 10.
 *
 * The score is a function of the highest level reached since entry, not of the level-up events
 * themselves. That is why scoring may consume an at-least-once, unordered event stream: a
 * duplicated event or one that arrives after a later one changes nothing, because applying
 * `max(levels seen)` is idempotent and commutative, and the score follows from that maximum alone.
 */
export function pointsForLevels(levelAtEntry: number, maxLevelReached: number): number {
  requireLevel('levelAtEntry', levelAtEntry);
  requireLevel('maxLevelReached', maxLevelReached);
  if (maxLevelReached <= levelAtEntry) return 0;
  // Arithmetic series a+1 .. b: (b - a) terms averaging (a + b + 1) / 2. One of (b - a) and
  // (a + b + 1) is always even, so the halving stays an integer.
  const levelSum = ((maxLevelReached - levelAtEntry) * (levelAtEntry + maxLevelReached + 1)) / 2;
  const points = gameRules.tournament.pointsPerLevel * levelSum;
  if (!Number.isSafeInteger(points)) throw new RangeError(`score out of range for levels ${levelAtEntry}..${maxLevelReached}`);
  return points;
}

function requireLevel(name: string, level: number): void {
  if (!Number.isSafeInteger(level) || level < 0) throw new RangeError(`${name} must be a non-negative integer, got ${level}`);
}
