/**
 * Orders of the group ranking and of the global leaderboard, to the millisecond. The Redis boards
 * keep the same order in their sorted sets (shared/adapters/redis/board-order.ts).
 */

/** A member of a tournament group as ranking sees it. */
export interface Standing {
  readonly userId: string;
  readonly score: number;
  /** ISO instant at which the member reached `score`. */
  readonly scoreReachedAt: string;
}

/** A player on the global leaderboard. */
export interface LevelStanding {
  readonly userId: string;
  readonly level: number;
  /** ISO instant at which the player reached `level`. */
  readonly levelReachedAt: string;
}

/**
 * Higher score first; on equal scores whoever reached it first; then userId. The last key makes it
 * a total order over distinct players, so a group's ranks never depend on storage or input order.
 */
export function compareStandings(a: Standing, b: Standing): number {
  return byPrimaryThenTime(a.score, a.scoreReachedAt, a.userId, b.score, b.scoreReachedAt, b.userId);
}

/** The global leaderboard's order: higher level first, then earlier levelReachedAt, then userId. */
export function compareLevelStandings(a: LevelStanding, b: LevelStanding): number {
  return byPrimaryThenTime(a.level, a.levelReachedAt, a.userId, b.level, b.levelReachedAt, b.userId);
}

/** Members sorted by the rules, ranked 1..n. The tie-breaks leave no ties, so ranks are unique. */
export function rankGroup<T extends Standing>(members: readonly T[]): (T & { rank: number })[] {
  return [...members].sort(compareStandings).map((member, index) => ({ ...member, rank: index + 1 }));
}

function byPrimaryThenTime(
  aPrimary: number, aAt: string, aId: string,
  bPrimary: number, bAt: string, bId: string,
): number {
  if (aPrimary !== bPrimary) return bPrimary - aPrimary;
  // Instants, not strings: '...T10:00:00Z' and '...T10:00:00.000Z' are the same moment.
  const aMs = instantMs(aAt);
  const bMs = instantMs(bAt);
  if (aMs !== bMs) return aMs - bMs;
  // Plain code-unit order, not localeCompare: the same on every runtime and locale.
  return aId < bId ? -1 : aId > bId ? 1 : 0;
}

function instantMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO instant: ${iso}`);
  return ms;
}
