import type { Redis } from 'ioredis';
import { decodeBoardScore, encodeBoardScore } from '../../domain/ranking.ts';

/** Group boards are kept a week after their day (history pages read DynamoDB anyway). */
const GROUP_BOARD_TTL_SECONDS = 8 * 24 * 60 * 60;

export interface BoardEntry {
  readonly userId: string;
  /** Score (group board) or level (global board). */
  readonly value: number;
  /** When that value was reached, to the second (the encoding's precision). */
  readonly reachedAt: string;
}

const groupKey = (tournamentId: string, groupId: string) => `board:group:${tournamentId}:${groupId}`;
const GLOBAL_KEY = 'board:global';
const NAMES_KEY = 'names';

function entriesOf(flat: readonly string[]): BoardEntry[] {
  const entries: BoardEntry[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const { primary, reachedAtMs } = decodeBoardScore(Number(flat[i + 1]));
    entries.push({ userId: flat[i]!, value: primary, reachedAt: new Date(reachedAtMs).toISOString() });
  }
  return entries;
}

/**
 * The leaderboards as Redis sorted sets: a cache rebuilt from DynamoDB at will, never the only
 * copy. Writes use ZADD GT, so a duplicated or late (lower) update never moves anyone back.
 */
export class Leaderboards {
  constructor(private readonly redis: Redis) {}

  /** Puts a member on its group board (at 0 when it joins), or raises its score. */
  async setGroupScore(args: { tournamentId: string; groupId: string; userId: string; displayName: string; score: number; reachedAt: string }): Promise<void> {
    const key = groupKey(args.tournamentId, args.groupId);
    await this.redis
      .multi()
      .zadd(key, 'GT', String(encodeBoardScore(args.score, args.reachedAt)), args.userId)
      .expire(key, GROUP_BOARD_TTL_SECONDS)
      .hset(NAMES_KEY, args.userId, args.displayName)
      .exec()
      .then(failOnError);
  }

  async setLevel(args: { userId: string; displayName: string; level: number; reachedAt: string }): Promise<void> {
    await this.redis
      .multi()
      .zadd(GLOBAL_KEY, 'GT', String(encodeBoardScore(args.level, args.reachedAt)), args.userId)
      .hset(NAMES_KEY, args.userId, args.displayName)
      .exec()
      .then(failOnError);
  }

  /** Every member of a group board, best first (at most 35). */
  async group(tournamentId: string, groupId: string): Promise<BoardEntry[]> {
    return entriesOf(await this.redis.zrevrange(groupKey(tournamentId, groupId), 0, -1, 'WITHSCORES'));
  }

  /**
   * A page of the global board, best first, starting right after `after` (the last entry of the
   * previous page) or at the top. Paging by the last entry rather than by position is stable:
   * a player moving up meanwhile is neither shown twice nor skipped by the pages that follow.
   * Returns the entries with their encoded scores (for the next cursor) and the first one's rank.
   */
  async globalPage(limit: number, after?: { encoded: number; userId: string }): Promise<{ entries: (BoardEntry & { encoded: number })[]; firstRank: number }> {
    const withEncoded = (flat: string[]) =>
      entriesOf(flat).map((entry, i) => ({ ...entry, encoded: Number(flat[i * 2 + 1]) }));
    let entries: (BoardEntry & { encoded: number })[];
    if (!after) {
      entries = withEncoded(await this.redis.zrevrange(GLOBAL_KEY, 0, limit - 1, 'WITHSCORES'));
    } else {
      // Equal scores come in descending member order: those down to `after.userId` were served.
      entries = [];
      for (let offset = 0; entries.length < limit; offset += limit + 100) {
        const chunk = withEncoded(
          await this.redis.zrevrangebyscore(GLOBAL_KEY, after.encoded, '-inf', 'WITHSCORES', 'LIMIT', offset, limit + 100),
        );
        entries.push(...chunk.filter((e) => !(e.encoded === after.encoded && e.userId >= after.userId)));
        if (chunk.length < limit + 100) break;
      }
      entries = entries.slice(0, limit);
    }
    const first = entries[0];
    const firstRank = first ? ((await this.redis.zrevrank(GLOBAL_KEY, first.userId)) ?? 0) + 1 : 0;
    return { entries, firstRank };
  }

  /** 0-based position on the global board, or undefined if the player is not on it. */
  async globalPosition(userId: string): Promise<{ position: number; entry: BoardEntry } | undefined> {
    const [[rankError, position], [scoreError, score]] = (await this.redis.multi().zrevrank(GLOBAL_KEY, userId).zscore(GLOBAL_KEY, userId).exec()) as [
      [Error | null, number | null],
      [Error | null, string | null],
    ];
    if (rankError || scoreError) throw rankError ?? scoreError;
    if (position === null || score === null) return undefined;
    return { position, entry: entriesOf([userId, score])[0]! };
  }

  /** How many players rank above an encoded board score (for a player not on the board). */
  async countAbove(encoded: number): Promise<number> {
    return this.redis.zcount(GLOBAL_KEY, `(${encoded}`, '+inf');
  }

  async names(userIds: readonly string[]): Promise<Map<string, string>> {
    if (userIds.length === 0) return new Map();
    const names = await this.redis.hmget(NAMES_KEY, ...userIds);
    return new Map(userIds.map((id, i) => [id, names[i] ?? id]));
  }

  /**
   * Replaces the boards with the given contents in one MULTI per board: readers see the old
   * board or the new one, never a half-built one (the rebuild job).
   */
  async replaceAll(args: {
    global: readonly BoardEntry[];
    groups: ReadonlyMap<string, { tournamentId: string; groupId: string; entries: readonly BoardEntry[] }>;
    names: ReadonlyMap<string, string>;
  }): Promise<void> {
    const replace = async (key: string, entries: readonly BoardEntry[], ttl?: number) => {
      const tx = this.redis.multi().del(key);
      for (let i = 0; i < entries.length; i += 1000) {
        const chunk = entries.slice(i, i + 1000).flatMap((e) => [String(encodeBoardScore(e.value, e.reachedAt)), e.userId]);
        tx.zadd(key, ...chunk);
      }
      if (ttl) tx.expire(key, ttl);
      await tx.exec().then(failOnError);
    };
    await replace(GLOBAL_KEY, args.global);
    for (const { tournamentId, groupId, entries } of args.groups.values()) {
      await replace(groupKey(tournamentId, groupId), entries, GROUP_BOARD_TTL_SECONDS);
    }
    const names = [...args.names].flat();
    for (let i = 0; i < names.length; i += 2000) await this.redis.hset(NAMES_KEY, ...names.slice(i, i + 2000));
  }
}

function failOnError(results: [Error | null, unknown][] | null): void {
  if (!results) throw new Error('Redis discarded the transaction');
  for (const [error] of results) if (error) throw error;
}
