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
