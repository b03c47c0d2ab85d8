/**
 * Every Redis key of the app, in one place, because in cluster mode (ElastiCache Serverless)
 * the key decides the slot: a MULTI, a script or a multi-key command fails with CROSSSLOT
 * unless all its keys hash to one slot. Redis hashes only the part inside the first `{...}`
 * (the hash tag), so keys that must change together share a tag:
 *
 * - `{lb}`: the global board (order + entries), its rebuild copy and the rebuild marker. A level-up
 *   updates order and entries atomically, and during a rebuild the copy as well; the commit
 *   renames copy -> live. One board is one sorted set, so it lives in one slot anyway.
 * - `{g:<tournamentId>:<groupId>}`: one group's board (order + entries), its rebuild copy and
 *   the rebuild marker, for the same reasons.
 *   Each group has its own tag, so the ~28,600 groups of a big day spread over the cluster.
 * - `{seats:<tournamentId>}`: the seat counter, one key (its MULTI and script touch only it).
 *
 * The client's key prefix (`goodswipe:<stack>:`) has no braces, so the tag alone picks the slot.
 */

/** A board: the sorted set that orders it and the hash that describes each player on it. */
export interface BoardKeys {
  /** ZSET: score -value, member `<ms>:<userId>` (see board-order.ts). */
  readonly order: string;
  /** HASH: userId -> `value|ms|displayName`. */
  readonly entries: string;
  /**
   * STRING: present once the board was built from DynamoDB (rebuilt or repaired). A board
   * without it may be partial (Redis lost its data and level-ups re-created it): not trusted.
   */
  readonly complete: string;
}

const board = (tag: string, stage: string): BoardKeys => ({
  order: `{${tag}}:${stage}order`,
  entries: `{${tag}}:${stage}entries`,
  complete: `{${tag}}:${stage}complete`,
});

const GLOBAL_TAG = 'lb';
const groupTag = (tournamentId: string, groupId: string) => `g:${tournamentId}:${groupId}`;

export const redisKeys = {
  globalBoard: (): BoardKeys => board(GLOBAL_TAG, ''),
  /** Where a global rebuild is built before it replaces the live board. */
  globalRebuild: (): BoardKeys => board(GLOBAL_TAG, 'rebuild:'),
  /** Present while a global rebuild runs: level-ups then raise the rebuild copy too. */
  globalRebuildMarker: () => `{${GLOBAL_TAG}}:rebuilding`,
  groupBoard: (tournamentId: string, groupId: string): BoardKeys => board(groupTag(tournamentId, groupId), ''),
  groupRebuild: (tournamentId: string, groupId: string): BoardKeys => board(groupTag(tournamentId, groupId), 'rebuild:'),
  /** Present while a group board is rebuilt, holding that rebuild's token: writes then raise the copy too. */
  groupRebuildMarker: (tournamentId: string, groupId: string) => `{${groupTag(tournamentId, groupId)}}:rebuilding`,
  seatCounter: (tournamentId: string) => `{seats:${tournamentId}}:next`,
} as const;
