/** One line of the reward table: ranks fromRank..toRank (inclusive) each receive `coins`. */
export interface RewardTier {
  readonly fromRank: number;
  readonly toRank: number;
  readonly coins: number;
}

/** Coins for a final rank in a group by the tournament's reward table; ranks past the table get nothing. */
export function rewardForRank(rank: number, rewards: readonly RewardTier[]): number {
  if (!Number.isInteger(rank) || rank < 1) throw new RangeError(`rank must be a positive integer, got ${rank}`);
  return rewards.find((tier) => rank >= tier.fromRank && rank <= tier.toRank)?.coins ?? 0;
}
