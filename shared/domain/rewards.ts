import { gameRules } from './game-rules.ts';

/** One line of the reward table: ranks fromRank..toRank (inclusive) each receive `coins`. */
export interface RewardTier {
  readonly fromRank: number;
  readonly toRank: number;
  readonly coins: number;
}

/** Coins for a final rank in a group; ranks past the table (11th and below) get nothing. */
export function rewardForRank(rank: number, rewards: readonly RewardTier[] = gameRules.tournament.rewards): number {
  if (!Number.isInteger(rank) || rank < 1) throw new RangeError(`rank must be a positive integer, got ${rank}`);
  return rewards.find((tier) => rank >= tier.fromRank && rank <= tier.toRank)?.coins ?? 0;
}

/**
 * Coins paid to ranks 1..groupSize. Ranks are unique (see ranking.ts), so a group pays each line
 * of the table at most once per rank: a full group pays exactly the table's total.
 */
export function rewardsForGroup(groupSize: number): number[] {
  const max = gameRules.tournament.groupSize;
  if (!Number.isInteger(groupSize) || groupSize < 0 || groupSize > max) {
    throw new RangeError(`group size must be an integer in [0, ${max}], got ${groupSize}`);
  }
  return Array.from({ length: groupSize }, (_, index) => rewardForRank(index + 1));
}
