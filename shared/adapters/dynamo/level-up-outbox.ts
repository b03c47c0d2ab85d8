import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from './client.ts';
import { PENDING_SHARDS, keys, unscoredPartition } from './keys.ts';

/** The level-up outbox items (written by the progress transaction) as the score side sees them. */
export class LevelUpOutbox {
  constructor(private readonly table: TableRef) {}

  /** Takes a level-up off the unscored index once its score is applied. */
  async markScored(userId: string, toLevel: number, at: Date): Promise<void> {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keys.levelUp(userId, toLevel),
          UpdateExpression: 'SET scoredAt = :at REMOVE GSI1PK, GSI1SK',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':at': at.toISOString() },
        }),
      );
    } catch (error) {
      // Expired and deleted (a very late duplicate): nothing is left to mark.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
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
}
