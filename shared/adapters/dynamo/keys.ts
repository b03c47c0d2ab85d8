/**
 * The single table's keys. Every item of a player lives in the player's partition, so a
 * player's transactions never touch another player's partition.
 */
export const keys = {
  profile: (userId: string) => ({ PK: `USER#${userId}`, SK: 'PROFILE' }),
  idempotency: (userId: string, operation: string, key: string) => ({
    PK: `USER#${userId}`,
    SK: `IDEMPOTENCY#${operation}#${key}`,
  }),
  /** The player's entry (and coin reservation) for one tournament; its id derives from both. */
  entry: (userId: string, tournamentId: string) => ({ PK: `USER#${userId}`, SK: `ENTRY#${tournamentId}` }),
  tournament: (tournamentId: string) => ({ PK: `TOURNAMENT#${tournamentId}`, SK: 'META' }),
  /** The outbox item of a level-up; levels only grow, so the level reached names it uniquely. */
  levelUp: (userId: string, toLevel: number) => ({ PK: `USER#${userId}`, SK: `LEVELUP#${String(toLevel).padStart(9, '0')}` }),
  /**
   * A group and its members share one partition of their own (at most 36 items), so filling
   * thousands of groups at once spreads over thousands of partitions.
   */
  group: (tournamentId: string, groupId: string) => ({ PK: groupPartition(tournamentId, groupId), SK: 'GROUP' }),
  member: (tournamentId: string, groupId: string, userId: string) => ({
    PK: groupPartition(tournamentId, groupId),
    SK: `USER#${userId}`,
  }),
} as const;

function groupPartition(tournamentId: string, groupId: string): string {
  return `TOURNAMENT#${tournamentId}#GROUP#${groupId}`;
}

/**
 * Unsettled reservations are findable through GSI1 (a sparse index: the keys are removed once
 * settled). The partition is sharded by player so a burst of entries spreads its index writes.
 */
export const PENDING_SHARDS = 16;

export function pendingIndexKey(tournamentId: string, userId: string): string {
  return pendingPartition(tournamentId, shardOf(userId));
}

export function pendingPartition(tournamentId: string, shard: number): string {
  return `PENDING#${tournamentId}#${shard}`;
}

/**
 * Level-ups not yet scored are findable through GSI1 the same way (sparse, sharded), so the close
 * job can tell that every level-up of a day was scored before it seals the day (a drain check).
 */
export function unscoredIndexKey(tournamentId: string, userId: string): string {
  return unscoredPartition(tournamentId, shardOf(userId));
}

export function unscoredPartition(tournamentId: string, shard: number): string {
  return `UNSCORED#${tournamentId}#${shard}`;
}

/**
 * Every group of a tournament is findable through GSI1 (its item carries the index keys from its
 * first join), sharded by group number so a rush opening hundreds of groups a second spreads its
 * index writes. The seal reads the highest group number of each shard (one Query, Limit 1) to
 * know how many groups there are, instead of reading 28,600 groups one after another.
 */
export const GROUP_INDEX_SHARDS = 32;

export function groupIndexPartition(tournamentId: string, shard: number): string {
  return `GROUPS#${tournamentId}#${shard}`;
}

export function groupIndexKey(tournamentId: string, groupNumber: number): string {
  return groupIndexPartition(tournamentId, groupNumber % GROUP_INDEX_SHARDS);
}

function shardOf(userId: string): number {
  let hash = 0;
  for (const char of userId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % PENDING_SHARDS;
}
