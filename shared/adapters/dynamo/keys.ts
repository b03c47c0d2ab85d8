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
} as const;
