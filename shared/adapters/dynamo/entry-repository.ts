import { QueryCommand, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { gameRules } from '../../domain/game-rules.ts';
import type { Entry } from '../../domain/entry.ts';
import type { TableRef } from './client.ts';
import { appliedIfCondition, cancellationReasons } from './errors.ts';
import { groupIndexKey, keys, pendingIndexKey, pendingPartition } from './keys.ts';
import { groupNumberOf } from '../../domain/tournament.ts';

export type ReserveOutcome = 'reserved' | 'already-entered' | 'cannot-pay' | 'conflict';
export type JoinOutcome = 'joined' | 'not-reserved' | 'group-full' | 'level-changed' | 'conflict';
export type RefundOutcome = 'refunded' | 'not-reserved' | 'conflict';

function fromItem(item: Record<string, unknown>): Entry {
  const e = item as unknown as Entry;
  return {
    userId: e.userId,
    tournamentId: e.tournamentId,
    status: e.status,
    fee: e.fee,
    reservedAt: e.reservedAt,
    expiresAt: e.expiresAt,
    ...(e.groupId ? { groupId: e.groupId, joinedAt: e.joinedAt } : {}),
  };
}

/**
 * Entries, their coin reservations and group membership. Every method is one DynamoDB
 * transaction whose conditions make it safe to retry and safe against every other step.
 */
export class EntryRepository {
  constructor(private readonly table: TableRef) {}

  async get(userId: string, tournamentId: string): Promise<Entry | undefined> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: keys.entry(userId, tournamentId), ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  /**
   * Takes the fee from the profile and records the reservation, in one commit. The entry's key
   * derives from player and tournament, so a retry finds it instead of charging again; only
   * a REFUNDED entry may be reserved again.
   */
  async reserve(args: { userId: string; tournamentId: string; fee: number; at: Date; expiresAt: Date }): Promise<ReserveOutcome> {
    const { userId, tournamentId, fee, at, expiresAt } = args;
    try {
      await this.table.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table.tableName,
                Key: keys.entry(userId, tournamentId),
                UpdateExpression:
                  'SET entity = :entity, userId = :user, tournamentId = :tournament, #status = :reserved, fee = :fee, ' +
                  'reservedAt = :at, expiresAt = :expires, GSI1PK = :pending, GSI1SK = :expires ' +
                  'REMOVE groupId, joinedAt, settledAt ADD attempts :one',
                ConditionExpression: 'attribute_not_exists(PK) OR #status = :refunded',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':entity': 'ENTRY',
                  ':user': userId,
                  ':tournament': tournamentId,
                  ':reserved': 'RESERVED',
                  ':refunded': 'REFUNDED',
                  ':fee': fee,
                  ':at': at.toISOString(),
                  ':expires': expiresAt.toISOString(),
                  ':pending': pendingIndexKey(tournamentId, userId),
                  ':one': 1,
                },
              },
            },
            {
              Update: {
                TableName: this.table.tableName,
                Key: keys.profile(userId),
                UpdateExpression: 'SET coins = coins - :fee, updatedAt = :at',
                ConditionExpression: 'coins >= :fee AND #level >= :minLevel',
                ExpressionAttributeNames: { '#level': 'level' },
                ExpressionAttributeValues: { ':fee': fee, ':at': at.toISOString(), ':minLevel': gameRules.tournament.minLevel },
              },
            },
          ],
        }),
      );
      return 'reserved';
    } catch (error) {
      return reasonOutcome<ReserveOutcome>(error, { 0: 'already-entered', 1: 'cannot-pay' });
    }
  }

  /**
   * Seats the player in a group: the entry moves RESERVED -> JOINED, the group's member count
   * grows (never past the group size) and the member item is written, all or nothing.
   */
  async join(args: {
    userId: string;
    tournamentId: string;
    groupId: string;
    displayName: string;
    /** The player's level now: only levels reached after joining will score. */
    levelAtEntry: number;
    at: Date;
  }): Promise<JoinOutcome> {
    const { userId, tournamentId, groupId, displayName, levelAtEntry, at } = args;
    const joinedAt = at.toISOString();
    try {
      await this.table.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table.tableName,
                Key: keys.entry(userId, tournamentId),
                UpdateExpression: 'SET #status = :joined, groupId = :group, joinedAt = :at',
                ConditionExpression: '#status = :reserved',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':joined': 'JOINED', ':reserved': 'RESERVED', ':group': groupId, ':at': joinedAt },
              },
            },
            {
              Update: {
                TableName: this.table.tableName,
                Key: keys.group(tournamentId, groupId),
                // The index keys make the group findable by the seal (see keys.ts, GROUP_INDEX_SHARDS).
                UpdateExpression:
                  'SET entity = :entity, tournamentId = :tournament, groupId = :group, GSI1PK = :index, GSI1SK = :group ADD members :one',
                ConditionExpression: 'attribute_not_exists(members) OR members < :size',
                ExpressionAttributeValues: {
                  ':entity': 'GROUP',
                  ':tournament': tournamentId,
                  ':group': groupId,
                  ':index': groupIndexKey(tournamentId, groupNumberOf(groupId)),
                  ':one': 1,
                  ':size': gameRules.tournament.groupSize,
                },
              },
            },
            {
              Put: {
                TableName: this.table.tableName,
                Item: {
                  ...keys.member(tournamentId, groupId, userId),
                  entity: 'MEMBER',
                  tournamentId,
                  groupId,
                  userId,
                  displayName,
                  levelAtEntry,
                  maxLevel: levelAtEntry,
                  score: 0,
                  scoreReachedAt: joinedAt,
                  joinedAt,
                },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            {
              // The level read before joining is still the level: levelAtEntry is exact.
              ConditionCheck: {
                TableName: this.table.tableName,
                Key: keys.profile(userId),
                ConditionExpression: '#level = :level',
                ExpressionAttributeNames: { '#level': 'level' },
                ExpressionAttributeValues: { ':level': levelAtEntry },
              },
            },
          ],
        }),
      );
      return 'joined';
    } catch (error) {
      return reasonOutcome<JoinOutcome>(error, { 0: 'not-reserved', 1: 'group-full', 2: 'not-reserved', 3: 'level-changed' });
    }
  }

  /** JOINED -> CONFIRMED: the saga finished. False if the entry is not JOINED. */
  async confirm(userId: string, tournamentId: string, at: Date): Promise<boolean> {
    return this.conditionalUpdate({
      Key: keys.entry(userId, tournamentId),
      UpdateExpression: 'SET #status = :confirmed, settledAt = :at REMOVE GSI1PK, GSI1SK',
      ConditionExpression: '#status = :joined',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':confirmed': 'CONFIRMED', ':joined': 'JOINED', ':at': at.toISOString() },
    });
  }

  /** RESERVED -> REFUNDED with the fee back on the profile, in one commit. */
  async refund(userId: string, tournamentId: string, at: Date): Promise<RefundOutcome> {
    const entry = await this.get(userId, tournamentId);
    if (!entry || entry.status !== 'RESERVED') return 'not-reserved';
    try {
      await this.table.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table.tableName,
                Key: keys.entry(userId, tournamentId),
                UpdateExpression: 'SET #status = :refunded, settledAt = :at REMOVE GSI1PK, GSI1SK',
                // The fee read above is the one refunded: the condition pins it.
                ConditionExpression: '#status = :reserved AND fee = :fee',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':refunded': 'REFUNDED', ':reserved': 'RESERVED', ':fee': entry.fee, ':at': at.toISOString() },
              },
            },
            {
              Update: {
                TableName: this.table.tableName,
                Key: keys.profile(userId),
                UpdateExpression: 'SET coins = coins + :fee, updatedAt = :at',
                ConditionExpression: 'attribute_exists(PK)',
                ExpressionAttributeValues: { ':fee': entry.fee, ':at': at.toISOString() },
              },
            },
          ],
        }),
      );
      return 'refunded';
    } catch (error) {
      return reasonOutcome<RefundOutcome>(error, { 0: 'not-reserved' });
    }
  }

  /**
   * The player's entries in a group (JOINED or CONFIRMED), newest tournament first, a page at a
   * time; the cursor is opaque to clients (the last key, base64url).
   */
  async enteredByUser(userId: string, limit: number, cursor?: string): Promise<{ entries: Entry[]; nextCursor?: string }> {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    if (cursor !== undefined) {
      try {
        const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
        if (key['PK'] !== keys.profile(userId).PK || typeof key['SK'] !== 'string' || !key['SK'].startsWith('ENTRY#')) throw new Error();
        ExclusiveStartKey = { PK: key['PK'], SK: key['SK'] };
      } catch {
        throw new InvalidCursor();
      }
    }
    const page = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'PK = :user AND begins_with(SK, :entry)',
        FilterExpression: '#status IN (:joined, :confirmed)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':user': keys.profile(userId).PK, ':entry': 'ENTRY#', ':joined': 'JOINED', ':confirmed': 'CONFIRMED' },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey,
      }),
    );
    const last = page.LastEvaluatedKey;
    return {
      entries: (page.Items ?? []).map(fromItem),
      ...(last ? { nextCursor: Buffer.from(JSON.stringify({ PK: last['PK'], SK: last['SK'] })).toString('base64url') } : {}),
    };
  }

  /** Unsettled entries of a tournament whose reservation expired before `before`, one index shard. */
  async listExpired(tournamentId: string, shard: number, before: Date): Promise<Entry[]> {
    const entries: Entry[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pending AND GSI1SK < :before',
          ExpressionAttributeValues: { ':pending': pendingPartition(tournamentId, shard), ':before': before.toISOString() },
          ExclusiveStartKey,
        }),
      );
      entries.push(...(page.Items ?? []).map(fromItem));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return entries;
  }

  private async conditionalUpdate(update: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>): Promise<boolean> {
    return appliedIfCondition(this.table.doc.send(new UpdateCommand({ TableName: this.table.tableName, ...update })));
  }
}

/** A history cursor this API did not hand out (or handed to another player). */
export class InvalidCursor extends Error {
  override readonly name = 'InvalidCursor';
}

/**
 * Maps a cancelled transaction to the outcome of the first item whose condition failed, or
 * 'conflict' when DynamoDB cancelled it for a concurrent transaction; rethrows anything else.
 */
function reasonOutcome<T extends string>(error: unknown, byItem: Record<number, T>): T | 'conflict' {
  const reasons = cancellationReasons(error);
  if (!reasons) throw error;
  const failed = reasons.findIndex((code) => code === 'ConditionalCheckFailed');
  const outcome = byItem[failed];
  if (outcome !== undefined) return outcome;
  if (reasons.includes('TransactionConflict')) return 'conflict';
  throw error;
}
