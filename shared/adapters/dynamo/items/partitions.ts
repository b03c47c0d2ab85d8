/*
 * The single table's shared partitions. Every item of a player (profile, entries, idempotency
 * records, level-ups) lives in the player's partition, so a player's transactions never touch
 * another player's partition. A group and its members share one partition of their own (at most
 * 36 items), so filling thousands of groups at once spreads over thousands of partitions.
 */

export const playerPartition = (userId: string): string => `USER#${userId}`;

export const groupPartition = (tournamentId: string, groupId: string): string => `TOURNAMENT#${tournamentId}#GROUP#${groupId}`;
