import { randomUUID } from 'node:crypto';
import type { UserLeveledUp } from '../../../../events/user-leveled-up.ts';
import type { LevelUp, Profile } from '../../../domain/profile.ts';
import { tournamentIdOn } from '../../../domain/tournament.ts';
import type { Item, ItemKey, PutWrite, QueryRead, UpdateWrite } from '../commands.ts';
import { playerPartition } from './partitions.ts';
import { GSI1, playerShard } from './secondary-index.ts';

/*
 * The LEVELUP item: the transactional outbox of a level-up. The progress transaction writes it
 * with the level, the table's stream and an EventBridge Pipe publish its INSERT as UserLeveledUp,
 * and the score consumer marks it scored.
 *
 * Until then it is listed on GSI1 under UNSCORED#<day>#<shard> (sharded by player, sorted by
 * time), so the close job can tell that every level-up of a day was scored before it seals the
 * day (the drain check), and the redrive finds the ones that never were.
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

const unscoredPartition = (tournamentId: string, shard: number) => `UNSCORED#${tournamentId}#${shard}`;

function toItem(from: Profile, levelUp: LevelUp, at: Date): Item {
  return {
    ...key(from.userId, levelUp.level),
    entity: LEVEL_UP_ENTITY,
    eventId: randomUUID(),
    userId: from.userId,
    fromLevel: from.level,
    toLevel: levelUp.level,
    at: at.toISOString(),
    ttl: Math.floor(at.getTime() / 1000) + OUTBOX_TTL_SECONDS,
    GSI1PK: unscoredPartition(tournamentIdOn(at), playerShard(from.userId)),
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
    return { Item: toItem(from, levelUp, at), ConditionExpression: 'attribute_not_exists(PK)' };
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

  /** One shard of a day's unscored listing, up to `until`. */
  unscored(tournamentId: string, shard: number, until: Date): QueryRead {
    return {
      IndexName: GSI1,
      KeyConditionExpression: 'GSI1PK = :unscored AND GSI1SK <= :until',
      ExpressionAttributeValues: { ':unscored': unscoredPartition(tournamentId, shard), ':until': until.toISOString() },
    };
  },

  /** What `fromItem` reads: a listing read with it returns the events and nothing more. */
  eventProjection: {
    ProjectionExpression: 'eventId, userId, fromLevel, toLevel, #at',
    ExpressionAttributeNames: { '#at': 'at' },
  },
} as const;
