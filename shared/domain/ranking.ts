/**
 * Orders of the group ranking and of the global leaderboard, and the Redis sorted-set score that
 * lets one ZSET keep players in (almost) that order.
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

/*
 * Redis sorts a ZSET by a double and ZREVRANGE lists the highest first. To make one ZSET order
 * players as the rules do, the score packs the primary key (score or level) above the time:
 *
 *   encoded = primary * 2^30 + (2^30 - 1 - secondsSince(2025-01-01T00:00:00Z))
 *
 * The time part is inverted so that, among equal primaries, the earlier instant is the larger
 * number. Both parts are integers and encoded < 2^23 * 2^30 = 2^53, so every value is exact in a
 * double and the order of encoded values is exactly (primary desc, second asc).
 *
 * Limits: primary in [0, 2^23) = 0..8,388,607 — a player climbing from level 10 to 1000 in one
 * day scores ~5,000,000, so there is headroom; the instant in [2025-01-01T00:00:00Z,
 * 2059-01-10T13:37:04Z), i.e. 2^30 seconds (~34 years).
 *
 * The time is kept to the second, not the millisecond (ms would need 2^40 and leave only 2^13 for
 * the primary). Players with the same primary within the same second get equal encoded values,
 * which Redis orders by member name; the application re-sorts what it reads with the compare
 * functions above, so the encoding only has to agree with the rules up to equal seconds.
 */

export const BOARD_EPOCH_MS = Date.UTC(2025, 0, 1);
export const BOARD_TIME_BITS = 30;
export const BOARD_PRIMARY_BITS = 23;
/** Number of distinct seconds the time part holds (~34 years from the epoch). */
export const BOARD_TIME_SPAN_SECONDS = 2 ** BOARD_TIME_BITS;
/** Primaries must be below this. */
export const BOARD_PRIMARY_LIMIT = 2 ** BOARD_PRIMARY_BITS;
/** First instant the encoding cannot hold. */
export const BOARD_TIME_END_MS = BOARD_EPOCH_MS + BOARD_TIME_SPAN_SECONDS * 1000;

export function encodeBoardScore(primary: number, reachedAt: string): number {
  if (!Number.isInteger(primary) || primary < 0 || primary >= BOARD_PRIMARY_LIMIT) {
    throw new RangeError(`board primary must be an integer in [0, ${BOARD_PRIMARY_LIMIT}), got ${primary}`);
  }
  const ms = instantMs(reachedAt);
  if (ms < BOARD_EPOCH_MS || ms >= BOARD_TIME_END_MS) {
    throw new RangeError(`reachedAt outside the board's time window: ${reachedAt}`);
  }
  const seconds = Math.floor((ms - BOARD_EPOCH_MS) / 1000);
  return primary * BOARD_TIME_SPAN_SECONDS + (BOARD_TIME_SPAN_SECONDS - 1 - seconds);
}

/** The inverse of encodeBoardScore; the instant comes back truncated to the second. */
export function decodeBoardScore(encoded: number): { primary: number; reachedAtMs: number } {
  if (!Number.isSafeInteger(encoded) || encoded < 0) {
    throw new RangeError(`not an encoded board score: ${encoded}`);
  }
  const primary = Math.floor(encoded / BOARD_TIME_SPAN_SECONDS);
  const seconds = BOARD_TIME_SPAN_SECONDS - 1 - (encoded % BOARD_TIME_SPAN_SECONDS);
  return { primary, reachedAtMs: BOARD_EPOCH_MS + seconds * 1000 };
}
