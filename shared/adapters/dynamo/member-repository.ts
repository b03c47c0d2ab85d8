import type { Member } from '../../domain/member.ts';
import type { SealedStanding } from '../../domain/seal.ts';
import { pointsForLevels } from '../../domain/scoring.ts';
import type { TableRef } from './client.ts';
import { batchGetAll, getItem, queryPage, transactWrite, updateItem } from './commands.ts';
import { conditionalWrite, transactionOutcome } from './errors.ts';
import { memberItem } from './items/member.ts';
import { profileItem } from './items/profile.ts';

export type ClaimOutcome = 'claimed' | 'already-claimed' | 'stale' | 'conflict';

/** Group members: their scores, final ranks and reward claims. */
export class MemberRepository {
  constructor(private readonly table: TableRef) {}

  async get(tournamentId: string, groupId: string, userId: string): Promise<Member | undefined> {
    const item = await getItem(this.table, memberItem.key(tournamentId, groupId, userId), { consistent: true });
    return item ? memberItem.fromItem(item) : undefined;
  }

  /** All members of a group: one query of the group's own partition (at most 35 items). */
  async ofGroup(tournamentId: string, groupId: string): Promise<Member[]> {
    return (await queryPage(this.table, memberItem.ofGroup(tournamentId, groupId))).items.map(memberItem.fromItem);
  }

  /** Several members by key (BatchGetItem, 100 at a time, retrying what DynamoDB left unprocessed). */
  async many(refs: readonly { tournamentId: string; groupId: string; userId: string }[]): Promise<Member[]> {
    return (await batchGetAll(this.table, refs.map((r) => memberItem.key(r.tournamentId, r.groupId, r.userId)))).map(memberItem.fromItem);
  }

  /**
   * Scores a level reached: the score is a function of the highest level reached since entry,
   * so the update only ever moves forward (a duplicate or an older level changes nothing).
   * Returns the member as it stands afterwards.
   */
  async applyLevel(args: { tournamentId: string; groupId: string; userId: string; level: number; at: string }): Promise<Member | undefined> {
    // Eventually consistent is enough (half the read units): the score needs the level at entry,
    // which never changes, and a stale maxLevel is only ever lower, so "already reached" is true
    // when it says so and the update's condition judges the rest. Only a member not found (a
    // join a moment ago) is read again, strongly.
    const key = memberItem.key(args.tournamentId, args.groupId, args.userId);
    const found = await getItem(this.table, key);
    const member = found ? memberItem.fromItem(found) : await this.get(args.tournamentId, args.groupId, args.userId);
    if (!member) return undefined;
    if (args.level <= member.maxLevel) return member;
    // The member as it stands afterwards comes back with the write, not from a second read: the
    // item the update wrote, or, if someone else moved it further first, the item that refused it.
    const write = await conditionalWrite(
      updateItem(this.table, memberItem.raiseScore({ ...args, score: pointsForLevels(member.levelAtEntry, args.level) }), { returnNew: true }),
    );
    const after = write.applied ? write.value : write.existing;
    return after ? memberItem.fromItem(after) : this.get(args.tournamentId, args.groupId, args.userId);
  }

  /**
   * Credits the reward and marks the claim in one commit. The member's claim condition makes
   * it happen once (`already-claimed`: marked before, or no such member); the profile's coins
   * condition pins the balance the response reports.
   */
  async claim(
    seat: Pick<Member, 'tournamentId' | 'groupId' | 'userId'>,
    standing: Pick<SealedStanding, 'rank' | 'reward'>,
    coinsBefore: number,
    at: Date,
  ): Promise<ClaimOutcome> {
    const claim = transactWrite(this.table, [
      { Update: memberItem.claim(seat, standing, coinsBefore + standing.reward, at) },
      { Update: profileItem.creditReward({ userId: seat.userId, reward: standing.reward, coinsBefore, at }) },
    ]);
    return transactionOutcome(claim, 'claimed', [
      [0, 'already-claimed'],
      [1, 'stale'],
    ]);
  }
}
