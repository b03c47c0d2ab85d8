import type { Member } from '../../../domain/member.ts';
import type { SealedStanding } from '../../../domain/seal.ts';
import type { Item, ItemKey, PutWrite, QueryRead, UpdateWrite } from '../commands.ts';
import { pickFields, type FieldList } from './fields.ts';
import { groupPartition } from './partitions.ts';

/*
 * The MEMBER item: a player's seat in a group, in the group's partition, with the score and,
 * once claimed, the reward. Written whole by the join; the score and the claim update it.
 */

const ENTITY = 'MEMBER';
/** A member's sort key names the player: the group's partition holds one per member. */
const SK_PREFIX = 'USER#';

function key(tournamentId: string, groupId: string, userId: string): ItemKey {
  return { PK: groupPartition(tournamentId, groupId), SK: `${SK_PREFIX}${userId}` };
}

function toItem(member: Member): Item {
  return { ...key(member.tournamentId, member.groupId, member.userId), entity: ENTITY, ...member };
}

/** The join writes every field but the claim's four, which the claim writes together. */
const FIELDS: FieldList<Member> = {
  tournamentId: true, groupId: true, userId: true, displayName: true, joinedAt: true, levelAtEntry: true, maxLevel: true,
  score: true, scoreReachedAt: true, finalRank: true, reward: true, claimedAt: true, coinsAfterClaim: true,
};

const fromItem = (item: Item): Member => pickFields<Member>(item, FIELDS);

export const memberItem = {
  key, fromItem,

  /** The new member's item, written once. */
  seat(member: Member): PutWrite {
    return { Item: toItem(member), ConditionExpression: 'attribute_not_exists(PK)' };
  },

  /**
   * A higher level reached, with its score; only ever forward (a duplicate or an older level
   * changes nothing). A refusal returns the member as it stands (someone moved it further first).
   */
  raiseScore(args: { tournamentId: string; groupId: string; userId: string; level: number; score: number; at: string }): UpdateWrite {
    return {
      Key: key(args.tournamentId, args.groupId, args.userId),
      UpdateExpression: 'SET maxLevel = :level, score = :score, scoreReachedAt = :at',
      ConditionExpression: 'attribute_not_exists(maxLevel) OR maxLevel < :level',
      ExpressionAttributeValues: { ':level': args.level, ':score': args.score, ':at': args.at },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    };
  },

  /**
   * The claim mark, once, on a member that exists; it keeps its rank and reward, so a repeated
   * claim answers from the member alone.
   */
  claim(seat: Pick<Member, 'tournamentId' | 'groupId' | 'userId'>, standing: Pick<SealedStanding, 'rank' | 'reward'>, coinsAfter: number, at: Date): UpdateWrite {
    return {
      Key: key(seat.tournamentId, seat.groupId, seat.userId),
      UpdateExpression: 'SET claimedAt = :at, finalRank = :rank, reward = :reward, coinsAfterClaim = :after',
      ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(claimedAt)',
      ExpressionAttributeValues: { ':at': at.toISOString(), ':rank': standing.rank, ':reward': standing.reward, ':after': coinsAfter },
    };
  },

  /** All members of a group: its own partition (at most 35 items, one page). */
  ofGroup(tournamentId: string, groupId: string): QueryRead {
    return {
      KeyConditionExpression: 'PK = :group AND begins_with(SK, :user)',
      ExpressionAttributeValues: { ':group': groupPartition(tournamentId, groupId), ':user': SK_PREFIX },
      ConsistentRead: true,
    };
  },
} as const;
