import type { Entry } from '../../../domain/entry.ts';
import type { Item, ItemKey, QueryRead, UpdateWrite } from '../commands.ts';
import { pickFields, type FieldList } from './fields.ts';
import { playerPartition } from './partitions.ts';
import { GSI1, playerShard } from './secondary-index.ts';

/*
 * The ENTRY item: a player's entry into one tournament, which is also the reservation of its fee
 * (shared/domain/entry.ts has its states). Each write below is one state move, conditioned on
 * the state it leaves, so a retried step or a racing sweeper can never apply a move twice.
 *
 * While unsettled (RESERVED, JOINED) an entry is listed on GSI1 under PENDING#<tournament>#<shard>,
 * sorted by its expiry, so the sweeper finds the reservations their sagas abandoned.
 */

const ENTITY = 'ENTRY';
const SK_PREFIX = 'ENTRY#';

/** The player's entry for one tournament: its key derives from both, so a retried entry finds it. */
function key(userId: string, tournamentId: string): ItemKey {
  return { PK: playerPartition(userId), SK: `${SK_PREFIX}${tournamentId}` };
}

const pendingPartition = (tournamentId: string, shard: number) => `PENDING#${tournamentId}#${shard}`;

/** groupId and joinedAt are there once the entry joined (a new reservation removes them). */
const FIELDS: FieldList<Entry> = {
  userId: true, tournamentId: true, status: true, fee: true,
  reservedAt: true, expiresAt: true, groupId: true, joinedAt: true,
};

const fromItem = (item: Item): Entry => pickFields<Entry>(item, FIELDS);

export const entryItem = {
  key, fromItem,

  /** Whether `start` is a key of one of the player's entries: what a history cursor must hold. */
  isKeyOf(userId: string, start: Item): boolean {
    return start['PK'] === playerPartition(userId) && typeof start['SK'] === 'string' && start['SK'].startsWith(SK_PREFIX);
  },

  /** Records the reservation (listed as pending); only a REFUNDED entry may be reserved again. */
  reserve(args: { userId: string; tournamentId: string; fee: number; at: Date; expiresAt: Date }): UpdateWrite {
    const { userId, tournamentId, fee, at, expiresAt } = args;
    return {
      Key: key(userId, tournamentId),
      UpdateExpression:
        'SET entity = :entity, userId = :user, tournamentId = :tournament, #status = :reserved, fee = :fee, ' +
        'reservedAt = :at, expiresAt = :expires, GSI1PK = :pending, GSI1SK = :expires ' +
        'REMOVE groupId, joinedAt, settledAt ADD attempts :one',
      ConditionExpression: 'attribute_not_exists(PK) OR #status = :refunded',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':entity': ENTITY,
        ':user': userId,
        ':tournament': tournamentId,
        ':reserved': 'RESERVED',
        ':refunded': 'REFUNDED',
        ':fee': fee,
        ':at': at.toISOString(),
        ':expires': expiresAt.toISOString(),
        ':pending': pendingPartition(tournamentId, playerShard(userId)),
        ':one': 1,
      },
    };
  },

  /** RESERVED -> JOINED, in the group `groupId`. */
  join(args: { userId: string; tournamentId: string; groupId: string; joinedAt: string }): UpdateWrite {
    return {
      Key: key(args.userId, args.tournamentId),
      UpdateExpression: 'SET #status = :joined, groupId = :group, joinedAt = :at',
      ConditionExpression: '#status = :reserved',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':joined': 'JOINED', ':reserved': 'RESERVED', ':group': args.groupId, ':at': args.joinedAt },
    };
  },

  /** JOINED -> CONFIRMED: settled, so off the pending listing. */
  confirm(userId: string, tournamentId: string, at: Date): UpdateWrite {
    return {
      Key: key(userId, tournamentId),
      UpdateExpression: 'SET #status = :confirmed, settledAt = :at REMOVE GSI1PK, GSI1SK',
      ConditionExpression: '#status = :joined',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':confirmed': 'CONFIRMED', ':joined': 'JOINED', ':at': at.toISOString() },
    };
  },

  /** RESERVED -> REFUNDED: settled. The fee read before is the one refunded: the condition pins it. */
  refund(entry: Pick<Entry, 'userId' | 'tournamentId' | 'fee'>, at: Date): UpdateWrite {
    return {
      Key: key(entry.userId, entry.tournamentId),
      UpdateExpression: 'SET #status = :refunded, settledAt = :at REMOVE GSI1PK, GSI1SK',
      ConditionExpression: '#status = :reserved AND fee = :fee',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':refunded': 'REFUNDED', ':reserved': 'RESERVED', ':fee': entry.fee, ':at': at.toISOString() },
    };
  },

  /** The player's entries that have a group (JOINED or CONFIRMED), newest tournament first. */
  enteredByUser(userId: string, limit: number, start?: Item): QueryRead {
    return {
      KeyConditionExpression: 'PK = :user AND begins_with(SK, :entry)',
      FilterExpression: '#status IN (:joined, :confirmed)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':user': playerPartition(userId), ':entry': SK_PREFIX, ':joined': 'JOINED', ':confirmed': 'CONFIRMED' },
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: start,
    };
  },

  /** One shard of a tournament's pending listing: the entries whose reservation expired before `before`. */
  expired(tournamentId: string, shard: number, before: Date): QueryRead {
    return {
      IndexName: GSI1,
      KeyConditionExpression: 'GSI1PK = :pending AND GSI1SK < :before',
      ExpressionAttributeValues: { ':pending': pendingPartition(tournamentId, shard), ':before': before.toISOString() },
    };
  },
} as const;
