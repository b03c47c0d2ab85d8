/*
 * How a board keeps the contract's exact order in one sorted set: higher value first, then
 * whoever reached it first to the millisecond, then userId.
 *
 *   score  = -value                       (an integer: exact in a double up to 2^53)
 *   member = <ms, zero-padded to 15>:<userId>
 *
 * ZRANGE lists ascending score, then members in byte order among equal scores, so ascending
 * position is exactly (value desc, ms asc, userId asc): the padding makes byte order of the time
 * numeric order, and the time is fixed-width so userIds are only compared when times are equal.
 * Byte order of UTF-8 is code-point order, which equals code-unit order for every userId the app
 * issues (Cognito subs, ASCII).
 *
 * Beside the set, a hash (userId -> `value|ms|displayName`) finds a player's member and carries
 * what a reader shows. Its ms part is the padded text, so the member can be rebuilt from it.
 */

/** 15 digits hold every millisecond up to the year 33658. */
const MS_DIGITS = 15;
const MS_LIMIT = 10 ** MS_DIGITS;

/** One player on a board, as written and as read. */
export interface BoardEntry {
  readonly userId: string;
  /** Score (group board) or level (global board). */
  readonly value: number;
  /** When that value was reached, to the millisecond (ISO). */
  readonly reachedAt: string;
  readonly displayName: string;
}

/** Where an entry sits in the order: what a cursor and a rank lookup need. */
export interface BoardPosition {
  readonly value: number;
  readonly reachedAtMs: number;
  readonly userId: string;
}

export function paddedMs(reachedAtMs: number): string {
  if (!Number.isSafeInteger(reachedAtMs) || reachedAtMs < 0 || reachedAtMs >= MS_LIMIT) {
    throw new RangeError(`board time out of range: ${reachedAtMs}`);
  }
  return String(reachedAtMs).padStart(MS_DIGITS, '0');
}

export function boardValue(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`board value must be a non-negative integer, got ${value}`);
  return value;
}

export function instantMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO instant: ${iso}`);
  return ms;
}

/** The sorted-set member of a position (its score is -value). */
export function memberOf(position: BoardPosition): string {
  return `${paddedMs(position.reachedAtMs)}:${position.userId}`;
}

/** Parses an entries-hash value (`value|ms|displayName`; the name may contain `|`). */
export function entryFromHash(userId: string, stored: string): BoardEntry {
  const first = stored.indexOf('|');
  const second = stored.indexOf('|', first + 1);
  if (first < 0 || second < 0) throw new Error(`malformed board entry for ${userId}: ${stored}`);
  return {
    userId,
    value: Number(stored.slice(0, first)),
    reachedAt: new Date(Number(stored.slice(first + 1, second))).toISOString(),
    displayName: stored.slice(second + 1),
  };
}

/** Parses a sorted-set member back to its time and userId. */
export function parseMember(member: string): { reachedAtMs: number; userId: string } {
  return { reachedAtMs: Number(member.slice(0, MS_DIGITS)), userId: member.slice(MS_DIGITS + 1) };
}

export function positionOf(entry: BoardEntry): BoardPosition {
  return { value: entry.value, reachedAtMs: instantMs(entry.reachedAt), userId: entry.userId };
}

/** A raise script's arguments for one entry: userId, value, padded ms, displayName. */
export function raiseArgs(entry: BoardEntry): string[] {
  return [entry.userId, String(boardValue(entry.value)), paddedMs(instantMs(entry.reachedAt)), entry.displayName];
}
