/*
 * GSI1, the table's one secondary index, is sparse: an item is listed while it carries GSI1PK and
 * GSI1SK and taken off by removing them. It holds three listings, each owned by its item's module:
 * unsettled reservations (entry.ts), unscored level-ups (level-up.ts) and a day's groups (group.ts).
 * Each listing's partition is sharded, so a burst of writes spreads over several index partitions.
 */

export const GSI1 = 'GSI1';

/** Shards of the listings sharded by player (reservations, level-ups). */
export const PLAYER_SHARDS = 16;

export function playerShard(userId: string): number {
  let hash = 0;
  for (const char of userId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % PLAYER_SHARDS;
}
