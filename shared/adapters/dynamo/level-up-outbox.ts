import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { UserLeveledUp } from '../../../events/user-leveled-up.ts';
import type { TableRef } from './client.ts';
import { appliedIfCondition } from './errors.ts';
import { PENDING_SHARDS, keys, unscoredPartition } from './keys.ts';

/** A page of one shard of the unscored index; `next` continues it. */
export interface UnscoredPage {
  readonly levelUps: UserLeveledUp[];
  readonly next?: Record<string, unknown>;
}

/** The level-up outbox items (written by the progress transaction) as the score side sees them. */
export class LevelUpOutbox {
  constructor(private readonly table: TableRef) {}

  /** Takes a level-up off the unscored index once its score is applied. */
  async markScored(userId: string, toLevel: number, at: Date): Promise<void> {
    // Not applied: expired and deleted (a very late duplicate), nothing is left to mark.
    await appliedIfCondition(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keys.levelUp(userId, toLevel),
          UpdateExpression: 'SET scoredAt = :at REMOVE GSI1PK, GSI1SK',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':at': at.toISOString() },
        }),
      ),
    );
  }

  /** Whether a level-up of the tournament's day, at or before `until`, still waits for its score. */
  async hasUnscored(tournamentId: string, until: Date): Promise<boolean> {
    for (let shard = 0; shard < PENDING_SHARDS; shard++) {
      const { Items = [] } = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :unscored AND GSI1SK <= :until',
          ExpressionAttributeValues: { ':unscored': unscoredPartition(tournamentId, shard), ':until': until.toISOString() },
          Limit: 1,
        }),
      );
      if (Items.length > 0) return true;
    }
    return false;
  }

  /**
   * The unscored level-ups of a tournament's day (at or before `until`), a page of one index shard
   * at a time: what the seal counts when it seals at its deadline, and what the redrive scores.
   */
  async unscoredPage(tournamentId: string, shard: number, until: Date, next?: Record<string, unknown>): Promise<UnscoredPage> {
    const page = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :unscored AND GSI1SK <= :until',
        ExpressionAttributeValues: { ':unscored': unscoredPartition(tournamentId, shard), ':until': until.toISOString() },
        ProjectionExpression: 'eventId, userId, fromLevel, toLevel, #at',
        ExpressionAttributeNames: { '#at': 'at' },
        ExclusiveStartKey: next,
      }),
    );
    return {
      levelUps: (page.Items ?? []).map((item) => ({
        eventId: String(item['eventId']),
        userId: String(item['userId']),
        fromLevel: Number(item['fromLevel']),
        toLevel: Number(item['toLevel']),
        at: String(item['at']),
      })),
      ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}),
    };
  }

  /** Every unscored level-up of the day, all shards (the index holds only the unscored ones). */
  async allUnscored(tournamentId: string, until: Date): Promise<UserLeveledUp[]> {
    const all: UserLeveledUp[] = [];
    for (let shard = 0; shard < PENDING_SHARDS; shard++) {
      let next: Record<string, unknown> | undefined;
      do {
        const page = await this.unscoredPage(tournamentId, shard, until, next);
        all.push(...page.levelUps);
        next = page.next;
      } while (next);
    }
    return all;
  }
}
