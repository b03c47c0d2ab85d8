import type { SealedStanding } from '../../../domain/seal.ts';
import type { Item, ItemKey, QueryRead, UpdateWrite } from '../commands.ts';
import { groupPartition } from './partitions.ts';
import { GSI1 } from './secondary-index.ts';

/*
 * The GROUP item: a tournament group's member count (the guard that never lets a group pass its
 * size) and, once its day is sealed, its final standings. It shares its partition with its
 * members (member.ts).
 *
 * Every group of a tournament is listed on GSI1 under GROUPS#<tournament>#<shard> (its item carries
 * the index keys from its first join), sharded by group number so a rush opening hundreds of
 * groups a second spreads its index writes. The seal reads the highest group number of each shard
 * (one Query, Limit 1) to know how many groups there are, instead of reading 28,600 groups in turn.
 */

const ENTITY = 'GROUP';
const INDEX_SHARDS = 32;

/** A tournament group's own item. */
export interface Group {
  readonly tournamentId: string;
  readonly groupId: string;
  readonly members: number;
  readonly sealedAt?: string;
  readonly standings?: readonly SealedStanding[];
}

function key(tournamentId: string, groupId: string): ItemKey {
  return { PK: groupPartition(tournamentId, groupId), SK: 'GROUP' };
}

const indexPartition = (tournamentId: string, shard: number) => `GROUPS#${tournamentId}#${shard}`;

function fromItem(item: Item): Group {
  return {
    tournamentId: String(item['tournamentId']),
    groupId: String(item['groupId']),
    members: Number(item['members'] ?? 0),
    ...(item['sealedAt'] === undefined
      ? {}
      : { sealedAt: String(item['sealedAt']), standings: item['standings'] as SealedStanding[] }),
  };
}

export const groupItem = {
  key, fromItem,
  indexShards: INDEX_SHARDS,

  /** The index partition group number `groupNumber` is listed in. */
  indexKey(tournamentId: string, groupNumber: number): string {
    return indexPartition(tournamentId, groupNumber % INDEX_SHARDS);
  },

  /** One more member, never past `groupSize`; the first one creates the item and lists it on the index. */
  takeSeat(args: { tournamentId: string; groupId: string; groupNumber: number; groupSize: number }): UpdateWrite {
    const { tournamentId, groupId, groupNumber, groupSize } = args;
    return {
      Key: key(tournamentId, groupId),
      UpdateExpression: 'SET entity = :entity, tournamentId = :tournament, groupId = :group, GSI1PK = :index, GSI1SK = :group ADD members :one',
      ConditionExpression: 'attribute_not_exists(members) OR members < :size',
      ExpressionAttributeValues: {
        ':entity': ENTITY,
        ':tournament': tournamentId,
        ':group': groupId,
        ':index': groupItem.indexKey(tournamentId, groupNumber),
        ':one': 1,
        ':size': groupSize,
      },
    };
  },

  /** Fixes the group's final standings, once. */
  seal(tournamentId: string, groupId: string, standings: readonly SealedStanding[], at: Date): UpdateWrite {
    return {
      Key: key(tournamentId, groupId),
      UpdateExpression: 'SET sealedAt = :at, standings = :standings',
      ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(sealedAt)',
      ExpressionAttributeValues: { ':at': at.toISOString(), ':standings': standings },
    };
  },

  /** The highest-numbered group listed in one index shard (group ids sort in opening order). */
  highestInShard(tournamentId: string, shard: number): QueryRead {
    return {
      IndexName: GSI1,
      KeyConditionExpression: 'GSI1PK = :shard',
      ExpressionAttributeValues: { ':shard': indexPartition(tournamentId, shard) },
      ProjectionExpression: 'groupId',
      ScanIndexForward: false,
      Limit: 1,
    };
  },
} as const;
