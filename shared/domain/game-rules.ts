/**
 * Every game rule's number, in one place; nothing else spells out a fee, a reward or a limit.
 * The tournament's fee, level, group size, rewards and entry cutoff are copied into each new
 * tournament (tournament-record.ts), and from then on that record is the day's one source of
 * them: a rules change here never alters a day already created.
 */
export const gameRules = {
  profile: {
    startLevel: 1,
    startCoins: 1000,
    coinsPerLevel: 100,
    displayNameMaxLength: 32,
  },
  progress: {
    minLevelIncrease: 1,
    maxLevelIncrease: 100,
  },
  tournament: {
    entryFee: 500,
    minLevel: 10,
    groupSize: 35,
    /** Entry is open from 00:00 UTC until this hour (exclusive). */
    entryClosesAtUtcHour: 12,
    /** Score for a level-up: this many points per level reached. */
    pointsPerLevel: 10,
    rewards: [
      { fromRank: 1, toRank: 1, coins: 5000 },
      { fromRank: 2, toRank: 2, coins: 3000 },
      { fromRank: 3, toRank: 3, coins: 2000 },
      { fromRank: 4, toRank: 10, coins: 1000 },
    ],
  },
} as const;
