import { randomUUID } from 'node:crypto';
import { BoardScripts, type PageRow } from './board-scripts.ts';
import {
  boardValue,
  entryFromHash,
  memberOf,
  parseMember,
  raiseArgs,
  type BoardEntry,
  type BoardPosition,
} from './board-order.ts';
import type { RedisClient } from './client.ts';
import { redisKeys } from './keys.ts';

export type { BoardEntry, BoardPosition } from './board-order.ts';

/** Group boards are kept a week after their day (history pages read DynamoDB anyway). */
const GROUP_BOARD_TTL_SECONDS = 8 * 24 * 60 * 60;
/**
 * A group rebuild that has not committed within this is abandoned (its commit then fails, and
 * its copy expires): it is one Query and two script calls, well under a second.
 */
const GROUP_REBUILD_TTL_SECONDS = 60;
/** A global rebuild that has not committed within this is abandoned (its commit then fails). */
const GLOBAL_REBUILD_TTL_SECONDS = 60 * 60;
/** Entries per script call when filling a rebuild: bounded work per call on the node. */
const REBUILD_CHUNK = 1_000;

/** An entry as a page of the board reads it (order data from the set, the name from the hash). */
function entryOfRow(row: PageRow): BoardEntry {
  const { reachedAtMs, userId } = parseMember(row.member);
  return {
    userId,
    value: 0 - Number(row.score), // not -x: a score of 0 would read as -0
    reachedAt: new Date(reachedAtMs).toISOString(),
    displayName: row.stored ? entryFromHash(userId, row.stored).displayName : userId,
  };
}

const scoreOf = (position: BoardPosition) => String(-boardValue(position.value));

/**
 * The leaderboards as Redis sorted sets in the contract's exact order (board-order.ts): a cache
 * rebuilt from DynamoDB at will, never the only copy. Writes only raise, so a duplicated or late
 * (lower) update never moves anyone back. Every operation touches the keys of one board only,
 * which share a hash tag (keys.ts): it works on a cluster-mode Redis.
 */
export class Leaderboards {
  private readonly scripts: BoardScripts;

  constructor(private readonly redis: RedisClient) {
    this.scripts = new BoardScripts(redis);
  }

  /** Puts a member on its group board (at 0 when it joins), or raises its score. */
  async setGroupScore(args: { tournamentId: string; groupId: string; userId: string; displayName: string; score: number; reachedAt: string }): Promise<void> {
    const entry = { userId: args.userId, value: args.score, reachedAt: args.reachedAt, displayName: args.displayName };
    await this.raiseGroup(args.tournamentId, args.groupId, raiseArgs(entry));
  }

  /** A member on its group board at 0 points from its join; a raise, so one who has scored since keeps the score. */
  async addMember(member: { tournamentId: string; groupId: string; userId: string; displayName: string; joinedAt: string }): Promise<void> {
    const { joinedAt, ...rest } = member;
    await this.setGroupScore({ ...rest, score: 0, reachedAt: joinedAt });
  }

  /** Raises a player on the global board (and in a rebuild in progress, so the level survives its commit). */
  async setLevel(args: { userId: string; displayName: string; level: number; reachedAt: string }): Promise<void> {
    const entry = { userId: args.userId, value: args.level, reachedAt: args.reachedAt, displayName: args.displayName };
    const rebuild = { copy: redisKeys.globalRebuild(), marker: redisKeys.globalRebuildMarker() };
    await this.scripts.raiseLive(redisKeys.globalBoard(), rebuild, 0, raiseArgs(entry));
  }

  /** Raises entries on a live group board (and in its rebuild copy while one runs); `complete`: they are the whole board. */
  private async raiseGroup(tournamentId: string, groupId: string, entryArgs: readonly string[], options: { complete?: boolean } = {}): Promise<void> {
    const rebuild = { copy: redisKeys.groupRebuild(tournamentId, groupId), marker: redisKeys.groupRebuildMarker(tournamentId, groupId) };
    await this.scripts.raiseLive(redisKeys.groupBoard(tournamentId, groupId), rebuild, GROUP_BOARD_TTL_SECONDS, entryArgs, options);
  }

  /** Every member of a group board, best first (at most 35), as Redis has it. */
  async group(tournamentId: string, groupId: string): Promise<BoardEntry[]> {
    return (await this.groupIfComplete(tournamentId, groupId, { evenIfPartial: true }))!;
  }

  /**
   * The group board if it can be trusted: built from DynamoDB (repaired or rebuilt) since Redis
   * last lost it. Undefined otherwise: after a cache loss, level-ups re-create boards with only
   * the members who levelled up since.
   */
  async groupIfComplete(tournamentId: string, groupId: string, options: { evenIfPartial?: boolean } = {}): Promise<BoardEntry[] | undefined> {
    const { complete, rows } = await this.scripts.page(redisKeys.groupBoard(tournamentId, groupId), -1);
    return complete || options.evenIfPartial ? rows.map(entryOfRow) : undefined;
  }

  /**
   * Completes a group board from DynamoDB's members (the raise semantic: a concurrent level-up
   * is never undone, a missing member is added) and marks it complete: the self-repair after a
   * cache loss, one group at a time, as readers find them.
   */
  async repairGroup(tournamentId: string, groupId: string, entries: readonly BoardEntry[]): Promise<void> {
    await this.raiseGroup(tournamentId, groupId, entries.flatMap(raiseArgs), { complete: true });
  }

  /** Whether the global board can be trusted, or a rebuild is under way, or neither (lost). */
  async globalBoardState(): Promise<'complete' | 'rebuilding' | 'incomplete'> {
    const results = await this.redis.multi().exists(redisKeys.globalBoard().complete).exists(redisKeys.globalRebuildMarker()).exec();
    failOnError(results);
    const [complete, rebuilding] = results!.map(([, count]) => count);
    return complete === 1 ? 'complete' : rebuilding === 1 ? 'rebuilding' : 'incomplete';
  }

  /**
   * A page of the global board, best first, starting right after `after` (the last entry of the
   * previous page) or at the top, and the 0-based position of its first entry. Paging by the last
   * entry rather than by position is stable: a player moving up meanwhile is neither shown twice
   * nor skipped by the pages that follow; if the cursor's player moved, the page starts where
   * the cursor's entry would be.
   */
  /** `complete`: the board was built from DynamoDB since Redis last lost it (else it may be partial). */
  async globalPage(limit: number, after?: BoardPosition): Promise<{ entries: BoardEntry[]; firstPosition: number; complete: boolean }> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`page limit must be a positive integer, got ${limit}`);
    const cursor = after ? { member: memberOf(after), score: scoreOf(after) } : undefined;
    const { complete, start, rows } = await this.scripts.page(redisKeys.globalBoard(), limit, cursor);
    return { entries: rows.map(entryOfRow), firstPosition: start, complete };
  }

  /** 0-based position on the global board (absent if the player is not on it), and whether the board is complete. */
  async globalPosition(userId: string): Promise<{ complete: boolean; position?: number; entry?: BoardEntry }> {
    const { complete, found } = await this.scripts.positionOfUser(redisKeys.globalBoard(), userId);
    return { complete, ...(found ? { position: found.position, entry: entryFromHash(userId, found.stored) } : {}) };
  }

  /** How many players rank above a position (where a player not on the board would be). */
  async globalCountAbove(position: BoardPosition): Promise<number> {
    return this.scripts.positionFor(redisKeys.globalBoard(), memberOf(position), scoreOf(position));
  }

  /**
   * Replaces a group board with its members as DynamoDB has them, whatever Redis held. The copy
   * and its marker come first, so every write that lands while `readMembers` reads DynamoDB (a
   * member joining, a score raised) reaches the copy as well as the live board; then one script
   * renames the copy over the live board, so readers see the old board or the new one, never a
   * half-built one, and never lose a write. 'superseded': a rebuild of the same board begun
   * meanwhile (a retried batch) holds the marker, and its commit stands instead.
   */
  async rebuildGroup(tournamentId: string, groupId: string, readMembers: () => Promise<readonly BoardEntry[]>): Promise<'replaced' | 'superseded'> {
    const live = redisKeys.groupBoard(tournamentId, groupId);
    const copy = redisKeys.groupRebuild(tournamentId, groupId);
    const marker = redisKeys.groupRebuildMarker(tournamentId, groupId);
    const token = randomUUID();
    await this.scripts.beginRebuild(copy, marker, token, GROUP_REBUILD_TTL_SECONDS);
    // A group is at most 35 members: they go into the copy in the commit's own script.
    const entryArgs = (await readMembers()).flatMap(raiseArgs);
    const size = await this.scripts.commitRebuild(copy, live, marker, { token, ttlSeconds: GROUP_BOARD_TTL_SECONDS, entryArgs });
    return size < 0 ? 'superseded' : 'replaced';
  }

  /**
   * Starts a global rebuild: an empty copy, and the marker that makes every level-up from now on
   * raise the copy too. Filled with addToGlobalRebuild, made live with commitGlobalRebuild.
   */
  async beginGlobalRebuild(): Promise<void> {
    // One rebuild at a time: a second one would clear the copy the first is filling.
    const claimed = await this.redis.set(redisKeys.globalRebuildMarker(), '1', 'EX', GLOBAL_REBUILD_TTL_SECONDS, 'NX');
    if (claimed !== 'OK') throw new Error('a global rebuild is already in progress');
    const rebuild = redisKeys.globalRebuild();
    await this.redis.del(rebuild.order, rebuild.entries);
  }

  /** Adds players to the rebuild copy (raise semantic: a concurrent level-up is never undone). */
  async addToGlobalRebuild(entries: readonly BoardEntry[]): Promise<void> {
    const rebuild = redisKeys.globalRebuild();
    for (let i = 0; i < entries.length; i += REBUILD_CHUNK) {
      await this.scripts.raiseMany(rebuild, 0, entries.slice(i, i + REBUILD_CHUNK).flatMap(raiseArgs));
    }
  }

  /** Swaps the rebuilt copy in for the live global board atomically; returns its member count. */
  async commitGlobalRebuild(): Promise<number> {
    return this.scripts.commitRebuild(redisKeys.globalRebuild(), redisKeys.globalBoard(), redisKeys.globalRebuildMarker());
  }
}

function failOnError(results: [Error | null, unknown][] | null): void {
  if (!results) throw new Error('Redis discarded the transaction');
  for (const [error] of results) if (error) throw error;
}
