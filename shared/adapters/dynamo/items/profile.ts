import type { LevelUp, Profile } from '../../../domain/profile.ts';
import type { ConditionCheckWrite, Item, ItemKey, PutWrite, ScanRead, UpdateWrite } from '../commands.ts';
import { pickFields, type FieldList } from './fields.ts';
import { playerPartition } from './partitions.ts';

/* The PROFILE item: a player's level and coins. Every coin movement is an update of it. */

const ENTITY = 'PROFILE';

/** The profile item as stored: the domain fields plus keys and bookkeeping. */
interface ProfileItem extends Profile {
  readonly PK: string;
  readonly SK: string;
  readonly entity: typeof ENTITY;
  readonly updatedAt: string;
}

/** What a leaderboard needs of a profile: all the rebuild's scan reads. */
export type ProfileOnBoard = Pick<Profile, 'userId' | 'displayName' | 'level' | 'levelReachedAt'>;

function key(userId: string): ItemKey {
  return { PK: playerPartition(userId), SK: 'PROFILE' };
}

function toItem(profile: Profile): ProfileItem {
  return { ...key(profile.userId), entity: ENTITY, ...profile, updatedAt: profile.createdAt };
}

const FIELDS: FieldList<Profile> = { userId: true, displayName: true, level: true, coins: true, createdAt: true, levelReachedAt: true };

const fromItem = (item: Item): Profile => pickFields<Profile>(item, FIELDS);

export const profileItem = {
  key, fromItem,

  /** Creates the profile unless one exists; never overwrites (so coins are granted once). */
  create(profile: Profile): PutWrite {
    return { Item: toItem(profile), ConditionExpression: 'attribute_not_exists(PK)' };
  },

  /** The level-up, from the state the profile was read in (optimistic check on level and coins). */
  levelUp(from: Profile, levelUp: LevelUp, at: Date): UpdateWrite {
    return {
      Key: key(from.userId),
      // Relative updates: even if the optimistic check were wrong, coins are only ever added.
      UpdateExpression: 'SET #level = #level + :levels, coins = coins + :earned, levelReachedAt = :at, updatedAt = :at',
      ConditionExpression: '#level = :fromLevel AND coins = :fromCoins',
      ExpressionAttributeNames: { '#level': 'level' },
      ExpressionAttributeValues: {
        ':levels': levelUp.level - from.level,
        ':earned': levelUp.coinsEarned,
        ':at': at.toISOString(),
        ':fromLevel': from.level,
        ':fromCoins': from.coins,
      },
    };
  },

  /** Takes the entry fee, only from a player who has the coins and the tournament's level. */
  chargeEntryFee(args: { userId: string; fee: number; minLevel: number; at: Date }): UpdateWrite {
    return {
      Key: key(args.userId),
      UpdateExpression: 'SET coins = coins - :fee, updatedAt = :at',
      ConditionExpression: 'coins >= :fee AND #level >= :minLevel',
      ExpressionAttributeNames: { '#level': 'level' },
      ExpressionAttributeValues: { ':fee': args.fee, ':at': args.at.toISOString(), ':minLevel': args.minLevel },
    };
  },

  /** Gives a reserved fee back. */
  refundEntryFee(args: { userId: string; fee: number; at: Date }): UpdateWrite {
    return {
      Key: key(args.userId),
      UpdateExpression: 'SET coins = coins + :fee, updatedAt = :at',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeValues: { ':fee': args.fee, ':at': args.at.toISOString() },
    };
  },

  /** Credits a reward onto the balance read before (`coins = :before` pins the balance the claim reports). */
  creditReward(args: { userId: string; reward: number; coinsBefore: number; at: Date }): UpdateWrite {
    return {
      Key: key(args.userId),
      UpdateExpression: 'SET coins = coins + :reward, updatedAt = :at',
      ConditionExpression: 'coins = :before',
      ExpressionAttributeValues: { ':reward': args.reward, ':before': args.coinsBefore, ':at': args.at.toISOString() },
    };
  },

  /** Holds while the player's level is still `level`. */
  levelIs(userId: string, level: number): ConditionCheckWrite {
    return {
      Key: key(userId),
      ConditionExpression: '#level = :level',
      ExpressionAttributeNames: { '#level': 'level' },
      ExpressionAttributeValues: { ':level': level },
    };
  },

  /**
   * One page of one segment of a parallel scan over the profiles, with only what a board needs.
   * Strongly consistent, so a level-up committed before the scan began is seen.
   */
  boardScan(args: { segment: number; totalSegments: number; exclusiveStartKey?: Item }): ScanRead {
    return {
      Segment: args.segment,
      TotalSegments: args.totalSegments,
      ExclusiveStartKey: args.exclusiveStartKey,
      ConsistentRead: true,
      FilterExpression: 'entity = :profile',
      ProjectionExpression: 'userId, displayName, #level, levelReachedAt',
      ExpressionAttributeNames: { '#level': 'level' },
      ExpressionAttributeValues: { ':profile': ENTITY },
    };
  },

  onBoardFromItem(item: Item): ProfileOnBoard {
    return {
      userId: String(item['userId']),
      displayName: String(item['displayName']),
      level: Number(item['level']),
      levelReachedAt: String(item['levelReachedAt']),
    };
  },
} as const;
