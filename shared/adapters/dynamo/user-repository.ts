import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { randomUUID } from 'node:crypto';
import type { LevelUp, Profile } from '../../domain/profile.ts';
import { tournamentIdOn } from '../../domain/tournament.ts';
import type { TableRef } from './client.ts';
import { cancellationReasons } from './errors.ts';
import { idempotencyPut, type IdempotencyRecord } from './idempotency-records.ts';
import { keys, unscoredIndexKey } from './keys.ts';

/** The profile item as stored: the domain fields plus keys and bookkeeping. */
interface ProfileItem extends Profile {
  readonly PK: string;
  readonly SK: string;
  readonly entity: 'PROFILE';
  readonly updatedAt: string;
}

function toItem(profile: Profile): ProfileItem {
  return { ...keys.profile(profile.userId), entity: 'PROFILE', ...profile, updatedAt: profile.createdAt };
}

function fromItem(item: Record<string, unknown>): Profile {
  const p = item as unknown as ProfileItem;
  return {
    userId: p.userId,
    displayName: p.displayName,
    level: p.level,
    coins: p.coins,
    createdAt: p.createdAt,
    levelReachedAt: p.levelReachedAt,
  };
}

export type LevelUpOutcome =
  /** Committed: the profile and (if any) the idempotency record were written together. */
  | 'applied'
  /** The profile changed since it was read; read it again and retry. */
  | 'stale'
  /** An idempotency record with this key already exists: answer from it. */
  | 'duplicate'
  /** Another transaction on the same items was in flight (DynamoDB TransactionConflict). */
  | 'conflict';

/** Outbox items outlive any consumer's retries and the day they score for, then expire. */
const OUTBOX_TTL_SECONDS = 7 * 24 * 60 * 60;

function levelUpOutboxItem(from: Profile, levelUp: LevelUp, at: Date) {
  const tournamentId = tournamentIdOn(at);
  return {
    ...keys.levelUp(from.userId, levelUp.level),
    entity: 'LEVELUP',
    eventId: randomUUID(),
    userId: from.userId,
    fromLevel: from.level,
    toLevel: levelUp.level,
    at: at.toISOString(),
    ttl: Math.floor(at.getTime() / 1000) + OUTBOX_TTL_SECONDS,
    // Listed as unscored until the score consumer has applied it (the close job's drain check).
    GSI1PK: unscoredIndexKey(tournamentId, from.userId),
    GSI1SK: at.toISOString(),
  };
}

export class UserRepository {
  constructor(private readonly table: TableRef) {}

  async get(userId: string, options: { consistent?: boolean } = {}): Promise<Profile | undefined> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: keys.profile(userId), ConsistentRead: options.consistent }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  /** Creates the profile unless one exists; never overwrites (so coins are granted once). */
  async createIfAbsent(profile: Profile): Promise<{ created: boolean; profile: Profile }> {
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: toItem(profile),
          ConditionExpression: 'attribute_not_exists(PK)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { created: true, profile };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // The failed condition returns the existing item (the document client leaves it marshalled).
      const existing = error.Item ? fromItem(unmarshall(error.Item)) : await this.get(profile.userId, { consistent: true });
      if (!existing) throw error;
      return { created: false, profile: existing };
    }
  }

  /**
   * Writes a level-up in one transaction: the profile moves from the state it was read in
   * (optimistic check on level and coins), the level-up's outbox item is created, and, when the
   * client sent an Idempotency-Key, so is the key's record, so a retry can never apply it twice.
   */
  async commitLevelUp(args: {
    readonly from: Profile;
    readonly levelUp: LevelUp;
    readonly at: Date;
    readonly idempotency?: IdempotencyRecord;
  }): Promise<LevelUpOutcome> {
    const { from, levelUp, at, idempotency } = args;
    const updateProfile = {
      Update: {
        TableName: this.table.tableName,
        Key: keys.profile(from.userId),
        // Relative updates: even if the optimistic check were wrong, coins are only ever added.
        UpdateExpression:
          'SET #level = #level + :levels, coins = coins + :earned, levelReachedAt = :at, updatedAt = :at',
        ConditionExpression: '#level = :fromLevel AND coins = :fromCoins',
        ExpressionAttributeNames: { '#level': 'level' },
        ExpressionAttributeValues: {
          ':levels': levelUp.level - from.level,
          ':earned': levelUp.coinsEarned,
          ':at': at.toISOString(),
          ':fromLevel': from.level,
          ':fromCoins': from.coins,
        },
      },
    };
    // The outbox: the level-up event is committed with the level, so the stream publishes it
    // exactly when the level changed, even if this process dies right after the commit.
    const outbox = {
      Put: {
        TableName: this.table.tableName,
        Item: levelUpOutboxItem(from, levelUp, at),
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
    const items = idempotency
      ? [updateProfile, outbox, idempotencyPut(this.table.tableName, idempotency, at)]
      : [updateProfile, outbox];
    try {
      await this.table.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return 'applied';
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      if (reasons[2] === 'ConditionalCheckFailed') return 'duplicate';
      if (reasons[0] === 'ConditionalCheckFailed') return 'stale';
      if (reasons.includes('TransactionConflict')) return 'conflict';
      throw error;
    }
  }
  /**
   * One page of one segment of a parallel scan over the profiles (Segment/TotalSegments), with
   * only what a leaderboard needs: the rebuild reads the table in bounded slices, many at once.
   * Strongly consistent, so a level-up committed before the rebuild began is seen.
   */
  async scanProfiles(args: {
    segment: number;
    totalSegments: number;
    exclusiveStartKey?: Record<string, unknown>;
  }): Promise<{ profiles: Pick<Profile, 'userId' | 'displayName' | 'level' | 'levelReachedAt'>[]; lastEvaluatedKey?: Record<string, unknown> }> {
    const page = await this.table.doc.send(
      new ScanCommand({
        TableName: this.table.tableName,
        Segment: args.segment,
        TotalSegments: args.totalSegments,
        ExclusiveStartKey: args.exclusiveStartKey,
        ConsistentRead: true,
        FilterExpression: 'entity = :profile',
        ProjectionExpression: 'userId, displayName, #level, levelReachedAt',
        ExpressionAttributeNames: { '#level': 'level' },
        ExpressionAttributeValues: { ':profile': 'PROFILE' },
      }),
    );
    return {
      profiles: (page.Items ?? []).map((item) => ({
        userId: String(item['userId']),
        displayName: String(item['displayName']),
        level: Number(item['level']),
        levelReachedAt: String(item['levelReachedAt']),
      })),
      ...(page.LastEvaluatedKey ? { lastEvaluatedKey: page.LastEvaluatedKey } : {}),
    };
  }
}
