import type { Member } from './member.ts';
import { rankGroup } from './ranking.ts';
import { rewardForRank, type RewardTier } from './rewards.ts';

/**
 * Sealing a day: when it may happen, and what it fixes. A sealed group keeps its final standings
 * on its own DynamoDB item; claims pay by them and boards show them from then on, so the rank a
 * player sees after the seal is the rank they are paid for.
 */

/** A member's final place in its group. */
export interface SealedStanding {
  readonly userId: string;
  readonly displayName: string;
  readonly score: number;
  readonly scoreReachedAt: string;
  readonly rank: number;
  readonly reward: number;
}

/** The group's members ranked by the rules, each with the reward its rank earns in this tournament. */
export function sealStandings(members: readonly Member[], rewards: readonly RewardTier[]): SealedStanding[] {
  return rankGroup(members).map((m) => ({
    userId: m.userId,
    displayName: m.displayName,
    score: m.score,
    scoreReachedAt: m.scoreReachedAt,
    rank: m.rank,
    reward: rewardForRank(m.rank, rewards),
  }));
}

export const sealTiming = {
  /**
   * No seal sooner than this after the day's end: the drain check reads GSI1, which DynamoDB
   * updates asynchronously (typically well under a second), so a level-up committed at
   * 23:59:59.9 may not be visible in the index at 00:00:00. A minute makes that risk negligible.
   */
  graceMs: 60_000,
  /** The seal waits for unscored level-ups at most until this long after the day's end... */
  drainDeadlineAfterEndMs: 30 * 60_000,
  /** ...but always gives the drain this long after the workflow started (a late start, a replay). */
  minimumDrainMs: 5 * 60_000,
  /** How often the workflow looks again while level-ups are still unscored. */
  pollSeconds: 30,
} as const;

export type SealDecision =
  | { readonly action: 'wait'; readonly seconds: number }
  | { readonly action: 'seal'; readonly forced: boolean };

/**
 * Whether to seal now, given whether any level-up of the day is still unscored. Before the grace
 * is over: wait for it. Drained: seal. Not drained: wait and look again, until the deadline, then
 * seal anyway (forced) with whatever is scored, so one stuck level-up never blocks a day's rewards.
 */
export function sealDecision(args: { endsAt: Date; startedAt: Date; now: Date; unscoredLeft: boolean }): SealDecision {
  const { endsAt, startedAt, now, unscoredLeft } = args;
  const graceOver = endsAt.getTime() + sealTiming.graceMs;
  if (now.getTime() < graceOver) return { action: 'wait', seconds: secondsUntil(now, graceOver) };
  if (!unscoredLeft) return { action: 'seal', forced: false };
  const deadline = sealDeadline(endsAt, startedAt);
  if (now.getTime() >= deadline) return { action: 'seal', forced: true };
  return { action: 'wait', seconds: Math.min(sealTiming.pollSeconds, secondsUntil(now, deadline)) };
}

/** The latest moment the seal waits for scores. */
export function sealDeadline(endsAt: Date, startedAt: Date): number {
  return Math.max(endsAt.getTime() + sealTiming.drainDeadlineAfterEndMs, startedAt.getTime() + sealTiming.minimumDrainMs);
}

/** Whole seconds (at least 1: a Wait state's unit) until `at`. */
function secondsUntil(now: Date, at: number): number {
  return Math.max(1, Math.ceil((at - now.getTime()) / 1000));
}

/**
 * How the seal spreads its work (README, "Sealing a day at scale"): a worker invocation seals
 * 50 groups, 5 at a time, and the workflow's Map runs 10 workers at once. That keeps a day of
 * 1,000,000 entrants (28,572 groups, ~6 KB of standings each) near 12,500 write units a second,
 * well inside an on-demand table's 40,000 per second, and each invocation near half a second.
 */
export const sealFanOut = {
  groupsPerBatch: 50,
  groupsAtOnce: 5,
  batchesAtOnce: 10,
} as const;
