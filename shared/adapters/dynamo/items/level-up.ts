import { randomUUID } from 'node:crypto';
import type { UserLeveledUp } from '../../../../events/user-leveled-up.ts';
import { ARRIVAL_FROM_LEVEL, isArrival, type LevelUp, type Profile } from '../../../domain/profile.ts';
import { tournamentIdOn } from '../../../domain/tournament.ts';
import type { Item, ItemKey, PutWrite, QueryRead, UpdateWrite } from '../commands.ts';
import { playerPartition } from './partitions.ts';
import { GSI1, playerShard } from './secondary-index.ts';

/*
 * The LEVELUP item: the transactional outbox of a level-up. The progress transaction writes it
 * with the level, the table's stream and an EventBridge Pipe publish its INSERT as UserLeveledUp,
 * and the score consumer marks it scored.
 *
 * A new player's arrival is one too, from level 0 to the start level, written with the profile:
 * it puts the player on the global board through the same stream, retries, dead-letter queue and
 * redrive, so a player created while Redis is away still reaches the board (chaos seed 113).
 *
 * Until then it is listed on GSI1 under UNSCORED#<day>#<shard> (sharded by player, sorted by
 * time), so the close job can tell that every level-up of a day was scored before it seals the
 * day (the drain check), and the redrive finds the ones that never were. Arrivals score nothing
 * (no one is entered before they exist), so they wait apart, under UNPLACED#<day>#<shard>: the
 * redrive reads both listings, the drain check only the level-ups.
 */

/** The outbox item's entity: the Pipe's filter passes new items of this kind only (infra/workloads.ts). */
export const LEVEL_UP_ENTITY = 'LEVELUP';

/** Outbox items outlive any consumer's retries and the day they score for, then expire. */
export const OUTBOX_RETENTION_DAYS = 7;
const OUTBOX_TTL_SECONDS = OUTBOX_RETENTION_DAYS * 24 * 60 * 60;

/** Levels only grow, so the level reached names a player's level-up uniquely. */
function key(userId: string, toLevel: number): ItemKey {
  return { PK: playerPartition(userId), SK: `LEVELUP#${String(toLevel).padStart(9, '0')}` };
}

/** What an unscored outbox item waits to do: score a level-up, or place an arrival on the global board. */
export type OutboxListing = 'levelUps' | 'arrivals';

const LISTING_PREFIX: Record<OutboxListing, string> = { levelUps: 'UNSCORED', arrivals: 'UNPLACED' };

const unscoredPartition = (listing: OutboxListing, tournamentId: string, shard: number) =>
  `${LISTING_PREFIX[listing]}#${tournamentId}#${shard}`;

function toItem(userId: string, fromLevel: number, toLevel: number, at: Date): Item {
  return {
    ...key(userId, toLevel),
    entity: LEVEL_UP_ENTITY,
    eventId: randomUUID(),
    userId,
    fromLevel,
    toLevel,
    at: at.toISOString(),
    ttl: Math.floor(at.getTime() / 1000) + OUTBOX_TTL_SECONDS,
    GSI1PK: unscoredPartition(isArrival({ fromLevel }) ? 'arrivals' : 'levelUps', tournamentIdOn(at), playerShard(userId)),
    GSI1SK: at.toISOString(),
  };
}

/** The event an outbox item stands for (what the Pipe publishes as its detail). */
function fromItem(item: Item): UserLeveledUp {
  return {
    eventId: String(item['eventId']),
    userId: String(item['userId']),
    fromLevel: Number(item['fromLevel']),
    toLevel: Number(item['toLevel']),
    at: String(item['at']),
  };
}

export const levelUpItem = {
  key, fromItem,

  /** The outbox write of the progress transaction. */
  record(from: Profile, levelUp: LevelUp, at: Date): PutWrite {
    return { Item: toItem(from.userId, from.level, levelUp.level, at), ConditionExpression: 'attribute_not_exists(PK)' };
  },

  /** The outbox write of a profile's creation: the player arrives at their level, as of when they reached it (the board's tie-break). */
  arrival(profile: Profile): PutWrite {
    const at = new Date(profile.levelReachedAt);
    return { Item: toItem(profile.userId, ARRIVAL_FROM_LEVEL, profile.level, at), ConditionExpression: 'attribute_not_exists(PK)' };
  },

  /** Off the unscored listing: the score is applied. Refused if the item expired and is gone. */
  markScored(userId: string, toLevel: number, at: Date): UpdateWrite {
    return {
      Key: key(userId, toLevel),
      UpdateExpression: 'SET scoredAt = :at REMOVE GSI1PK, GSI1SK',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeValues: { ':at': at.toISOString() },
    };
  },

  /** One shard of one of a day's unscored listings, up to `until`. */
  unscored(listing: OutboxListing, tournamentId: string, shard: number, until: Date): QueryRead {
    return {
      IndexName: GSI1,
      KeyConditionExpression: 'GSI1PK = :unscored AND GSI1SK <= :until',
      ExpressionAttributeValues: { ':unscored': unscoredPartition(listing, tournamentId, shard), ':until': until.toISOString() },
    };
  },

  /** What `fromItem` reads: a listing read with it returns the events and nothing more. */
  eventProjection: {
    ProjectionExpression: 'eventId, userId, fromLevel, toLevel, #at',
    ExpressionAttributeNames: { '#at': 'at' },
  },
} as const;
