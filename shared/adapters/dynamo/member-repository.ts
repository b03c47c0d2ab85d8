import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Member } from '../../domain/member.ts';
import type { SealedStanding } from '../../domain/seal.ts';
import { pointsForLevels } from '../../domain/scoring.ts';
import type { TableRef } from './client.ts';
import { appliedIfCondition, cancellationReasons } from './errors.ts';
import { batchGetAll } from './batch-get.ts';
import { keys } from './keys.ts';

function fromItem(item: Record<string, unknown>): Member {
  const { PK: _pk, SK: _sk, entity: _entity, ...member } = item;
  const m = member as unknown as Member & { score?: number; maxLevel?: number; scoreReachedAt?: string };
  return { ...m, score: m.score ?? 0, maxLevel: m.maxLevel ?? m.levelAtEntry, scoreReachedAt: m.scoreReachedAt ?? m.joinedAt };
}

export type ClaimOutcome = 'claimed' | 'already-claimed' | 'stale' | 'conflict';

/** Group members: their scores, final ranks and reward claims. */
export class MemberRepository {
  constructor(private readonly table: TableRef) {}

  async get(tournamentId: string, groupId: string, userId: string): Promise<Member | undefined> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: keys.member(tournamentId, groupId, userId), ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  /** All members of a group: one query of the group's own partition (at most 35 items). */
  async ofGroup(tournamentId: string, groupId: string): Promise<Member[]> {
    const { Items = [] } = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'PK = :group AND begins_with(SK, :user)',
        ExpressionAttributeValues: { ':group': keys.group(tournamentId, groupId).PK, ':user': 'USER#' },
        ConsistentRead: true,
      }),
    );
    return Items.map(fromItem);
  }

  /** Several members by key (BatchGetItem, 100 at a time, retrying what DynamoDB left unprocessed). */
  async many(refs: readonly { tournamentId: string; groupId: string; userId: string }[]): Promise<Member[]> {
    return (await batchGetAll(this.table, refs.map((r) => keys.member(r.tournamentId, r.groupId, r.userId)))).map(fromItem);
  }

  /**
   * Scores a level reached: the score is a function of the highest level reached since entry,
   * so the update only ever moves forward (a duplicate or an older level changes nothing).
   * Returns the member as it stands afterwards.
   */
  async applyLevel(args: { tournamentId: string; groupId: string; userId: string; level: number; at: string }): Promise<Member | undefined> {
    const member = await this.get(args.tournamentId, args.groupId, args.userId);
    if (!member) return undefined;
    if (args.level <= member.maxLevel) return member;
    // Not applied: someone else moved it further first, and what stands now is right.
    await appliedIfCondition(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keys.member(args.tournamentId, args.groupId, args.userId),
          UpdateExpression: 'SET maxLevel = :level, score = :score, scoreReachedAt = :at',
          ConditionExpression: 'attribute_not_exists(maxLevel) OR maxLevel < :level',
          ExpressionAttributeValues: {
            ':level': args.level,
            ':score': pointsForLevels(member.levelAtEntry, args.level),
            ':at': args.at,
          },
        }),
      ),
    );
    return this.get(args.tournamentId, args.groupId, args.userId);
  }

  /**
   * Credits the reward and marks the claim in one commit. The member's claim condition makes
   * it happen once; the profile's coins condition pins the balance the response reports.
   */
  async claim(member: Member, standing: Pick<SealedStanding, 'rank' | 'reward'>, coinsBefore: number, at: Date): Promise<ClaimOutcome> {
    const { reward } = standing;
    try {
      await this.table.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table.tableName,
                Key: keys.member(member.tournamentId, member.groupId, member.userId),
                // The claim keeps its rank and reward: a repeated claim answers from the member alone.
                UpdateExpression: 'SET claimedAt = :at, finalRank = :rank, reward = :reward, coinsAfterClaim = :after',
                ConditionExpression: 'attribute_not_exists(claimedAt)',
                ExpressionAttributeValues: { ':at': at.toISOString(), ':rank': standing.rank, ':reward': reward, ':after': coinsBefore + reward },
              },
            },
            {
              Update: {
                TableName: this.table.tableName,
                Key: keys.profile(member.userId),
                UpdateExpression: 'SET coins = coins + :reward, updatedAt = :at',
                ConditionExpression: 'coins = :before',
                ExpressionAttributeValues: { ':reward': reward, ':before': coinsBefore, ':at': at.toISOString() },
              },
            },
          ],
        }),
      );
      return 'claimed';
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      if (reasons[0] === 'ConditionalCheckFailed') return 'already-claimed';
      if (reasons[1] === 'ConditionalCheckFailed') return 'stale';
      if (reasons.includes('TransactionConflict')) return 'conflict';
      throw error;
    }
  }
}
