import { gameRules } from './game-rules.ts';

/** A player's profile: the source of truth for level and coins. */
export interface Profile {
  readonly userId: string;
  readonly displayName: string;
  readonly level: number;
  readonly coins: number;
  readonly createdAt: string;
  /** When the current level was reached: the global leaderboard's tie-break. */
  readonly levelReachedAt: string;
}

/** What anyone may see of a player (no coins). */
export interface PublicProfile {
  readonly userId: string;
  readonly displayName: string;
  readonly level: number;
}

export interface LevelUp {
  readonly previousLevel: number;
  readonly level: number;
  readonly coins: number;
  readonly coinsEarned: number;
}

// Control, format, private-use, unassigned and surrogate code points are not "printable".
const NON_PRINTABLE = /\p{C}/u;

/** 1–32 printable characters (code points), not only spaces. */
export function isValidDisplayName(name: string): boolean {
  const length = [...name].length;
  return (
    length >= 1 &&
    length <= gameRules.profile.displayNameMaxLength &&
    !NON_PRINTABLE.test(name) &&
    name.trim().length > 0
  );
}

/**
 * The level a new player arrives from: their creation is recorded as a level-up from it to the
 * start level (the arrival), which puts them on the global board. Below every real level.
 */
export const ARRIVAL_FROM_LEVEL = 0;

export const isArrival = (levelUp: { readonly fromLevel: number }): boolean => levelUp.fromLevel === ARRIVAL_FROM_LEVEL;

export function newProfile(userId: string, displayName: string, now: Date): Profile {
  const at = now.toISOString();
  return {
    userId,
    displayName,
    level: gameRules.profile.startLevel,
    coins: gameRules.profile.startCoins,
    createdAt: at,
    levelReachedAt: at,
  };
}

function isValidLevelIncrease(levelIncrease: number): boolean {
  const { minLevelIncrease, maxLevelIncrease } = gameRules.progress;
  return Number.isInteger(levelIncrease) && levelIncrease >= minLevelIncrease && levelIncrease <= maxLevelIncrease;
}

/** The profile's state after gaining `levelIncrease` levels: each level earns a fixed number of coins. */
export function levelUp(profile: Pick<Profile, 'level' | 'coins'>, levelIncrease: number): LevelUp {
  if (!isValidLevelIncrease(levelIncrease)) {
    throw new RangeError(`levelIncrease must be an integer in [${gameRules.progress.minLevelIncrease}, ${gameRules.progress.maxLevelIncrease}]`);
  }
  const coinsEarned = levelIncrease * gameRules.profile.coinsPerLevel;
  return {
    previousLevel: profile.level,
    level: profile.level + levelIncrease,
    coins: profile.coins + coinsEarned,
    coinsEarned,
  };
}

/** The contract's profile body: what the owner sees. */
export interface OwnProfile extends PublicProfile {
  readonly coins: number;
  readonly createdAt: string;
}

export function ownView(profile: Profile): OwnProfile {
  const { userId, displayName, level, coins, createdAt } = profile;
  return { userId, displayName, level, coins, createdAt };
}

export function publicView(profile: Profile): PublicProfile {
  return { userId: profile.userId, displayName: profile.displayName, level: profile.level };
}
